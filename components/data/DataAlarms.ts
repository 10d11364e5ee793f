import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../shared/regions";
import { argsObjectProblems, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { alarmSpecs, AlarmTargets } from "./alarms";

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
  const regions = listField(problems, "regions", args.regions);
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
    problems.check(typeof args.thresholds === "object" && args.thresholds !== null, { property: "thresholds", value: args.thresholds, rule: "the recovery plan's alarm thresholds", fix: "pass DataTier's plan.alarmThresholds" }),
    ...(["auroraClusters", "redisGroups", "replicationRoutes"] as const).map((k) => problems.check(Array.isArray(args[k]), { property: k, value: args[k], rule: "a list", fix: `pass ${k} as a list (empty when there are none)` })),
  ].every(Boolean);
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
