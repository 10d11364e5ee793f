/**
 * The AnalysisTemplate of a progressively delivered service: Prometheus queries over the series the service's SLO
 * recording rules already record (components/monitoring/slo.ts `SloRecords`), so the release gate and the SLO
 * alerts read the same numbers.
 *
 * Each metric has a success and a failure condition that are exact complements on real numbers. A NaN result (no
 * requests in the window: 0/0) satisfies neither, which Argo Rollouts reports as Inconclusive and the rollout pauses
 * for a human — the gate says "cannot tell yet" instead of promoting a version nobody has called. An empty result
 * (the series is not recorded at all) is an Error; after `consecutiveErrorLimit` errors the rollout aborts.
 */
import { SloRecords, tidy } from "../monitoring";
import { AnalysisMetric, ResolvedAnalysis } from "./deliveryArgs";

export const ROLLOUTS_API_VERSION = "argoproj.io/v1alpha1";

/** One Prometheus-backed metric: the query and the threshold its value is compared with. */
export interface AnalysisQuery {
  readonly name: AnalysisMetric;
  readonly query: string;
  /** The measurement passes when the value is at most this. */
  readonly maxValue: number;
}

/** The queries, pure: the promtool test evaluates exactly these against synthetic series. */
export function analysisQueriesOf(a: ResolvedAnalysis): AnalysisQuery[] {
  const slo = `slo="${a.sloName}"`;
  const queries: AnalysisQuery[] = [];
  if (a.metrics.includes(AnalysisMetric.ErrorBudgetBurn)) {
    queries.push({
      name: AnalysisMetric.ErrorBudgetBurn,
      // Burn rate = error ratio / allowed error ratio, both recorded by SloRules; `max` yields one unlabelled sample.
      query: `max(${SloRecords.errorRatio("5m")}{${slo}}) / max(${SloRecords.errorBudget}{${slo}})`,
      maxValue: tidy(a.maxBurnRate),
    });
  }
  if (a.metrics.includes(AnalysisMetric.LatencyP95)) {
    queries.push({
      name: AnalysisMetric.LatencyP95,
      query: `max(${SloRecords.latencyQuantile}{${slo},quantile="${a.latencyQuantile}"})`,
      maxValue: tidy(a.latencyThresholdSeconds),
    });
  }
  return queries;
}

/** The template's name; the Rollout's analysis steps reference it. */
export function analysisTemplateNameOf(appName: string): string {
  return `${appName}-slo`;
}

/** `spec` of the AnalysisTemplate (argoproj.io/v1alpha1). */
export function analysisTemplateSpecOf(a: ResolvedAnalysis): Record<string, unknown> {
  return {
    metrics: analysisQueriesOf(a).map((q) => ({
      name: q.name,
      interval: `${a.intervalSeconds}s`,
      count: a.count,
      failureLimit: a.failureLimit,
      // One inconclusive (no-traffic) measurement pauses the rollout rather than promote it.
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 3,
      successCondition: `result[0] <= ${q.maxValue}`,
      failureCondition: `result[0] > ${q.maxValue}`,
      provider: { prometheus: { address: a.prometheusAddress, query: q.query, timeout: 30 } },
    })),
  };
}
