import { environmentProblems, environmentProfile } from "../shared/environment";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../shared/regions";
import { argsObjectProblems, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { BackupBucketSettings, backupBucketProblems, replicationRolePolicy, tlsOnlyBucketPolicy } from "./buckets";
import { checkRegionCount, S3_RTC_MINUTES } from "./recovery";
import { Environment } from "./types";

export interface ReplicatedBackupBucketsArgs extends BackupBucketSettings {
  readonly environment: Environment;
  /** Regions with their provider and KMS key; the first is the source of replication. One region only in dev. */
  readonly regions: readonly { readonly region: string; readonly provider: aws.Provider; readonly kmsKeyArn: pulumi.Input<string> }[];
  /** @default true in prod */
  readonly protect?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

/** One replication rule, for the alarms (S3 publishes replication metrics per source, destination and rule). */
export interface BucketReplicationRoute {
  readonly sourceRegion: string;
  readonly destinationRegion: string;
  readonly sourceBucket: pulumi.Output<string>;
  readonly destinationBucket: pulumi.Output<string>;
  readonly ruleId: string;
}

/** Every problem with the arguments (validation contract, docs/architecture.md): never throws, whatever it is given. */
export function replicatedBackupBucketsProblems(args: ReplicatedBackupBucketsArgs): Problem[] {
  const shape = argsObjectProblems(args, "ReplicatedBackupBuckets");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(environmentProblems(args.environment)).addAll(backupBucketProblems(args));
  const regions = listField(problems, "regions", args.regions);
  checkRegionCount(problems, args.environment, regions.length, {
    single: "one region gets an unreplicated bucket",
    multi: "(the bucket replicates out of the first)",
    singleFix: "pass the primary region",
    multiFix: "add a secondary region",
  });
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the ReplicatedBackupBuckets constructor calls first. */
export function validateReplicatedBackupBucketsArgs(name: string, args: ReplicatedBackupBucketsArgs): void {
  throwIfProblems(`ReplicatedBackupBuckets "${name}"`, replicatedBackupBucketsProblems(args));
}

/**
 * A backup bucket per region (versioned, SSE-KMS with the region's CMK and bucket keys, public access blocked,
 * TLS-only policy, lifecycle rules) and replication from the primary region's bucket to every other one, with
 * Replication Time Control (15 minutes), replication metrics and delete-marker replication. A single-region dev tier
 * gets the one bucket without replication, so a region loss loses it.
 */
export class ReplicatedBackupBuckets extends pulumi.ComponentResource {
  readonly bucketNames: pulumi.Output<string[]>;
  readonly bucketArns: pulumi.Output<string[]>;
  readonly routes: readonly BucketReplicationRoute[];

  constructor(name: string, args: ReplicatedBackupBucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateReplicatedBackupBucketsArgs(name, args);
    super("production-platform:data:ReplicatedBackupBuckets", name, {}, opts);

    const profile = environmentProfile(args.environment);
    const protect = args.protect ?? profile.protect;
    const tags = { ...args.tags };
    const noncurrentDays = args.noncurrentVersionDays ?? profile.retention.noncurrentVersionDays;

    const buckets = args.regions.map((r) => {
      const code = regionCode(r.region);
      const child = { parent: this, provider: r.provider };
      const bucket = new aws.s3.Bucket(`${name}-${code}`, { forceDestroy: !profile.protect, tags }, { ...child, protect });
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
      new aws.s3.BucketLifecycleConfiguration(
        `${name}-${code}`,
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
        { ...child, dependsOn: [versioning] },
      );
      return { region: r.region, code, bucket, versioning, kmsKeyArn: r.kmsKeyArn, provider: r.provider };
    });

    const [source, ...destinations] = buckets;
    this.bucketNames = pulumi.all(buckets.map((b) => b.bucket.bucket));
    this.bucketArns = pulumi.all(buckets.map((b) => b.bucket.arn));
    if (destinations.length === 0) {
      // A single-region (dev) tier: nothing to replicate to, so no role, no rule and no replication alarms.
      this.routes = [];
      this.registerOutputs({ bucketNames: this.bucketNames });
      return;
    }
    const role = new aws.iam.Role(
      `${name}-replication`,
      {
        description: `S3 replication of ${name} backup buckets (${pulumi.getStack()})`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        tags,
      },
      { parent: this, provider: source.provider },
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-replication`,
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
      { parent: this, provider: source.provider },
    );
    const routes: BucketReplicationRoute[] = destinations.map((d) => ({
      sourceRegion: source.region,
      destinationRegion: d.region,
      sourceBucket: source.bucket.bucket,
      destinationBucket: d.bucket.bucket,
      ruleId: `to-${d.code}`,
    }));
    new aws.s3.BucketReplicationConfig(
      `${name}-replication`,
      {
        bucket: source.bucket.id,
        role: role.arn,
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
            replicationTime: { status: "Enabled", time: { minutes: args.replicationTimeMinutes ?? S3_RTC_MINUTES } },
            metrics: { status: "Enabled", eventThreshold: { minutes: args.replicationTimeMinutes ?? S3_RTC_MINUTES } },
          },
        })),
      },
      // Replication needs versioning on both sides and a role that can already act.
      { parent: this, provider: source.provider, dependsOn: [...buckets.map((b) => b.versioning), rolePolicy] },
    );

    this.routes = routes;
    this.registerOutputs({ bucketNames: this.bucketNames });
  }
}
