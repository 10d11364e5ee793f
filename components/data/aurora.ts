/** Pure settings and validation of the Aurora PostgreSQL global database. */
import { argsObjectProblems, checkInteger, checkOptionalBoolean, Problem, Problems } from "../shared/validation";
import { Environment } from "./types";
import { environmentProfile } from "../shared/environment";

/**
 * Pinned engine version. 16.6 supports global databases, managed RPO (`rds.global_db_rpo`) and the cross-region
 * resiliency improvements that keep secondary readers available during replication disruptions (16.6 and later).
 */
export const DEFAULT_AURORA_ENGINE_VERSION = "16.6";
/** Memory-optimised Graviton class: global databases need r-class (or x-class) instances, not burstable ones. */
export const DEFAULT_AURORA_INSTANCE_CLASS = "db.r7g.large";
export const AURORA_PORT = 5432;
/** Performance Insights retention Aurora accepts: 7 days (free tier), whole months of 31 days up to 23, or 731. */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = [7, ...Array.from({ length: 23 }, (_v, i) => (i + 1) * 31), 731] as const;

/** The plain (validated) Aurora settings of DataTier. */
export interface AuroraSettings {
  /**
   * Aurora PostgreSQL `major.minor` version, pinned so upgrades are deliberate.
   * @default "16.6"
   */
  readonly engineVersion?: string;
  /**
   * Instance class of every instance; global databases need memory-optimised classes.
   * @default "db.r7g.large"
   */
  readonly instanceClass?: string;
  /**
   * Instances per regional cluster (one writer, the rest readers and failover targets), spread over the zones.
   * @default 3 in prod when three zones are given, otherwise 2
   */
  readonly instancesPerCluster?: number;
  /** @default "app" */
  readonly databaseName?: string;
  /** @default "dbadmin" */
  readonly masterUsername?: string;
  /**
   * Days of automated backups, which is also the point-in-time-restore window.
   * @default 35 in prod (the maximum), 7 elsewhere
   */
  readonly backupRetentionDays?: number;
  /** @default 7 (the free tier) */
  readonly performanceInsightsRetentionDays?: number;
  /**
   * Enforce the declared RPO with Aurora managed RPO (`rds.global_db_rpo`): the primary stalls commits when no
   * secondary is within the RPO. Trades write availability for a guaranteed RPO.
   * @default false — replication lag is alarmed on, not enforced
   */
  readonly enforceRpo?: boolean;
}

export interface ResolvedAuroraSettings {
  readonly engineVersion: string;
  readonly majorVersion: string;
  readonly instanceClass: string;
  readonly instancesPerCluster: number;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly backupRetentionDays: number;
  readonly performanceInsightsRetentionDays: number;
}

export function resolveAuroraSettings(settings: AuroraSettings, environment: Environment, minZones: number): ResolvedAuroraSettings {
  const profile = environmentProfile(environment);
  const engineVersion = settings.engineVersion ?? DEFAULT_AURORA_ENGINE_VERSION;
  return {
    engineVersion,
    majorVersion: engineVersion.split(".")[0],
    instanceClass: settings.instanceClass ?? DEFAULT_AURORA_INSTANCE_CLASS,
    instancesPerCluster: settings.instancesPerCluster ?? (profile.strict && minZones >= 3 ? 3 : 2),
    databaseName: settings.databaseName ?? "app",
    masterUsername: settings.masterUsername ?? "dbadmin",
    backupRetentionDays: settings.backupRetentionDays ?? profile.retention.auroraBackupDays,
    performanceInsightsRetentionDays: settings.performanceInsightsRetentionDays ?? 7,
  };
}

const RESERVED_USERNAMES = ["rdsadmin", "rdsrepladmin", "postgres", "admin", "root"];

/** Every problem with the Aurora settings; `property` paths are prefixed with `prefix`. */
export function auroraProblems(settings: AuroraSettings, prefix = "aurora"): Problem[] {
  const shape = argsObjectProblems(settings, "Aurora", prefix);
  if (shape.length > 0) return shape;
  const problems = new Problems();
  if (settings.engineVersion !== undefined) {
    problems.check(typeof settings.engineVersion === "string" && /^(1[3-7])\.\d+$/.test(settings.engineVersion), {
      property: `${prefix}.engineVersion`,
      value: settings.engineVersion,
      rule: "an Aurora PostgreSQL major.minor version from 13 to 17 (versions that support global databases)",
      fix: `set ${prefix}.engineVersion to e.g. "${DEFAULT_AURORA_ENGINE_VERSION}"`,
    });
  }
  if (settings.instanceClass !== undefined) {
    problems.check(typeof settings.instanceClass === "string" && /^db\.(r|x)\d+[a-z]*\.[a-z0-9]+$/.test(settings.instanceClass), {
      property: `${prefix}.instanceClass`,
      value: settings.instanceClass,
      rule: "a memory-optimised db.r* or db.x* instance class (Aurora global databases do not support burstable db.t* classes)",
      fix: `set ${prefix}.instanceClass to e.g. "${DEFAULT_AURORA_INSTANCE_CLASS}"`,
    });
  }
  if (settings.instancesPerCluster !== undefined) {
    checkInteger(problems, `${prefix}.instancesPerCluster`, settings.instancesPerCluster, 2, 16,
      `set ${prefix}.instancesPerCluster to 2 or more so a reader in another zone can take over from the writer`);
  }
  if (settings.databaseName !== undefined) {
    problems.check(typeof settings.databaseName === "string" && /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(settings.databaseName), {
      property: `${prefix}.databaseName`,
      value: settings.databaseName,
      rule: "1-63 letters, digits or underscores, starting with a letter",
      fix: `set ${prefix}.databaseName to e.g. "app"`,
    });
  }
  if (settings.masterUsername !== undefined) {
    const name = settings.masterUsername;
    problems.check(typeof name === "string" && /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(name) && !RESERVED_USERNAMES.includes(name.toLowerCase()), {
      property: `${prefix}.masterUsername`,
      value: name,
      rule: `1-63 letters, digits or underscores, starting with a letter, not one of ${RESERVED_USERNAMES.join(", ")}`,
      fix: `set ${prefix}.masterUsername to e.g. "dbadmin"`,
    });
  }
  if (settings.backupRetentionDays !== undefined) {
    checkInteger(problems, `${prefix}.backupRetentionDays`, settings.backupRetentionDays, 1, 35,
      `set ${prefix}.backupRetentionDays between 1 and 35 (Aurora's limit); keep longer history with the AWS Backup plan`);
  }
  if (settings.performanceInsightsRetentionDays !== undefined) {
    problems.check((PERFORMANCE_INSIGHTS_RETENTION_DAYS as readonly number[]).includes(settings.performanceInsightsRetentionDays), {
      property: `${prefix}.performanceInsightsRetentionDays`,
      value: settings.performanceInsightsRetentionDays,
      rule: "7, a multiple of 31 up to 713, or 731",
      fix: `set ${prefix}.performanceInsightsRetentionDays to 7 or 31`,
    });
  }
  checkOptionalBoolean(problems, `${prefix}.enforceRpo`, settings.enforceRpo);
  return [...problems.list];
}

/** Cluster parameters: TLS only (1.2+), connection logging, and the managed RPO when it is enforced. */
export function auroraClusterParameters(managedRpoSeconds?: number): { name: string; value: string; applyMethod: string }[] {
  const parameters = [
    // pending-reboot is accepted for static and dynamic parameters alike; new clusters boot with it applied.
    { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
    { name: "ssl_min_protocol_version", value: "TLSv1.2", applyMethod: "pending-reboot" },
    { name: "log_connections", value: "1", applyMethod: "pending-reboot" },
  ];
  if (managedRpoSeconds !== undefined) {
    parameters.push({ name: "rds.global_db_rpo", value: String(managedRpoSeconds), applyMethod: "immediate" });
  }
  return parameters;
}
