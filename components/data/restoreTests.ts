/**
 * Restore testing as plain data: the settings, their validation against the recovery objectives, and the source of
 * the validation function that judges every restore job.
 *
 * A restore test proves two things: a recent enough recovery point exists (its age at restore time is within the
 * backup interval, which the data tier sized from the RPO), and it restores within the restore window, which may
 * not exceed the RTO. The validation function reports both to AWS Backup (`PutRestoreValidationResult`) and as
 * CloudWatch metrics the alarms watch.
 */
import { analyzeSchedule } from "./schedule";
import { Problem, Problems } from "../shared/validation";

export interface RestoreTestingSettings {
  /**
   * When restore tests start (AWS Backup cron, UTC). @default daily at 07:00 UTC, after the default 05:00 backup
   */
  readonly schedule?: string;
  /** Hours AWS Backup may take to start the restore job (1–168). @default 1 */
  readonly startWindowHours?: number;
  /**
   * Longest a restore may take, in seconds, before the test counts as failed. It may not exceed the RTO: a restore
   * slower than the RTO does not prove the RTO.
   * @default the RTO
   */
  readonly restoreWindowSeconds?: number;
  /** Hours the restored copy is kept for validation before AWS Backup deletes it (1–168). @default 1 */
  readonly validationWindowHours?: number;
}

export interface ResolvedRestoreTesting {
  readonly schedule: string;
  readonly startWindowHours: number;
  readonly restoreWindowSeconds: number;
  readonly validationWindowHours: number;
}

export const DEFAULT_RESTORE_TEST_SCHEDULE = "cron(0 7 ? * * *)";

export function resolveRestoreTesting(s: RestoreTestingSettings | undefined, rtoSeconds: number): ResolvedRestoreTesting {
  return {
    schedule: s?.schedule ?? DEFAULT_RESTORE_TEST_SCHEDULE,
    startWindowHours: s?.startWindowHours ?? 1,
    restoreWindowSeconds: s?.restoreWindowSeconds ?? rtoSeconds,
    validationWindowHours: s?.validationWindowHours ?? 1,
  };
}

/** Every problem with the settings; `at` prefixes property names (config key or component argument). */
export function restoreTestingProblems(s: RestoreTestingSettings | undefined, rtoSeconds: number, at = "restoreTesting"): Problem[] {
  const problems = new Problems();
  const r = resolveRestoreTesting(s, rtoSeconds);
  const schedule = analyzeSchedule(r.schedule);
  problems.check(schedule.ok && schedule.maxIntervalSeconds <= 86400, {
    property: `${at}.schedule`, value: r.schedule, rule: schedule.ok ? "a schedule that tests at least daily (the not-running alarm waits two days)" : schedule.reason,
    fix: `use e.g. "${DEFAULT_RESTORE_TEST_SCHEDULE}" (daily)`,
  });
  for (const key of ["startWindowHours", "validationWindowHours"] as const) {
    problems.check(Number.isInteger(r[key]) && r[key] >= 1 && r[key] <= 168, {
      property: `${at}.${key}`, value: r[key], rule: "an integer number of hours from 1 to 168 (AWS Backup's bounds)", fix: `set ${key} to 1`,
    });
  }
  if (problems.check(Number.isInteger(r.restoreWindowSeconds) && r.restoreWindowSeconds >= 1, {
    property: `${at}.restoreWindowSeconds`, value: r.restoreWindowSeconds, rule: "a positive integer number of seconds", fix: `leave it unset to use the RTO (${rtoSeconds} s)`,
  })) {
    problems.check(r.restoreWindowSeconds <= rtoSeconds, {
      property: `${at}.restoreWindowSeconds`, value: r.restoreWindowSeconds,
      rule: `at most the RTO (${rtoSeconds} s): a restore allowed to take longer than the RTO does not prove it`,
      fix: `lower restoreWindowSeconds to ${rtoSeconds} or less, or leave it unset`,
    });
  }
  return [...problems.list];
}

/** CloudWatch namespace and metric names the validation function publishes. */
export const RESTORE_METRICS = {
  namespace: "ProductionPlatform/RestoreTesting",
  failed: "RestoreTestFailed",
  duration: "RestoreDurationSeconds",
  recoveryPointAge: "RecoveryPointAgeSeconds",
} as const;

/**
 * Source of the validation function (Node.js 20, AWS SDK v3 from the runtime). Input: EventBridge "Restore Job State
 * Change" events of restore testing jobs. A job that did not complete, took longer than RESTORE_WINDOW_SECONDS, or
 * restored a point older than MAX_RECOVERY_POINT_AGE_SECONDS is reported FAILED with the reason.
 */
export const VALIDATION_FUNCTION_SOURCE = `
import { BackupClient, DescribeRestoreJobCommand, PutRestoreValidationResultCommand } from "@aws-sdk/client-backup";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
const backup = new BackupClient({});
const cloudwatch = new CloudWatchClient({});
const seconds = (a, b) => Math.max(0, (new Date(b).getTime() - new Date(a).getTime()) / 1000);
export const handler = async (event) => {
  const id = event.detail && event.detail.restoreJobId;
  if (!id) return { skipped: "no restoreJobId" };
  const job = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: id }));
  if (!job.RestoreTestingPlanArn) return { skipped: "not a restore test" };
  if (!["COMPLETED", "FAILED", "ABORTED"].includes(job.Status)) return { skipped: job.Status };
  const window = Number(process.env.RESTORE_WINDOW_SECONDS);
  const maxAge = Number(process.env.MAX_RECOVERY_POINT_AGE_SECONDS);
  const duration = seconds(job.CreationDate, job.CompletionDate || new Date());
  const age = job.RecoveryPointCreationDate ? seconds(job.RecoveryPointCreationDate, job.CreationDate) : Infinity;
  const reasons = [];
  if (job.Status !== "COMPLETED") reasons.push("restore " + job.Status + ": " + (job.StatusMessage || "no message"));
  if (duration > window) reasons.push("restore took " + Math.round(duration) + " s, window (RTO) " + window + " s");
  if (age > maxAge) reasons.push("recovery point was " + Math.round(age) + " s old, backup interval " + maxAge + " s");
  const failed = reasons.length > 0;
  const plan = job.RestoreTestingPlanArn.split(":").pop();
  const dims = [{ Name: "RestoreTestingPlan", Value: plan }, { Name: "ResourceType", Value: job.ResourceType || "unknown" }];
  await cloudwatch.send(new PutMetricDataCommand({ Namespace: "${RESTORE_METRICS.namespace}", MetricData: [
    { MetricName: "${RESTORE_METRICS.failed}", Dimensions: dims, Value: failed ? 1 : 0, Unit: "Count" },
    { MetricName: "${RESTORE_METRICS.duration}", Dimensions: dims, Value: duration, Unit: "Seconds" },
    { MetricName: "${RESTORE_METRICS.recoveryPointAge}", Dimensions: dims, Value: Number.isFinite(age) ? age : maxAge * 10, Unit: "Seconds" },
  ] }));
  if (job.Status === "COMPLETED") {
    await backup.send(new PutRestoreValidationResultCommand({ RestoreJobId: id, ValidationStatus: failed ? "FAILED" : "SUCCESSFUL", ValidationStatusMessage: (failed ? reasons.join("; ") : "within window and interval").slice(0, 1000) }));
  }
  return { failed, reasons };
};
`;
