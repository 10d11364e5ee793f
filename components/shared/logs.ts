/** CloudWatch Logs limits every area's log groups share. */

/** Retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** True when CloudWatch Logs accepts `days` as a retention period. */
export function isLogRetentionDays(days: unknown): days is LogRetentionDays {
  return (LOG_RETENTION_DAYS as readonly unknown[]).includes(days);
}
