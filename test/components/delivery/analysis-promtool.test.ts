/**
 * The canary gate proven with Prometheus' own engine: the AnalysisTemplate's queries (analysisQueriesOf, the exact
 * strings the template holds) run through `promtool test rules` against the SLO recording rules the monitoring stack
 * deploys, fed synthetic traffic in which 10 % of requests go to the canary.
 *
 * The blue-green pre-promotion gate likewise: the preview template's queries, with the pod-template hash Argo
 * substitutes, against series of two versions (two hashes), so only a query that selects by hash gets it right.
 *
 * Skipped with a warning when promtool is missing locally; in CI (CI=true) a missing promtool fails the run.
 */
import * as fs from "fs";
import { analysisQueriesOf, analysisTemplateSpecOf, AnalysisQuery, previewAnalysisQueriesOf, previewAnalysisTemplateSpecOf, resolveDelivery } from "../../../components/delivery";
import { sloRuleGroups } from "../../../components/monitoring/slo";
import { RuleGroup } from "../../../components/monitoring/types";
import { counterSeries, run, steps, tempDir, toolAvailability, writeYaml } from "../monitoring/promtool-helpers";

const promtool = toolAvailability("promtool", "prometheus");
const describePromtool = promtool.path ? describe : describe.skip;

const analysis = resolveDelivery("checkout", { strategy: "canary", ingressName: "checkout-public" }).analysis;
const queries = analysisQueriesOf(analysis);
const burn = queries.find((q) => q.name === "error-budget-burn") as AnalysisQuery;
const latency = queries.find((q) => q.name === "latency-p95") as AnalysisQuery;

/** Requests per minute to the whole service; the first canary step sends 10 % of them to the new version. */
const RPM = 1000;
const CANARY_WEIGHT = 0.1;
const MINUTES = 20;

/** The stable version serves without errors; the canary fails `canaryErrorRatio` of its requests. */
function canaryTraffic(canaryErrorRatio: number): { series: string; values: string }[] {
  const stable = RPM * (1 - CANARY_WEIGHT);
  const canary = RPM * CANARY_WEIGHT;
  return [
    { series: 'http_requests_total{service="checkout",code="200",rollouts_pod_template_hash="stable"}', values: counterSeries(steps(MINUTES, stable)) },
    { series: 'http_requests_total{service="checkout",code="200",rollouts_pod_template_hash="canary"}', values: counterSeries(steps(MINUTES, canary * (1 - canaryErrorRatio))) },
    { series: 'http_requests_total{service="checkout",code="500",rollouts_pod_template_hash="canary"}', values: counterSeries(steps(MINUTES, canary * canaryErrorRatio)) },
  ];
}

/** Latency buckets (cumulative share of requests at or below each bound). */
function latencyBuckets(fractions: Record<string, number>): { series: string; values: string }[] {
  return Object.entries(fractions).map(([le, share]) => ({
    series: `http_request_duration_seconds_bucket{service="checkout",le="${le}"}`,
    values: counterSeries(steps(MINUTES, RPM * share)),
  }));
}
const FAST = { "0.1": 0.5, "0.5": 0.99, "1": 1, "2.5": 1, "+Inf": 1 };
/** p95 ≈ 1.56 s: in the 1–2.5 s bucket. */
const SLOW = { "0.1": 0.2, "0.5": 0.9, "1": 0.92, "2.5": 1, "+Inf": 1 };

/** Argo's conditions as PromQL: the measurement fails when `query > maxValue`, passes when `query <= maxValue`. */
const fails = (q: AnalysisQuery) => `(${q.query}) > ${q.maxValue}`;
const passes = (q: AnalysisQuery) => `(${q.query}) <= ${q.maxValue}`;
/** The value itself, rounded to 0.01 so float noise (0.009999…) does not decide the comparison. */
const valueOf = (expr: string) => `round(${expr}, 0.01)`;
/** Evaluated after the 5-minute rates are full of canary traffic. */
const AT = "15m";

function recordingOnly(groups: readonly RuleGroup[]): RuleGroup[] {
  return groups.filter((g) => g.name.endsWith("-recording"));
}

describePromtool("AnalysisTemplate queries under promtool", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir("canary-analysis-");
    writeYaml(dir, "slo.rules.yaml", { groups: recordingOnly(sloRuleGroups({ name: "checkout", objective: 99.9 })) });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("the template's conditions are the thresholds the test evaluates", () => {
    const metrics = analysisTemplateSpecOf(analysis).metrics as { name: string; successCondition: string; failureCondition: string; provider: { prometheus: { query: string } } }[];
    for (const q of queries) {
      const m = metrics.find((x) => x.name === q.name);
      expect(m?.provider.prometheus.query).toBe(q.query);
      expect(m?.successCondition).toBe(`result[0] <= ${q.maxValue}`);
      expect(m?.failureCondition).toBe(`result[0] > ${q.maxValue}`);
    }
  });

  test("a canary failing 10 % of its requests fails the first step; one failing 0.01 % passes", () => {
    const tests = {
      rule_files: ["slo.rules.yaml"],
      evaluation_interval: "1m",
      tests: [
        {
          name: "10 % canary errors at weight 10: burn rate 10 against a 0.1 % budget",
          interval: "1m",
          input_series: [...canaryTraffic(0.1), ...latencyBuckets(FAST)],
          promql_expr_test: [
            { expr: fails(burn), eval_time: AT, exp_samples: [{ labels: "{}", value: 10 }] },
            { expr: passes(burn), eval_time: AT, exp_samples: [] },
            { expr: valueOf(passes(latency)), eval_time: AT, exp_samples: [{ labels: "{}", value: 0.47 }] },
          ],
        },
        {
          name: "0.01 % canary errors at weight 10: burn rate 0.01",
          interval: "1m",
          input_series: [...canaryTraffic(0.0001), ...latencyBuckets(FAST)],
          promql_expr_test: [
            { expr: valueOf(passes(burn)), eval_time: AT, exp_samples: [{ labels: "{}", value: 0.01 }] },
            { expr: fails(burn), eval_time: AT, exp_samples: [] },
          ],
        },
        {
          name: "a slow canary (p95 ≈ 1.56 s) fails the latency metric",
          interval: "1m",
          input_series: [...canaryTraffic(0), ...latencyBuckets(SLOW)],
          promql_expr_test: [
            { expr: valueOf(fails(latency)), eval_time: AT, exp_samples: [{ labels: "{}", value: 1.56 }] },
            { expr: passes(burn), eval_time: AT, exp_samples: [{ labels: "{}", value: 0 }] },
          ],
        },
      ],
    };
    writeYaml(dir, "analysis.test.yaml", tests);
    const result = run(promtool.path as string, ["test", "rules", "analysis.test.yaml"], dir);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  test("the check can fail: claiming the 10 % canary passes is refused by promtool", () => {
    const tests = {
      rule_files: ["slo.rules.yaml"],
      evaluation_interval: "1m",
      tests: [{ name: "wrong", interval: "1m", input_series: canaryTraffic(0.1), promql_expr_test: [{ expr: fails(burn), eval_time: AT, exp_samples: [] }] }],
    };
    writeYaml(dir, "wrong.test.yaml", tests);
    expect(run(promtool.path as string, ["test", "rules", "wrong.test.yaml"], dir).status).not.toBe(0);
  });
  describe("blue-green pre-promotion (preview) queries", () => {
    const bgAnalysis = resolveDelivery("checkout", { strategy: "blueGreen" }).analysis;
    const ACTIVE = "7d9f8c6b5";
    const PREVIEW = "5c4b7f9d8";
    /** Argo's substitution of the `preview-hash` argument (podTemplateHashValue: Latest) into the template's queries. */
    const previewQueries: AnalysisQuery[] = (previewAnalysisTemplateSpecOf(bgAnalysis).metrics as { name: AnalysisQuery["name"]; successCondition: string; provider: { prometheus: { query: string } } }[]).map((m) => ({
      name: m.name,
      query: m.provider.prometheus.query.split("{{args.preview-hash}}").join(PREVIEW),
      maxValue: Number(m.successCondition.replace("result[0] <= ", "")),
    }));
    const pBurn = previewQueries.find((q) => q.name === "error-budget-burn") as AnalysisQuery;
    const pLatency = previewQueries.find((q) => q.name === "latency-p95") as AnalysisQuery;

    /** The active version takes the users' traffic; the preview only smoke and test traffic (100 rpm). */
    function twoVersions(activeErrorRatio: number, previewErrorRatio: number): { series: string; values: string }[] {
      const version = (hash: string, rpm: number, errorRatio: number) => [
        { series: `http_requests_total{service="checkout",code="200",rollouts_pod_template_hash="${hash}"}`, values: counterSeries(steps(MINUTES, rpm * (1 - errorRatio))) },
        { series: `http_requests_total{service="checkout",code="500",rollouts_pod_template_hash="${hash}"}`, values: counterSeries(steps(MINUTES, rpm * errorRatio)) },
        ...Object.entries(FAST).map(([le, share]) => ({
          series: `http_request_duration_seconds_bucket{service="checkout",rollouts_pod_template_hash="${hash}",le="${le}"}`,
          values: counterSeries(steps(MINUTES, rpm * share)),
        })),
      ];
      return [...version(ACTIVE, RPM, activeErrorRatio), ...version(PREVIEW, 100, previewErrorRatio)];
    }

    test("the substituted queries are previewAnalysisQueriesOf with that hash", () => {
      expect(previewQueries).toEqual(previewAnalysisQueriesOf(bgAnalysis, PREVIEW));
      expect(previewQueries.map((q) => q.name)).toEqual(["error-budget-burn", "latency-p95"]);
    });

    test("a preview failing 10 % of its requests fails before promotion; one failing 0.01 % passes, whatever the active version does", () => {
      const tests = {
        rule_files: ["slo.rules.yaml"],
        evaluation_interval: "1m",
        tests: [
          {
            // Unselected, the clean active traffic would dilute the preview's errors to ~0.9 %: burn ≈ 9, still a
            // fail, so the exact value (100) is what shows the query reads the preview alone.
            name: "10 % preview errors, clean active version: burn rate 100",
            interval: "1m",
            input_series: twoVersions(0, 0.1),
            promql_expr_test: [
              { expr: valueOf(fails(pBurn)), eval_time: AT, exp_samples: [{ labels: "{}", value: 100 }] },
              { expr: passes(pBurn), eval_time: AT, exp_samples: [] },
              { expr: valueOf(passes(pLatency)), eval_time: AT, exp_samples: [{ labels: "{}", value: 0.47 }] },
            ],
          },
          {
            // Unselected, the active version's 10 % errors would fail this preview.
            name: "0.01 % preview errors while the active version fails 10 %: the preview passes (burn 0.1)",
            interval: "1m",
            input_series: twoVersions(0.1, 0.0001),
            promql_expr_test: [
              { expr: valueOf(passes(pBurn)), eval_time: AT, exp_samples: [{ labels: "{}", value: 0.1 }] },
              { expr: fails(pBurn), eval_time: AT, exp_samples: [] },
            ],
          },
        ],
      };
      writeYaml(dir, "preview.test.yaml", tests);
      const result = run(promtool.path as string, ["test", "rules", "preview.test.yaml"], dir);
      expect(result.output).toContain("SUCCESS");
      expect(result.status).toBe(0);
    });

    test("the check can fail: claiming the 10 % preview passes is refused by promtool", () => {
      const tests = {
        rule_files: ["slo.rules.yaml"],
        evaluation_interval: "1m",
        tests: [{ name: "wrong", interval: "1m", input_series: twoVersions(0, 0.1), promql_expr_test: [{ expr: fails(pBurn), eval_time: AT, exp_samples: [] }] }],
      };
      writeYaml(dir, "preview-wrong.test.yaml", tests);
      expect(run(promtool.path as string, ["test", "rules", "preview-wrong.test.yaml"], dir).status).not.toBe(0);
    });
  });
});
