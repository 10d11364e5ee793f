/**
 * The pieces of a DataTier, one function each, in the order the component creates them: a KMS key per region, the
 * stores (Aurora, ElastiCache, backup buckets), the backup plan, the alarms. Child names are the ones the component
 * has always used (`<name>-key-<code>`, `<name>-aurora`, …): URNs are part of the contract, so a piece moving here
 * must not rename anything.
 */
import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../shared/regions";
import { AuroraGlobalDatabase } from "./AuroraGlobalDatabase";
import { BackupPlan } from "./BackupPlan";
import { DataAlarms } from "./DataAlarms";
import { DataKey } from "./DataKey";
import type { DataTierArgs } from "./DataTier";
import { RecoveryPlan } from "./recovery";
import { RedisGlobalDatastore } from "./RedisGlobalDatastore";
import { ReplicatedBackupBuckets } from "./ReplicatedBackupBuckets";
import { DataRegion, Environment, KeyedDataRegion } from "./types";

/** What every piece needs: the component, its arguments and the choices resolved once in the constructor. */
export interface DataTierContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly args: DataTierArgs;
  readonly environment: Environment;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
  readonly plan: RecoveryPlan;
}

/** The tier's stores as built. */
export interface DataTierStores {
  readonly aurora: AuroraGlobalDatabase;
  readonly redis: RedisGlobalDatastore;
  readonly buckets: ReplicatedBackupBuckets;
}

/** A customer-managed KMS key per region; every store in the region encrypts with it. */
export function createRegionKeys(ctx: DataTierContext): KeyedDataRegion[] {
  const { name, environment, protect, tags } = ctx;
  return ctx.args.regions.map((r) => {
    const key = new DataKey(
      `${name}-key-${regionCode(r.region)}`,
      { environment, purpose: `Data tier ${name} in ${r.region}`, protect, tags },
      { parent: ctx.parent, providers: [r.provider] },
    );
    return { ...r, kmsKeyArn: key.keyArn };
  });
}

/** Aurora and ElastiCache (global when the plan says so) with their secrets under the given names, and the backup buckets. */
export function createStores(
  ctx: DataTierContext,
  regions: KeyedDataRegion[],
  secretNames: { readonly master: string; readonly redisAuth: string },
): DataTierStores {
  const { name, args, environment, protect, tags, plan } = ctx;
  const aurora = new AuroraGlobalDatabase(
    `${name}-aurora`,
    { ...args.aurora, environment, regions, global: plan.auroraGlobal, managedRpoSeconds: plan.managedRpoSeconds, rotation: args.rotation, protect, tags, secretName: secretNames.master },
    { parent: ctx.parent },
  );
  const redis = new RedisGlobalDatastore(`${name}-redis`, { ...args.redis, environment, regions, global: plan.redisGlobal, protect, tags, secretName: secretNames.redisAuth }, { parent: ctx.parent });
  const buckets = new ReplicatedBackupBuckets(`${name}-backups`, { ...args.backup, environment, regions, protect, tags }, { parent: ctx.parent });
  return { aurora, redis, buckets };
}

/** The AWS Backup plan of the primary Aurora cluster, on the schedule the recovery plan derived. */
export function createBackup(ctx: DataTierContext, regions: KeyedDataRegion[], aurora: AuroraGlobalDatabase): BackupPlan {
  const { args } = ctx;
  const primaryCluster = aurora.clusters[0];
  return new BackupPlan(
    `${ctx.name}-backup`,
    {
      retentionDays: args.backup?.retentionDays,
      copyRetentionDays: args.backup?.copyRetentionDays,
      vaultLock: args.backup?.vaultLock,
      environment: ctx.environment,
      regions,
      schedule: ctx.plan.backupSchedule,
      resourceArns: [primaryCluster.clusterArn],
      protect: ctx.protect,
      tags: ctx.tags,
    },
    { parent: ctx.parent },
  );
}

/** Replication lag, backup failure and headroom alarms over every store, with the plan's thresholds. */
export function createAlarms(ctx: DataTierContext, regions: KeyedDataRegion[], stores: DataTierStores, backup: BackupPlan): DataAlarms {
  return new DataAlarms(
    `${ctx.name}-alarms`,
    {
      regions,
      topicArns: ctx.args.alarmTopicArns,
      thresholds: ctx.plan.alarms,
      headroom: ctx.args.alarms,
      auroraClusters: stores.aurora.clusters,
      redisGroups: stores.redis.groups,
      replicationRoutes: stores.buckets.routes,
      backupVault: { ...backup.vaults[0], copies: regions.length > 1 },
      tags: ctx.tags,
    },
    { parent: ctx.parent },
  );
}

/** The stores' security groups per region, in region order. */
export function storeSecurityGroupIds(
  regions: readonly DataRegion[],
  stores: DataTierStores,
): pulumi.Output<{ region: string; aurora?: string; redis?: string }[]> {
  return pulumi.all(
    regions.map((r) => {
      const a = stores.aurora.clusters.find((c) => c.region === r.region);
      const c = stores.redis.groups.find((g) => g.region === r.region);
      // Without global replication the secondary regions hold no store, so no security group.
      return pulumi.all([a?.securityGroupId, c?.securityGroupId]).apply(([auroraSg, redisSg]) => ({ region: r.region, aurora: auroraSg, redis: redisSg }));
    }),
  );
}
