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
import { DEFAULT_LATENCY_BUCKET_METRIC, errorRatioExpr, resolveSlo, SloRecords, tidy } from "../monitoring";
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

/** One template metric per query: the measurement cadence and Argo's success/failure conditions. */
function templateMetricsOf(a: ResolvedAnalysis, queries: readonly AnalysisQuery[]): Record<string, unknown>[] {
  return queries.map((q) => ({
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
  }));
}

/** `spec` of the AnalysisTemplate (argoproj.io/v1alpha1). */
export function analysisTemplateSpecOf(a: ResolvedAnalysis): Record<string, unknown> {
  return { metrics: templateMetricsOf(a, analysisQueriesOf(a)) };
}

/** The preview template's argument: the pod-template hash of the preview ReplicaSet (Rollout `podTemplateHashValue: Latest`). */
export const PREVIEW_HASH_ARG = "preview-hash";
/** The Prometheus label the pod's `rollouts-pod-template-hash` becomes (HaService `metrics`' PodMonitor `podTargetLabels`). */
export const PREVIEW_HASH_SERIES_LABEL = "rollouts_pod_template_hash";

/** The blue-green pre-promotion template's name. */
export function previewAnalysisTemplateNameOf(appName: string): string {
  return `${appName}-preview-slo`;
}

/**
 * The pre-promotion queries: the same burn rate and latency quantile as {@link analysisQueriesOf}, computed from the
 * raw request series of the preview pods only (selected by pod-template hash; the recorded SLO series sum every
 * version, and before promotion the preview takes no user traffic, so they would judge the old version). They read
 * the SLO's default events (`http_requests_total` and the latency histogram, `service="<slo>"`), which the HaService
 * PodMonitor labels; `hash` is the value substituted for the hash (Argo's `{{args.preview-hash}}` by default).
 */
export function previewAnalysisQueriesOf(a: ResolvedAnalysis, hash = `{{args.${PREVIEW_HASH_ARG}}}`): AnalysisQuery[] {
  const selector = `service="${a.sloName}",${PREVIEW_HASH_SERIES_LABEL}="${hash}"`;
  const slo = resolveSlo({ name: a.sloName, selector });
  const queries: AnalysisQuery[] = [];
  if (a.metrics.includes(AnalysisMetric.ErrorBudgetBurn)) {
    queries.push({
      name: AnalysisMetric.ErrorBudgetBurn,
      // The recording rule's own error-ratio expression (5xx or 0, over all), narrowed to the preview's pods.
      query: `(${errorRatioExpr(slo, "5m")}) / max(${SloRecords.errorBudget}{slo="${a.sloName}"})`,
      maxValue: tidy(a.maxBurnRate),
    });
  }
  if (a.metrics.includes(AnalysisMetric.LatencyP95)) {
    queries.push({
      name: AnalysisMetric.LatencyP95,
      query: `histogram_quantile(${a.latencyQuantile}, sum by (le) (rate(${DEFAULT_LATENCY_BUCKET_METRIC}{${selector}}[5m])))`,
      maxValue: tidy(a.latencyThresholdSeconds),
    });
  }
  return queries;
}

/** `spec` of the blue-green pre-promotion AnalysisTemplate: the preview queries and their hash argument. */
export function previewAnalysisTemplateSpecOf(a: ResolvedAnalysis): Record<string, unknown> {
  return { args: [{ name: PREVIEW_HASH_ARG }], metrics: templateMetricsOf(a, previewAnalysisQueriesOf(a)) };
}
