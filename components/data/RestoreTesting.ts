import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, serviceTrustPolicyDocument } from "../shared/iam";
import { AWS_REGIONS, isKnownRegion } from "../shared/regions";
import { argsObjectProblems, checkInteger, checkOptionalObject, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { resolveRestoreTesting, RESTORE_METRICS, restoreTestingProblems, RestoreTestingSettings, VALIDATION_FUNCTION_SOURCE } from "./restoreTests";

export interface RestoreTestingArgs {
  /** Region of the vault the recovery points are in (the data tier's primary); the provider comes from the options. */
  readonly region: string;
  /** The data tier's recovery objectives: the restore window may not exceed the RTO. */
  readonly recoveryObjectives: { readonly rpoSeconds: number; readonly rtoSeconds: number };
  /** The longest gap between backups (the data tier's plan, sized from the RPO): a restored point may be no older. */
  readonly backupIntervalSeconds: number;
  /** The AWS Backup plan the buckets join (the Aurora clusters are already in it). */
  readonly backupPlanId: pulumi.Input<string>;
  /** The vault restore tests pick recovery points from. */
  readonly backupVaultName: pulumi.Input<string>;
  /** Aurora clusters to restore-test (the writer cluster: secondaries of a global database have no backups). */
  readonly auroraClusterArns: readonly pulumi.Input<string>[];
  /** Backup buckets to protect with AWS Backup and restore-test (versioned buckets; S3 backups need versioning). */
  readonly bucketArns: readonly pulumi.Input<string>[];
  /** Where failed, slow or missing restore tests alarm. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** @default daily at 07:00 UTC, restore window = RTO, 1 h start and validation windows */
  readonly settings?: RestoreTestingSettings;
  readonly tags?: Readonly<Record<string, string>>;
}

export function restoreTestingArgsProblems(args: RestoreTestingArgs): Problem[] {
  const shape = argsObjectProblems(args, "RestoreTesting");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  // A non-object settings (YAML `settings: x`) is reported; unset or null means the defaults.
  const settings = checkOptionalObject(problems, "settings", args.settings, "of restore testing settings { schedule, startWindowHours, ... }") ? args.settings ?? undefined : undefined;
  problems.addAll(restoreTestingProblems(settings, args.recoveryObjectives?.rtoSeconds, "settings"));
  checkInteger(problems, "recoveryObjectives.rpoSeconds", args.recoveryObjectives?.rpoSeconds, 0, Number.MAX_SAFE_INTEGER, "pass the data tier's recoveryObjectives");
  problems.check(isKnownRegion(args.region), {
    property: "region",
    value: args.region,
    rule: `a known AWS region (${Object.keys(AWS_REGIONS).join(", ")})`,
    fix: "set region to the primary region of the data tier (where the backup plan and vault are)",
  });
  // Both lists are read by the constructor: each is required (empty when there is nothing of that kind).
  for (const key of ["auroraClusterArns", "bucketArns"] as const) {
    problems.check(args[key] !== undefined, { property: key, value: args[key], rule: "a list (empty when there are none)", fix: `pass ${key}, [] when there are none` });
  }
  const auroraClusterArns = listField(problems, "auroraClusterArns", args.auroraClusterArns);
  const bucketArns = listField(problems, "bucketArns", args.bucketArns);
  problems.check(auroraClusterArns.length + bucketArns.length > 0, {
    property: "auroraClusterArns", value: [], rule: "at least one Aurora cluster or bucket to restore-test", fix: "pass the data tier's writer cluster and backup buckets",
  });
  problems.check(Number.isInteger(args.backupIntervalSeconds) && args.backupIntervalSeconds > 0, {
    property: "backupIntervalSeconds", value: args.backupIntervalSeconds, rule: "a positive integer", fix: "pass DataTier.plan.backupIntervalSeconds",
  });
  return [...problems.list];
}

/** AWS Backup names: letters, digits and underscores, up to 50 characters. */
export function backupName(...parts: string[]): string {
  return parts.join("_").replace(/[^A-Za-z0-9_]/g, "_").slice(0, 50);
}

/** Throws every problem of the arguments as one ValidationError; what the RestoreTesting constructor calls first. */
export function validateRestoreTestingArgs(name: string, args: RestoreTestingArgs): void {
  throwIfProblems(`RestoreTesting "${name}"`, restoreTestingArgsProblems(args));
}

/**
 * AWS Backup restore testing for the data tier: the backup buckets join the backup plan, a restore testing plan
 * restores the latest recovery point of every Aurora cluster and bucket on a schedule, a validation function judges
 * each restore job (completed, within the restore window ≤ RTO, point no older than the backup interval) and reports
 * to AWS Backup and CloudWatch, and alarms fire when a test fails, is slower than the RTO, or did not run.
 */
export class RestoreTesting extends pulumi.ComponentResource {
  readonly planName: string;
  readonly selectionNames: readonly string[];
  readonly alarmArns: pulumi.Output<string>[];

  constructor(name: string, args: RestoreTestingArgs, opts?: pulumi.ComponentResourceOptions) {
    validateRestoreTestingArgs(name, args);
    super("production-platform:data:RestoreTesting", name, {}, opts);
    const parent = { parent: this };
    const s = resolveRestoreTesting(args.settings, args.recoveryObjectives.rtoSeconds);
    const tags = { ...args.tags };
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;

    const role = new aws.iam.Role(`${name}-role`, { description: `AWS Backup S3 backups and restore tests of ${name}`, assumeRolePolicy: JSON.stringify(serviceTrustPolicyDocument("backup.amazonaws.com")), tags }, parent);
    const attachments = ["AWSBackupServiceRolePolicyForS3Backup", "AWSBackupServiceRolePolicyForS3Restore", "AWSBackupServiceRolePolicyForRestores"].map((policy) =>
      new aws.iam.RolePolicyAttachment(`${name}-${policy.replace(/^AWSBackupServiceRolePolicyFor/, "").toLowerCase()}`, { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/${policy}` }, parent));
    if (args.bucketArns.length > 0) {
      new aws.backup.Selection(`${name}-buckets`, { name: backupName(name, "buckets"), planId: args.backupPlanId, iamRoleArn: role.arn, resources: [...args.bucketArns] }, { ...parent, dependsOn: attachments });
    }

    this.planName = backupName(pulumi.getStack(), name);
    const plan = new aws.backup.RestoreTestingPlan(`${name}-plan`, {
      name: this.planName,
      scheduleExpression: s.schedule,
      startWindowHours: s.startWindowHours,
      recoveryPointSelection: {
        algorithm: "LATEST_WITHIN_WINDOW",
        includeVaults: [pulumi.interpolate`arn:${partition}:backup:${args.region}:${identity.accountId}:backup-vault:${args.backupVaultName}`],
        recoveryPointTypes: ["CONTINUOUS", "SNAPSHOT"],
        selectionWindowDays: 1,
      },
      tags,
    }, parent);
    const selections: [string, string, readonly pulumi.Input<string>[]][] = [["aurora", "Aurora", args.auroraClusterArns], ["buckets", "S3", args.bucketArns]];
    this.selectionNames = selections.filter(([, , arns]) => arns.length > 0).map(([key, type, arns]) => {
      const selectionName = backupName(name, key);
      new aws.backup.RestoreTestingSelection(`${name}-${key}`, {
        name: selectionName,
        restoreTestingPlanName: plan.name,
        protectedResourceType: type,
        protectedResourceArns: [...arns],
        iamRoleArn: role.arn,
        validationWindowHours: s.validationWindowHours,
      }, { ...parent, dependsOn: attachments });
      return selectionName;
    });

    this.validation(name, s.restoreWindowSeconds, args.backupIntervalSeconds, tags);
    this.alarmArns = this.alarms(name, args, s.restoreWindowSeconds, s.schedule, tags);
    this.registerOutputs({ planName: this.planName, selectionNames: this.selectionNames, alarmArns: this.alarmArns });
  }

  /** The validation function, triggered by every restore job state change of AWS Backup in the region. */
  private validation(name: string, windowSeconds: number, maxAgeSeconds: number, tags: Record<string, string>): void {
    const parent = { parent: this };
    const role = new aws.iam.Role(`${name}-validate-role`, { description: `Restore test validation of ${name}`, assumeRolePolicy: JSON.stringify(serviceTrustPolicyDocument("lambda.amazonaws.com")), tags }, parent);
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-validate`, { retentionInDays: 365, tags }, parent);
    new aws.iam.RolePolicy(`${name}-validate-policy`, {
      role: role.name,
      policy: logGroup.arn.apply((logArn) => JSON.stringify(policyDocument([
        { Sid: "JudgeRestoreJobs", Effect: "Allow", Action: ["backup:DescribeRestoreJob", "backup:PutRestoreValidationResult"], Resource: "*" },
        { Sid: "PublishRestoreMetrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": RESTORE_METRICS.namespace } } },
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logArn}:*` },
      ]))),
    }, parent);
    const fn = new aws.lambda.Function(`${name}-validate`, {
      description: `Judges ${name} restore tests: completed, within ${windowSeconds} s, point no older than ${maxAgeSeconds} s`,
      runtime: "nodejs20.x",
      handler: "index.handler",
      role: role.arn,
      timeout: 60,
      code: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.StringAsset(VALIDATION_FUNCTION_SOURCE) }),
      environment: { variables: { RESTORE_WINDOW_SECONDS: String(windowSeconds), MAX_RECOVERY_POINT_AGE_SECONDS: String(maxAgeSeconds) } },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      tags,
    }, parent);
    const rule = new aws.cloudwatch.EventRule(`${name}-restore-jobs`, {
      description: "AWS Backup restore job state changes (restore tests)",
      eventPattern: JSON.stringify({ source: ["aws.backup"], "detail-type": ["Restore Job State Change"], detail: { status: ["COMPLETED", "FAILED", "ABORTED"] } }),
      tags,
    }, parent);
    new aws.lambda.Permission(`${name}-validate-invoke`, { action: "lambda:InvokeFunction", function: fn.name, principal: "events.amazonaws.com", sourceArn: rule.arn }, parent);
    new aws.cloudwatch.EventTarget(`${name}-validate`, { rule: rule.name, arn: fn.arn }, parent);
  }

  /** Failed or slow restore tests, and a schedule that stopped producing tests, alarm on the topic. */
  private alarms(name: string, args: RestoreTestingArgs, windowSeconds: number, schedule: string, tags: Record<string, string>): pulumi.Output<string>[] {
    const topic = [args.alarmTopicArn];
    const query = (metric: string, fn: string) => `SELECT ${fn}(${metric}) FROM SCHEMA("${RESTORE_METRICS.namespace}", RestoreTestingPlan, ResourceType) WHERE RestoreTestingPlan = '${this.planName}'`;
    const specs = [
      { key: "failed", description: `A restore test of ${this.planName} failed: a recovery point did not restore, or restored too old or too slowly.`, expression: query(RESTORE_METRICS.failed, "MAX"), threshold: 1, op: "GreaterThanOrEqualToThreshold", period: 3600, periods: 1, missing: "notBreaching" },
      { key: "slower-than-rto", description: `A restore of ${this.planName} took longer than the ${windowSeconds} s restore window (RTO).`, expression: query(RESTORE_METRICS.duration, "MAX"), threshold: windowSeconds, op: "GreaterThanThreshold", period: 3600, periods: 1, missing: "notBreaching" },
      // Daily periods, two of them: a daily schedule that skipped a run is missing data, which is breaching.
      { key: "not-running", description: `No restore test of ${this.planName} was judged for two days (schedule ${schedule}): restores are unproven.`, expression: query(RESTORE_METRICS.duration, "COUNT"), threshold: 1, op: "LessThanThreshold", period: 86400, periods: 2, missing: "breaching" },
    ];
    return specs.map((a) => new aws.cloudwatch.MetricAlarm(`${name}-${a.key}`, {
      alarmDescription: a.description,
      metricQueries: [{ id: "q", expression: a.expression, period: a.period, returnData: true }],
      comparisonOperator: a.op, threshold: a.threshold, evaluationPeriods: a.periods, datapointsToAlarm: a.periods, treatMissingData: a.missing,
      alarmActions: topic, okActions: topic, tags,
    }, { parent: this }).arn);
  }
}
