import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../shared/regions";
import { argsObjectProblems, checkInteger, checkOneOf, checkOptionalBoolean, checkOptionalObject, isRecord, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { alarmSpecs, AlarmTargets, headroomProblems } from "./alarms";

export interface DataAlarmsArgs extends AlarmTargets {
  /** Every region alarms live in, with its provider and the KMS key for a topic created there. */
  readonly regions: readonly { readonly region: string; readonly provider: aws.Provider; readonly kmsKeyArn: pulumi.Input<string> }[];
  /**
   * SNS topic per region (CloudWatch alarms can only notify topics in their own region).
   * @default a KMS-encrypted topic is created in every region
   */
  readonly topicArns?: Readonly<Record<string, pulumi.Input<string>>>;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Every problem with the arguments (validation contract, docs/architecture.md): never throws, whatever it is given. */
export function dataAlarmsProblems(args: DataAlarmsArgs): Problem[] {
  const shape = argsObjectProblems(args, "DataAlarms");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  const regions = listField(problems, "regions", args.regions).filter((r, i) =>
    problems.check(isRecord(r) && isRegionName(r.region), { property: `regions[${i}]`, value: r, rule: "a region object { region, provider, kmsKeyArn }", fix: `write regions[${i}] as { region: "us-east-1", provider, kmsKeyArn }` }),
  );
  // A list is judged region by region below (as before); a string or number is not a map of topics at all.
  if (typeof args.topicArns !== "object") checkOptionalObject(problems, "alarmTopicArns", args.topicArns, "of topic ARNs by region");
  if (typeof args.topicArns === "object" && args.topicArns !== null) {
    for (const r of regions) {
      problems.check(args.topicArns[r.region] !== undefined, {
        property: `alarmTopicArns["${r.region}"]`,
        value: Object.keys(args.topicArns),
        rule: "a topic for every region (alarms can only notify a topic in their own region)",
        fix: `add a topic ARN for ${r.region}, or leave alarmTopicArns unset to create encrypted topics`,
      });
    }
  }
  // The alarm specs are derived from the targets: judge their shape first, so a malformed one is a problem, not a crash.
  const shapeOk = [
    problems.check(typeof args.thresholds === "object" && args.thresholds !== null, { property: "thresholds", value: args.thresholds, rule: "the recovery plan's alarm thresholds", fix: "pass DataTier's plan.alarmThresholds" }) &&
      (["replicationLagSeconds", "replicationLagPeriods", "s3ReplicationLatencySeconds"] as const)
        .map((k) => checkInteger(problems, `thresholds.${k}`, args.thresholds[k], 1, Number.MAX_SAFE_INTEGER, "pass DataTier's plan.alarmThresholds"))
        .every(Boolean),
    backupVaultShapeOk(problems, args.backupVault),
    ...(["auroraClusters", "redisGroups", "replicationRoutes"] as const).map((k) => problems.check(Array.isArray(args[k]), { property: k, value: args[k], rule: "a list", fix: `pass ${k} as a list (empty when there are none)` }) && targetsShapeOk(problems, k, args[k])),
  ].every(Boolean);
  problems.addAll(headroomProblems(args.headroom, "headroom"));
  const specs = shapeOk ? alarmSpecs(args) : [];
  for (const spec of specs) {
    problems.check(regions.some((r) => r.region === spec.region), {
      property: "regions",
      value: regions.map((r) => r.region),
      rule: `includes ${spec.region}, where alarm ${spec.key} lives`,
      fix: `add ${spec.region} to regions`,
    });
  }
  return [...problems.list];
}

/** The fields of each alarm target that name a region (the specs are placed and named by them). */
const TARGET_REGION_FIELDS = { auroraClusters: ["region"], redisGroups: ["region"], replicationRoutes: ["sourceRegion", "destinationRegion"] } as const;

function isRegionName(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/** Each entry of a target list is an object with region names, a role, and (for cache groups) member ids. */
function targetsShapeOk(problems: Problems, key: keyof typeof TARGET_REGION_FIELDS, list: readonly unknown[]): boolean {
  return list
    .map((t, i) => {
      const at = `${key}[${i}]`;
      if (!isRecord(t)) {
        problems.add({ property: at, value: t, rule: "an object", fix: `write ${at} as an object, or remove it` });
        return false;
      }
      const regionsOk = TARGET_REGION_FIELDS[key].map((f) =>
        problems.check(isRegionName(t[f]), { property: `${at}.${f}`, value: t[f], rule: "a region name, e.g. \"us-east-1\"", fix: `set ${at}.${f} to the region` }),
      );
      if (key !== "replicationRoutes") checkOneOf(problems, `${at}.role`, t.role, ["primary", "secondary"]);
      const idsOk =
        key !== "redisGroups" ||
        problems.check(typeof t.replicationGroupId === "string" && Array.isArray(t.memberClusterIds) && t.memberClusterIds.every((m: unknown) => typeof m === "string"), {
          property: at, value: t, rule: "a replication group id and a list of its member cluster ids", fix: "pass RedisGlobalDatastore's groups",
        });
      if (key === "replicationRoutes") problems.check(typeof t.ruleId === "string", { property: `${at}.ruleId`, value: t.ruleId, rule: "the replication rule id", fix: "pass ReplicatedBackupBuckets' routes" });
      return regionsOk.every(Boolean) && idsOk;
    })
    .every(Boolean);
}

/** The optional backup vault target: an object with the plan's region, and `copies` true or false when given. */
function backupVaultShapeOk(problems: Problems, vault: DataAlarmsArgs["backupVault"]): boolean {
  if (!checkOptionalObject(problems, "backupVault", vault, "{ region, vaultName, copies? }") || vault == null) return vault == null;
  checkOptionalBoolean(problems, "backupVault.copies", vault.copies);
  return problems.check(isRegionName(vault.region), { property: "backupVault.region", value: vault.region, rule: "a region name, e.g. \"us-east-1\"", fix: "set backupVault.region to the plan's region" });
}

/** Throws every problem of the arguments as one ValidationError; what the DataAlarms constructor calls first. */
export function validateDataAlarmsArgs(name: string, args: DataAlarmsArgs): void {
  throwIfProblems(`DataAlarms "${name}"`, dataAlarmsProblems(args));
}

/** The data tier's CloudWatch alarms (see `alarms.ts`), each notifying its region's SNS topic on alarm and on recovery. */
export class DataAlarms extends pulumi.ComponentResource {
  /** Topic ARN per region. */
  readonly topicArns: pulumi.Output<Record<string, string>>;
  readonly alarmCount: number;
  /** ARNs of the alarms per region, e.g. for FIS stop conditions (which must be alarms of the experiment's region). */
  readonly alarmArnsByRegion: Readonly<Record<string, pulumi.Output<string>[]>>;

  constructor(name: string, args: DataAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDataAlarmsArgs(name, args);
    const specs = alarmSpecs(args);
    super("production-platform:data:DataAlarms", name, {}, opts);

    const tags = { ...args.tags };
    const topics: Record<string, pulumi.Input<string>> = {};
    for (const r of args.regions) {
      topics[r.region] =
        args.topicArns?.[r.region] ??
        new aws.sns.Topic(`${name}-${regionCode(r.region)}`, { kmsMasterKeyId: r.kmsKeyArn, tags }, { parent: this, provider: r.provider }).arn;
    }
    const arns: Record<string, pulumi.Output<string>[]> = Object.fromEntries(args.regions.map((r) => [r.region, []]));
    for (const spec of specs) {
      const region = args.regions.find((r) => r.region === spec.region) as DataAlarmsArgs["regions"][number];
      const topic = topics[spec.region];
      const alarm = new aws.cloudwatch.MetricAlarm(
        `${name}-${spec.key}`,
        { ...spec.args, alarmActions: [topic], okActions: [topic], ...(spec.notifyInsufficientData ? { insufficientDataActions: [topic] } : {}), tags },
        { parent: this, provider: region.provider },
      );
      arns[spec.region].push(alarm.arn);
    }
    this.alarmCount = specs.length;
    this.alarmArnsByRegion = arns;
    this.topicArns = pulumi.output(topics) as pulumi.Output<Record<string, string>>;
    this.registerOutputs({ topicArns: this.topicArns });
  }
}
