import { Problems } from "../../../components/shared/validation";
import { BURN_RATE_WINDOWS, MIN_OBJECTIVE, RATIO_WINDOWS, Slo, sloAlertNames, sloRuleGroups, SloRecords } from "../../../components/monitoring/slo";
import { checkSlo, sloProblems } from "../../../components/monitoring/sloValidation";
import { PrometheusRuleSpec } from "../../../components/monitoring/types";

function rulesOf(slo: Slo): PrometheusRuleSpec[] {
  return sloRuleGroups(slo).flatMap((g) => g.rules);
}
function alert(slo: Slo, name: string): PrometheusRuleSpec {
  const found = rulesOf(slo).find((r) => r.alert === name);
  if (!found) throw new Error(`no alert ${name}`);
  return found;
}

describe("sloRuleGroups", () => {
  const checkout: Slo = { name: "checkout" };
  const names = sloAlertNames("checkout");

  test("records the error ratio over every window the burn-rate alerts read", () => {
    const records = rulesOf(checkout).filter((r) => r.record?.startsWith("slo:sli_error:ratio_rate"));
    expect(records.map((r) => r.record)).toEqual(RATIO_WINDOWS.map((w) => `slo:sli_error:ratio_rate${w}`));
    const used = new Set(BURN_RATE_WINDOWS.flatMap((w) => [w.longWindow, w.shortWindow]));
    for (const window of used) expect(RATIO_WINDOWS).toContain(window);
    const fiveMinutes = records[0];
    expect(fiveMinutes.expr).toContain('http_requests_total{service="checkout",code=~"5.."}[5m]');
    expect(fiveMinutes.expr).toContain('http_requests_total{service="checkout"}[5m]');
    expect(fiveMinutes.labels).toEqual({ slo: "checkout", service: "checkout" });
  });

  test("page: 14.4× over 1 h and 5 m, or 6× over 6 h and 30 m, of a 0.1 % budget; severity critical", () => {
    const page = alert(checkout, names.fastBurn);
    expect(page.labels?.severity).toBe("critical");
    expect(page.expr).toContain('slo:sli_error:ratio_rate1h{slo="checkout"} > 0.0144');
    expect(page.expr).toContain('slo:sli_error:ratio_rate5m{slo="checkout"} > 0.0144');
    expect(page.expr).toContain('slo:sli_error:ratio_rate6h{slo="checkout"} > 0.006');
    expect(page.expr).toContain('slo:sli_error:ratio_rate30m{slo="checkout"} > 0.006');
    expect(page.for).toBeUndefined();
  });

  test("ticket: 3× over 1 d and 2 h, or 1× over 3 d and 6 h; severity warning", () => {
    const ticket = alert(checkout, names.slowBurn);
    expect(ticket.labels?.severity).toBe("warning");
    expect(ticket.expr).toContain('slo:sli_error:ratio_rate1d{slo="checkout"} > 0.003');
    expect(ticket.expr).toContain('slo:sli_error:ratio_rate2h{slo="checkout"} > 0.003');
    expect(ticket.expr).toContain('slo:sli_error:ratio_rate3d{slo="checkout"} > 0.001');
    expect(ticket.expr).toContain('slo:sli_error:ratio_rate6h{slo="checkout"} > 0.001');
  });

  test.each([
    [99.9, 0.0144, 0.006],
    [99.5, 0.072, 0.03],
    [99.95, 0.0072, 0.003],
  ])("objective %s%% scales the page thresholds to %s and %s", (objective, fast, slow) => {
    const page = alert({ name: "x", objective }, sloAlertNames("x").fastBurn);
    expect(page.expr).toContain(`ratio_rate1h{slo="x"} > ${fast}\n`);
    expect(page.expr).toContain(`ratio_rate6h{slo="x"} > ${slow}\n`);
  });

  test("the seeds' plain alerts: 5xx > 5 % for 2 min critical, p95 > 1 s for 5 min warning", () => {
    const errors = alert(checkout, names.errorRate);
    expect(errors).toMatchObject({ expr: 'slo:sli_error:ratio_rate5m{slo="checkout"} > 0.05', for: "2m", labels: { severity: "critical" } });
    const latency = alert(checkout, names.latency);
    expect(latency).toMatchObject({ expr: 'slo:latency_quantile:seconds_rate5m{slo="checkout",quantile="0.95"} > 1', for: "5m", labels: { severity: "warning" } });
    const p95 = rulesOf(checkout).find((r) => r.record === SloRecords.latencyQuantile);
    expect(p95?.expr).toBe('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m])))');
  });

  test("every alert carries severity critical or warning and a summary", () => {
    for (const rule of rulesOf({ name: "x", runbookUrl: "https://runbooks/x" }).filter((r) => r.alert)) {
      expect(["critical", "warning"]).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.runbook_url).toBe("https://runbooks/x");
    }
  });

  test("error budget remaining over the compliance window", () => {
    const rules = rulesOf({ name: "x", windowDays: 28 });
    const period = rules.find((r) => r.record === SloRecords.errorRatioPeriod);
    expect(period?.expr).toContain("[28d]");
    const remaining = rules.find((r) => r.record === SloRecords.errorBudgetRemaining);
    expect(remaining?.expr).toBe('1 - (slo:sli_error:ratio_period{slo="x"} / 0.001)');
    expect(sloRuleGroups({ name: "x" }).find((g) => g.name === "slo-x-budget")?.interval).toBe("5m");
  });

  test("custom event queries, latency and plain error alert switched off", () => {
    const slo: Slo = {
      name: "grpc",
      events: { errors: 'sum(rate(rpc_total{code!="OK"}[{{window}}]))', total: "sum(rate(rpc_total[{{window}}]))" },
      latency: false,
      errorRateAlert: false,
      namespace: "shop",
    };
    const rules = rulesOf(slo);
    expect(rules.find((r) => r.record === "slo:sli_error:ratio_rate1h")?.expr).toBe('(sum(rate(rpc_total{code!="OK"}[1h])) or vector(0))\n/\nsum(rate(rpc_total[1h]))');
    expect(rules.filter((r) => r.alert).map((r) => r.alert)).toEqual(["GrpcErrorBudgetFastBurn", "GrpcErrorBudgetSlowBurn"]);
    expect(rules.find((r) => r.alert)?.labels?.namespace).toBe("shop");
  });
});

describe("sloProblems", () => {
  test.each<[string, Slo, RegExp]>([
    ["objective that can never page", { name: "x", objective: 93 }, /objective: got 93; expected a percentage above 93\.06/],
    ["window too short", { name: "x", windowDays: 3 }, /windowDays: got 3.*Fix: set windowDays to 28 or 30/],
    ["latency percentile as percent", { name: "x", latency: { percentile: 95 } }, /latency\.percentile: got 95/],
    ["negative latency threshold", { name: "x", latency: { thresholdSeconds: -1 } }, /latency\.thresholdSeconds: got -1/],
    ["error threshold as percent", { name: "x", errorRateAlert: { threshold: 5 } }, /errorRateAlert\.threshold: got 5/],
    ["duration without unit", { name: "x", errorRateAlert: { for: "2" } }, /errorRateAlert\.for: got "2".*Prometheus duration/],
    ["bucket metric that is not a histogram", { name: "x", latency: { bucketMetric: "http_latency" } }, /latency\.bucketMetric: got "http_latency"/],
  ])("%s", (_label, slo, message) => {
    const problems = new Problems();
    checkSlo(problems, "slo", slo);
    expect(sloProblems(slo)).toEqual(problems.list);
    expect(() => problems.throwIfAny("SLO")).toThrow(message);
  });

  test("the lowest objective is where 14.4× burn reaches 100 % errors", () => {
    expect(MIN_OBJECTIVE).toBeCloseTo(93.0556, 3);
    const ok = new Problems();
    checkSlo(ok, "slo", { name: "x", objective: 99.9 });
    expect(ok.list).toHaveLength(0);
  });
});
