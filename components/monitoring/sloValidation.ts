/**
 * Validation of `Slo` specs: pure, every problem reported, each naming the property, value, rule and fix.
 */
import { isDns1035Label, isDns1123Label } from "../shared/kubernetes";
import { checkOptionalObject, Problem, Problems } from "../shared/validation";
import {
  DEFAULT_ERROR_RATE_THRESHOLD,
  DEFAULT_LATENCY_PERCENTILE,
  DEFAULT_LATENCY_THRESHOLD_SECONDS,
  DEFAULT_OBJECTIVE,
  DEFAULT_WINDOW_DAYS,
  ErrorRateAlertSpec,
  LatencySpec,
  MIN_OBJECTIVE,
  Slo,
  WINDOW_PLACEHOLDER,
} from "./slo";

const DURATION = /^[0-9]+(ms|s|m|h|d|w|y)$/;
const MATCHER = String.raw`[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"`;
const SELECTOR = new RegExp(`^\\s*${MATCHER}(\\s*,\\s*${MATCHER})*\\s*$`);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * @deprecated Use `checkSlo(problems, at, slo)`. Returns the SLO's problems (and, as before, appends them to
 * `problems` when one is passed).
 */
export function sloProblems(slo: Slo, at = "slo", problems?: Problems): Problem[] {
  const own = new Problems();
  checkSlo(own, at, slo);
  problems?.addAll(own.list);
  return [...own.list];
}

/** Records every problem with one SLO in `problems`; `at` is where it sits in the caller's args, e.g. `slos[0]`. */
export function checkSlo(problems: Problems, at: string, slo: Slo): boolean {
  const before = problems.list.length;
  if (!problems.check(typeof slo === "object" && slo !== null, { property: at, value: slo, rule: "an SLO { name, objective }", fix: `write ${at} as { name: "checkout", objective: 99.9 }` })) return false;
  problems.check(isDns1035Label(slo.name), {
    property: `${at}.name`,
    value: slo.name,
    rule: "a DNS label: lowercase letters, digits and '-', starting with a letter, at most 63 characters",
    fix: `rename the SLO after its service, e.g. "checkout"`,
  });
  if (slo.namespace !== undefined) {
    problems.check(isDns1123Label(slo.namespace), {
      property: `${at}.namespace`,
      value: slo.namespace,
      rule: "a Kubernetes namespace name (DNS label)",
      fix: "set namespace to the namespace the service runs in, or leave it out",
    });
  }
  checkSloTargets(problems, at, slo);
  checkSloQueries(problems, at, slo);
  // false turns the alert off; anything else but an object (or unset) is reported rather than skipped.
  if (slo.latency !== false && checkOptionalObject(problems, `${at}.latency`, slo.latency, "of the latency alert { percentile, thresholdSeconds, ... }, or false") && slo.latency) checkSloLatency(problems, at, slo.latency);
  if (slo.errorRateAlert !== false && checkOptionalObject(problems, `${at}.errorRateAlert`, slo.errorRateAlert, "of the error-rate alert { threshold, for }, or false") && slo.errorRateAlert) checkSloErrorRateAlert(problems, at, slo.errorRateAlert);
  if (slo.runbookUrl !== undefined) {
    problems.check(typeof slo.runbookUrl === "string" && slo.runbookUrl !== "", { property: `${at}.runbookUrl`, value: slo.runbookUrl, rule: "a URL (a string)", fix: "set runbookUrl to the runbook's address, or leave it out" });
  }
  return problems.list.length === before;
}

/** The objective and the compliance window. */
function checkSloTargets(problems: Problems, at: string, slo: Slo): void {
  const objective = slo.objective ?? DEFAULT_OBJECTIVE;
  problems.check(typeof objective === "number" && objective > MIN_OBJECTIVE && objective < 100, {
    property: `${at}.objective`,
    value: slo.objective,
    rule: `a percentage above ${MIN_OBJECTIVE.toFixed(2)} and below 100 (below it a 14.4× burn needs more than 100 % errors and the page never fires; 100 leaves no error budget)`,
    fix: "set objective to e.g. 99.9 or 99.5",
  });
  const windowDays = slo.windowDays ?? DEFAULT_WINDOW_DAYS;
  problems.check(Number.isInteger(windowDays) && windowDays >= 7 && windowDays <= 90, {
    property: `${at}.windowDays`,
    value: slo.windowDays,
    rule: "an integer from 7 to 90 (the burn-rate windows are tuned for a window of weeks: the slow ticket reads 3 days)",
    fix: "set windowDays to 28 or 30",
  });
}

/** The selector and the custom event queries, when given. */
function checkSloQueries(problems: Problems, at: string, slo: Slo): void {
  if (slo.selector !== undefined) {
    problems.check(SELECTOR.test(slo.selector), {
      property: `${at}.selector`,
      value: slo.selector,
      rule: 'PromQL label matchers without braces, e.g. service="checkout",namespace="shop"',
      fix: "write the matchers that select the service's series, comma separated, values in double quotes",
    });
  }
  if (slo.events !== undefined) {
    for (const key of ["errors", "total"] as const) {
      const query = slo.events[key];
      problems.check(typeof query === "string" && query.includes(WINDOW_PLACEHOLDER), {
        property: `${at}.events.${key}`,
        value: query,
        rule: `a PromQL query containing ${WINDOW_PLACEHOLDER} as its range, aggregated to one series (sum(...))`,
        fix: `write the range as [${WINDOW_PLACEHOLDER}], e.g. sum(rate(my_requests_total[${WINDOW_PLACEHOLDER}]))`,
      });
    }
  }
}

/** The latency alert's percentile, threshold, hold time and bucket metric. */
function checkSloLatency(problems: Problems, at: string, latency: LatencySpec): void {
  const percentile = latency.percentile ?? DEFAULT_LATENCY_PERCENTILE;
  problems.check(typeof percentile === "number" && percentile > 0 && percentile < 1, {
    property: `${at}.latency.percentile`,
    value: latency.percentile,
    rule: "a quantile between 0 and 1 (exclusive)",
    fix: "set percentile to e.g. 0.95 for p95",
  });
  const threshold = latency.thresholdSeconds ?? DEFAULT_LATENCY_THRESHOLD_SECONDS;
  problems.check(typeof threshold === "number" && threshold > 0, {
    property: `${at}.latency.thresholdSeconds`,
    value: latency.thresholdSeconds,
    rule: "a positive number of seconds",
    fix: "set thresholdSeconds to e.g. 1 or 0.3",
  });
  checkDuration(problems, `${at}.latency.for`, latency.for);
  if (latency.bucketMetric !== undefined) {
    problems.check(typeof latency.bucketMetric === "string" && METRIC_NAME.test(latency.bucketMetric) && latency.bucketMetric.endsWith("_bucket"), {
      property: `${at}.latency.bucketMetric`,
      value: latency.bucketMetric,
      rule: "a Prometheus histogram bucket metric name ending in _bucket",
      fix: "set bucketMetric to e.g. http_request_duration_seconds_bucket",
    });
  }
}

/** The plain error-rate alert's threshold and hold time. */
function checkSloErrorRateAlert(problems: Problems, at: string, alert: ErrorRateAlertSpec): void {
  const threshold = alert.threshold ?? DEFAULT_ERROR_RATE_THRESHOLD;
  problems.check(typeof threshold === "number" && threshold > 0 && threshold < 1, {
    property: `${at}.errorRateAlert.threshold`,
    value: alert.threshold,
    rule: "an error ratio between 0 and 1 (exclusive)",
    fix: "set threshold to e.g. 0.05 for 5 %",
  });
  checkDuration(problems, `${at}.errorRateAlert.for`, alert.for);
}

function checkDuration(problems: Problems, property: string, value: string | undefined): void {
  if (value === undefined) return;
  problems.check(DURATION.test(value), {
    property,
    value,
    rule: "a Prometheus duration such as 30s, 5m or 1h",
    fix: `set ${property} to a number followed by s, m or h`,
  });
}

