/**
 * Up-front validation of {@link DeliveryArgs}: pure, every problem at once, before anything is registered. Argo
 * Rollouts would accept most of these values and then misbehave at release time (a step that lowers the weight
 * sends traffic back and forth; an analysis over a series nobody records never succeeds).
 */
import { argsObjectProblems, checkInteger, checkOneOf, isRecord, Problem, Problems } from "../shared/validation";
import { isDns1123Label } from "../workload/names";
import { AnalysisMetric, DeliveryArgs, DeliveryStrategy } from "./deliveryArgs";

/** Checks canary steps (`property` is where they are, e.g. `delivery.steps`); returns whether they passed. */
function checkSteps(p: Problems, property: string, steps: DeliveryArgs["steps"]): boolean {
  if (steps === undefined) return true;
  const before = p.list.length;
  p.check(Array.isArray(steps) && steps.length > 0, {
    property,
    value: steps,
    rule: "at least one step",
    fix: "list the weights, e.g. [{ weight: 10 }, { weight: 50 }, { weight: 100 }], or leave steps out for the default",
  });
  if (!Array.isArray(steps)) return false;
  let previous = 0;
  steps.forEach((step, i) => {
    const weight = step?.weight;
    const inRange = checkInteger(p, `${property}[${i}].weight`, weight, 1, 100, "use a percentage from 1 to 100");
    if (inRange) {
      p.check(weight > previous, {
        property: `${property}[${i}].weight`,
        value: weight,
        rule: `strictly greater than the previous step's weight (${previous})`,
        fix: "order the steps by increasing weight; a step that lowers the weight sends users back and forth between versions",
      });
      previous = Math.max(previous, weight);
    }
    if (step?.pauseSeconds !== undefined) checkInteger(p, `${property}[${i}].pauseSeconds`, step.pauseSeconds, 0, 86400);
  });
  const last = steps[steps.length - 1]?.weight;
  if (steps.length > 0) {
    p.check(last === 100, {
      property: `${property}[${steps.length - 1}].weight`,
      value: last,
      rule: "100 on the last step, so the new version is analysed at full traffic before it becomes stable",
      fix: "end the steps with { weight: 100 }",
    });
  }
  return p.list.length === before;
}

/** The analysis' SLO name, thresholds, cadence and Prometheus address (each only when set). */
function checkAnalysisSettings(p: Problems, property: string, analysis: NonNullable<DeliveryArgs["analysis"]>): void {
  if (analysis.sloName !== undefined) {
    p.check(isDns1123Label(analysis.sloName), { property: `${property}.sloName`, value: analysis.sloName, rule: "an SLO name (DNS-1123 label)", fix: "use the SloRules slo.name of the service" });
  }
  if (analysis.maxBurnRate !== undefined) {
    p.check(typeof analysis.maxBurnRate === "number" && analysis.maxBurnRate > 0 && analysis.maxBurnRate <= 14.4, {
      property: `${property}.maxBurnRate`,
      value: analysis.maxBurnRate,
      rule: "a number above 0 and at most 14.4 (the fast-burn page threshold)",
      fix: "use 1 (the default) or a small multiple",
    });
  }
  if (analysis.latencyThresholdSeconds !== undefined) {
    p.check(typeof analysis.latencyThresholdSeconds === "number" && analysis.latencyThresholdSeconds > 0, {
      property: `${property}.latencyThresholdSeconds`,
      value: analysis.latencyThresholdSeconds,
      rule: "a positive number of seconds",
      fix: "use the service's latency objective, e.g. 0.5",
    });
  }
  if (analysis.latencyQuantile !== undefined) {
    p.check(typeof analysis.latencyQuantile === "number" && analysis.latencyQuantile > 0 && analysis.latencyQuantile < 1, {
      property: `${property}.latencyQuantile`,
      value: analysis.latencyQuantile,
      rule: "a quantile between 0 and 1, the one the SLO records (0.95 by default)",
      fix: "use the SLO's latency.percentile",
    });
  }
  if (analysis.intervalSeconds !== undefined) checkInteger(p, `${property}.intervalSeconds`, analysis.intervalSeconds, 10, 3600);
  if (analysis.count !== undefined) checkInteger(p, `${property}.count`, analysis.count, 1, 100);
  if (analysis.failureLimit !== undefined) checkInteger(p, `${property}.failureLimit`, analysis.failureLimit, 0, 10);
  if (analysis.prometheusAddress !== undefined) {
    p.check(typeof analysis.prometheusAddress === "string" && /^https?:\/\/[^\s/]+/.test(analysis.prometheusAddress), {
      property: `${property}.prometheusAddress`,
      value: analysis.prometheusAddress,
      rule: "an http(s) URL",
      fix: "leave it out for the monitoring stack's Prometheus",
    });
  }
}

/** Checks the analysis settings (`property` is where they are, e.g. `delivery.analysis`); returns whether they passed. */
function checkAnalysis(p: Problems, property: string, analysis: DeliveryArgs["analysis"]): boolean {
  if (analysis === undefined) return true;
  const shape = argsObjectProblems(analysis, "analysis", property);
  if (shape.length > 0) {
    p.addAll(shape);
    return false;
  }
  const before = p.list.length;
  const known = Object.values(AnalysisMetric) as string[];
  const metrics = Array.isArray(analysis.metrics) ? analysis.metrics : [];
  p.check(analysis.metrics === undefined || metrics.length > 0, {
    property: `${property}.metrics`,
    value: analysis.metrics,
    rule: Array.isArray(analysis.metrics) ? "at least one metric: a progressive rollout without analysis cannot roll back on its own" : "a list of metrics",
    fix: `list one or more of ${known.join(", ")}, or leave metrics out for both`,
  });
  metrics.forEach((metric, i) =>
    p.check(known.includes(metric as string), {
      property: `${property}.metrics[${i}]`,
      value: metric,
      rule: `one of the series the SLO recording rules record (${known.join(", ")})`,
      fix: "use error-budget-burn or latency-p95; other series are not recorded by SloRules",
    }),
  );
  checkAnalysisSettings(p, property, analysis);
  return p.list.length === before;
}

/**
 * Every problem with `delivery`; `kind` is the HaService's workload kind (Rollouts reference a Deployment). Never
 * throws: a `delivery` (or `ctx`) that is not an object is reported or ignored, not read. Without `ctx` the delivery
 * is judged as a Deployment that is not exposed, so a canary without an ingress is still reported.
 */
export function deliveryProblems(delivery: DeliveryArgs | undefined, ctx?: { kind: string; exposed: boolean }): Problem[] {
  if (delivery === undefined) return [];
  const shape = argsObjectProblems(delivery, "delivery", "delivery");
  if (shape.length > 0) return shape;
  const { kind, exposed } = isRecord(ctx) ? ctx : { kind: "Deployment", exposed: false };
  const p = new Problems();
  const strategy = delivery.strategy ?? DeliveryStrategy.Rolling;
  if (!checkOneOf(p, "delivery.strategy", strategy, Object.values(DeliveryStrategy))) return [...p.list];
  if (strategy === DeliveryStrategy.Rolling) return [];
  p.check(kind === "Deployment", {
    property: "delivery.strategy",
    value: strategy,
    rule: "rolling for a StatefulSet (Argo Rollouts replaces Deployments only)",
    fix: "use kind Deployment, or delivery.strategy \"rolling\"",
  });
  if (strategy === DeliveryStrategy.Canary) {
    p.check(typeof delivery.ingressName === "string" && isDns1123Label(delivery.ingressName) && exposed === true, {
      property: "delivery.ingressName",
      value: delivery.ingressName,
      rule: "the ALB Ingress routing to the service (and expose set): canary traffic is shifted on the load balancer, not by replica counts",
      fix: "publish the service on RegionalIngress (give it an ingress path) and pass ingressNameOf(service), or use blueGreen",
    });
    checkSteps(p, "delivery.steps", delivery.steps);
  } else {
    p.check(delivery.steps === undefined, {
      property: "delivery.steps",
      value: delivery.steps,
      rule: "unset for blueGreen (it switches all traffic at once)",
      fix: "remove steps, or use strategy canary",
    });
    const blueGreen: unknown = delivery.blueGreen;
    if (isRecord(blueGreen) && blueGreen.scaleDownDelaySeconds !== undefined) {
      checkInteger(p, "delivery.blueGreen.scaleDownDelaySeconds", blueGreen.scaleDownDelaySeconds, 30, 86400, "keep the old version at least 30 s so a failed analysis can switch back");
    }
  }
  checkAnalysis(p, "delivery.analysis", delivery.analysis);
  return [...p.list];
}
