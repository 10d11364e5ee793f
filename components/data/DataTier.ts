import { throwIfProblems } from "../shared/validation";
import * as pulumi from "@pulumi/pulumi";
import { environmentProfile, platformSecretPrefix } from "../shared/environment";
import { HeadroomThresholds } from "./alarms";
import { AuroraSettings } from "./aurora";
import { RegionalEndpoints } from "./AuroraGlobalDatabase";
import { BackupBucketSettings } from "./buckets";
import { BackupPlanSettings } from "./BackupPlan";
import { createAlarms, createBackup, createRegionKeys, createStores, DataTierContext, storeSecurityGroupIds } from "./dataTierPieces";
import { planRecovery, RecoveryPlan } from "./recovery";
import { RedisSettings } from "./redis";
import { RotationSettings } from "./rotation";
import { RedisEndpoints } from "./RedisGlobalDatastore";
import { AchievedObjectives, DataRegion, Environment, RecoveryObjectives, Topology } from "./types";
import { dataTierProblems } from "./validation";

export interface DataTierBackupSettings extends BackupPlanSettings, BackupBucketSettings {
  /**
   * AWS Backup cron schedule (UTC), e.g. `cron(0 0/6 ? * * *)`. Rejected when it runs more than hourly or leaves a
   * gap longer than the backup RPO the objectives allow.
   * @default the least frequent evenly spaced schedule within that bound (daily at 05:00 UTC when a day is allowed)
   */
  readonly schedule?: string;
}

export interface DataTierArgs {
  /** Deployment environment; prod adds deletion protection, `protect`, vault lock and longer retention. */
  readonly environment: Environment;
  /** What losing the primary region may cost; chooses the topology and drives backups and alarm thresholds. */
  readonly recoveryObjectives: RecoveryObjectives;
  /**
   * Regions with provider, VPC, private subnets, allowed client security groups and zones; the first is primary. At
   * least two, except in dev, where one region builds a backup-and-restore tier that a region loss destroys (no
   * replication, no backup copies; `achievedObjectives.met` is false and its notes say so).
   */
  readonly regions: readonly DataRegion[];
  /** Aurora PostgreSQL sizing and settings. @default see AuroraSettings */
  readonly aurora?: AuroraSettings;
  /**
   * Secrets Manager rotation of the Aurora master password: `{ days }` between rotations (1–365), or `false` to turn
   * it off. Rotation runs AWS's PostgreSQL single-user rotation function (Serverless Application Repository, pinned
   * version) in the primary region's private subnets. Turn it off only where something else rotates the password or
   * the function cannot reach Secrets Manager and the database; see RotationSettings.
   * @default every 30 days, in every environment
   */
  readonly rotation?: RotationSettings;
  /** ElastiCache sizing and settings. @default see RedisSettings */
  readonly redis?: RedisSettings;
  /** Backup schedule, retention and bucket lifecycle. @default derived from the objectives */
  readonly backup?: DataTierBackupSettings;
  /** Headroom thresholds of the CPU / memory / storage alarms. @default see HeadroomThresholds */
  readonly alarms?: HeadroomThresholds;
  /**
   * SNS topic ARN per region for alarm notifications.
   * @default a KMS-encrypted topic per region, exported as alarmTopicArns for subscriptions
   */
  readonly alarmTopicArns?: Readonly<Record<string, pulumi.Input<string>>>;
  /** `protect` on every stateful resource. @default true in prod */
  readonly protect?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Secrets Manager name prefix of the Aurora master and Redis AUTH secrets (`<prefix><name>-aurora/master`,
   * `<prefix><name>-redis/auth`), so the External Secrets controller, which may read only that prefix, can deliver them.
   * @default `platform/<environment>/`, the prefix ClusterSecurityBaseline grants by default
   */
  readonly secretNamePrefix?: string;
}

/** Throws every problem of the arguments as one ValidationError; what the DataTier constructor calls first. */
export function validateDataTierArgs(name: string, args: DataTierArgs): void {
  throwIfProblems(`DataTier "${name}"`, dataTierProblems(args));
}

/**
 * The multi-region data tier, designed from declared recovery objectives: Aurora PostgreSQL (global database when the
 * objectives need it), ElastiCache (global datastore likewise), replicated backup buckets, an AWS Backup plan with
 * cross-region copies, and CloudWatch alarms on replication lag, backup failures and headroom.
 *
 * In dev only, a single region is accepted: backup-and-restore in that region (Multi-AZ Aurora with at least two
 * instances, Multi-AZ cache, an unreplicated backup bucket, a backup plan without copy actions, alarms). It does not
 * survive a region loss, which `achievedObjectives` states; staging and prod keep the two-region rule.
 *
 * The design and what it achieves are computed up front (`recovery.ts`) and exported as `achievedObjectives`, with a
 * note for every objective and an explanation for any that cannot be met.
 */
export class DataTier extends pulumi.ComponentResource {
  /** The recovery plan the tier was built from (topology, schedule, thresholds, achieved objectives). */
  readonly plan: RecoveryPlan;
  readonly topology: Topology;
  readonly achievedObjectives: pulumi.Output<AchievedObjectives>;
  readonly globalClusterId: pulumi.Output<string | undefined>;
  readonly globalWriterEndpoint: pulumi.Output<string | undefined>;
  readonly auroraEndpoints: pulumi.Output<RegionalEndpoints[]>;
  readonly redisEndpoints: pulumi.Output<RedisEndpoints[]>;
  readonly redisGlobalReplicationGroupId: pulumi.Output<string | undefined>;
  readonly masterSecretArn: pulumi.Output<string>;
  readonly redisAuthSecretArn: pulumi.Output<string>;
  /** Secrets Manager name of the Aurora master secret (JSON: username, password, host, port, dbname). */
  readonly masterSecretName: string;
  /** Secrets Manager name of the Redis AUTH token secret. */
  readonly redisAuthSecretName: string;
  readonly backupBucketNames: pulumi.Output<string[]>;
  readonly backupVaultNames: pulumi.Output<string[]>;
  readonly backupPlanId: pulumi.Output<string>;
  /** Alarm topic per region; subscribe on-call here. */
  readonly alarmTopicArns: pulumi.Output<Record<string, string>>;
  /** ARNs of the tier's CloudWatch alarms per region (drill stop conditions). */
  readonly alarmArnsByRegion: Readonly<Record<string, pulumi.Output<string>[]>>;
  /** Aurora cluster ARNs per region, and the backup bucket ARNs, for restore testing. */
  readonly auroraClusterArns: readonly { readonly region: string; readonly role: "primary" | "secondary"; readonly arn: pulumi.Output<string> }[];
  readonly backupBucketArns: pulumi.Output<string[]>;
  /** The tag on every store of the tier (FIS drills select Aurora clusters and cache groups by it). */
  readonly resourceTag: { readonly key: string; readonly value: string };
  /** Security groups of the stores per region, for callers that add their own rules. */
  readonly securityGroupIds: pulumi.Output<{ region: string; aurora?: string; redis?: string }[]>;

  constructor(name: string, args: DataTierArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDataTierArgs(name, args);
    super("production-platform:data:DataTier", name, {}, opts);

    const environment = args.environment;
    const protect = args.protect ?? environmentProfile(environment).protect;
    this.resourceTag = { key: "data-tier", value: name };
    const secretPrefix = args.secretNamePrefix ?? platformSecretPrefix(environment);
    this.masterSecretName = `${secretPrefix}${name}-aurora/master`;
    this.redisAuthSecretName = `${secretPrefix}${name}-redis/auth`;
    const tags = { environment, [this.resourceTag.key]: this.resourceTag.value, ...args.tags };
    const plan = planRecovery({
      objectives: args.recoveryObjectives,
      regionCount: args.regions.length,
      environment,
      backupSchedule: args.backup?.schedule,
      enforceAuroraRpo: args.aurora?.enforceRpo,
    });

    const ctx: DataTierContext = { name, parent: this, args, environment, protect, tags, plan };
    const regions = createRegionKeys(ctx);
    const stores = createStores(ctx, regions, { master: this.masterSecretName, redisAuth: this.redisAuthSecretName });
    const { aurora, redis, buckets } = stores;
    const backup = createBackup(ctx, regions, aurora);
    const alarms = createAlarms(ctx, regions, stores, backup);

    this.plan = plan;
    this.topology = plan.topology;
    this.achievedObjectives = pulumi.output(plan.achieved);
    this.globalClusterId = aurora.globalClusterId;
    this.globalWriterEndpoint = aurora.globalWriterEndpoint;
    this.auroraEndpoints = aurora.endpoints;
    this.redisEndpoints = redis.endpoints;
    this.redisGlobalReplicationGroupId = redis.globalReplicationGroupId;
    this.masterSecretArn = aurora.masterSecretArn;
    this.redisAuthSecretArn = redis.authSecretArn;
    this.backupBucketNames = buckets.bucketNames;
    this.backupVaultNames = backup.vaultNames;
    this.backupPlanId = backup.planId;
    this.alarmTopicArns = alarms.topicArns;
    this.alarmArnsByRegion = alarms.alarmArnsByRegion;
    this.auroraClusterArns = aurora.clusters.map((c) => ({ region: c.region, role: c.role, arn: c.clusterArn }));
    this.backupBucketArns = buckets.bucketArns;
    this.securityGroupIds = storeSecurityGroupIds(args.regions, stores);
    this.registerOutputs({
      topology: this.topology,
      achievedObjectives: this.achievedObjectives,
      globalClusterId: this.globalClusterId,
      globalWriterEndpoint: this.globalWriterEndpoint,
      auroraEndpoints: this.auroraEndpoints,
      redisEndpoints: this.redisEndpoints,
      redisGlobalReplicationGroupId: this.redisGlobalReplicationGroupId,
      masterSecretArn: this.masterSecretArn,
      redisAuthSecretArn: this.redisAuthSecretArn,
      backupBucketNames: this.backupBucketNames,
      backupVaultNames: this.backupVaultNames,
      backupPlanId: this.backupPlanId,
      alarmTopicArns: this.alarmTopicArns,
    });
  }
}
