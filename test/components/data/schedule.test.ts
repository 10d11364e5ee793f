import { analyzeSchedule, describeSeconds, parseCronField, scheduleWithin } from "../../../components/data/schedule";

describe("analyzeSchedule", () => {
  test.each([
    ["cron(0 * ? * * *)", 3600, 3600],
    ["cron(0 0/6 ? * * *)", 6 * 3600, 6 * 3600],
    ["cron(0 5 ? * * *)", 86400, 86400],
    ["cron(0 5,17 ? * * *)", 12 * 3600, 12 * 3600],
    ["cron(0 1,2 ? * * *)", 23 * 3600, 3600],
    ["cron(0 5 ? * SUN *)", 7 * 86400, 7 * 86400],
    ["cron(0 5 ? * MON-FRI *)", 3 * 86400, 86400],
    ["cron(0/15 * ? * * *)", 900, 900],
    ["cron(30 3 1 * ? *)", 31 * 86400, 31 * 86400],
  ])("%s: longest gap %i s, shortest %i s", (expression, max, min) => {
    expect(analyzeSchedule(expression)).toEqual({ ok: true, maxIntervalSeconds: max, minIntervalSeconds: min });
  });

  test.each([
    ["rate(1 hour)", /cron\(/],
    ["cron(0 5 * * *)", /6 fields/],
    ["cron(0 5 ? 1 * *)", /month and year/],
    ["cron(0 5 1 * MON *)", /must be \?/],
    ["cron(0 5 L * ? *)", /not a value/],
    ["cron(0 25 ? * * *)", /outside 0-23/],
  ])("refuses %s", (expression, reason) => {
    const result = analyzeSchedule(expression);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  test("parses lists, ranges and steps", () => {
    expect(parseCronField("1,5-7,20/20", 0, 59)).toEqual([1, 5, 6, 7, 20, 40]);
    expect(parseCronField("*/0", 0, 59)).toMatch(/step/);
  });
});

describe("scheduleWithin", () => {
  test.each([
    [86400, "cron(0 5 ? * * *)", 86400],
    [82800, "cron(0 0/12 ? * * *)", 43200],
    [7200, "cron(0 0/2 ? * * *)", 7200],
    [3600, "cron(0 * ? * * *)", 3600],
  ])("bound %i s → %s", (bound, expression, interval) => {
    expect(scheduleWithin(bound)).toEqual({ expression, intervalSeconds: interval });
    const analysis = analyzeSchedule(expression);
    expect(analysis.ok && analysis.maxIntervalSeconds).toBe(interval);
  });

  test("nothing under an hour", () => {
    expect(scheduleWithin(3599)).toBeUndefined();
  });

  test("describes seconds for messages", () => {
    expect(describeSeconds(86400)).toBe("86400 s (1 d)");
    expect(describeSeconds(7200)).toBe("7200 s (2 h)");
    expect(describeSeconds(90)).toBe("90 s");
  });
});
