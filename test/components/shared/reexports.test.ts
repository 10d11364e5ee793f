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

test("parseCpu has one meaning (cores) wherever it is exported; millicores go by their own name", () => {
  expect(workload.parseCpu).toBe(parseCpuCores);
  expect(root.parseCpu).toBe(parseCpuCores);
  expect("parseCpu" in security).toBe(false);
  expect([workload.parseCpu("250m"), workload.parseCpu("1.5"), workload.parseCpu("0")]).toEqual([0.25, 1.5, 0]);
  expect([parseCpuMillicores("250m"), parseCpuMillicores("1.5"), parseCpuMillicores("0")]).toEqual([250, 1500, undefined]);
});

test.each([
  ["256Mi", 256 * 2 ** 20],
  ["1.5Gi", 1.5 * 2 ** 30],
  ["1G", 1e9],
  ["500k", 5e5],
  ["1K", undefined],
  ["1gi", undefined],
  ["-1Mi", undefined],
  ["", undefined],
])("memory %p is one quantity for workload and security", (text, bytes) => {
  expect(workload.parseMemory(text)).toBe(bytes);
  expect(security.parseBytes(text)).toBe(bytes);
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
