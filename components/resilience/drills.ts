/**
 * The fault-injection drills of one region as plain specs (no runtime), so tests and the docs read the same actions,
 * targets and objectives the component deploys.
 *
 * Action ids and target resource types are AWS FIS's (Actions reference, and the scenario library's "AZ Availability:
 * Power Interruption" for the zone drill): `aws:ec2:stop-instances` on `aws:ec2:instance`,
 * `aws:ec2:asg-insufficient-instance-capacity-error` on `aws:ec2:autoscaling-group`, `aws:network:disrupt-connectivity`
 * on `aws:ec2:subnet`, `aws:rds:failover-db-cluster` on `aws:rds:cluster`,
 * `aws:elasticache:replicationgroup-interrupt-az-power` on `aws:elasticache:replicationgroup`, `aws:eks:pod-delete` on
 * `aws:eks:pod` and `aws:eks:terminate-nodegroup-instances` on `aws:eks:nodegroup`.
 *
 * Checked 2026-12 against the FIS user guide ("List the AWS FIS actions": the `aws fis list-actions` output; "Use the
 * aws:eks:pod actions") and public experiment templates: every id below exists under that name. Parameters:
 * stop-instances `startInstancesAfterDuration` and `completeIfInstancesTerminated`; asg-insufficient-instance-
 * capacity-error `duration`, `availabilityZoneIdentifiers`, `percentage`; disrupt-connectivity `duration`, `scope`;
 * failover-db-cluster none; replicationgroup-interrupt-az-power `duration` only, its zone being the target's
 * `availabilityZoneIdentifier` parameter (it was wrongly an action parameter before, which FIS rejects); pod-delete
 * `kubernetesServiceAccount` (target parameters clusterIdentifier, namespace, selectorType, selectorValue);
 * terminate-nodegroup-instances `instanceTerminationPercentage`. The older id aws:elasticache:interrupt-cluster-az-power
 * still appears in the CLI listing; the replication-group one is the current name. Quotas: see FIS_QUOTAS.
 */
import * as pulumi from "@pulumi/pulumi";
import { argsObjectProblems, isRecord, listField, Problem, Problems } from "../shared/validation";

export const FisActions = {
  StopInstances: "aws:ec2:stop-instances",
  AsgCapacityError: "aws:ec2:asg-insufficient-instance-capacity-error",
  DisruptConnectivity: "aws:network:disrupt-connectivity",
  FailoverAurora: "aws:rds:failover-db-cluster",
  InterruptCacheAzPower: "aws:elasticache:replicationgroup-interrupt-az-power",
  DeletePods: "aws:eks:pod-delete",
  TerminateNodegroupInstances: "aws:eks:terminate-nodegroup-instances",
} as const;
export type FisAction = (typeof FisActions)[keyof typeof FisActions];

/** Which kind of drill a template runs. */
export const DrillKinds = { ZoneLoss: "zone-loss", PodTermination: "pod-termination", NodeTermination: "node-termination" } as const;
export type DrillKind = (typeof DrillKinds)[keyof typeof DrillKinds];

/** What a drill proves, written on the template (tag and description) and in the game-day guide. */
export interface DrillObjective {
  /** e.g. "availability SLO 99.9 % holds while one zone is lost". */
  readonly statement: string;
  /** The alarm family that measures it during the drill (and stops the drill when it breaches). */
  readonly measuredBy: readonly StopSignal[];
}

/** Alarm families a drill stops on. `availability`: the SLO burn-rate alarm; `data`: the data tier's alarms. */
export const StopSignals = ["availability", "data"] as const;
export type StopSignal = (typeof StopSignals)[number];

export interface DrillSettings {
  /** How long faults are held, in minutes (1–720, FIS durations are ISO 8601). @default 10 */
  readonly durationMinutes?: number;
  /**
   * The alarm families that stop every drill; at least one. A drill without a stop condition can only be stopped
   * by hand, so the empty list is rejected.
   * @default ["availability", "data"]
   */
  readonly stopOn?: readonly StopSignal[];
  /** Share of a node group's instances `node-termination` terminates, 1–100. @default 34 (one zone's worth of three) */
  readonly nodeTerminationPercent?: number;
  /** Share of a service's pods `pod-termination` deletes, 1–100. @default 50 */
  readonly podDeletionPercent?: number;
}

export interface ResolvedDrillSettings {
  readonly durationMinutes: number;
  readonly stopOn: readonly StopSignal[];
  readonly nodeTerminationPercent: number;
  readonly podDeletionPercent: number;
}

/**
 * The AWS FIS service quotas a template must fit, all per region and not adjustable. Re-confirmed 2026-12 against the
 * Service Quotas listing for `fis` (quota codes L-872EC72B "Stop conditions per experiment template" 5, L-0BFE6B67
 * "Actions per experiment template" 20, L-EB051440 "Parallel actions per experiment" 10, "Action duration in hours"
 * 12 and "Experiment duration in hours" 12), as stored in public copies of that listing; the FIS user guide's
 * "Quotas and limitations" page (fis-quotas.html) points there but was not in the stored sources. Per-action target
 * quotas (e.g. 5 subnets for aws:network:disrupt-connectivity) count resources FIS resolves from tags at start and
 * cannot be judged before deploy. Refresh: `aws service-quotas list-service-quotas --service-code fis`.
 */
export const FIS_QUOTAS = { stopConditionsPerTemplate: 5, actionsPerTemplate: 20, parallelActionsPerExperiment: 10, actionDurationMinutes: 720 } as const;
/** FIS accepts at most 5 stop conditions per experiment template (FIS_QUOTAS). */
export const MAX_STOP_CONDITIONS = FIS_QUOTAS.stopConditionsPerTemplate;

/**
 * Templates that FIS would refuse (or could not run whole): more actions than a template holds, or more starting
 * together than an experiment runs in parallel. Every action of these drills starts at once (none has startAfter).
 * Returns every problem and never throws: a value that is not a list of specs is reported, not read.
 */
export function drillQuotaProblems(specs: readonly DrillSpec[] | undefined, at = "drills"): Problem[] {
  const problems = new Problems();
  listField(problems, at, specs).forEach((spec: unknown, i) => {
    if (!problems.check(isRecord(spec) && Array.isArray(spec.actions), {
      property: `${at}[${i}]`, value: spec, rule: "a drill spec with a list of actions", fix: "pass the specs drillSpecs returns",
    })) return;
    const { key, actions } = spec as unknown as DrillSpec;
    problems.check(actions.length <= FIS_QUOTAS.actionsPerTemplate, {
      property: `${at}.${key}.actions`, value: actions.length, rule: `at most ${FIS_QUOTAS.actionsPerTemplate} actions per experiment template (FIS quota)`, fix: "split the drill into several templates",
    });
    problems.check(actions.length <= FIS_QUOTAS.parallelActionsPerExperiment, {
      property: `${at}.${key}.actions`, value: actions.length, rule: `at most ${FIS_QUOTAS.parallelActionsPerExperiment} actions running in parallel per experiment (FIS quota); these all start together`,
      fix: "split the drill, or sequence its actions with startAfter",
    });
  });
  return [...problems.list];
}

export function resolveDrillSettings(s: DrillSettings = {}): ResolvedDrillSettings {
  return {
    durationMinutes: s.durationMinutes ?? 10,
    stopOn: s.stopOn ?? [...StopSignals],
    nodeTerminationPercent: s.nodeTerminationPercent ?? 34,
    podDeletionPercent: s.podDeletionPercent ?? 50,
  };
}

/** Every problem with drill settings; `at` prefixes property names (config key or component argument). */
export function drillSettingsProblems(s: DrillSettings | undefined, at = "drills"): Problem[] {
  const shape = s === undefined ? [] : argsObjectProblems(s, "drill", at);
  if (shape.length > 0) return shape;
  const problems = new Problems();
  const r = resolveDrillSettings(s);
  problems.check(Number.isInteger(r.durationMinutes) && r.durationMinutes >= 1 && r.durationMinutes <= FIS_QUOTAS.actionDurationMinutes, {
    property: `${at}.durationMinutes`, value: r.durationMinutes, rule: "an integer from 1 to 720 (FIS holds a fault for 1 minute to 12 hours)",
    fix: "set durationMinutes to e.g. 10",
  });
  problems.check(Array.isArray(r.stopOn) && r.stopOn.length > 0, {
    property: `${at}.stopOn`, value: r.stopOn, rule: `at least one of ${StopSignals.join(", ")}: a drill without a stop condition cannot stop itself when the objective breaks`,
    fix: `set stopOn to ["availability", "data"]`,
  });
  (Array.isArray(r.stopOn) ? r.stopOn : []).forEach((signal, i) => problems.check((StopSignals as readonly string[]).includes(signal), {
    property: `${at}.stopOn[${i}]`, value: signal, rule: `one of ${StopSignals.join(", ")}`, fix: "remove or correct the entry",
  }));
  for (const key of ["nodeTerminationPercent", "podDeletionPercent"] as const) {
    problems.check(Number.isInteger(r[key]) && r[key] >= 1 && r[key] <= 100, {
      property: `${at}.${key}`, value: r[key], rule: "an integer percentage from 1 to 100", fix: `set ${key} to e.g. 50`,
    });
  }
  return [...problems.list];
}

/** ISO 8601 duration FIS expects, e.g. `PT10M`. */
export const isoMinutes = (minutes: number): string => `PT${minutes}M`;

export interface FisTargetSpec {
  readonly name: string;
  readonly resourceType: string;
  readonly selectionMode: string;
  readonly resourceTags?: readonly { key: string; value: pulumi.Input<string> }[];
  readonly filters?: readonly { path: string; values: pulumi.Input<string>[] }[];
  readonly parameters?: Readonly<Record<string, pulumi.Input<string>>>;
}

export interface FisActionSpec {
  readonly name: string;
  readonly actionId: FisAction;
  readonly target: { readonly key: string; readonly value: string };
  readonly parameters: Readonly<Record<string, string>>;
}

export interface DrillSpec {
  /** Stable suffix of the template's resource name. */
  readonly key: string;
  readonly kind: DrillKind;
  readonly description: string;
  readonly objective: DrillObjective;
  readonly targets: readonly FisTargetSpec[];
  readonly actions: readonly FisActionSpec[];
}

/** What the specs need to know about the region. */
export interface DrillRegion {
  readonly region: string;
  readonly clusterName: pulumi.Input<string>;
  readonly vpcId: pulumi.Input<string>;
  readonly zones: readonly string[];
  /** The Aurora writer lives here (global primary); FIS cannot fail over a secondary cluster of a global database. */
  readonly auroraWriter: boolean;
  /** Tag (key = value) the data tier puts on its clusters and replication groups. */
  readonly dataTierTag?: { readonly key: string; readonly value: string };
  readonly services: readonly { readonly name: string; readonly namespace: string; readonly sloObjective: number }[];
  readonly objectives: { readonly rpoSeconds: number; readonly rtoSeconds: number };
}

/** Kubernetes service account (per tenant namespace) the FIS EKS pod actions run as. */
export const FIS_SERVICE_ACCOUNT = "fis-experiment";

function zoneLoss(r: DrillRegion, s: ResolvedDrillSettings, zone: string, strictestSlo: number): DrillSpec {
  const duration = isoMinutes(s.durationMinutes);
  const clusterTag = [{ key: "eks:cluster-name", value: r.clusterName }];
  const targets: FisTargetSpec[] = [
    { name: "nodes", resourceType: "aws:ec2:instance", selectionMode: "ALL", resourceTags: clusterTag, filters: [{ path: "Placement.AvailabilityZone", values: [zone] }, { path: "State.Name", values: ["running"] }] },
    { name: "nodeGroups", resourceType: "aws:ec2:autoscaling-group", selectionMode: "ALL", resourceTags: clusterTag },
    { name: "subnets", resourceType: "aws:ec2:subnet", selectionMode: "ALL", filters: [{ path: "VpcId", values: [r.vpcId] }, { path: "AvailabilityZone", values: [zone] }] },
  ];
  const actions: FisActionSpec[] = [
    { name: "stop-nodes", actionId: FisActions.StopInstances, target: { key: "Instances", value: "nodes" }, parameters: { startInstancesAfterDuration: duration, completeIfInstancesTerminated: "true" } },
    { name: "no-capacity-in-zone", actionId: FisActions.AsgCapacityError, target: { key: "AutoScalingGroups", value: "nodeGroups" }, parameters: { duration, availabilityZoneIdentifiers: zone, percentage: "100" } },
    { name: "zone-network-down", actionId: FisActions.DisruptConnectivity, target: { key: "Subnets", value: "subnets" }, parameters: { duration, scope: "all" } },
  ];
  if (r.dataTierTag) {
    const dataTag = [{ key: r.dataTierTag.key, value: r.dataTierTag.value }];
    // The zone is a parameter of the replication-group *target* (which nodes lose power), not of the action, whose
    // only parameter is `duration` (FIS actions reference, aws:elasticache:replicationgroup-interrupt-az-power).
    targets.push({ name: "cacheGroups", resourceType: "aws:elasticache:replicationgroup", selectionMode: "ALL", resourceTags: dataTag, parameters: { availabilityZoneIdentifier: zone } });
    actions.push({ name: "cache-zone-power", actionId: FisActions.InterruptCacheAzPower, target: { key: "ReplicationGroups", value: "cacheGroups" }, parameters: { duration } });
    if (r.auroraWriter) {
      targets.push({ name: "auroraClusters", resourceType: "aws:rds:cluster", selectionMode: "ALL", resourceTags: dataTag });
      actions.push({ name: "aurora-failover", actionId: FisActions.FailoverAurora, target: { key: "Clusters", value: "auroraClusters" }, parameters: {} });
    }
  }
  return {
    key: `zone-loss-${zone}`,
    kind: DrillKinds.ZoneLoss,
    description: `Loss of ${zone}: nodes stopped, no capacity, subnets cut off${r.dataTierTag ? ", cache and Aurora writer moved out" : ""} for ${s.durationMinutes} min`,
    objective: {
      statement: `availability SLO ${strictestSlo} % holds and writes resume within RTO ${r.objectives.rtoSeconds} s with no loss beyond RPO ${r.objectives.rpoSeconds} s while ${zone} is lost`,
      measuredBy: s.stopOn,
    },
    targets,
    actions,
  };
}

function podTermination(r: DrillRegion, s: ResolvedDrillSettings, svc: DrillRegion["services"][number]): DrillSpec {
  return {
    key: `pods-${svc.namespace}-${svc.name}`,
    kind: DrillKinds.PodTermination,
    description: `Delete ${s.podDeletionPercent} % of ${svc.namespace}/${svc.name} pods`,
    objective: { statement: `availability SLO ${svc.sloObjective} % of ${svc.name} holds while ${s.podDeletionPercent} % of its pods are deleted`, measuredBy: s.stopOn },
    targets: [{
      name: "pods",
      resourceType: "aws:eks:pod",
      selectionMode: `PERCENT(${s.podDeletionPercent})`,
      parameters: { clusterIdentifier: r.clusterName, namespace: svc.namespace, selectorType: "labelSelector", selectorValue: `app.kubernetes.io/name=${svc.name}` },
    }],
    actions: [{ name: "delete-pods", actionId: FisActions.DeletePods, target: { key: "Pods", value: "pods" }, parameters: { kubernetesServiceAccount: FIS_SERVICE_ACCOUNT, gracePeriodSeconds: "30" } }],
  };
}

function nodeTermination(r: DrillRegion, s: ResolvedDrillSettings, strictestSlo: number): DrillSpec {
  return {
    key: "nodes",
    kind: DrillKinds.NodeTermination,
    description: `Terminate ${s.nodeTerminationPercent} % of every node group's instances`,
    objective: { statement: `availability SLO ${strictestSlo} % holds while ${s.nodeTerminationPercent} % of the nodes are terminated and replaced`, measuredBy: s.stopOn },
    targets: [{ name: "nodeGroups", resourceType: "aws:eks:nodegroup", selectionMode: "ALL", resourceTags: [{ key: "production-platform/cluster", value: r.clusterName }] }],
    actions: [{ name: "terminate-nodes", actionId: FisActions.TerminateNodegroupInstances, target: { key: "Nodegroups", value: "nodeGroups" }, parameters: { instanceTerminationPercentage: String(s.nodeTerminationPercent) } }],
  };
}

/** The strictest objective served in the region: the availability alarm and the zone drills are held to it. */
export function strictestObjective(r: DrillRegion): number {
  return r.services.length === 0 ? 99.9 : Math.max(...r.services.map((s) => s.sloObjective));
}

/** Every drill of a region: one zone-loss drill per zone, one pod drill per service, one node drill. */
export function drillSpecs(r: DrillRegion, settings?: DrillSettings): DrillSpec[] {
  const s = resolveDrillSettings(settings);
  const slo = strictestObjective(r);
  return [
    ...r.zones.map((zone) => zoneLoss(r, s, zone, slo)),
    ...r.services.map((svc) => podTermination(r, s, svc)),
    nodeTermination(r, s, slo),
  ];
}
