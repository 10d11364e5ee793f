/**
 * A log bucket as the account baseline needs it: versioned, encrypted by default, no public access, owner-enforced
 * object ownership, a lifecycle that archives then expires, and a bucket policy (which must include TLS-only).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface SecureBucketArgs {
  /** KMS key for SSE-KMS; SSE-S3 when absent (for services that cannot use a customer key without more grants). */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Bucket policy JSON, given the bucket ARN. */
  readonly policy: (bucketArn: pulumi.Output<string>) => pulumi.Input<string>;
  readonly archiveAfterDays: number;
  readonly expireAfterDays: number;
  readonly protect: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

export interface SecureBucket {
  readonly bucket: aws.s3.Bucket;
  /** The policy resource: services that check bucket access on create (CloudTrail, Config) must depend on it. */
  readonly policy: aws.s3.BucketPolicy;
}

export function createSecureBucket(name: string, args: SecureBucketArgs, parent: pulumi.Resource): SecureBucket {
  const opts = { parent };
  const bucket = new aws.s3.Bucket(name, { forceDestroy: false, tags: { ...args.tags } }, { parent, protect: args.protect });
  new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: args.kmsKeyArn
            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }
            : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: args.kmsKeyArn !== undefined,
        },
      ],
    },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    opts,
  );
  new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "archive-then-expire",
          status: "Enabled",
          filter: { prefix: "" },
          transitions: [{ days: args.archiveAfterDays, storageClass: "GLACIER" }],
          expiration: { days: args.expireAfterDays },
          noncurrentVersionExpiration: { noncurrentDays: 30 },
        },
      ],
    },
    opts,
  );
  // After the public access block: S3 evaluates a new policy against it.
  const policy = new aws.s3.BucketPolicy(`${name}-policy`, { bucket: bucket.id, policy: args.policy(bucket.arn) }, { parent, dependsOn: [publicAccess] });
  return { bucket, policy };
}
