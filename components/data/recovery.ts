/**
 * Recovery objectives → topology. Pure: the DataTier constructor and the tests call the same functions.
 *
 * The numbers below are the planning bounds this library commits to, with where they come from. They are
 * deliberately conservative: an objective reported as met should survive a real regional outage, not a demo.
 */
import { argsObjectProblems, checkInteger, Problem, Problems } from "../shared/validation";
import { analyzeSchedule, BACKUP_MIN_INTERVAL_SECONDS, describeSeconds, scheduleWithin } from "./schedule";
import { AchievedObjectives, Environment, RecoveryObjectives, Topology } from "./types";
import { ENVIRONMENT_PROFILES, Environments, environmentProfile } from "../shared/environment";

/** Aurora global database and ElastiCache global datastore replicate asynchronously, typically under one second. */
export const GLOBAL_REPLICATION_TYPICAL_LAG_SECONDS = 1;
/** Smallest value Aurora PostgreSQL accepts for `rds.global_db_rpo` (managed RPO), in seconds. */
export const MANAGED_RPO_MIN_SECONDS = 20;
/**
 * Planned RTO of a cross-region failover with global replication: one to two minutes for the lag/health alarm to
 * fire and an operator or runbook to act, plus the Aurora global database failover and ElastiCache secondary
 * promotion, which AWS documents as typically taking minutes. ElastiCache has no automatic cross-region failover.
 */
export const GLOBAL_FAILOVER_RTO_SECONDS = 300;
/** Time planned for a snapshot to finish and its cross-region copy to land in the other region's vault. */
export const BACKUP_COPY_MARGIN_SECONDS = 3600;
/** Planned RTO of restoring Aurora from a copied snapshot in another region and repointing the workloads. */
export const RESTORE_RTO_SECONDS = 4 * 3600;
/** The best RPO backup-and-restore can offer: hourly backups plus the copy. Anything tighter needs global replication. */
export const BACKUP_ONLY_BEST_RPO_SECONDS = BACKUP_MIN_INTERVAL_SECONDS + BACKUP_COPY_MARGIN_SECONDS;
/** Backup RPO when the caller declares none and global replication covers region loss: one backup a day. */
export const DEFAULT_BACKUP_RPO_SECONDS = 86400;
/** S3 Replication Time Control replicates 99.99 % of objects within 15 minutes; the only value S3 accepts. */
export const S3_RTC_MINUTES = 15;
/** ElastiCache global datastores replicate from one primary to at most two other regions. */
export const REDIS_GLOBAL_MAX_REGIONS = 3;
/** An Aurora global database has one primary and at most five secondary regions (our bound; AWS may allow more). */
export const AURORA_GLOBAL_MAX_REGIONS = 6;

/**
 * Environments where a single-region data tier is allowed: those whose profile's `minRegions` is 1 (dev). A single
 * region cannot survive a region loss by construction, so it is not a matter of objectives: it is accepted only
 * where losing the data is acceptable. Derived from the environment profile, the one place that says so.
 */
export const SINGLE_REGION_ENVIRONMENTS: readonly Environment[] = Environments.filter((e) => ENVIRONMENT_PROFILES[e].minRegions <= 1);

/**
 * Whether one region is enough for the data tier in this environment (the profile's `minRegions` is 1). An absent or
 * unknown environment gets the stricter answer: two regions (environmentProfile falls back to prod).
 */
export function singleRegionAllowed(environment: Environment | undefined): boolean {
  return environment !== undefined && environmentProfile(environment).minRegions <= 1;
}

/**
 * The region-count rule every data component shares: one region where the profile allows it (dev), else two. `why`
 * says what one region means and what the second is for, in the component's own words.
 */
export function checkRegionCount(
  problems: Problems,
  environment: Environment | undefined,
  count: number,
  /** `multi` follows "at least 2 regions " as written: "(why)" or "(what): why". */
  why: { readonly single: string; readonly multi: string; readonly singleFix: string; readonly multiFix: string },
): boolean {
  const single = singleRegionAllowed(environment);
  return problems.check(count >= (single ? 1 : 2), {
    property: "regions",
    value: count,
    rule: single ? `at least 1 region in ${SINGLE_REGION_ENVIRONMENTS.join(", ")} (${why.single})` : `at least 2 regions ${why.multi}`,
    fix: single ? why.singleFix : why.multiFix,
  });
}

/** Whether a data tier may be built over `regionCount` regions in this environment: two or more, or one in dev. */
export function dataTierRegionCountAllowed(environment: Environment | undefined, regionCount: number): boolean {
  return regionCount >= 2 || (regionCount === 1 && singleRegionAllowed(environment));
}

export interface RecoveryInput {
  readonly objectives: RecoveryObjectives;
  readonly regionCount: number;
  /** Decides whether a single region is allowed (dev only). @default two regions required */
  readonly environment?: Environment;
  /** AWS Backup cron expression; derived from the backup RPO when absent. */
  readonly backupSchedule?: string;
  /** Set Aurora's managed RPO (`rds.global_db_rpo`) to the declared RPO, so the primary stalls commits rather than exceed it. */
  readonly enforceAuroraRpo?: boolean;
}

/** CloudWatch alarm thresholds derived from the objectives. */
export interface AlarmThresholds {
  /**
   * Replication lag that raises the alarm: half the RPO, so the other half is left to react before data at risk
   * exceeds the objective. At least one second (the metric's resolution for ElastiCache).
   */
  readonly replicationLagSeconds: number;
  /** Consecutive one-minute periods above the threshold before alarming: 1 for RPOs up to 2 minutes, at most 5. */
  readonly replicationLagPeriods: number;
  /** S3 replication latency that means RTC's 15-minute promise is being broken. */
  readonly s3ReplicationLatencySeconds: number;
}

export interface RecoveryPlan {
  readonly topology: Topology;
  /** Aurora global database with a secondary cluster in every other region. */
  readonly auroraGlobal: boolean;
  /** ElastiCache global datastore with a secondary replication group in every other region. */
  readonly redisGlobal: boolean;
  /** Value for `rds.global_db_rpo`, when the RPO is enforced. */
  readonly managedRpoSeconds?: number;
  readonly backupSchedule: string;
  readonly backupIntervalSeconds: number;
  /** The longest interval between backups the objectives allow. */
  readonly backupBoundSeconds: number;
  readonly alarms: AlarmThresholds;
  readonly achieved: AchievedObjectives;
}

function needsGlobalReplication(objectives: RecoveryObjectives): boolean {
  return objectives.rpoSeconds < BACKUP_ONLY_BEST_RPO_SECONDS || objectives.rtoSeconds < RESTORE_RTO_SECONDS;
}

/** The longest backup interval the objectives allow for a topology. */
export function backupBoundSeconds(objectives: RecoveryObjectives, global: boolean, singleRegion = false): number {
  const declared = objectives.backupRpoSeconds ?? DEFAULT_BACKUP_RPO_SECONDS;
  // A single region has no copy to wait for: its in-region restore is bounded by the schedule alone.
  if (singleRegion) return Math.min(declared, objectives.rpoSeconds);
  // Without global replication the copied backups are what recovers a lost region, so they must also meet the RPO.
  return global ? declared : Math.min(declared, objectives.rpoSeconds - BACKUP_COPY_MARGIN_SECONDS);
}

/** Every reason the objectives cannot be turned into a topology; empty when they can. */
export function recoveryProblems(input: RecoveryInput): Problem[] {
  const shape = argsObjectProblems(input, "recovery", "recoveryObjectives");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  const { objectives } = input;
  const objectivesShape = argsObjectProblems(objectives, "recovery objectives", "recoveryObjectives");
  if (objectivesShape.length > 0) return objectivesShape;
  const objectivesOk = checkObjectiveFields(problems, objectives);
  const singleRegion = input.regionCount === 1 && singleRegionAllowed(input.environment);
  checkRegionCount(problems, input.environment, input.regionCount, {
    single: "one region is a backup-and-restore tier that a region loss destroys; 2 or more elsewhere",
    multi: "(the first is the primary): surviving a region loss needs somewhere to fail over or restore to",
    singleFix: "pass the primary region with its provider, VPC and private subnets",
    multiFix: "add a secondary region with its provider, VPC and private subnets",
  });
  if (!objectivesOk) return [...problems.list];

  if (singleRegion && needsGlobalReplication(objectives)) {
    addSingleRegionTooTight(problems, objectives);
    return [...problems.list];
  }
  const global = !singleRegion && needsGlobalReplication(objectives);
  checkGlobalReplicationLimits(problems, input, global);

  const bound = backupBoundSeconds(objectives, global, singleRegion);
  if (bound < BACKUP_MIN_INTERVAL_SECONDS) {
    // Only reachable through backupRpoSeconds, which is already reported above.
    return [...problems.list];
  }
  if (input.backupSchedule !== undefined) {
    checkBackupSchedule(problems, input.backupSchedule, bound, { copied: !(global || singleRegion), rpoSeconds: objectives.rpoSeconds });
  }
  return [...problems.list];
}

/** Records problems of the objectives' own fields; true when RPO and RTO are usable (the later checks need them). */
function checkObjectiveFields(problems: Problems, objectives: RecoveryObjectives): boolean {
  const rpoOk = checkInteger(problems, "recoveryObjectives.rpoSeconds", objectives.rpoSeconds, 0, Number.MAX_SAFE_INTEGER,
    "set recoveryObjectives.rpoSeconds to the whole number of seconds of writes you can afford to lose");
  const rtoOk = checkInteger(problems, "recoveryObjectives.rtoSeconds", objectives.rtoSeconds, 1, Number.MAX_SAFE_INTEGER,
    "set recoveryObjectives.rtoSeconds to the whole number of seconds the data tier may be down");
  if (objectives.backupRpoSeconds !== undefined) {
    checkInteger(problems, "recoveryObjectives.backupRpoSeconds", objectives.backupRpoSeconds, BACKUP_MIN_INTERVAL_SECONDS, Number.MAX_SAFE_INTEGER,
      `AWS Backup runs a schedule at most hourly: set backupRpoSeconds to ${BACKUP_MIN_INTERVAL_SECONDS} or more; ` +
        "finer recovery from logical damage comes from Aurora point-in-time restore (aurora.backupRetentionDays)");
  }
  return rpoOk && rtoOk;
}

/** A single region can only do backup-and-restore, so objectives that need global replication cannot be met. */
function addSingleRegionTooTight(problems: Problems, objectives: RecoveryObjectives): void {
  problems.add({
    property: "recoveryObjectives",
    value: { rpoSeconds: objectives.rpoSeconds, rtoSeconds: objectives.rtoSeconds, regions: 1 },
    rule:
      `a single-region data tier (allowed in ${SINGLE_REGION_ENVIRONMENTS.join(", ")} only) is backup-and-restore in its one region, which needs ` +
      `rpoSeconds of at least ${BACKUP_ONLY_BEST_RPO_SECONDS} and rtoSeconds of at least ${RESTORE_RTO_SECONDS}; tighter objectives need global replication to a second region`,
    fix: `add a second region, or raise recoveryObjectives.rpoSeconds to ${BACKUP_ONLY_BEST_RPO_SECONDS} or more and rtoSeconds to ${RESTORE_RTO_SECONDS} or more`,
  });
}

/** What global replication limits: the regions an ElastiCache global datastore spans, and Aurora's managed RPO. */
function checkGlobalReplicationLimits(problems: Problems, input: RecoveryInput, global: boolean): void {
  const { objectives } = input;
  if (global && input.regionCount > REDIS_GLOBAL_MAX_REGIONS) {
    problems.add({
      property: "regions",
      value: input.regionCount,
      rule: `at most ${REDIS_GLOBAL_MAX_REGIONS} regions when the objectives need global replication (an ElastiCache global datastore spans a primary and two secondaries)`,
      fix: `list at most ${REDIS_GLOBAL_MAX_REGIONS} regions`,
    });
  }
  if (input.enforceAuroraRpo) {
    problems.check(global && objectives.rpoSeconds >= MANAGED_RPO_MIN_SECONDS, {
      property: "aurora.enforceRpo",
      value: { enforceRpo: true, rpoSeconds: objectives.rpoSeconds, globalReplication: global },
      rule: `managed RPO needs global replication and rpoSeconds of at least ${MANAGED_RPO_MIN_SECONDS} (the smallest rds.global_db_rpo Aurora accepts)`,
      fix: `raise rpoSeconds to ${MANAGED_RPO_MIN_SECONDS} or more, or leave aurora.enforceRpo unset and rely on the lag alarm`,
    });
  }
}

/** The given backup schedule: parseable, at most hourly, and its longest gap within the backup RPO `bound`. */
function checkBackupSchedule(problems: Problems, schedule: string, bound: number, rpo: { copied: boolean; rpoSeconds: number }): void {
  const analysis = analyzeSchedule(schedule);
  const suggestion = scheduleWithin(bound)?.expression;
  if (!analysis.ok) {
    problems.add({ property: "backup.schedule", value: schedule, rule: analysis.reason, fix: `use a schedule such as "${suggestion}"` });
    return;
  }
  problems.check(analysis.minIntervalSeconds >= BACKUP_MIN_INTERVAL_SECONDS, {
    property: "backup.schedule",
    value: schedule,
    rule: `runs at most once an hour (AWS Backup's limit); this one runs every ${describeSeconds(analysis.minIntervalSeconds)}`,
    fix: `use an hourly or slower schedule such as "${suggestion}"; sub-hour recovery comes from Aurora point-in-time restore`,
  });
  problems.check(analysis.maxIntervalSeconds <= bound, {
    property: "backup.schedule",
    value: schedule,
    rule:
      `a schedule whose longest gap (${describeSeconds(analysis.maxIntervalSeconds)}) is within the backup RPO of ${describeSeconds(bound)}` +
      (rpo.copied ? ` (the RPO of ${describeSeconds(rpo.rpoSeconds)} minus ${describeSeconds(BACKUP_COPY_MARGIN_SECONDS)} for the cross-region copy)` : ""),
    fix: `run backups more often, e.g. "${suggestion}", or raise the objective`,
  });
}

/** Thresholds for the lag alarms: half the RPO, evaluated over enough minutes to ignore a single spike. */
export function alarmThresholds(rpoSeconds: number): AlarmThresholds {
  const replicationLagSeconds = Math.max(1, Math.floor(rpoSeconds / 2));
  return {
    replicationLagSeconds,
    replicationLagPeriods: Math.min(5, Math.max(1, Math.floor(replicationLagSeconds / 60))),
    s3ReplicationLatencySeconds: S3_RTC_MINUTES * 60,
  };
}

/**
 * The topology, schedule and alarm thresholds for valid input, and the objectives it achieves with the reasons.
 * Call `recoveryProblems` first; this function assumes they are empty.
 */
export function planRecovery(input: RecoveryInput): RecoveryPlan {
  const { objectives } = input;
  // recoveryProblems has already rejected one region outside dev, so one region here is a dev single-region tier.
  const singleRegion = input.regionCount === 1;
  const global = !singleRegion && needsGlobalReplication(objectives);
  const bound = backupBoundSeconds(objectives, global, singleRegion);
  const generated = scheduleWithin(bound);
  const backupSchedule = input.backupSchedule ?? generated?.expression ?? "cron(0 * ? * * *)";
  const analysis = analyzeSchedule(backupSchedule);
  const backupIntervalSeconds = analysis.ok ? analysis.maxIntervalSeconds : BACKUP_MIN_INTERVAL_SECONDS;
  const managedRpoSeconds = input.enforceAuroraRpo ? objectives.rpoSeconds : undefined;

  const outcome = global
    ? globalReplicationOutcome(objectives, managedRpoSeconds, backupIntervalSeconds, bound)
    : singleRegion
      ? singleRegionOutcome(backupIntervalSeconds)
      : backupAndRestoreOutcome(objectives, backupIntervalSeconds);
  const { rpoSeconds, rtoSeconds } = outcome;
  const notes = [...outcome.notes];
  if (!singleRegion) {
    notes.push(
      `Backup bucket objects replicate with S3 Replication Time Control (${S3_RTC_MINUTES} min for 99.99 % of objects); the bucket holds exports, not live data, so it does not bound the RPO.`,
    );
  }
  // The objectives are about losing the primary region, which a single region cannot survive whatever its backups.
  const met = !singleRegion && rpoSeconds <= objectives.rpoSeconds && rtoSeconds <= objectives.rtoSeconds;
  return {
    topology: global ? Topology.GlobalReplication : Topology.BackupAndRestore,
    auroraGlobal: global,
    redisGlobal: global,
    managedRpoSeconds,
    backupSchedule,
    backupIntervalSeconds,
    backupBoundSeconds: bound,
    alarms: alarmThresholds(objectives.rpoSeconds),
    achieved: { topology: global ? Topology.GlobalReplication : Topology.BackupAndRestore, rpoSeconds, rtoSeconds, met, notes },
  };
}

/** What a topology achieves after losing the primary region, with a note for every objective. */
interface RecoveryOutcome {
  readonly rpoSeconds: number;
  readonly rtoSeconds: number;
  readonly notes: readonly string[];
}

/** Global replication: RPO of the replication lag (or the managed RPO), RTO of a global failover. */
function globalReplicationOutcome(
  objectives: RecoveryObjectives,
  managedRpoSeconds: number | undefined,
  backupIntervalSeconds: number,
  bound: number,
): RecoveryOutcome {
  const notes: string[] = [];
  notes.push(
    `Global replication chosen: RPO ${describeSeconds(objectives.rpoSeconds)} is below the ${describeSeconds(BACKUP_ONLY_BEST_RPO_SECONDS)} ` +
      `backup-and-restore can reach, or RTO ${describeSeconds(objectives.rtoSeconds)} is below a ${describeSeconds(RESTORE_RTO_SECONDS)} restore.`,
  );
  let rpoSeconds: number;
  if (managedRpoSeconds !== undefined) {
    rpoSeconds = managedRpoSeconds;
    notes.push(`RPO enforced by Aurora managed RPO (rds.global_db_rpo=${managedRpoSeconds}): the primary stalls commits rather than let a secondary fall further behind.`);
  } else {
    rpoSeconds = GLOBAL_REPLICATION_TYPICAL_LAG_SECONDS;
    notes.push(
      `RPO ≈ ${GLOBAL_REPLICATION_TYPICAL_LAG_SECONDS} s: Aurora global database and ElastiCache global datastore replicate asynchronously, typically under a second. ` +
        `This is typical, not guaranteed: lag alarms fire at ${describeSeconds(alarmThresholds(objectives.rpoSeconds).replicationLagSeconds)} (half the RPO); set aurora.enforceRpo to make Aurora enforce it.`,
    );
  }
  if (objectives.rpoSeconds < GLOBAL_REPLICATION_TYPICAL_LAG_SECONDS) {
    notes.push(
      `Cannot meet RPO ${objectives.rpoSeconds} s: zero data loss across regions needs synchronous replication, which neither Aurora global database nor ElastiCache global datastore offers.`,
    );
  }
  const rtoSeconds = GLOBAL_FAILOVER_RTO_SECONDS;
  notes.push(
    `RTO ≈ ${describeSeconds(GLOBAL_FAILOVER_RTO_SECONDS)}: alarm, then Aurora global failover and promotion of the ElastiCache secondary (ElastiCache has no automatic cross-region failover).`,
  );
  if (objectives.rtoSeconds < GLOBAL_FAILOVER_RTO_SECONDS) {
    notes.push(
      `Cannot meet RTO ${describeSeconds(objectives.rtoSeconds)}: detecting a regional outage and failing over takes about ${describeSeconds(GLOBAL_FAILOVER_RTO_SECONDS)}; ` +
        "only an active-active design with application-level conflict handling goes lower.",
    );
  }
  notes.push(`Backups every ${describeSeconds(backupIntervalSeconds)} (backup RPO ${describeSeconds(bound)}) guard against logical damage, which replication copies to every region.`);
  return { rpoSeconds, rtoSeconds, notes };
}

/** A single (dev) region: backup-and-restore within the region, which a region loss defeats. */
function singleRegionOutcome(backupIntervalSeconds: number): RecoveryOutcome {
  const notes: string[] = [];
  const rpoSeconds = backupIntervalSeconds;
  const rtoSeconds = RESTORE_RTO_SECONDS;
  notes.push(
    "Single region (allowed in dev only): a region loss loses the data tier. The stores, their backups and the backup bucket all live in that one region, " +
      "so there is nothing to fail over or restore to: the RPO and RTO are NOT met for a regional disaster.",
  );
  notes.push(
    `Within the region only: RPO ≈ ${describeSeconds(rpoSeconds)} from backups every ${describeSeconds(backupIntervalSeconds)} (Aurora point-in-time restore goes finer), ` +
      `RTO ≈ ${describeSeconds(rtoSeconds)} to restore Aurora from the vault and repoint the workloads. Aurora and the cache stay Multi-AZ, so losing a zone is a failover, not a restore.`,
  );
  notes.push("Backup recovery points are not copied to another region and the backup bucket is not replicated; add a second region to survive a region loss.");
  return { rpoSeconds, rtoSeconds, notes };
}

/** Backup-and-restore across regions: RPO of the backup interval plus the copy, RTO of a restore. */
function backupAndRestoreOutcome(objectives: RecoveryObjectives, backupIntervalSeconds: number): RecoveryOutcome {
  const notes: string[] = [];
  const rpoSeconds = backupIntervalSeconds + BACKUP_COPY_MARGIN_SECONDS;
  const rtoSeconds = RESTORE_RTO_SECONDS;
  notes.push(
    `Backup-and-restore chosen: RPO ${describeSeconds(objectives.rpoSeconds)} and RTO ${describeSeconds(objectives.rtoSeconds)} allow restoring in another region, ` +
      "so the stores run in the primary region only.",
  );
  notes.push(`RPO ≈ ${describeSeconds(rpoSeconds)}: backups every ${describeSeconds(backupIntervalSeconds)} plus up to ${describeSeconds(BACKUP_COPY_MARGIN_SECONDS)} for the cross-region copy.`);
  notes.push(`RTO ≈ ${describeSeconds(rtoSeconds)}: restore Aurora from the copied recovery point and repoint the workloads.`);
  notes.push("The cache is not replicated across regions: after a region loss it starts empty and is refilled from the database (it is not a system of record).");
  return { rpoSeconds, rtoSeconds, notes };
}
