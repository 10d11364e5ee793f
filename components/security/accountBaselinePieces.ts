/**
 * The pieces of an AccountSecurityBaseline, one function each, in the order the component creates them: GuardDuty,
 * AWS Config (on request), Security Hub with CIS, and in the primary region the CloudTrail trail with its key,
 * bucket and log delivery. Child names are the component's own (`<name>-…`): moving a piece here renames nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
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
import type { AccountSecurityBaselineArgs } from "./AccountSecurityBaseline";

/** What every piece needs: the component (parent and name prefix), its arguments and the choices resolved once. */
export interface AccountBaselineContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly args: AccountSecurityBaselineArgs;
  /** Partition, account and region, once the engine knows them. */
  readonly account: pulumi.Output<AccountContext>;
  /** A policy document built from the account context, as JSON. */
  readonly json: (build: (c: AccountContext) => unknown) => pulumi.Output<string>;
  readonly partition: pulumi.Output<string>;
  /** Physical name of the trail and the analyzer (see `baselineName`). */
  readonly physical: string;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
  readonly archiveAfterDays: number;
  readonly expireAfterDays: number;
}

/** GuardDuty: threat detection, including the EKS control plane (audit logs) and nodes (runtime agent). */
export function guardDuty(c: AccountBaselineContext): aws.guardduty.Detector {
  const { name, args, parent, tags } = c;
  const detector = new aws.guardduty.Detector(
    `${name}-guardduty`,
    { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES", tags },
    { parent },
  );
  new aws.guardduty.DetectorFeature(`${name}-guardduty-eks-audit`, { detectorId: detector.id, name: "EKS_AUDIT_LOGS", status: "ENABLED" }, { parent });
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
      { parent },
    );
  }
  return detector;
}

/**
 * AWS Config in this region: a recorder (global types in the primary only), KMS-encrypted delivery to a secure
 * bucket, and recording switched on. Returns the recorder status: what Security Hub's standard waits for.
 */
export function recordConfiguration(c: AccountBaselineContext): aws.cfg.RecorderStatus {
  const { name, args, parent, account, json, partition, protect, tags, archiveAfterDays, expireAfterDays } = c;
  const configKey = new aws.kms.Key(
    `${name}-config-key`,
    { description: `AWS Config delivery (${args.environment})`, enableKeyRotation: true, deletionWindowInDays: 30, policy: json(configKeyPolicy), tags },
    { parent, protect },
  );
  const { bucket, policy } = createSecureBucket(
    `${name}-config-bucket`,
    {
      kmsKeyArn: configKey.arn,
      policy: (bucketArn) => pulumi.all([account, bucketArn]).apply(([a, arn]) => JSON.stringify(configBucketPolicy(a, arn))),
      archiveAfterDays,
      expireAfterDays,
      protect,
      tags,
    },
    parent,
  );
  const role = new aws.iam.Role(
    `${name}-config-role`,
    { description: "AWS Config recorder", assumeRolePolicy: json((a) => serviceTrustPolicy("config.amazonaws.com", a.accountId)), tags },
    { parent },
  );
  const attachment = new aws.iam.RolePolicyAttachment(
    `${name}-config-role-policy`,
    { role: role.name, policyArn: partition.apply((p) => `arn:${p}:iam::aws:policy/service-role/AWS_ConfigRole`) },
    { parent },
  );
  const keyUse = new aws.iam.RolePolicy(
    `${name}-config-role-kms`,
    { role: role.id, policy: configKey.arn.apply((arn) => JSON.stringify(configKeyUsePolicy(arn))) },
    { parent },
  );
  const recorder = new aws.cfg.Recorder(
    `${name}-config-recorder`,
    {
      name: "platform",
      roleArn: role.arn,
      // Global resources (IAM) are recorded once, in the primary region, or every region reports them again.
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: args.primary },
    },
    { parent, dependsOn: [attachment] },
  );
  const channel = new aws.cfg.DeliveryChannel(
    `${name}-config-delivery`,
    { name: "platform", s3BucketName: bucket.id, s3KmsKeyArn: configKey.arn },
    { parent, dependsOn: [recorder, policy, keyUse] },
  );
  return new aws.cfg.RecorderStatus(`${name}-config-status`, { name: recorder.name, isEnabled: true }, { parent, dependsOn: [channel] });
}

/**
 * Security Hub: only the standard we choose, not whatever AWS enables by default. The CIS subscription waits for
 * the AWS Config recording when there is one.
 */
export function securityHub(c: AccountBaselineContext, recording: aws.cfg.RecorderStatus | undefined): aws.securityhub.StandardsSubscription {
  const { name, args, parent, partition } = c;
  const hub = new aws.securityhub.Account(
    `${name}-securityhub`,
    { enableDefaultStandards: false, controlFindingGenerator: "SECURITY_CONTROL", autoEnableControls: true },
    { parent },
  );
  return new aws.securityhub.StandardsSubscription(
    `${name}-securityhub-cis`,
    { standardsArn: partition.apply((p) => cisStandardsArn({ partition: p, region: args.region })) },
    { parent, dependsOn: recording ? [hub, recording] : [hub] },
  );
}

/** The trail's CloudWatch log group and the role (with its policy) CloudTrail delivers to it with. */
function trailLogDelivery(c: AccountBaselineContext, key: aws.kms.Key): { logGroup: aws.cloudwatch.LogGroup; logsRole: aws.iam.Role; logsPolicy: aws.iam.RolePolicy } {
  const { name, args, parent, json, protect, tags } = c;
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-trail-logs`,
    { retentionInDays: args.trailLogRetentionDays ?? 365, kmsKeyId: key.arn, tags },
    { parent, protect },
  );
  const logsRole = new aws.iam.Role(
    `${name}-trail-logs-role`,
    { description: "CloudTrail delivery to CloudWatch Logs", assumeRolePolicy: json((a) => serviceTrustPolicy("cloudtrail.amazonaws.com", a.accountId)), tags },
    { parent },
  );
  const logsPolicy = new aws.iam.RolePolicy(
    `${name}-trail-logs-policy`,
    { role: logsRole.id, policy: logGroup.arn.apply((arn) => JSON.stringify(trailLogsPolicy(arn))) },
    { parent },
  );
  return { logGroup, logsRole, logsPolicy };
}

/** The multi-region CloudTrail trail (primary region only) with its key, secure bucket and log delivery. */
export function cloudTrail(c: AccountBaselineContext): { trail: aws.cloudtrail.Trail; bucket: aws.s3.Bucket } {
  const { name, args, parent, account, json, physical, protect, tags, archiveAfterDays, expireAfterDays } = c;
  const key = new aws.kms.Key(
    `${name}-trail-key`,
    {
      description: `CloudTrail and its CloudWatch log group (${args.environment})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: json((a) => cloudTrailKeyPolicy(a, physical)),
      tags,
    },
    { parent, protect },
  );
  const { bucket, policy } = createSecureBucket(
    `${name}-trail-bucket`,
    {
      kmsKeyArn: key.arn,
      policy: (bucketArn) => pulumi.all([account, bucketArn]).apply(([a, arn]) => JSON.stringify(cloudTrailBucketPolicy(a, arn, physical))),
      archiveAfterDays,
      expireAfterDays,
      protect,
      tags,
    },
    parent,
  );
  const { logGroup, logsRole, logsPolicy } = trailLogDelivery(c, key);
  const trail = new aws.cloudtrail.Trail(
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
    { parent, dependsOn: [policy, logsPolicy] },
  );
  return { trail, bucket };
}
