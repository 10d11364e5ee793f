/** Each shared helper is one binding, reachable under its old name from every area that exported it before. */
import * as cluster from "../../../components/cluster";
import * as data from "../../../components/data";
import * as monitoring from "../../../components/monitoring";
import * as network from "../../../components/network";
import * as security from "../../../components/security";
import * as workload from "../../../components/workload";
import { Environments } from "../../../components/shared/environment";
import { parseCpuCores, parseCpuMillicores, ZONE_KEY } from "../../../components/shared/kubernetes";
import { isLogRetentionDays, LOG_RETENTION_DAYS } from "../../../components/shared/logs";
import * as root from "../../../index";

test.each([
  ["Environments", [data.Environments, monitoring.Environments, network.Environments, root.Environments], Environments],
  ["LOG_RETENTION_DAYS", [monitoring.LOG_RETENTION_DAYS, network.LOG_RETENTION_DAYS, security.LOG_RETENTION_DAYS, root.LOG_RETENTION_DAYS], LOG_RETENTION_DAYS],
  ["ZONE_KEY", [monitoring.ZONE_KEY, workload.ZONE_KEY, root.ZONE_KEY], ZONE_KEY],
])("%s is the shared binding everywhere", (_name, copies, shared) => {
  for (const copy of copies) expect(copy).toBe(shared);
});

test("parseCpu keeps its unit per area: cores in workload (and at the root), millicores in security", () => {
  expect(workload.parseCpu).toBe(parseCpuCores);
  expect(root.parseCpu).toBe(parseCpuCores);
  expect(security.parseCpu).toBe(parseCpuMillicores);
  expect([workload.parseCpu("250m"), workload.parseCpu("1.5"), workload.parseCpu("0")]).toEqual([0.25, 1.5, 0]);
  expect([security.parseCpu("250m"), security.parseCpu("1.5"), security.parseCpu("0")]).toEqual([250, 1500, undefined]);
});

test("the root keeps cluster's trust-policy builders (JSON strings) where security has same-named document builders", () => {
  expect(root.irsaTrustPolicy).toBe(cluster.irsaTrustPolicy);
  expect(root.serviceTrustPolicy).toBe(cluster.serviceTrustPolicy);
  expect(root.irsaRole).toBe(security.irsaRole);
});

test.each([
  [1, true],
  [3653, true],
  [2, false],
  [30.5, false],
  ["30", false],
])("CloudWatch Logs retention %p accepted: %p", (days, ok) => expect(isLogRetentionDays(days)).toBe(ok));
