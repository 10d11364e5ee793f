import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isLogRetentionDays, LOG_RETENTION_DAYS, LogRetentionDays } from "../shared/logs";
import { isDns1123Label } from "../shared/kubernetes";
import { isKnownRegion } from "../shared/regions";
import { serviceTrustPolicyDocument } from "../shared/iam";
import { argsObjectProblems, checkInteger, checkOptionalObject, isRecord, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { DrillRegion, DrillSettings, DrillSpec, drillQuotaProblems, drillSettingsProblems, drillSpecs, FIS_SERVICE_ACCOUNT, MAX_STOP_CONDITIONS, resolveDrillSettings, strictestObjective } from "./drills";
import { anyAlarmRule, availabilityAlarmArgs, fisRolePolicy } from "./guards";

export interface FaultInjectionDrillsArgs extends DrillRegion {
  /** Alarm topic of the region: the drill alarms notify it on ALARM and OK. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /**
   * ARNs of the data tier's CloudWatch alarms in this region; any of them in ALARM stops a drill (through one
   * composite alarm, because FIS allows five stop conditions).
   * @default none: a stack without a data tier in the region stops on availability only
   */
  readonly dataAlarmArns?: readonly pulumi.Input<string>[];
  /** Duration, stop signals and blast radius. @default 10 minutes, stop on availability and data, 34 % nodes, 50 % pods */
  readonly settings?: DrillSettings;
  /** Retention of the drill log group. @default 365 days */
  readonly logRetentionDays?: LogRetentionDays;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Every problem with the arguments, before anything is registered; never throws (odd field types are reported). */
export function faultInjectionDrillsProblems(args: FaultInjectionDrillsArgs): Problem[] {
  const shape = argsObjectProblems(args, "FaultInjectionDrills");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(drillSettingsProblems(args.settings, "settings"));
  const zones = listField(problems, "zones", args.zones);
  const services = listField(problems, "services", args.services);
  const dataAlarmArns = listField(problems, "dataAlarmArns", args.dataAlarmArns);
  services.forEach((s: unknown, i) => problems.check(isRecord(s), { property: `services[${i}]`, value: s, rule: "a service ({ name, namespace, sloObjective })", fix: "describe each service as an object" }));
  const settings = args.settings === undefined || isRecord(args.settings) ? args.settings : undefined;
  const resolvedStopOn: unknown = resolveDrillSettings(settings).stopOn;
  const stopOn = Array.isArray(resolvedStopOn) ? (resolvedStopOn as readonly string[]) : [];
  problems.check(zones.length > 0, { property: "zones", value: zones, rule: "at least one zone", fix: "pass the region's zones" });
  problems.check(isRecord(args.objectives), { property: "objectives", value: args.objectives, rule: "an object { rpoSeconds, rtoSeconds }", fix: "pass the region's recovery objectives" });
  const usable = stopOn.filter((s) => s === "availability" || dataAlarmArns.length > 0);
  problems.check(stopOn.length === 0 || usable.length > 0, {
    property: "settings.stopOn", value: stopOn, rule: `a signal that exists in ${args.region}: no data-tier alarm was passed, so "data" alone stops nothing`,
    fix: `add "availability" to stopOn or pass dataAlarmArns`,
  });
  problems.check(usable.length <= MAX_STOP_CONDITIONS, { property: "settings.stopOn", value: stopOn, rule: `at most ${MAX_STOP_CONDITIONS} stop conditions (FIS quota)`, fix: "stop on fewer signals" });
  checkDrillRegionFields(problems, args, zones, services);
  // The templates as they would be registered must fit FIS's quotas (drills.ts FIS_QUOTAS); only with settings that resolve.
  if (problems.list.length === 0) problems.addAll(drillQuotaProblems(drillSpecs({ ...args, zones, services }, settings), "drills"));
  for (const s of services) {
    if (!isRecord(s)) continue;
    problems.check(s.sloObjective > 90 && s.sloObjective < 100, { property: `services.${s.name}.sloObjective`, value: s.sloObjective, rule: "a percentage above 90 and below 100", fix: "write it in percent, e.g. 99.9" });
  }
  return [...problems.list];
}

/** The region's own fields the drill templates are built from: names, zones, services, objectives, tags, retention. */
function checkDrillRegionFields(problems: Problems, args: FaultInjectionDrillsArgs, zones: readonly unknown[], services: readonly unknown[]): void {
  const regionOk = problems.check(isKnownRegion(args.region), { property: "region", value: args.region, rule: "a known AWS region (components/shared/regions.ts)", fix: "set region to the cluster's region" });
  zones.forEach((z, i) => problems.check(typeof z === "string" && (!regionOk || z.startsWith(args.region)), {
    property: `zones[${i}]`, value: z, rule: `a zone of ${regionOk ? args.region : "the region"}`, fix: "pass the region's zones, e.g. from the network component",
  }));
  problems.check(args.services !== undefined, { property: "services", value: args.services, rule: "a list of the region's services (may be empty)", fix: "pass the services with their namespaces and SLO objectives" });
  services.forEach((s, i) => {
    if (!isRecord(s)) return;
    for (const key of ["name", "namespace"] as const) {
      problems.check(isDns1123Label(s[key]), { property: `services[${i}].${key}`, value: s[key], rule: "a Kubernetes name (DNS-1123 label)", fix: `set the service's ${key}` });
    }
  });
  problems.check(typeof args.auroraWriter === "boolean", { property: "auroraWriter", value: args.auroraWriter, rule: "true or false (whether the region holds the Aurora writer)", fix: "pass whether this region is the data tier's primary" });
  if (isRecord(args.objectives)) {
    checkInteger(problems, "objectives.rpoSeconds", args.objectives.rpoSeconds, 0, Number.MAX_SAFE_INTEGER, "pass the data tier's recovery objectives");
    checkInteger(problems, "objectives.rtoSeconds", args.objectives.rtoSeconds, 1, Number.MAX_SAFE_INTEGER, "pass the data tier's recovery objectives");
  }
  if (checkOptionalObject(problems, "dataTierTag", args.dataTierTag, "{ key, value } of the data tier's tag") && isRecord(args.dataTierTag)) {
    for (const key of ["key", "value"] as const) {
      const v: unknown = args.dataTierTag[key];
      problems.check(typeof v === "string" && v !== "", { property: `dataTierTag.${key}`, value: v, rule: "a tag key / value (a string)", fix: "pass the tag the data tier puts on its resources" });
    }
  }
  if (args.logRetentionDays !== undefined) {
    problems.check(isLogRetentionDays(args.logRetentionDays), { property: "logRetentionDays", value: args.logRetentionDays, rule: `a CloudWatch Logs retention value (${LOG_RETENTION_DAYS.join(", ")})`, fix: "pick the nearest allowed value, e.g. 365" });
  }
}

/** Throws every problem of the arguments as one ValidationError; what the FaultInjectionDrills constructor calls first. */
export function validateFaultInjectionDrillsArgs(name: string, args: FaultInjectionDrillsArgs): void {
  throwIfProblems(`FaultInjectionDrills "${name}"`, faultInjectionDrillsProblems(args));
}

/**
 * AWS FIS experiment templates for one region: the loss of each zone (the AZ power-interruption scenario's actions),
 * pod deletion per service and node termination, each with stop conditions on CloudWatch alarms that measure the
 * objective it proves, a least-privilege role and logs to CloudWatch. Templates only: nothing runs until someone
 * starts an experiment (see docs/platform-team.md, "Game day").
 */
export class FaultInjectionDrills extends pulumi.ComponentResource {
  readonly templateIds: Record<string, pulumi.Output<string>>;
  readonly specs: readonly DrillSpec[];
  readonly availabilityAlarmArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: FaultInjectionDrillsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateFaultInjectionDrillsArgs(name, args);
    super("production-platform:resilience:FaultInjectionDrills", name, {}, opts);
    const parent = { parent: this };
    const settings = resolveDrillSettings(args.settings);
    const tags = { ...args.tags };
    const specs = drillSpecs(args, settings);
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent);

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-log`, { retentionInDays: args.logRetentionDays ?? 365, tags }, parent);
    const role = new aws.iam.Role(`${name}-role`, {
      description: `AWS FIS experiments of ${name} (${args.region})`,
      assumeRolePolicy: JSON.stringify(serviceTrustPolicyDocument("fis.amazonaws.com")),
      tags,
    }, parent);
    const actions = [...new Set(specs.flatMap((d) => d.actions.map((a) => a.actionId)))];
    new aws.iam.RolePolicy(`${name}-policy`, {
      role: role.name,
      policy: fisRolePolicy({ region: args.region, accountId: identity.accountId, partition: partition.partition, clusterName: args.clusterName, logGroupArn: logGroup.arn, actions }).apply((d) => JSON.stringify(d)),
    }, parent);
    this.podActionAccess(name, args, role);

    const { availabilityAlarmArn, stopConditions } = this.stopConditions(name, args, settings.stopOn, tags);
    this.availabilityAlarmArn = availabilityAlarmArn;
    this.templateIds = {};
    for (const spec of specs) {
      const template = new aws.fis.ExperimentTemplate(`${name}-${spec.key}`, {
        description: spec.description.slice(0, 512),
        roleArn: role.arn,
        stopConditions,
        targets: spec.targets.map((t) => ({ ...t, resourceTags: t.resourceTags?.map((x) => ({ ...x })), filters: t.filters?.map((f) => ({ ...f })) })),
        actions: spec.actions.map((a) => ({ name: a.name, actionId: a.actionId, target: a.target, parameters: Object.entries(a.parameters).map(([key, value]) => ({ key, value })) })),
        logConfiguration: { logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: pulumi.interpolate`${logGroup.arn}:*` } },
        experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: "skip" },
        tags: { ...tags, Name: `${name}-${spec.key}`, "production-platform/drill": spec.kind, "production-platform/objective": spec.objective.statement.slice(0, 256) },
      }, parent);
      this.templateIds[spec.key] = template.id;
    }
    this.specs = specs;
    this.roleArn = role.arn;
    this.logGroupName = logGroup.name;
    this.registerOutputs({ templateIds: this.templateIds, availabilityAlarmArn: this.availabilityAlarmArn, roleArn: this.roleArn });
  }

  /** The availability alarm, and one composite over the data tier's alarms: both measure what the drills prove. */
  private stopConditions(name: string, args: FaultInjectionDrillsArgs, stopOn: readonly string[], tags: Record<string, string>) {
    const parent = { parent: this };
    const topic = [args.alarmTopicArn];
    const availability = new aws.cloudwatch.MetricAlarm(`${name}-availability`, {
      ...availabilityAlarmArgs(args.region, strictestObjective(args)),
      alarmActions: topic, okActions: topic, tags: { ...tags, severity: "critical" },
    }, parent);
    const conditions: { source: string; value: pulumi.Output<string> }[] = [];
    if (stopOn.includes("availability")) conditions.push({ source: "aws:cloudwatch:alarm", value: availability.arn });
    if (stopOn.includes("data") && (args.dataAlarmArns ?? []).length > 0) {
      const data = new aws.cloudwatch.CompositeAlarm(`${name}-data-guard`, {
        alarmName: pulumi.interpolate`${name}-data-guard`,
        alarmDescription: `Any data-tier alarm in ${args.region} (replication lag against the RPO, backups, headroom): drills stop.`,
        alarmRule: anyAlarmRule(args.dataAlarmArns ?? []),
        alarmActions: topic, okActions: topic, tags,
      }, parent);
      conditions.push({ source: "aws:cloudwatch:alarm", value: data.arn });
    }
    return { availabilityAlarmArn: availability.arn, stopConditions: conditions };
  }

  /**
   * FIS EKS pod actions authenticate to the cluster as the experiment role and run as a service account in the
   * target namespace (FIS user guide, "Use the AWS FIS aws:eks:pod actions"): an access entry maps the role to the
   * `fis-experiment` user, and in each service namespace a Role lets that user and service account act on pods only.
   */
  private podActionAccess(name: string, args: FaultInjectionDrillsArgs, role: aws.iam.Role): void {
    const namespaces = [...new Set(args.services.map((s) => s.namespace))];
    if (namespaces.length === 0) return;
    const parent = { parent: this };
    new aws.eks.AccessEntry(`${name}-access`, { clusterName: args.clusterName, principalArn: role.arn, type: "STANDARD", userName: FIS_SERVICE_ACCOUNT, tags: { ...args.tags } }, parent);
    for (const namespace of namespaces) {
      const metadata = { name: FIS_SERVICE_ACCOUNT, namespace, labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "fis-drills" } };
      new k8s.core.v1.ServiceAccount(`${name}-${namespace}-sa`, { metadata, automountServiceAccountToken: false }, parent);
      new k8s.rbac.v1.Role(`${name}-${namespace}-role`, {
        metadata,
        rules: [
          { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "delete", "deletecollection", "patch", "update"] },
          { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["update"] },
          { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
          { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["get"] },
          { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list"] },
        ],
      }, parent);
      new k8s.rbac.v1.RoleBinding(`${name}-${namespace}-binding`, {
        metadata,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: FIS_SERVICE_ACCOUNT },
        subjects: [
          { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: FIS_SERVICE_ACCOUNT },
          { kind: "ServiceAccount", name: FIS_SERVICE_ACCOUNT, namespace },
        ],
      }, parent);
    }
  }
}
