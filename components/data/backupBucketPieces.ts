/**
 * The pieces of ReplicatedBackupBuckets, one function each, in the order the component creates them: each region's
 * bucket with its versioning, encryption, public access block, TLS-only policy and lifecycle, then (with more than
 * one region) the replication role and the replication configuration of the source bucket. Child names are the ones
 * the component has always used (`<name>-<code>`, `<name>-replication`): URNs are part of the contract, so a piece
 * moving here must not rename anything.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../shared/regions";
import { replicationRolePolicy, tlsOnlyBucketPolicy } from "./buckets";
import type { BucketReplicationRoute } from "./ReplicatedBackupBuckets";

/** What every piece needs: the component and the choices resolved once in the constructor. */
export interface BucketContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly protect: boolean;
  /** Buckets of unprotected environments may be deleted with their objects. */
  readonly forceDestroy: boolean;
  readonly tags: Record<string, string>;
}

/** A region as the buckets need it: provider and KMS key. */
export interface BucketRegion {
  readonly region: string;
  readonly provider: aws.Provider;
  readonly kmsKeyArn: pulumi.Input<string>;
}

/** A region's bucket as built: what replication needs of it. */
export interface BuiltBucket {
  readonly region: string;
  readonly code: string;
  readonly bucket: aws.s3.Bucket;
  readonly versioning: aws.s3.BucketVersioning;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly provider: aws.Provider;
}

/** One region's bucket: versioned, SSE-KMS with bucket keys, public access blocked, TLS only, with lifecycle rules. */
export function createRegionalBucket(ctx: BucketContext, r: BucketRegion, noncurrentDays: number): BuiltBucket {
  const { name, tags } = ctx;
  const code = regionCode(r.region);
  const child = { parent: ctx.parent, provider: r.provider };
  const bucket = new aws.s3.Bucket(`${name}-${code}`, { forceDestroy: ctx.forceDestroy, tags }, { ...child, protect: ctx.protect });
  const versioning = new aws.s3.BucketVersioning(`${name}-${code}`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-${code}`,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: r.kmsKeyArn }, bucketKeyEnabled: true }] },
    child,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-${code}`,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    child,
  );
  new aws.s3.BucketPolicy(
    `${name}-${code}`,
    { bucket: bucket.id, policy: bucket.arn.apply(tlsOnlyBucketPolicy) },
    // S3 refuses policies while the public access block is being applied.
    { ...child, dependsOn: [publicAccess] },
  );
  createLifecycle(ctx, r, code, bucket, versioning, noncurrentDays);
  return { region: r.region, code, bucket, versioning, kmsKeyArn: r.kmsKeyArn, provider: r.provider };
}

/** Lifecycle: abort stale uploads, age old versions out, move objects to infrequent access after 30 days. */
function createLifecycle(
  ctx: BucketContext,
  r: BucketRegion,
  code: string,
  bucket: aws.s3.Bucket,
  versioning: aws.s3.BucketVersioning,
  noncurrentDays: number,
): aws.s3.BucketLifecycleConfiguration {
  return new aws.s3.BucketLifecycleConfiguration(
    `${ctx.name}-${code}`,
    {
      bucket: bucket.id,
      rules: [
        { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
        {
          id: "age-out-old-versions",
          status: "Enabled",
          filter: {},
          noncurrentVersionTransitions: [{ noncurrentDays: 30, storageClass: "STANDARD_IA" }],
          noncurrentVersionExpiration: { noncurrentDays: Math.max(noncurrentDays, 31) },
        },
        { id: "infrequent-access-after-30-days", status: "Enabled", filter: {}, transitions: [{ days: 30, storageClass: "STANDARD_IA" }] },
      ],
    },
    { parent: ctx.parent, provider: r.provider, dependsOn: [versioning] },
  );
}

/** The role S3 replicates with, in the source region, and its policy (read the source, write replicas, both keys). */
export function createReplicationRole(
  ctx: BucketContext,
  source: BuiltBucket,
  destinations: readonly BuiltBucket[],
): { role: aws.iam.Role; rolePolicy: aws.iam.RolePolicy } {
  const role = new aws.iam.Role(
    `${ctx.name}-replication`,
    {
      description: `S3 replication of ${ctx.name} backup buckets (${pulumi.getStack()})`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags: ctx.tags,
    },
    { parent: ctx.parent, provider: source.provider },
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${ctx.name}-replication`,
    {
      role: role.id,
      policy: pulumi
        .all([source.bucket.arn, source.kmsKeyArn, pulumi.all(destinations.map((d) => pulumi.all([d.bucket.arn, d.kmsKeyArn])))])
        .apply(([sourceBucketArn, sourceKeyArn, dest]) =>
          replicationRolePolicy({
            sourceBucketArn,
            sourceKeyArn,
            sourceRegion: source.region,
            destinations: dest.map(([bucketArn, keyArn], i) => ({ bucketArn, keyArn, region: destinations[i].region })),
          }),
        ),
    },
    { parent: ctx.parent, provider: source.provider },
  );
  return { role, rolePolicy };
}

/** One replication rule per destination, named `to-<code>`. */
export function replicationRoutes(source: BuiltBucket, destinations: readonly BuiltBucket[]): BucketReplicationRoute[] {
  return destinations.map((d) => ({
    sourceRegion: source.region,
    destinationRegion: d.region,
    sourceBucket: source.bucket.bucket,
    destinationBucket: d.bucket.bucket,
    ruleId: `to-${d.code}`,
  }));
}

/**
 * Replication of the source bucket to every destination: KMS-encrypted objects, delete markers and replica
 * modifications, with Replication Time Control and replication metrics.
 */
export function createReplicationConfig(
  ctx: BucketContext,
  buckets: readonly BuiltBucket[],
  routes: readonly BucketReplicationRoute[],
  replication: { role: aws.iam.Role; rolePolicy: aws.iam.RolePolicy },
  replicationTimeMinutes: number,
): aws.s3.BucketReplicationConfig {
  const [source, ...destinations] = buckets;
  return new aws.s3.BucketReplicationConfig(
    `${ctx.name}-replication`,
    {
      bucket: source.bucket.id,
      role: replication.role.arn,
      rules: destinations.map((d, i) => ({
        id: routes[i].ruleId,
        priority: i + 1,
        status: "Enabled",
        filter: {},
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" }, replicaModifications: { status: "Enabled" } },
        destination: {
          bucket: d.bucket.arn,
          encryptionConfiguration: { replicaKmsKeyId: d.kmsKeyArn },
          replicationTime: { status: "Enabled", time: { minutes: replicationTimeMinutes } },
          metrics: { status: "Enabled", eventThreshold: { minutes: replicationTimeMinutes } },
        },
      })),
    },
    // Replication needs versioning on both sides and a role that can already act.
    { parent: ctx.parent, provider: source.provider, dependsOn: [...buckets.map((b) => b.versioning), replication.rolePolicy] },
  );
}
