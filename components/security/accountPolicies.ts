/**
 * Policy documents for the AccountSecurityBaseline, as pure functions of plain strings so that tests can read them
 * without a cloud. Every service principal is pinned to this account's resource (`aws:SourceArn` /
 * `aws:SourceAccount`) to prevent confused-deputy use by other accounts.
 */
import { serviceTrustPolicyDocument } from "../shared/iam";
import { tlsOnlyStatement } from "../shared/s3";

export interface AccountContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export function cisStandardsArn(ctx: Pick<AccountContext, "partition" | "region">): string {
  return `arn:${ctx.partition}:securityhub:${ctx.region}::standards/cis-aws-foundations-benchmark/v/3.0.0`;
}

export function trailArn(ctx: AccountContext, trailName: string): string {
  return `arn:${ctx.partition}:cloudtrail:${ctx.region}:${ctx.accountId}:trail/${trailName}`;
}

/** Denies any request to the bucket that does not use TLS. */
export { tlsOnlyStatement } from "../shared/s3";

export function cloudTrailBucketPolicy(ctx: AccountContext, bucketArn: string, trailName: string): Record<string, unknown> {
  const sourceArn = trailArn(ctx, trailName);
  return {
    Version: "2012-10-17",
    Statement: [
      tlsOnlyStatement(bucketArn),
      {
        Sid: "CloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: bucketArn,
        Condition: { StringEquals: { "aws:SourceArn": sourceArn } },
      },
      {
        Sid: "CloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/AWSLogs/${ctx.accountId}/*`,
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": sourceArn } },
      },
    ],
  };
}

/** Key policy for the trail key: account administers it; CloudTrail and CloudWatch Logs may use it for this trail. */
export function cloudTrailKeyPolicy(ctx: AccountContext, trailName: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // Without this statement IAM policies in the account could not grant access to the key at all.
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${ctx.partition}:iam::${ctx.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudTrailEncryptLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey*",
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": trailArn(ctx, trailName) },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${ctx.partition}:cloudtrail:*:${ctx.accountId}:trail/*` },
        },
      },
      {
        Sid: "CloudTrailDescribeKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": trailArn(ctx, trailName) } },
      },
      {
        Sid: "CloudWatchLogsUseKey",
        Effect: "Allow",
        Principal: { Service: `logs.${ctx.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:*` },
        },
      },
    ],
  };
}

/** Trust policy letting an AWS service assume a role, only for this account's resources (confused deputy). */
export function serviceTrustPolicy(service: string, accountId: string): Record<string, unknown> {
  return serviceTrustPolicyDocument(service, { sourceAccount: accountId });
}

/** CloudTrail's delivery role: write events into one log group, nothing else. */
export function trailLogsPolicy(logGroupArn: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroupArn}:log-stream:*`,
      },
    ],
  };
}

export function configBucketPolicy(ctx: AccountContext, bucketArn: string): Record<string, unknown> {
  const sourceAccount = { StringEquals: { "aws:SourceAccount": ctx.accountId } };
  return {
    Version: "2012-10-17",
    Statement: [
      tlsOnlyStatement(bucketArn),
      {
        Sid: "ConfigAclCheck",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: ["s3:GetBucketAcl", "s3:ListBucket"],
        Resource: bucketArn,
        Condition: sourceAccount,
      },
      {
        Sid: "ConfigWrite",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/AWSLogs/${ctx.accountId}/Config/*`,
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ctx.accountId } },
      },
    ],
  };
}

/**
 * Key policy of the AWS Config delivery key (AWS Config developer guide, "Permissions for the KMS Key"): the account
 * administers it; AWS Config, acting for this account only, may generate data keys for the objects it delivers.
 */
export function configKeyPolicy(ctx: AccountContext): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:${ctx.partition}:iam::${ctx.accountId}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "ConfigDeliversWithKey",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { StringEquals: { "AWS:SourceAccount": ctx.accountId } },
      },
    ],
  };
}

/** What the recorder's IAM role needs on the delivery key (a custom role, unlike the service-linked one, needs it). */
export function configKeyUsePolicy(keyArn: string): Record<string, unknown> {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: keyArn }] };
}
