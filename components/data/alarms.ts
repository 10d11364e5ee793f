/**
 * The CloudWatch alarms of the data tier as plain specs, so tests can read thresholds without a runtime.
 *
 * treatMissingData is chosen per signal:
 * - replication lag: "missing" — Aurora publishes the lag metrics only from a secondary once replication runs, so
 *   "breaching" put every new secondary in ALARM from day one; a secondary that stops reporting still notifies,
 *   through INSUFFICIENT_DATA actions (`notifyInsufficientData`);
 * - failure counts and S3 replication: "notBreaching" — no datapoint means nothing failed / nothing to replicate;
 * - resource headroom: "missing" — keep the last state through gaps such as an instance reboot.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../shared/regions";
import { checkOptionalObject, Problem, Problems } from "../shared/validation";
import { AlarmThresholds } from "./recovery";

/** Headroom thresholds; sized for the default r7g.large classes (16 GiB memory, ~32 GiB local storage). */
export interface HeadroomThresholds {
  /** @default 80 */
  readonly cpuPercent?: number;
  /** @default 1 GiB */
  readonly freeableMemoryBytes?: number;
  /** @default 4 GiB */
  readonly freeLocalStorageBytes?: number;
  /** ElastiCache DatabaseMemoryUsagePercentage. @default 80 */
  readonly cacheMemoryPercent?: number;
  /** S3 operations waiting to replicate, sustained for 15 minutes. @default 1000 */
  readonly pendingReplicationOperations?: number;
}

export interface AlarmTargets {
  readonly thresholds: AlarmThresholds;
  readonly headroom?: HeadroomThresholds;
  readonly auroraClusters: readonly { readonly region: string; readonly role: "primary" | "secondary"; readonly clusterIdentifier: pulumi.Input<string> }[];
  readonly redisGroups: readonly { readonly region: string; readonly role: "primary" | "secondary"; readonly replicationGroupId: string; readonly memberClusterIds: readonly string[] }[];
  readonly replicationRoutes: readonly { readonly sourceRegion: string; readonly destinationRegion: string; readonly sourceBucket: pulumi.Input<string>; readonly destinationBucket: pulumi.Input<string>; readonly ruleId: string }[];
  /**
   * The vault the plan writes to (backup jobs) — copy jobs are reported in the same region. `copies: false` (a
   * single-region dev plan, no copy action) drops the copy-job alarm.
   * @default copies are assumed, so both backup-job and copy-job failures alarm
   */
  readonly backupVault?: { readonly region: string; readonly vaultName: pulumi.Input<string>; readonly copies?: boolean };
}

export type AlarmSpecArgs = Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "insufficientDataActions">;

export interface AlarmSpec {
  /** Stable suffix of the alarm's resource name. */
  readonly key: string;
  readonly region: string;
  readonly args: AlarmSpecArgs;
  /** Also notify when the alarm has no data (a signal that should always report, e.g. replication lag). */
  readonly notifyInsufficientData?: boolean;
}

const GIB = 1024 ** 3;

function seriesMax(id: string, namespace: string, metricName: string, dimension: string, values: readonly string[], period: number): AlarmSpecArgs["metricQueries"] {
  return [
    ...values.map((value, i) => ({ id: `m${i}`, returnData: false, metric: { namespace, metricName, dimensions: { [dimension]: value }, stat: "Maximum", period } })),
    { id, expression: `MAX([${values.map((_v, i) => `m${i}`).join(", ")}])`, label: `${metricName} (max over nodes)`, returnData: true },
  ];
}

/** Upper bound of each headroom threshold: percentages up to 100, byte and operation counts unbounded. */
const HEADROOM_MAX: Readonly<Record<keyof HeadroomThresholds, number>> = {
  cpuPercent: 100,
  freeableMemoryBytes: Number.MAX_SAFE_INTEGER,
  freeLocalStorageBytes: Number.MAX_SAFE_INTEGER,
  cacheMemoryPercent: 100,
  pendingReplicationOperations: Number.MAX_SAFE_INTEGER,
};

/** Every problem with the headroom thresholds (unset, or null, means the defaults); `at` prefixes the properties. */
export function headroomProblems(headroom: HeadroomThresholds | undefined, at: string): Problem[] {
  const problems = new Problems();
  if (!checkOptionalObject(problems, at, headroom, "of headroom thresholds { cpuPercent, freeableMemoryBytes, ... }") || headroom == null) return [...problems.list];
  for (const [key, max] of Object.entries(HEADROOM_MAX) as [keyof HeadroomThresholds, number][]) {
    const value = headroom[key];
    if (value === undefined) continue;
    problems.check(typeof value === "number" && Number.isFinite(value) && value > 0 && value <= max, {
      property: `${at}.${key}`,
      value,
      rule: max === 100 ? "a number above 0 and at most 100 (a percentage)" : "a number above 0",
      fix: `set ${at}.${key} to a positive number, or leave it out for the default`,
    });
  }
  return [...problems.list];
}

/** Headroom thresholds with their defaults filled in. */
type ResolvedHeadroom = Required<HeadroomThresholds>;

function resolveHeadroom(headroom: HeadroomThresholds | undefined): ResolvedHeadroom {
  return {
    cpuPercent: headroom?.cpuPercent ?? 80,
    freeableMemoryBytes: headroom?.freeableMemoryBytes ?? GIB,
    freeLocalStorageBytes: headroom?.freeLocalStorageBytes ?? 4 * GIB,
    cacheMemoryPercent: headroom?.cacheMemoryPercent ?? 80,
    pendingReplicationOperations: headroom?.pendingReplicationOperations ?? 1000,
  };
}

/** Evaluation window of the replication lag alarms: one-minute periods, as many as the thresholds ask for. */
function lagWindow(t: AlarmThresholds): { period: number; evaluationPeriods: number; datapointsToAlarm: number; treatMissingData: string } {
  return { period: 60, evaluationPeriods: t.replicationLagPeriods, datapointsToAlarm: t.replicationLagPeriods, treatMissingData: "missing" };
}

/** Evaluation window of the headroom alarms: three five-minute periods. */
const HEADROOM_WINDOW = { period: 300, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "missing" };

export function alarmSpecs(targets: AlarmTargets): AlarmSpec[] {
  const h = resolveHeadroom(targets.headroom);
  return [
    ...auroraAlarmSpecs(targets, h),
    ...redisAlarmSpecs(targets, h),
    ...s3ReplicationAlarmSpecs(targets, h),
    ...(targets.backupVault ? backupAlarmSpecs(targets.backupVault) : []),
  ];
}

/** Per Aurora cluster: the global database lag alarms (secondaries only), then CPU, memory and local storage. */
function auroraAlarmSpecs(targets: AlarmTargets, h: ResolvedHeadroom): AlarmSpec[] {
  const primaryRegion = targets.auroraClusters.find((c) => c.role === "primary")?.region;
  const specs: AlarmSpec[] = [];
  for (const c of targets.auroraClusters) {
    const code = regionCode(c.region);
    const dimensions = { DBClusterIdentifier: c.clusterIdentifier };
    if (c.role === "secondary" && primaryRegion) specs.push(...auroraLagSpecs(targets.thresholds, c, primaryRegion));
    specs.push(
      { key: `aurora-${code}-cpu`, region: c.region, args: { alarmDescription: `Aurora CPU in ${c.region} above ${h.cpuPercent} % for 15 minutes.`, namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions, statistic: "Maximum", comparisonOperator: "GreaterThanThreshold", threshold: h.cpuPercent, ...HEADROOM_WINDOW } },
      { key: `aurora-${code}-memory`, region: c.region, args: { alarmDescription: `Aurora freeable memory in ${c.region} below ${h.freeableMemoryBytes} bytes.`, namespace: "AWS/RDS", metricName: "FreeableMemory", dimensions, statistic: "Minimum", comparisonOperator: "LessThanThreshold", threshold: h.freeableMemoryBytes, ...HEADROOM_WINDOW } },
      { key: `aurora-${code}-local-storage`, region: c.region, args: { alarmDescription: `Aurora free local storage (temp tables, logs) in ${c.region} below ${h.freeLocalStorageBytes} bytes.`, namespace: "AWS/RDS", metricName: "FreeLocalStorage", dimensions, statistic: "Minimum", comparisonOperator: "LessThanThreshold", threshold: h.freeLocalStorageBytes, ...HEADROOM_WINDOW } },
    );
  }
  return specs;
}

/** The RPO lag and replication lag alarms of a secondary Aurora cluster. */
function auroraLagSpecs(t: AlarmThresholds, c: AlarmTargets["auroraClusters"][number], primaryRegion: string): AlarmSpec[] {
  const code = regionCode(c.region);
  const lag = lagWindow(t);
  // Published by the secondary cluster per source (primary) region: the series has both dimensions, and an
  // alarm matches a series only on its exact dimension set (Aurora user guide, "CloudWatch dimensions for
  // Aurora": DBClusterIdentifier, SourceRegion).
  const lagDimensions = { DBClusterIdentifier: c.clusterIdentifier, SourceRegion: primaryRegion };
  return ([["AuroraGlobalDBRPOLag", "rpo-lag"], ["AuroraGlobalDBReplicationLag", "replication-lag"]] as const).map(([metricName, key]) => ({
    key: `aurora-${code}-${key}`,
    region: c.region,
    args: {
      alarmDescription: `Aurora global database ${metricName} in ${c.region} above ${t.replicationLagSeconds} s (half the RPO): the RPO is at risk.`,
      namespace: "AWS/RDS", metricName, dimensions: lagDimensions, statistic: "Maximum", unit: "Milliseconds",
      comparisonOperator: "GreaterThanThreshold", threshold: t.replicationLagSeconds * 1000, ...lag,
    },
    notifyInsufficientData: true,
  }));
}

/** Per cache replication group: the global datastore lag alarm (secondaries only), then engine CPU and memory. */
function redisAlarmSpecs(targets: AlarmTargets, h: ResolvedHeadroom): AlarmSpec[] {
  const t = targets.thresholds;
  const lag = lagWindow(t);
  const specs: AlarmSpec[] = [];
  for (const g of targets.redisGroups) {
    const code = regionCode(g.region);
    if (g.role === "secondary") {
      specs.push({
        key: `redis-${code}-replication-lag`,
        region: g.region,
        args: {
          alarmDescription: `ElastiCache GlobalDatastoreReplicationLag of ${g.replicationGroupId} above ${t.replicationLagSeconds} s (half the RPO).`,
          metricQueries: seriesMax("lag", "AWS/ElastiCache", "GlobalDatastoreReplicationLag", "CacheClusterId", g.memberClusterIds, 60),
          comparisonOperator: "GreaterThanThreshold", threshold: t.replicationLagSeconds, ...lag,
        },
        notifyInsufficientData: true,
      });
    }
    specs.push(
      { key: `redis-${code}-cpu`, region: g.region, args: { alarmDescription: `ElastiCache engine CPU of ${g.replicationGroupId} above ${h.cpuPercent} %.`, metricQueries: seriesMax("cpu", "AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", g.memberClusterIds, 300), comparisonOperator: "GreaterThanThreshold", threshold: h.cpuPercent, ...HEADROOM_WINDOW } },
      { key: `redis-${code}-memory`, region: g.region, args: { alarmDescription: `ElastiCache memory use of ${g.replicationGroupId} above ${h.cacheMemoryPercent} %: evictions next.`, metricQueries: seriesMax("memory", "AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", g.memberClusterIds, 300), comparisonOperator: "GreaterThanThreshold", threshold: h.cacheMemoryPercent, ...HEADROOM_WINDOW } },
    );
  }
  return specs;
}

/** Per S3 replication rule: latency beyond Replication Time Control, and operations waiting to replicate. */
function s3ReplicationAlarmSpecs(targets: AlarmTargets, h: ResolvedHeadroom): AlarmSpec[] {
  const t = targets.thresholds;
  return targets.replicationRoutes.flatMap((r): AlarmSpec[] => {
    const code = regionCode(r.destinationRegion);
    const dimensions = { SourceBucket: r.sourceBucket, DestinationBucket: r.destinationBucket, RuleId: r.ruleId };
    return [
      {
        key: `s3-to-${code}-latency`,
        region: r.sourceRegion,
        args: {
          alarmDescription: `S3 replication to ${r.destinationRegion} slower than ${t.s3ReplicationLatencySeconds} s: Replication Time Control's promise is broken.`,
          namespace: "AWS/S3", metricName: "ReplicationLatency", dimensions, statistic: "Maximum",
          comparisonOperator: "GreaterThanThreshold", threshold: t.s3ReplicationLatencySeconds,
          period: 300, evaluationPeriods: 1, treatMissingData: "notBreaching",
        },
      },
      {
        key: `s3-to-${code}-pending`,
        region: r.sourceRegion,
        args: {
          alarmDescription: `More than ${h.pendingReplicationOperations} S3 operations waiting to replicate to ${r.destinationRegion} for 15 minutes.`,
          namespace: "AWS/S3", metricName: "OperationsPendingReplication", dimensions, statistic: "Maximum",
          comparisonOperator: "GreaterThanThreshold", threshold: h.pendingReplicationOperations,
          period: 300, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "notBreaching",
        },
      },
    ];
  });
}

/** Failed backup jobs in the plan's vault, and failed copy jobs (region-wide) unless the plan copies nowhere. */
function backupAlarmSpecs(v: NonNullable<AlarmTargets["backupVault"]>): AlarmSpec[] {
  // Metrics Insights sums over every dimension set AWS Backup publishes the counters with.
  const counters = [["NumberOfBackupJobsFailed", "backup-jobs-failed"], ["NumberOfCopyJobsFailed", "copy-jobs-failed"]] as const;
  return counters
    .filter(([m]) => v.copies !== false || m !== "NumberOfCopyJobsFailed")
    .map(([metricName, key]) => ({
      key,
      region: v.region,
      args: {
        alarmDescription: `AWS Backup ${metricName} for vault in ${v.region}: a scheduled recovery point or its cross-region copy is missing.`,
        metricQueries: [
          {
            id: "failed",
            returnData: true,
            period: 300,
            // Copy jobs are not reliably reported under the source vault, so copy failures are counted region-wide.
            expression:
              metricName === "NumberOfBackupJobsFailed"
                ? pulumi.interpolate`SELECT SUM(${metricName}) FROM "AWS/Backup" WHERE BackupVaultName = '${v.vaultName}'`
                : `SELECT SUM(${metricName}) FROM "AWS/Backup"`,
          },
        ],
        comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 1,
        evaluationPeriods: 1, treatMissingData: "notBreaching",
      },
    }));
}
