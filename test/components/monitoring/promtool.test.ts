/**
 * Proof with Prometheus' own tools: the generated rules parse (`promtool check rules`), behave as intended on
 * synthetic traffic (`promtool test rules`), and the Alertmanager config is accepted (`amtool check-config`).
 *
 * Skipped with a warning when the tools are missing locally; in CI (CI=true) a missing tool fails the run.
 */
import * as fs from "fs";
import * as path from "path";
import { alertmanagerConfig } from "../../../components/monitoring/alertmanager";
import { dashboardQueryRuleGroups, standardDashboards } from "../../../components/monitoring/grafana";
import { BURN_RATE_WINDOWS, Slo, sloAlertNames, sloRuleGroups } from "../../../components/monitoring/slo";
import { RuleGroup } from "../../../components/monitoring/types";
import { counterSeries, run, steps, tempDir, toolAvailability, writeYaml } from "./promtool-helpers";

const promtool = toolAvailability("promtool", "prometheus");
const amtool = toolAvailability("amtool", "prometheus-alertmanager");
const describePromtool = promtool.path ? describe : describe.skip;
const describeAmtool = amtool.path ? describe : describe.skip;

const checkout: Slo = { name: "checkout", objective: 99.9 };
const names = sloAlertNames("checkout");
const allAlerts = Object.values(names);

/** Minutes of healthy traffic before an incident: longer than the 6 h window, so no window sees "history = incident". */
const HEALTHY = 360;
const RPM = 100;

/** promtool compares annotations exactly; they hold `$value` templates, so unit tests drop them and assert labels. */
function withoutAnnotations(groups: readonly RuleGroup[]): RuleGroup[] {
  return groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...rule }) => rule) }));
}

/** Traffic where `errorRatio` of requests fail from minute HEALTHY on. */
function trafficSeries(errorRatio: number, incidentMinutes: number): { series: string; values: string }[] {
  const ok = [...steps(HEALTHY, RPM), ...steps(incidentMinutes, RPM * (1 - errorRatio))];
  const bad = [...steps(HEALTHY, 0), ...steps(incidentMinutes, RPM * errorRatio)];
  return [
    { series: 'http_requests_total{service="checkout",code="200"}', values: counterSeries(ok) },
    { series: 'http_requests_total{service="checkout",code="500"}', values: counterSeries(bad) },
  ];
}

/** Histogram buckets; `fractions` are the cumulative share of requests at or below each bound. */
function latencySeries(minutes: number, fractions: Record<string, number>): { series: string; values: string }[] {
  return Object.entries(fractions).map(([le, share]) => ({
    series: `http_request_duration_seconds_bucket{service="checkout",le="${le}"}`,
    values: counterSeries(steps(minutes, RPM * share)),
  }));
}

const FAST = { "0.1": 0.5, "0.5": 0.99, "1": 1, "2.5": 1, "+Inf": 1 };
/** p95 lands in the 1–2.5 s bucket: 1 + (0.95 − 0.92) / (1 − 0.92) × 1.5 ≈ 1.56 s. */
const SLOW = { "0.1": 0.2, "0.5": 0.9, "1": 0.92, "2.5": 1, "+Inf": 1 };

const critical = { slo: "checkout", service: "checkout", severity: "critical" };

describePromtool("promtool on generated SLO rules", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir("slo-rules-");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("promtool check rules accepts the groups of default, custom-query and latency-less SLOs", () => {
    const groups = [
      ...sloRuleGroups(checkout),
      ...sloRuleGroups({ name: "payments", namespace: "shop", objective: 99.95, windowDays: 28, runbookUrl: "https://runbooks.example.com/payments" }),
      ...sloRuleGroups({
        name: "grpc-api",
        objective: 99.5,
        latency: false,
        errorRateAlert: { threshold: 0.02, for: "5m" },
        events: {
          errors: 'sum(rate(grpc_server_handled_total{grpc_code!~"OK|NotFound"}[{{window}}]))',
          total: "sum(rate(grpc_server_handled_total[{{window}}]))",
        },
      }),
    ];
    const file = writeYaml(dir, "slo.rules.yaml", { groups });
    const result = run(promtool.path as string, ["check", "rules", file], dir);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  test("promtool check rules rejects a broken rule file (the check can fail)", () => {
    const file = writeYaml(dir, "broken.rules.yaml", { groups: [{ name: "x", rules: [{ alert: "Broken", expr: "sum(rate(x[5m])" }] }] });
    const result = run(promtool.path as string, ["check", "rules", file], dir);
    expect(result.status).not.toBe(0);
  });

  test("promtool test rules: 10 % errors page in time, 0.01 % fires nothing, p95 > 1 s warns", () => {
    writeYaml(dir, "checkout.rules.yaml", { groups: withoutAnnotations(sloRuleGroups(checkout)) });
    const onset = HEALTHY;
    // A 10 % error ratio is a 100× burn of a 0.1 % budget. The 1 h ratio crosses 14.4 × 0.1 % after
    // 60 min × 0.0144 / 0.1 ≈ 8.6 min, the 5 m ratio long before: the page must be out by ~11 min, not at 5.
    const fastBurn = BURN_RATE_WINDOWS[0];
    const detectMinutes = (60 * fastBurn.burnRate * 0.001) / 0.1;
    expect(detectMinutes).toBeCloseTo(8.64, 2);
    const pageBy = Math.ceil(detectMinutes) + 2;

    const tests = {
      rule_files: ["checkout.rules.yaml"],
      evaluation_interval: "1m",
      tests: [
        {
          name: "10% error rate",
          interval: "1m",
          input_series: trafficSeries(0.1, 40),
          alert_rule_test: [
            { eval_time: `${onset - 1}m`, alertname: names.fastBurn, exp_alerts: [] },
            { eval_time: `${onset + 5}m`, alertname: names.fastBurn, exp_alerts: [] },
            { eval_time: `${onset + pageBy}m`, alertname: names.fastBurn, exp_alerts: [{ exp_labels: critical }] },
            // 5 % for 2 min: the 5 m ratio passes 5 % after 2.5 min, then must hold for 2 min.
            { eval_time: `${onset + 1}m`, alertname: names.errorRate, exp_alerts: [] },
            { eval_time: `${onset + 8}m`, alertname: names.errorRate, exp_alerts: [{ exp_labels: critical }] },
          ],
        },
        {
          name: "0.01% error rate fires nothing",
          interval: "1m",
          input_series: [...trafficSeries(0.0001, 120), ...latencySeries(HEALTHY + 120, FAST)],
          alert_rule_test: [onset + 30, onset + 60, onset + 120].flatMap((t) =>
            allAlerts.map((alertname) => ({ eval_time: `${t}m`, alertname, exp_alerts: [] })),
          ),
        },
        {
          name: "p95 latency above 1 s",
          interval: "1m",
          input_series: latencySeries(30, SLOW),
          alert_rule_test: [
            // Pending for the first 5 minutes of slowness, firing after.
            { eval_time: "3m", alertname: names.latency, exp_alerts: [] },
            {
              eval_time: "15m",
              alertname: names.latency,
              exp_alerts: [{ exp_labels: { slo: "checkout", service: "checkout", quantile: "0.95", severity: "warning" } }],
            },
          ],
        },
        {
          name: "fast p95 does not warn",
          interval: "1m",
          input_series: latencySeries(30, FAST),
          alert_rule_test: [{ eval_time: "20m", alertname: names.latency, exp_alerts: [] }],
        },
      ],
    };
    const testFile = writeYaml(dir, "checkout.test.yaml", tests);
    const result = run(promtool.path as string, ["test", "rules", path.basename(testFile)], dir);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  test("promtool test rules fails when an expectation is wrong (the unit tests can fail)", () => {
    writeYaml(dir, "checkout.rules.yaml", { groups: withoutAnnotations(sloRuleGroups(checkout)) });
    const tests = {
      rule_files: ["checkout.rules.yaml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: trafficSeries(0.0001, 60),
          alert_rule_test: [{ eval_time: `${HEALTHY + 60}m`, alertname: names.fastBurn, exp_alerts: [{ exp_labels: critical }] }],
        },
      ],
    };
    const testFile = writeYaml(dir, "wrong.test.yaml", tests);
    const result = run(promtool.path as string, ["test", "rules", path.basename(testFile)], dir);
    expect(result.status).not.toBe(0);
  });

  test("every dashboard panel query parses as PromQL", () => {
    const file = writeYaml(dir, "dashboards.rules.yaml", { groups: dashboardQueryRuleGroups(standardDashboards()) });
    const result = run(promtool.path as string, ["check", "rules", file], dir);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });
});

describeAmtool("amtool on the generated Alertmanager config", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir("alertmanager-");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("amtool check-config accepts routes, inhibition and every receiver kind", () => {
    const config = alertmanagerConfig({
      receivers: [
        { name: "oncall", pagerduty: [{ routingKey: "0123456789abcdef0123456789abcdef" }], sns: [{ topicArn: "arn:aws:sns:us-east-1:123456789012:alarms", region: "us-east-1" }] },
        {
          name: "tickets",
          slack: [{ webhookUrl: "https://hooks.slack.com/services/T000/B000/XXXX", channel: "#alerts" }],
          email: [{ to: "sre@example.com", from: "alertmanager@example.com", smarthost: "smtp.example.com:587", authUsername: "am", authPassword: "pw" }],
        },
        { name: "deadman", webhook: [{ url: "https://deadman.example.com/ping" }] },
      ],
      critical: "oncall",
      warning: "tickets",
      watchdog: "deadman",
    });
    const file = writeYaml(dir, "alertmanager.yaml", config);
    const result = run(amtool.path as string, ["check-config", file], dir);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  test("amtool routes critical alerts to the pager and warnings to tickets", () => {
    const config = alertmanagerConfig({
      receivers: [
        { name: "oncall", pagerduty: [{ routingKey: "k" }] },
        { name: "tickets", webhook: [{ url: "https://tickets.example.com" }] },
      ],
      critical: "oncall",
      warning: "tickets",
    });
    const file = writeYaml(dir, "routes.yaml", config);
    const route = (labels: string[]) =>
      run(amtool.path as string, ["config", "routes", "test", `--config.file=${file}`, ...labels], dir).stdout.trim();
    expect(route(["severity=critical", "alertname=CheckoutHighErrorRate"])).toBe("oncall");
    expect(route(["severity=warning", "alertname=CheckoutHighLatency"])).toBe("tickets");
    expect(route(["alertname=Watchdog", "severity=none"])).toBe("null");
  });
});
