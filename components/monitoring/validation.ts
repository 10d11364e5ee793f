/**
 * Up-front validation of `MonitoringStackArgs`: every problem at once, before anything is registered.
 */
import { AWS_REGIONS, isKnownRegion } from "../shared/regions";
import { argsObjectProblems, checkInteger, checkOneOf, checkOptionalBoolean, checkOptionalObject, isRecord, listField, Problem, Problems } from "../shared/validation";
import { environmentProfile } from "../shared/environment";
import { checkAlertReceivers } from "./alertmanager";
import { clusterAlarmsProblems } from "./ClusterAlarms";
import { dashboardsProblems } from "./Dashboards";
import { loggingProblems } from "./Logging";
import type { MonitoringStackArgs } from "./MonitoringStack";
import { checkSlo } from "./sloValidation";
import { tracingProblems } from "./Tracing";
import { Environments } from "./types";

/** The Prometheus settings: replicas (the environment's floor), retention, storage size and class. */
function checkPrometheus(problems: Problems, args: MonitoringStackArgs): void {
  const profile = environmentProfile(args.environment);
  checkOptionalObject(problems, "prometheus", args.prometheus, "{ replicas, retentionDays, storageGi, storageClass }");
  const p = isRecord(args.prometheus) ? args.prometheus : {};
  if (p.storageClass !== undefined) {
    problems.check(typeof p.storageClass === "string" && p.storageClass !== "", { property: "prometheus.storageClass", value: p.storageClass, rule: "a StorageClass name", fix: "name the cluster's StorageClass, e.g. gp3, or leave it out" });
  }
  if (p.replicas !== undefined) {
    checkInteger(problems, "prometheus.replicas", p.replicas, profile.minPrometheusReplicas, 10,
      `${args.environment} runs at least ${profile.minPrometheusReplicas} Prometheus replica(s) (one per zone in prod): set replicas to ${profile.minPrometheusReplicas}`);
  }
  if (p.retentionDays !== undefined) checkInteger(problems, "prometheus.retentionDays", p.retentionDays, 1, 365);
  if (p.storageGi !== undefined) checkInteger(problems, "prometheus.storageGi", p.storageGi, 10, 16384);
}

export function monitoringStackProblems(args: MonitoringStackArgs): Problem[] {
  const shape = argsObjectProblems(args, "MonitoringStack");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  checkOneOf(problems, "environment", args.environment, Environments);
  problems.check(isKnownRegion(args.region), {
    property: "region",
    value: args.region,
    rule: `a known AWS region (${Object.keys(AWS_REGIONS).join(", ")})`,
    fix: "set region to the cluster's region",
  });
  const profile = environmentProfile(args.environment);
  checkPrometheus(problems, args);
  checkOptionalBoolean(problems, "protect", args.protect);
  if (args.alertmanagerReplicas !== undefined) {
    checkInteger(
      problems,
      "alertmanagerReplicas",
      args.alertmanagerReplicas,
      profile.minAlertmanagerReplicas,
      9,
      `${args.environment} needs at least ${profile.minAlertmanagerReplicas} Alertmanager replica(s) so a node loss does not drop notifications: set 3`,
    );
  }

  const names = new Set<string>();
  listField(problems, "slos", args.slos).forEach((slo, i) => {
    // A non-object SLO is reported by checkSlo; it has no name to compare.
    if (!checkSlo(problems, `slos[${i}]`, slo) && !isRecord(slo)) return;
    problems.check(!names.has(slo.name), {
      property: `slos[${i}].name`,
      value: slo.name,
      rule: "a name no other SLO in this stack uses (it names the PrometheusRule and the alerts)",
      fix: "merge the two SLOs or rename one",
    });
    names.add(slo.name);
  });

  if (args.alertReceivers === undefined) {
    problems.add({
      property: "alertReceivers",
      value: undefined,
      rule: "receivers and the receiver for each severity",
      fix: "pass alertReceivers: { receivers: [...], critical: <pager receiver>, warning: <ticket receiver> }",
    });
  } else {
    checkAlertReceivers(problems, "alertReceivers", args.alertReceivers);
  }
  if (args.dashboards) problems.addAll(dashboardsProblems(args.dashboards));
  // false turns tracing off; anything else but an object (or unset) is reported rather than spread.
  if (args.tracing !== false && checkOptionalObject(problems, "tracing", args.tracing, "of tracing settings { exporter, samplingPercentage, gatewayReplicas }, or false")) {
    problems.addAll(tracingProblems({ region: args.region, oidcIssuer: "", oidcProviderArn: "", ...(args.tracing ?? {}) }));
  }
  if (args.logging !== false) problems.addAll(loggingProblems(args.logging ?? {}));
  if (args.alarms !== false) problems.addAll(clusterAlarmsProblems(args.alarms ?? undefined));
  return [...problems.list];
}
