/**
 * SLOs as code: an `Slo` spec in, Prometheus rule groups out.
 *
 * The alerting follows the multi-window, multi-burn-rate scheme of the Google SRE workbook ("Alerting on SLOs",
 * table 5-8): a page when the budget burns 14.4× too fast over 1 h (2 % of a 30-day budget gone) or 6× over 6 h (5 %),
 * a ticket at 3× over 1 d and 1× over 3 d (10 % each). Every long window is paired with a short one (1/12 of it) so
 * an alert stops as soon as the burn stops instead of waiting for the long window to drain.
 *
 * Everything here is pure: the component wraps the groups in a PrometheusRule, and tests feed the same groups to
 * `promtool check rules` and `promtool test rules`.
 */
import { PrometheusRuleSpec, RuleGroup, Severity } from "./types";

/** Custom event queries; each must aggregate to one series without labels and contain `{{window}}` as range. */
export interface SloEventQueries {
  /** Rate of bad events, e.g. `sum(rate(grpc_server_handled_total{grpc_code!="OK"}[{{window}}]))`. */
  readonly errors: string;
  /** Rate of all events, e.g. `sum(rate(grpc_server_handled_total[{{window}}]))`. */
  readonly total: string;
}

/** The plain "error rate too high" alert that pages regardless of budget. */
export interface ErrorRateAlertSpec {
  /** Error ratio (0–1) above which the alert fires. @default 0.05 — 5 % of requests fail */
  readonly threshold?: number;
  /** How long the ratio must stay above the threshold. @default "2m" */
  readonly for?: string;
}

/** The latency alert, computed from a Prometheus histogram. */
export interface LatencySpec {
  /** Quantile to watch (0–1). @default 0.95 — p95 */
  readonly percentile?: number;
  /** Latency in seconds above which the warning fires. @default 1 */
  readonly thresholdSeconds?: number;
  /** How long the quantile must stay above the threshold. @default "5m" */
  readonly for?: string;
  /** Histogram bucket metric. @default "http_request_duration_seconds_bucket" */
  readonly bucketMetric?: string;
}

/** One service-level objective. */
export interface Slo {
  /** Service the SLO is about: a DNS label (`checkout`); names rules, alerts and the `slo`/`service` labels. */
  readonly name: string;
  /** Namespace the service runs in; set as `namespace` label on its alerts for routing and inhibition. @default no namespace label */
  readonly namespace?: string;
  /** Availability objective in percent. @default 99.9 — a 0.1 % error budget */
  readonly objective?: number;
  /** Compliance window in days, for the error-budget-remaining series. @default 30 */
  readonly windowDays?: number;
  /**
   * Label matchers for the default queries on `http_requests_total` (errors = `code=~"5.."`) and the latency
   * histogram. @default `service="<name>"`
   */
  readonly selector?: string;
  /** Custom good/total event queries instead of `http_requests_total`. @default errors are 5xx responses */
  readonly events?: SloEventQueries;
  /** Latency alert, or `false` for services without a latency histogram. @default p95 > 1 s for 5 min, warning */
  readonly latency?: LatencySpec | false;
  /** Plain error-rate alert, or `false` to rely on burn rates only. @default error ratio > 5 % for 2 min, critical */
  readonly errorRateAlert?: ErrorRateAlertSpec | false;
  /** Link put on every alert of this SLO as `runbook_url`. @default no runbook annotation */
  readonly runbookUrl?: string;
}

/** One burn-rate alert condition: the budget burns `burnRate`× too fast over both windows. */
export interface BurnRateWindow {
  readonly severity: Severity;
  readonly burnRate: number;
  readonly longWindow: string;
  readonly shortWindow: string;
}

/** The SRE workbook's recommended pairs for a 30-day window. */
export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { severity: Severity.Critical, burnRate: 14.4, longWindow: "1h", shortWindow: "5m" },
  { severity: Severity.Critical, burnRate: 6, longWindow: "6h", shortWindow: "30m" },
  { severity: Severity.Warning, burnRate: 3, longWindow: "1d", shortWindow: "2h" },
  { severity: Severity.Warning, burnRate: 1, longWindow: "3d", shortWindow: "6h" },
];

/** Windows the error ratio is recorded over: every window the alerts read. */
export const RATIO_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;

export const DEFAULT_OBJECTIVE = 99.9;
export const DEFAULT_WINDOW_DAYS = 30;
export const DEFAULT_ERROR_RATE_THRESHOLD = 0.05;
export const DEFAULT_ERROR_RATE_FOR = "2m";
export const DEFAULT_LATENCY_PERCENTILE = 0.95;
export const DEFAULT_LATENCY_THRESHOLD_SECONDS = 1;
export const DEFAULT_LATENCY_FOR = "5m";
export const DEFAULT_REQUESTS_METRIC = "http_requests_total";
export const DEFAULT_LATENCY_BUCKET_METRIC = "http_request_duration_seconds_bucket";
/** The placeholder custom event queries use for their range. */
export const WINDOW_PLACEHOLDER = "{{window}}";

/**
 * Lowest objective the page can work with: below it a 14.4× burn needs more than 100 % errors, so it never fires.
 */
export const MIN_OBJECTIVE = 100 - 100 / BURN_RATE_WINDOWS[0].burnRate;

/** Recording rule names; dashboards read the same series. */
export const SloRecords = {
  errorRatio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  errorRatioPeriod: "slo:sli_error:ratio_period",
  objective: "slo:objective:ratio",
  errorBudget: "slo:error_budget:ratio",
  errorBudgetRemaining: "slo:error_budget_remaining:ratio",
  latencyQuantile: "slo:latency_quantile:seconds_rate5m",
} as const;

/** `checkout-api` → `CheckoutApi`, for alert names. */
export function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");
}

/** Rounds away floating-point noise (14.4 × 0.001 = 0.014400000000000001) so thresholds read as written. */
export function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/** An SLO with every default applied. */
export interface ResolvedSlo {
  readonly name: string;
  readonly namespace?: string;
  readonly objective: number;
  /** Allowed error ratio, e.g. 0.001 for 99.9 %. */
  readonly errorBudget: number;
  readonly windowDays: number;
  readonly errorsQuery: (window: string) => string;
  readonly totalQuery: (window: string) => string;
  readonly latency?: Required<LatencySpec> & { readonly selector: string };
  readonly errorRateAlert?: Required<ErrorRateAlertSpec>;
  readonly runbookUrl?: string;
}

export function resolveSlo(slo: Slo): ResolvedSlo {
  const objective = slo.objective ?? DEFAULT_OBJECTIVE;
  const selector = slo.selector ?? `service="${slo.name}"`;
  const withWindow = (query: string) => (window: string) => query.split(WINDOW_PLACEHOLDER).join(window);
  const errorsQuery = slo.events
    ? withWindow(slo.events.errors)
    : (window: string) => `sum(rate(${DEFAULT_REQUESTS_METRIC}{${selector},code=~"5.."}[${window}]))`;
  const totalQuery = slo.events
    ? withWindow(slo.events.total)
    : (window: string) => `sum(rate(${DEFAULT_REQUESTS_METRIC}{${selector}}[${window}]))`;
  const latency =
    slo.latency === false
      ? undefined
      : {
          percentile: slo.latency?.percentile ?? DEFAULT_LATENCY_PERCENTILE,
          thresholdSeconds: slo.latency?.thresholdSeconds ?? DEFAULT_LATENCY_THRESHOLD_SECONDS,
          for: slo.latency?.for ?? DEFAULT_LATENCY_FOR,
          bucketMetric: slo.latency?.bucketMetric ?? DEFAULT_LATENCY_BUCKET_METRIC,
          selector,
        };
  const errorRateAlert =
    slo.errorRateAlert === false
      ? undefined
      : {
          threshold: slo.errorRateAlert?.threshold ?? DEFAULT_ERROR_RATE_THRESHOLD,
          for: slo.errorRateAlert?.for ?? DEFAULT_ERROR_RATE_FOR,
        };
  return {
    name: slo.name,
    namespace: slo.namespace,
    objective,
    errorBudget: tidy(1 - objective / 100),
    windowDays: slo.windowDays ?? DEFAULT_WINDOW_DAYS,
    errorsQuery,
    totalQuery,
    latency,
    errorRateAlert,
    runbookUrl: slo.runbookUrl,
  };
}

/** The labels that identify an SLO's series; alerts built from them carry the same. */
function sloLabels(slo: ResolvedSlo): Record<string, string> {
  return { slo: slo.name, service: slo.name };
}

/**
 * Error ratio over a window. A service with no failures has no 5xx series at all, so the error side falls back to
 * 0 instead of leaving the ratio (and the budget) empty.
 */
export function errorRatioExpr(slo: ResolvedSlo, window: string): string {
  return `(${slo.errorsQuery(window)} or vector(0))\n/\n${slo.totalQuery(window)}`;
}

function alertLabels(slo: ResolvedSlo, severity: Severity): Record<string, string> {
  return { ...sloLabels(slo), ...(slo.namespace ? { namespace: slo.namespace } : {}), severity };
}

function annotations(slo: ResolvedSlo, summary: string, description: string): Record<string, string> {
  return { summary, description, ...(slo.runbookUrl ? { runbook_url: slo.runbookUrl } : {}) };
}

function selectorOf(slo: ResolvedSlo): string {
  return `{slo="${slo.name}"}`;
}

/** The burn-rate condition of one window pair, e.g. 1 h and 5 m ratios both above 14.4 × budget. */
export function burnCondition(slo: ResolvedSlo, window: BurnRateWindow): string {
  const threshold = tidy(window.burnRate * slo.errorBudget);
  const sel = selectorOf(slo);
  return (
    `${SloRecords.errorRatio(window.longWindow)}${sel} > ${threshold}\n` +
    `and\n` +
    `${SloRecords.errorRatio(window.shortWindow)}${sel} > ${threshold}`
  );
}

function burnAlert(slo: ResolvedSlo, severity: Severity, alert: string): PrometheusRuleSpec {
  const windows = BURN_RATE_WINDOWS.filter((w) => w.severity === severity);
  const description = windows
    .map((w) => `${w.burnRate}× over ${w.longWindow} and ${w.shortWindow} (error ratio > ${tidy(w.burnRate * slo.errorBudget)})`)
    .join(" or ");
  return {
    alert,
    expr: windows.map((w) => `(\n${burnCondition(slo, w)}\n)`).join("\nor\n"),
    labels: alertLabels(slo, severity),
    annotations: annotations(
      slo,
      `${slo.name} is burning its ${slo.objective}% SLO error budget too fast`,
      `Error budget burn for ${slo.name}: ${description}. Current error ratio {{ $value | humanizePercentage }}.`,
    ),
  };
}

/** Alert names of an SLO, for tests, dashboards and routing. */
export function sloAlertNames(name: string): { fastBurn: string; slowBurn: string; errorRate: string; latency: string } {
  const base = pascalCase(name);
  return {
    fastBurn: `${base}ErrorBudgetFastBurn`,
    slowBurn: `${base}ErrorBudgetSlowBurn`,
    errorRate: `${base}HighErrorRate`,
    latency: `${base}HighLatency`,
  };
}

/** Error-ratio recording rules per window, the objective and budget as series, and the latency quantile. */
function recordingRules(slo: ResolvedSlo, labels: Record<string, string>): PrometheusRuleSpec[] {
  const recording: PrometheusRuleSpec[] = RATIO_WINDOWS.map((window) => ({
    record: SloRecords.errorRatio(window),
    expr: errorRatioExpr(slo, window),
    labels,
  }));
  recording.push(
    { record: SloRecords.objective, expr: `vector(${tidy(slo.objective / 100)})`, labels },
    { record: SloRecords.errorBudget, expr: `vector(${slo.errorBudget})`, labels },
  );
  if (slo.latency) {
    const l = slo.latency;
    recording.push({
      record: SloRecords.latencyQuantile,
      expr: `histogram_quantile(${l.percentile}, sum by (le) (rate(${l.bucketMetric}{${l.selector}}[5m])))`,
      labels: { ...labels, quantile: String(l.percentile) },
    });
  }
  return recording;
}

/** The error ratio over the whole compliance window and the share of the budget left. */
function budgetRules(slo: ResolvedSlo, labels: Record<string, string>): PrometheusRuleSpec[] {
  const period = `${slo.windowDays}d`;
  return [
    { record: SloRecords.errorRatioPeriod, expr: errorRatioExpr(slo, period), labels: { ...labels, window: period } },
    {
      record: SloRecords.errorBudgetRemaining,
      expr: `1 - (${SloRecords.errorRatioPeriod}${selectorOf(slo)} / ${slo.errorBudget})`,
      labels: { ...labels, window: period },
    },
  ];
}

/** The fast and slow burn alerts, then the plain error-rate and latency alerts when the SLO asks for them. */
function alertRules(slo: ResolvedSlo): PrometheusRuleSpec[] {
  const sel = selectorOf(slo);
  const names = sloAlertNames(slo.name);
  const alerts: PrometheusRuleSpec[] = [
    burnAlert(slo, Severity.Critical, names.fastBurn),
    burnAlert(slo, Severity.Warning, names.slowBurn),
  ];
  if (slo.errorRateAlert) {
    const { threshold, for: holdFor } = slo.errorRateAlert;
    alerts.push({
      alert: names.errorRate,
      expr: `${SloRecords.errorRatio("5m")}${sel} > ${threshold}`,
      for: holdFor,
      labels: alertLabels(slo, Severity.Critical),
      annotations: annotations(
        slo,
        `${slo.name} error rate above ${tidy(threshold * 100)}%`,
        `${slo.name} has failed {{ $value | humanizePercentage }} of requests over 5 minutes for ${holdFor} (threshold ${tidy(threshold * 100)}%).`,
      ),
    });
  }
  if (slo.latency) {
    const l = slo.latency;
    const p = `p${tidy(l.percentile * 100)}`;
    alerts.push({
      alert: names.latency,
      expr: `${SloRecords.latencyQuantile}{slo="${slo.name}",quantile="${l.percentile}"} > ${l.thresholdSeconds}`,
      for: l.for,
      labels: alertLabels(slo, Severity.Warning),
      annotations: annotations(
        slo,
        `${slo.name} ${p} latency above ${l.thresholdSeconds}s`,
        `${slo.name} ${p} latency is {{ $value | humanizeDuration }} (threshold ${l.thresholdSeconds}s for ${l.for}).`,
      ),
    });
  }
  return alerts;
}

/** Rule groups for one SLO: recording rules, budget over the compliance window, alerts. */
export function sloRuleGroups(input: Slo): RuleGroup[] {
  const slo = resolveSlo(input);
  const labels = sloLabels(slo);
  return [
    { name: `slo-${slo.name}-recording`, rules: recordingRules(slo, labels) },
    // Rates over the whole compliance window are expensive and change slowly: every 5 minutes is plenty.
    { name: `slo-${slo.name}-budget`, interval: "5m", rules: budgetRules(slo, labels) },
    { name: `slo-${slo.name}-alerts`, rules: alertRules(slo) },
  ];
}
