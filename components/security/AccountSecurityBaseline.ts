/**
 * Per account and region security baseline: CloudTrail (once, multi-region, from the primary region), GuardDuty
 * with EKS audit-log and runtime monitoring, Security Hub with CIS AWS Foundations v3.0.0, IAM Access Analyzer,
 * EBS encryption by default, the account-wide S3 public access block (primary only), and AWS Config on request.
 *
 * `new AccountSecurityBaseline(name, { region, environment, primary }, { provider })` — one per region; exactly one
 * of them `primary: true`.
 */
import { Environment, environmentProblems, environmentProfile } from "../shared/environment";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { argsObjectProblems, checkInteger, Problem, Problems, throwIfProblems } from "../shared/validation";
import { isLogRetentionDays, LOG_RETENTION_DAYS } from "../shared/logs";
import { isKnownRegion } from "../shared/regions";
import { isDnsLabel } from "./networkPolicies";
import { createSecureBucket } from "./secureBucket";
import {
  AccountContext,
  cisStandardsArn,
  cloudTrailBucketPolicy,
  cloudTrailKeyPolicy,
  configBucketPolicy,
  configKeyPolicy,
  configKeyUsePolicy,
  serviceTrustPolicy,
  trailLogsPolicy,
} from "./accountPolicies";

export { LOG_RETENTION_DAYS } from "../shared/logs";

export interface AccountSecurityBaselineArgs {
  /** Region of the `aws.Provider` passed in the options; names the service principals of the region. */
  readonly region: string;
  /**
   * The environment the baseline serves, or `"account"` for the account-level stack that owns the account's
   * singletons on behalf of every environment (a label on names and tags; `protect` is explicit there).
   */
  readonly environment: Environment | "account";
  /**
   * The one region that owns account-global controls: the multi-region CloudTrail trail (with its bucket, key and
   * log group), the account-level S3 public access block, and global resource types in AWS Config.
   */
  readonly primary: boolean;
  /** Record resource configuration with AWS Config (recorder, delivery channel, bucket). @default false */
  readonly awsConfig?: boolean;
  /** GuardDuty Runtime Monitoring with the EKS agent managed by GuardDuty. @default true */
  readonly runtimeMonitoring?: boolean;
  /** CloudTrail events kept in CloudWatch Logs, days (a CloudWatch retention value). @default 365 */
  readonly trailLogRetentionDays?: number;
  /** Days before trail/config objects move to Glacier. @default 90 */
  readonly archiveAfterDays?: number;
  /** Days before trail/config objects expire. @default 2557 (7 years) */
  readonly expireAfterDays?: number;
  /** Protect the trail bucket, its key and the log group. @default true when environment is `prod` */
  readonly protect?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

export function accountSecurityBaselineProblems(args: AccountSecurityBaselineArgs): Problem[] {
  const shape = argsObjectProblems(args, "AccountSecurityBaseline");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  if (args.environment !== "account") problems.addAll(environmentProblems(args.environment));
  problems.check(isKnownRegion(args.region), {
    property: "region",
    value: args.region,
    rule: "an AWS region the platform knows (components/shared/regions.ts)",
    fix: "pass the region of the aws.Provider given in the options",
  });
  problems.check(isDnsLabel(args.environment), {
    property: "environment",
    value: args.environment,
    rule: "a short lower-case environment name",
    fix: 'set environment, e.g. "prod"',
  });
  problems.check(typeof args.primary === "boolean", {
    property: "primary",
    value: args.primary,
    rule: "true in exactly one region, false in the others",
    fix: "set primary: true for the first region only",
  });
  if (args.trailLogRetentionDays !== undefined) {
    problems.check(isLogRetentionDays(args.trailLogRetentionDays), {
      property: "trailLogRetentionDays",
      value: args.trailLogRetentionDays,
      rule: `a CloudWatch Logs retention value (${LOG_RETENTION_DAYS.join(", ")})`,
      fix: "pick the nearest allowed value, e.g. 365",
    });
  }
  const archive = args.archiveAfterDays ?? 90;
  const expire = args.expireAfterDays ?? 2557;
  if (checkInteger(problems, "archiveAfterDays", archive, 30, 3650) && checkInteger(problems, "expireAfterDays", expire, 365, 36500)) {
    // Glacier objects are billed for 90 days at least: expiring sooner than that after archiving wastes money.
    problems.check(expire >= archive + 90, {
      property: "expireAfterDays",
      value: expire,
      rule: `at least archiveAfterDays + 90 (${archive + 90})`,
      fix: "raise expireAfterDays or lower archiveAfterDays",
    });
  }
  return [...problems.list];
}

/** Physical names must be unique per account (and region); the stack is the part that differs between stacks. */
export function baselineName(stack: string): string {
  return `platform-${stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 60);
}

/** What the AWS Config recording of a baseline shares with the rest of its constructor. */
interface RecordingContext {
  readonly ctx: pulumi.Output<AccountContext>;
  readonly json: (build: (c: AccountContext) => unknown) => pulumi.Output<string>;
  readonly partition: pulumi.Output<string>;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
  readonly archiveAfterDays: number;
  readonly expireAfterDays: number;
}

export class AccountSecurityBaseline extends pulumi.ComponentResource {
  readonly guardDutyDetectorId: pulumi.Output<string>;
  readonly securityHubStandardsArn: pulumi.Output<string>;
  /** Trail ARN in the primary region, undefined elsewhere. */
  readonly trailArn: pulumi.Output<string | undefined>;
  /** Trail bucket in the primary region, undefined elsewhere. */
  readonly trailBucketName: pulumi.Output<string | undefined>;

  constructor(name: string, args: AccountSecurityBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
    validateAccountSecurityBaselineArgs(name, args);
    super("production-platform:security:AccountSecurityBaseline", name, {}, opts);

    // The account stack protects what it is told to; an environment follows its profile.
    const protect = args.protect ?? (args.environment !== "account" && environmentProfile(args.environment).protect);
    const tags = { ...args.tags, environment: args.environment };
    const physical = baselineName(pulumi.getStack());
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const ctx: pulumi.Output<AccountContext> = pulumi.all([partition, accountId]).apply(([p, a]) => ({ partition: p, accountId: a, region: args.region }));
    const json = (build: (c: AccountContext) => unknown) => ctx.apply((c) => JSON.stringify(build(c)));
    const archiveAfterDays = args.archiveAfterDays ?? 90;
    const expireAfterDays = args.expireAfterDays ?? 2557;

    // --- GuardDuty: threat detection, including the EKS control plane (audit logs) and nodes (runtime agent).
    const detector = new aws.guardduty.Detector(
      `${name}-guardduty`,
      { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES", tags },
      { parent: this },
    );
    new aws.guardduty.DetectorFeature(`${name}-guardduty-eks-audit`, { detectorId: detector.id, name: "EKS_AUDIT_LOGS", status: "ENABLED" }, { parent: this });
    if (args.runtimeMonitoring ?? true) {
      // RUNTIME_MONITORING covers EKS; it must not be combined with the older EKS_RUNTIME_MONITORING feature.
      new aws.guardduty.DetectorFeature(
        `${name}-guardduty-runtime`,
        {
          detectorId: detector.id,
          name: "RUNTIME_MONITORING",
          status: "ENABLED",
          additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }],
        },
        { parent: this },
      );
    }

    // --- AWS Config first: Security Hub's CIS controls are AWS Config rules, so a standard enabled before recording
    // runs reports most controls with no data (and nothing in the engine would order the two otherwise).
    const recording = args.awsConfig
      ? this.recordConfiguration(name, args, { ctx, json, partition, protect, tags, archiveAfterDays, expireAfterDays })
      : undefined;

    // --- Security Hub: only the standard we choose, not whatever AWS enables by default.
    const hub = new aws.securityhub.Account(
      `${name}-securityhub`,
      { enableDefaultStandards: false, controlFindingGenerator: "SECURITY_CONTROL", autoEnableControls: true },
      { parent: this },
    );
    const cis = new aws.securityhub.StandardsSubscription(
      `${name}-securityhub-cis`,
      { standardsArn: partition.apply((p) => cisStandardsArn({ partition: p, region: args.region })) },
      { parent: this, dependsOn: recording ? [hub, recording] : [hub] },
    );

    new aws.accessanalyzer.Analyzer(`${name}-access-analyzer`, { analyzerName: physical, type: "ACCOUNT", tags }, { parent: this });
    new aws.ebs.EncryptionByDefault(`${name}-ebs-encryption`, { enabled: true }, { parent: this });

    let trail: aws.cloudtrail.Trail | undefined;
    let trailBucket: aws.s3.Bucket | undefined;
    if (args.primary) {
      // Account-wide, not regional: managed from one region only.
      new aws.s3.AccountPublicAccessBlock(
        `${name}-s3-public-access`,
        { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        { parent: this },
      );

      const key = new aws.kms.Key(
        `${name}-trail-key`,
        {
          description: `CloudTrail and its CloudWatch log group (${args.environment})`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: json((c) => cloudTrailKeyPolicy(c, physical)),
          tags,
        },
        { parent: this, protect },
      );
      const { bucket, policy } = createSecureBucket(
        `${name}-trail-bucket`,
        {
          kmsKeyArn: key.arn,
          policy: (bucketArn) => pulumi.all([ctx, bucketArn]).apply(([c, arn]) => JSON.stringify(cloudTrailBucketPolicy(c, arn, physical))),
          archiveAfterDays,
          expireAfterDays,
          protect,
          tags,
        },
        this,
      );
      trailBucket = bucket;
      const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-trail-logs`,
        { retentionInDays: args.trailLogRetentionDays ?? 365, kmsKeyId: key.arn, tags },
        { parent: this, protect },
      );
      const logsRole = new aws.iam.Role(
        `${name}-trail-logs-role`,
        { description: "CloudTrail delivery to CloudWatch Logs", assumeRolePolicy: json((c) => serviceTrustPolicy("cloudtrail.amazonaws.com", c.accountId)), tags },
        { parent: this },
      );
      const logsPolicy = new aws.iam.RolePolicy(
        `${name}-trail-logs-policy`,
        { role: logsRole.id, policy: logGroup.arn.apply((arn) => JSON.stringify(trailLogsPolicy(arn))) },
        { parent: this },
      );
      trail = new aws.cloudtrail.Trail(
        `${name}-trail`,
        {
          // Explicit name: the bucket and key policies pin CloudTrail to this trail's ARN.
          name: physical,
          s3BucketName: bucket.id,
          kmsKeyId: key.arn,
          isMultiRegionTrail: true,
          includeGlobalServiceEvents: true,
          enableLogFileValidation: true,
          enableLogging: true,
          cloudWatchLogsGroupArn: pulumi.interpolate`${logGroup.arn}:*`,
          cloudWatchLogsRoleArn: logsRole.arn,
          eventSelectors: [{ readWriteType: "All", includeManagementEvents: true }],
          tags,
        },
        { parent: this, dependsOn: [policy, logsPolicy] },
      );
    }

    this.guardDutyDetectorId = detector.id;
    this.securityHubStandardsArn = cis.standardsArn;
    this.trailArn = trail ? trail.arn : pulumi.output(undefined);
    this.trailBucketName = trailBucket ? trailBucket.bucket : pulumi.output(undefined);
    this.registerOutputs({
      guardDutyDetectorId: this.guardDutyDetectorId,
      securityHubStandardsArn: this.securityHubStandardsArn,
      trailArn: this.trailArn,
      trailBucketName: this.trailBucketName,
    });
  }

  /**
   * AWS Config in this region: a recorder (global types in the primary only), KMS-encrypted delivery to a secure
   * bucket, and recording switched on. Returns the recorder status: what Security Hub's standard waits for.
   */
  private recordConfiguration(name: string, args: AccountSecurityBaselineArgs, c: RecordingContext): aws.cfg.RecorderStatus {
    const { ctx, json, partition, protect, tags, archiveAfterDays, expireAfterDays } = c;
    const configKey = new aws.kms.Key(
      `${name}-config-key`,
      { description: `AWS Config delivery (${args.environment})`, enableKeyRotation: true, deletionWindowInDays: 30, policy: json(configKeyPolicy), tags },
      { parent: this, protect },
    );
    const { bucket, policy } = createSecureBucket(
      `${name}-config-bucket`,
      {
        kmsKeyArn: configKey.arn,
        policy: (bucketArn) => pulumi.all([ctx, bucketArn]).apply(([c, arn]) => JSON.stringify(configBucketPolicy(c, arn))),
        archiveAfterDays,
        expireAfterDays,
        protect,
        tags,
      },
      this,
    );
    const role = new aws.iam.Role(
      `${name}-config-role`,
      { description: "AWS Config recorder", assumeRolePolicy: json((c) => serviceTrustPolicy("config.amazonaws.com", c.accountId)), tags },
      { parent: this },
    );
    const attachment = new aws.iam.RolePolicyAttachment(
      `${name}-config-role-policy`,
      { role: role.name, policyArn: partition.apply((p) => `arn:${p}:iam::aws:policy/service-role/AWS_ConfigRole`) },
      { parent: this },
    );
    const keyUse = new aws.iam.RolePolicy(
      `${name}-config-role-kms`,
      { role: role.id, policy: configKey.arn.apply((arn) => JSON.stringify(configKeyUsePolicy(arn))) },
      { parent: this },
    );
    const recorder = new aws.cfg.Recorder(
      `${name}-config-recorder`,
      {
        name: "platform",
        roleArn: role.arn,
        // Global resources (IAM) are recorded once, in the primary region, or every region reports them again.
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: args.primary },
      },
      { parent: this, dependsOn: [attachment] },
    );
    const channel = new aws.cfg.DeliveryChannel(
      `${name}-config-delivery`,
      { name: "platform", s3BucketName: bucket.id, s3KmsKeyArn: configKey.arn },
      { parent: this, dependsOn: [recorder, policy, keyUse] },
    );
    return new aws.cfg.RecorderStatus(`${name}-config-status`, { name: recorder.name, isEnabled: true }, { parent: this, dependsOn: [channel] });
  }
}

/** Throws every problem of the arguments as one ValidationError; what the AccountSecurityBaseline constructor calls first. */
export function validateAccountSecurityBaselineArgs(name: string, args: AccountSecurityBaselineArgs): void {
  throwIfProblems(`AccountSecurityBaseline "${name}"`, accountSecurityBaselineProblems(args));
}
