/** Pure policy documents, rules and validation of the replicated backup buckets. */
import { policyDocument } from "../shared/iam";
import { tlsOnlyStatement } from "../shared/s3";
import { argsObjectProblems, checkInteger, Problem, Problems } from "../shared/validation";
import { S3_RTC_MINUTES } from "./recovery";

export interface BackupBucketSettings {
  /**
   * Replication Time Control window in minutes. S3 accepts only 15.
   * @default 15
   */
  readonly replicationTimeMinutes?: number;
  /**
   * Days a replaced or deleted object version is kept before it expires.
   * @default 365 in prod, 30 elsewhere
   */
  readonly noncurrentVersionDays?: number;
}

export function backupBucketProblems(settings: BackupBucketSettings, prefix = "backup"): Problem[] {
  const shape = argsObjectProblems(settings, "backup bucket", prefix);
  if (shape.length > 0) return shape;
  const problems = new Problems();
  if (settings.replicationTimeMinutes !== undefined) {
    problems.check(settings.replicationTimeMinutes === S3_RTC_MINUTES, {
      property: `${prefix}.replicationTimeMinutes`,
      value: settings.replicationTimeMinutes,
      rule: `${S3_RTC_MINUTES} (the only Replication Time Control window S3 offers)`,
      fix: `remove ${prefix}.replicationTimeMinutes or set it to ${S3_RTC_MINUTES}`,
    });
  }
  if (settings.noncurrentVersionDays !== undefined) {
    checkInteger(problems, `${prefix}.noncurrentVersionDays`, settings.noncurrentVersionDays, 1, 36500);
  }
  return [...problems.list];
}

/** Bucket policy: refuse any request not made over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): string {
  return JSON.stringify(policyDocument([tlsOnlyStatement(bucketArn)]));
}

/** What the S3 replication role may do: read versions from the source, write replicas, use both regions' keys. */
export function replicationRolePolicy(args: {
  sourceBucketArn: string;
  sourceKeyArn: string;
  sourceRegion: string;
  destinations: readonly { bucketArn: string; keyArn: string; region: string }[];
}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadReplicationConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: args.sourceBucketArn },
      {
        Sid: "ReadSourceVersions",
        Effect: "Allow",
        Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
        Resource: `${args.sourceBucketArn}/*`,
      },
      {
        Sid: "WriteReplicas",
        Effect: "Allow",
        Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
        Resource: args.destinations.map((d) => `${d.bucketArn}/*`),
      },
      {
        Sid: "DecryptSource",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: args.sourceKeyArn,
        Condition: { StringLike: { "kms:ViaService": `s3.${args.sourceRegion}.amazonaws.com` } },
      },
      {
        Sid: "EncryptReplicas",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: args.destinations.map((d) => d.keyArn),
      },
    ],
  });
}
