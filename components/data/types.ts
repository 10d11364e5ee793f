/** Closed choices and shared shapes of the data tier. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Deployment environment; prod turns on deletion protection, `protect`, vault lock and longer retention. */
export { Environment, Environments } from "../shared/environment";

/** Cache engines ElastiCache global datastores accept. */
export const CacheEngines = ["redis", "valkey"] as const;
export type CacheEngine = (typeof CacheEngines)[number];

/** How the data tier survives the loss of its primary region. */
export const Topology = {
  /**
   * Aurora global database and ElastiCache global datastore: secondaries are continuously replicated (typically under
   * a second behind) and a secondary is promoted on failover.
   */
  GlobalReplication: "GlobalReplication",
  /**
   * Stores live in the primary region only; AWS Backup copies recovery points to the other regions and the backup
   * bucket replicates there. Recovery is a restore, so RPO is the backup interval plus the copy and RTO is the restore.
   * With a single region (dev only) there is no copy and no replication: a region loss loses the data tier.
   */
  BackupAndRestore: "BackupAndRestore",
} as const;
export type Topology = (typeof Topology)[keyof typeof Topology];

/** What the caller declares: how much data (RPO) and how much time (RTO) losing the primary region may cost. */
export interface RecoveryObjectives {
  /** Recovery point objective in seconds: the most recent writes that may be lost when the primary region is lost. */
  readonly rpoSeconds: number;
  /** Recovery time objective in seconds: how long the data tier may be unavailable after losing the primary region. */
  readonly rtoSeconds: number;
  /**
   * RPO of the point-in-time backups that protect against logical damage (bad migration, deleted rows), which global
   * replication copies faithfully to every region. The backup schedule must run at least this often.
   * @default one day with global replication; with backup-and-restore the region RPO itself bounds the schedule.
   */
  readonly backupRpoSeconds?: number;
}

/** The objectives the built topology achieves, with the reasoning a reviewer needs. */
export interface AchievedObjectives {
  readonly topology: Topology;
  /**
   * Planned data loss on losing the primary region. For a single-region (dev) tier, which cannot survive a region loss,
   * it is the in-region figure (restore from the vault) and `met` is false.
   */
  readonly rpoSeconds: number;
  /** Planned time to recover from losing the primary region; in-region only for a single-region tier, as above. */
  readonly rtoSeconds: number;
  /** True when both declared objectives are met; always false for a single-region tier. */
  readonly met: boolean;
  /** How each objective is met, and why any that is not cannot be. */
  readonly notes: readonly string[];
}

/** One region the data tier runs in, with what the network and cluster components built there. */
export interface DataRegion {
  /** AWS region name, e.g. `us-east-1`. The first region of the list is the primary (writer) region. */
  readonly region: string;
  /** AWS provider for this region; every regional child is created with it. */
  readonly provider: aws.Provider;
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets (no route to an internet gateway) the data stores are placed in, one per zone. */
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups (the cluster's node / pod security groups) allowed to reach the stores on their service ports. */
  readonly allowedSecurityGroupIds: readonly pulumi.Input<string>[];
  /** Zones of the private subnets; database instances and cache nodes are spread over them. */
  readonly availabilityZones: readonly string[];
}

/** A data region plus the customer-managed KMS key the data tier created there. */
export interface KeyedDataRegion extends DataRegion {
  readonly kmsKeyArn: pulumi.Input<string>;
}
