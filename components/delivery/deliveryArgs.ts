/**
 * Progressive delivery arguments of an HaService (`delivery`), their defaults and resolved form.
 *
 * Kept apart from the builders so validation and the manifests can be tested without registering anything.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_LATENCY_PERCENTILE, DEFAULT_LATENCY_THRESHOLD_SECONDS, PROMETHEUS_IN_CLUSTER_URL } from "../monitoring";

/** How a new version replaces the old one. */
export const DeliveryStrategy = {
  /** Kubernetes Deployment rolling update: no traffic shifting, no analysis. */
  Rolling: "rolling",
  /** Argo Rollouts canary: ALB weighted target groups shift traffic step by step, each step analysed. */
  Canary: "canary",
  /** Argo Rollouts blue-green: the new version runs behind a preview Service, then takes all traffic at once. */
  BlueGreen: "blueGreen",
} as const;
export type DeliveryStrategy = (typeof DeliveryStrategy)[keyof typeof DeliveryStrategy];

/** Analysis metrics an AnalysisTemplate can hold, each read from the service's SLO recording rules. */
export const AnalysisMetric = {
  /** Error-budget burn rate: `slo:sli_error:ratio_rate5m / slo:error_budget:ratio` of the service's SLO. */
  ErrorBudgetBurn: "error-budget-burn",
  /** Latency quantile: `slo:latency_quantile:seconds_rate5m` of the service's SLO. */
  LatencyP95: "latency-p95",
} as const;
export type AnalysisMetric = (typeof AnalysisMetric)[keyof typeof AnalysisMetric];

/** One canary step: send `weight` % of the traffic to the new version, wait, then analyse. */
export interface CanaryStepArgs {
  /** Percent of requests the ALB sends to the canary (1–100). Steps must strictly increase. */
  readonly weight: number;
  /**
   * Seconds to hold the weight before the step's analysis starts, so the 5-minute SLO rates fill with traffic the
   * new version served. @default — 300
   */
  readonly pauseSeconds?: number;
}

export interface AnalysisArgs {
  /** The SLO (SloRules `slo.name`) whose recorded series are queried. @default — the app name */
  readonly sloName?: string;
  /** Metrics to judge. @default — both error-budget-burn and latency-p95 */
  readonly metrics?: readonly AnalysisMetric[];
  /**
   * Highest error-budget burn rate a step may show (1 = spending the budget exactly as fast as the SLO allows). The
   * SLO series cover the whole service, so a canary at weight w with error ratio e shows about w·e. @default — 1
   */
  readonly maxBurnRate?: number;
  /** Latency the recorded quantile must stay under, seconds. @default — 1 (the SLO's default latency objective) */
  readonly latencyThresholdSeconds?: number;
  /** Quantile recorded by the SLO. @default — 0.95 */
  readonly latencyQuantile?: number;
  /** Seconds between measurements. @default — 60 */
  readonly intervalSeconds?: number;
  /** Measurements per analysis. @default — 5 */
  readonly count?: number;
  /** Failed measurements tolerated before the step fails and the rollout aborts. @default — 0 */
  readonly failureLimit?: number;
  /** Prometheus the controller queries. @default — the monitoring stack's in-cluster Prometheus */
  readonly prometheusAddress?: string;
}

export interface BlueGreenArgs {
  /** Seconds the old version keeps running after promotion, so a failed post-promotion analysis can switch back. @default — 600 */
  readonly scaleDownDelaySeconds?: number;
}

export interface DeliveryArgs {
  /** @default — rolling (the stacks choose canary for staging and prod) */
  readonly strategy?: DeliveryStrategy;
  /** Canary steps. @default — 10 → 25 → 50 → 100 %, each held 300 s and then analysed ({@link DEFAULT_CANARY_STEPS}) */
  readonly steps?: readonly CanaryStepArgs[];
  /** @default — see {@link AnalysisArgs} */
  readonly analysis?: AnalysisArgs;
  /** @default — see {@link BlueGreenArgs} */
  readonly blueGreen?: BlueGreenArgs;
  /**
   * Name of the ALB Ingress that routes to the service (RegionalIngress `ingressNameOf`). Required for canary: the
   * Rollout writes the weighted forward action onto it. @default — none
   */
  readonly ingressName?: string;
  /** The Argo Rollouts controller release (it installs the Rollout and AnalysisTemplate CRDs); the CRs depend on it. */
  readonly controller?: pulumi.Resource;
}

export const DEFAULT_CANARY_STEPS: readonly Required<CanaryStepArgs>[] = [
  { weight: 10, pauseSeconds: 300 },
  { weight: 25, pauseSeconds: 300 },
  { weight: 50, pauseSeconds: 300 },
  { weight: 100, pauseSeconds: 300 },
];

export const DELIVERY_DEFAULTS = {
  pauseSeconds: 300,
  maxBurnRate: 1,
  latencyThresholdSeconds: DEFAULT_LATENCY_THRESHOLD_SECONDS,
  latencyQuantile: DEFAULT_LATENCY_PERCENTILE,
  intervalSeconds: 60,
  count: 5,
  failureLimit: 0,
  prometheusAddress: PROMETHEUS_IN_CLUSTER_URL,
  scaleDownDelaySeconds: 600,
} as const;

export interface ResolvedAnalysis {
  readonly sloName: string;
  readonly metrics: readonly AnalysisMetric[];
  readonly maxBurnRate: number;
  readonly latencyThresholdSeconds: number;
  readonly latencyQuantile: number;
  readonly intervalSeconds: number;
  readonly count: number;
  readonly failureLimit: number;
  readonly prometheusAddress: string;
}

export interface ResolvedDelivery {
  readonly strategy: DeliveryStrategy;
  readonly steps: readonly Required<CanaryStepArgs>[];
  readonly analysis: ResolvedAnalysis;
  readonly scaleDownDelaySeconds: number;
  readonly ingressName?: string;
  readonly controller?: pulumi.Resource;
}

/** Applies defaults once. Call after validation. */
export function resolveDelivery(appName: string, args: DeliveryArgs | undefined): ResolvedDelivery {
  const d = DELIVERY_DEFAULTS;
  const a = args?.analysis ?? {};
  return {
    strategy: args?.strategy ?? DeliveryStrategy.Rolling,
    steps: (args?.steps ?? DEFAULT_CANARY_STEPS).map((s) => ({ weight: s.weight, pauseSeconds: s.pauseSeconds ?? d.pauseSeconds })),
    analysis: {
      sloName: a.sloName ?? appName,
      metrics: [...(a.metrics ?? Object.values(AnalysisMetric))],
      maxBurnRate: a.maxBurnRate ?? d.maxBurnRate,
      latencyThresholdSeconds: a.latencyThresholdSeconds ?? d.latencyThresholdSeconds,
      latencyQuantile: a.latencyQuantile ?? d.latencyQuantile,
      intervalSeconds: a.intervalSeconds ?? d.intervalSeconds,
      count: a.count ?? d.count,
      failureLimit: a.failureLimit ?? d.failureLimit,
      prometheusAddress: a.prometheusAddress ?? d.prometheusAddress,
    },
    scaleDownDelaySeconds: args?.blueGreen?.scaleDownDelaySeconds ?? d.scaleDownDelaySeconds,
    ingressName: args?.ingressName,
    controller: args?.controller,
  };
}

/** True when an Argo Rollout (not the Deployment's own rolling update) replaces versions. */
export function isProgressive(strategy: DeliveryStrategy | undefined): boolean {
  return strategy === DeliveryStrategy.Canary || strategy === DeliveryStrategy.BlueGreen;
}
