/**
 * AWS Backup schedule expressions, reduced to the one number recovery planning needs: the longest time between two
 * runs. Pure functions, so tests and the validation can reason about schedules without a cloud.
 *
 * AWS Backup takes `cron(minutes hours day-of-month month day-of-week year)` in UTC and runs a rule at most once an
 * hour; anything more frequent is rejected by the service, so it is rejected here before deploy.
 */

/** AWS Backup runs a scheduled rule at most once per hour. */
export const BACKUP_MIN_INTERVAL_SECONDS = 3600;

/** Intervals (hours) a generated schedule uses: each divides a day, so runs are evenly spaced across midnight. */
export const SCHEDULE_STEPS_HOURS = [24, 12, 8, 6, 4, 3, 2, 1] as const;

export type ScheduleAnalysis =
  | { readonly ok: true; readonly maxIntervalSeconds: number; readonly minIntervalSeconds: number }
  | { readonly ok: false; readonly reason: string };

const DAY_NAMES: Record<string, number> = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };

function parseNumber(text: string, names: Record<string, number>): number | undefined {
  const upper = text.toUpperCase();
  if (upper in names) return names[upper];
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Values of one cron field, or a reason it cannot be read. `*` and `?` mean every value. */
export function parseCronField(field: string, lo: number, hi: number, names: Record<string, number> = {}): number[] | string {
  if (field === "*" || field === "?") return range(lo, hi, 1);
  const values = new Set<number>();
  for (const item of field.split(",")) {
    const [base, stepText] = item.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return `step "${stepText}" in "${field}" is not a positive whole number`;
    let start: number | undefined;
    let end: number | undefined;
    if (base === "*") {
      start = lo;
      end = hi;
    } else if (base.includes("-")) {
      const [a, b] = base.split("-");
      start = parseNumber(a, names);
      end = parseNumber(b, names);
    } else {
      start = parseNumber(base, names);
      end = stepText === undefined ? start : hi;
    }
    if (start === undefined || end === undefined) return `"${item}" in "${field}" is not a value this planner understands (L, W and # are not supported)`;
    if (start < lo || end > hi || start > end) return `"${item}" in "${field}" is outside ${lo}-${hi}`;
    for (const v of range(start, end, step)) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

function range(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let v = lo; v <= hi; v += step) out.push(v);
  return out;
}

/**
 * The longest and shortest gap between runs of an AWS Backup cron schedule. Schedules restricted by month or year
 * are refused: their longest gap is months, which no recovery objective here accepts.
 */
export function analyzeSchedule(expression: string): ScheduleAnalysis {
  // A non-string (a YAML number or list, null) is not a cron expression: the same reason, never a TypeError.
  const match = typeof expression === "string" ? /^cron\((.+)\)$/.exec(expression.trim()) : null;
  if (!match) return { ok: false, reason: "AWS Backup schedules are cron(minutes hours day-of-month month day-of-week year) expressions" };
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== 6) return { ok: false, reason: `a cron expression has 6 fields, this one has ${fields.length}` };
  const [minF, hourF, domF, monthF, dowF, yearF] = fields;
  if (monthF !== "*" || yearF !== "*") {
    return { ok: false, reason: "month and year must be * so the schedule runs all year (a restricted month leaves gaps of months)" };
  }
  if (domF !== "?" && dowF !== "?") return { ok: false, reason: "one of day-of-month and day-of-week must be ?" };
  const minutes = parseCronField(minF, 0, 59);
  const hours = parseCronField(hourF, 0, 23);
  if (typeof minutes === "string") return { ok: false, reason: minutes };
  if (typeof hours === "string") return { ok: false, reason: hours };

  // The schedule repeats weekly when only day-of-week is restricted, and (at worst) over a 31-day month otherwise.
  let days: number[];
  let cycleDays: number;
  if (domF === "?" || domF === "*") {
    const dow = parseCronField(dowF, 1, 7, DAY_NAMES);
    if (typeof dow === "string") return { ok: false, reason: dow };
    days = dow.map((d) => d - 1);
    cycleDays = 7;
  } else {
    const dom = parseCronField(domF, 1, 31);
    if (typeof dom === "string") return { ok: false, reason: dom };
    days = dom.map((d) => d - 1);
    cycleDays = 31;
  }
  const runs: number[] = [];
  for (const d of days) for (const h of hours) for (const m of minutes) runs.push((d * 24 + h) * 60 + m);
  runs.sort((a, b) => a - b);
  const cycle = cycleDays * 24 * 60;
  let maxGap = runs[0] + cycle - runs[runs.length - 1];
  let minGap = maxGap;
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i] - runs[i - 1];
    maxGap = Math.max(maxGap, gap);
    minGap = Math.min(minGap, gap);
  }
  return { ok: true, maxIntervalSeconds: maxGap * 60, minIntervalSeconds: minGap * 60 };
}

/** The least frequent evenly spaced schedule whose interval is within `boundSeconds`; undefined below one hour. */
export function scheduleWithin(boundSeconds: number): { expression: string; intervalSeconds: number } | undefined {
  const hours = SCHEDULE_STEPS_HOURS.find((h) => h * 3600 <= boundSeconds);
  if (hours === undefined) return undefined;
  // 05:00 UTC for the daily run: outside the busiest hours of both US and EU regions.
  const expression = hours === 24 ? "cron(0 5 ? * * *)" : hours === 1 ? "cron(0 * ? * * *)" : `cron(0 0/${hours} ? * * *)`;
  return { expression, intervalSeconds: hours * 3600 };
}

/** "3600 s (1 h)" style text for messages. */
export function describeSeconds(seconds: number): string {
  if (seconds >= 86400 && seconds % 86400 === 0) return `${seconds} s (${seconds / 86400} d)`;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds} s (${seconds / 3600} h)`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds} s (${seconds / 60} min)`;
  return `${seconds} s`;
}
