/**
 * Pure builders for the Argo Rollout that replaces an HaService's Deployment rollout.
 *
 * The Rollout references the Deployment (`workloadRef`) instead of carrying its own pod template. Why: the pod
 * template stays in a Deployment, which every pack (pod security, CIS, workload resilience, runtime coherence) and
 * every admission tool already judges, so switching a service between rolling and canary never hides its pods from
 * policy; and one template is written once. The Deployment is kept at `replicas: 0` (Pulumi owns that field, so
 * `scaleDown: never` — the controller must not write to it); the Rollout's ReplicaSets run the pods.
 */
import { ResolvedDelivery, DeliveryStrategy } from "./deliveryArgs";
import { analysisTemplateNameOf, PREVIEW_HASH_ARG, previewAnalysisTemplateNameOf } from "./analysis";

/** The label Argo Rollouts adds to the pods (and the Services' selectors) of each ReplicaSet it manages. */
export const ROLLOUTS_HASH_LABEL = "rollouts-pod-template-hash";

export interface RolloutContext {
  readonly appName: string;
  readonly port: number;
  readonly selectorLabels: Record<string, string>;
  /** Fixed replica count, or undefined when the HPA owns `spec.replicas` through the scale subresource. */
  readonly replicas?: number;
  /** Deployment surge percent, reused for the canary's surge. */
  readonly maxSurgePercent: number;
  /**
   * Blue-green: analyse the preview version before the switch (the preview AnalysisTemplate exists: the service's
   * pods are scraped with their pod-template hash). @default — false, post-promotion analysis only
   */
  readonly previewAnalysis?: boolean;
}

/** Service names: the existing ClusterIP Service is the stable (canary) / active (blue-green) one. */
export function deliveryServiceNamesOf(appName: string, strategy: DeliveryStrategy): { stable: string; extra: string } {
  return { stable: appName, extra: strategy === DeliveryStrategy.BlueGreen ? `${appName}-preview` : `${appName}-canary` };
}

function analysisStep(appName: string): Record<string, unknown> {
  return { analysis: { templates: [{ templateName: analysisTemplateNameOf(appName) }] } };
}

function canaryStrategyOf(c: RolloutContext, d: ResolvedDelivery): Record<string, unknown> {
  const names = deliveryServiceNamesOf(c.appName, DeliveryStrategy.Canary);
  const steps = d.steps.flatMap((s) => [
    { setWeight: s.weight },
    ...(s.pauseSeconds > 0 ? [{ pause: { duration: `${s.pauseSeconds}s` } }] : []),
    analysisStep(c.appName),
  ]);
  return {
    canary: {
      stableService: names.stable,
      canaryService: names.extra,
      // The ALB's weighted target groups split the traffic (AWS Load Balancer Controller action annotation).
      trafficRouting: { alb: { ingress: d.ingressName, servicePort: c.port } },
      maxSurge: `${c.maxSurgePercent}%`,
      maxUnavailable: 0,
      // After an abort the canary pods linger 30 s so in-flight requests finish before they are removed.
      abortScaleDownDelaySeconds: 30,
      steps,
    },
  };
}

function blueGreenStrategyOf(c: RolloutContext, d: ResolvedDelivery): Record<string, unknown> {
  const names = deliveryServiceNamesOf(c.appName, DeliveryStrategy.BlueGreen);
  return {
    blueGreen: {
      activeService: names.stable,
      previewService: names.extra,
      autoPromotionEnabled: true,
      // Before the switch: the preview pods' own series, by pod-template hash. A failure aborts the release while the
      // active Service still points at the old version, so users never see the new one.
      ...(c.previewAnalysis
        ? { prePromotionAnalysis: { templates: [{ templateName: previewAnalysisTemplateNameOf(c.appName) }], args: [{ name: PREVIEW_HASH_ARG, valueFrom: { podTemplateHashValue: "Latest" } }] } }
        : {}),
      // Analysis on real traffic right after the switch; a failure aborts and points the active Service back at the
      // previous ReplicaSet, which is kept for scaleDownDelaySeconds.
      postPromotionAnalysis: { templates: [{ templateName: analysisTemplateNameOf(c.appName) }] },
      scaleDownDelaySeconds: d.scaleDownDelaySeconds,
    },
  };
}

/** `spec` of the Rollout (argoproj.io/v1alpha1). */
export function rolloutSpecOf(c: RolloutContext, d: ResolvedDelivery): Record<string, unknown> {
  return {
    ...(c.replicas !== undefined ? { replicas: c.replicas } : {}),
    selector: { matchLabels: { ...c.selectorLabels } },
    workloadRef: { apiVersion: "apps/v1", kind: "Deployment", name: c.appName, scaleDown: "never" },
    revisionHistoryLimit: 5,
    minReadySeconds: 5,
    progressDeadlineSeconds: 600,
    // A release that cannot become ready in 10 minutes is aborted (traffic back to stable), not left half-way.
    progressDeadlineAbort: true,
    strategy: d.strategy === DeliveryStrategy.BlueGreen ? blueGreenStrategyOf(c, d) : canaryStrategyOf(c, d),
  };
}
