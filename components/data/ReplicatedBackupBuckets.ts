import { environmentProblems, environmentProfile } from "../shared/environment";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argsObjectProblems, checkOptionalBoolean, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { BucketContext, createRegionalBucket, createReplicationConfig, createReplicationRole, replicationRoutes } from "./backupBucketPieces";
import { BackupBucketSettings, backupBucketProblems } from "./buckets";
import { checkRegionEntries } from "./network";
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
  checkRegionEntries(problems, regions);
  checkOptionalBoolean(problems, "protect", args.protect);
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

    const ctx: BucketContext = { name, parent: this, protect, forceDestroy: !profile.protect, tags };
    const buckets = args.regions.map((r) => createRegionalBucket(ctx, r, noncurrentDays));

    const [source, ...destinations] = buckets;
    this.bucketNames = pulumi.all(buckets.map((b) => b.bucket.bucket));
    this.bucketArns = pulumi.all(buckets.map((b) => b.bucket.arn));
    if (destinations.length === 0) {
      // A single-region (dev) tier: nothing to replicate to, so no role, no rule and no replication alarms.
      this.routes = [];
      this.registerOutputs({ bucketNames: this.bucketNames });
      return;
    }
    const replication = createReplicationRole(ctx, source, destinations);
    const routes = replicationRoutes(source, destinations);
    createReplicationConfig(ctx, buckets, routes, replication, args.replicationTimeMinutes ?? S3_RTC_MINUTES);

    this.routes = routes;
    this.registerOutputs({ bucketNames: this.bucketNames });
  }
}
