/**
 * The Argo Rollouts objects an HaService registers when `delivery.strategy` is canary or blueGreen: the canary (or
 * preview) Service, the AnalysisTemplate and the Rollout. Kept out of HaService.ts so the component stays a short
 * sequence of registrations.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { analysisTemplateNameOf, analysisTemplateSpecOf, previewAnalysisTemplateNameOf, previewAnalysisTemplateSpecOf, ROLLOUTS_API_VERSION } from "../delivery/analysis";
import { isProgressive } from "../delivery/deliveryArgs";
import { deliveryServiceNamesOf, rolloutSpecOf } from "../delivery/rolloutSpec";
import { ResolvedHaService } from "./haServiceArgs";
import { metadataOf, ROLLOUT_MAX_SURGE_PERCENT, selectorLabelsOf, serviceSpecOf } from "./haServiceSpec";

export interface DeliveryObjects {
  readonly rollout: k8s.apiextensions.CustomResource;
  readonly analysisTemplate: k8s.apiextensions.CustomResource;
  /** The canary (canary) or preview (blue-green) Service. */
  readonly extraService: k8s.core.v1.Service;
  /** Blue-green with `metrics`: the pre-promotion AnalysisTemplate over the preview pods' series. */
  readonly previewAnalysisTemplate?: k8s.apiextensions.CustomResource;
}

/** Registers the Rollout and its companions under `parent`; undefined for a rolling update. */
export function createDeliveryObjects(
  name: string,
  r: ResolvedHaService,
  parent: pulumi.Resource,
  deps: { deployment: pulumi.Resource; stableService: pulumi.Resource },
): DeliveryObjects | undefined {
  const d = r.delivery;
  if (!isProgressive(d.strategy)) return undefined;
  const names = deliveryServiceNamesOf(r.appName, d.strategy);
  // The CRDs come with the controller's chart: without it these objects would be rejected by the API server.
  const crdDeps = d.controller ? [d.controller] : [];

  const extraService = new k8s.core.v1.Service(
    `${name}-${d.strategy === "blueGreen" ? "preview" : "canary"}-svc`,
    // The controller adds `rollouts-pod-template-hash` to this selector (and the stable one) during a release.
    { metadata: metadataOf(r, names.extra), spec: serviceSpecOf(r) },
    { parent },
  );
  const analysisTemplate = new k8s.apiextensions.CustomResource(
    `${name}-analysis`,
    {
      apiVersion: ROLLOUTS_API_VERSION,
      kind: "AnalysisTemplate",
      metadata: metadataOf(r, analysisTemplateNameOf(r.appName)),
      spec: analysisTemplateSpecOf(d.analysis),
    },
    { parent, dependsOn: crdDeps },
  );
  // Per-version series exist only when the service's pods are scraped with their pod-template hash (`metrics`).
  const previewAnalysisTemplate = d.strategy === "blueGreen" && r.metrics ? createPreviewAnalysisTemplate(name, r, parent, crdDeps) : undefined;
  const rollout = new k8s.apiextensions.CustomResource(
    `${name}-rollout`,
    {
      apiVersion: ROLLOUTS_API_VERSION,
      kind: "Rollout",
      metadata: metadataOf(r),
      spec: rolloutSpecOf(
        {
          appName: r.appName,
          port: r.port,
          selectorLabels: selectorLabelsOf(r),
          replicas: r.autoscaling ? undefined : r.replicas,
          maxSurgePercent: ROLLOUT_MAX_SURGE_PERCENT,
          ...(previewAnalysisTemplate ? { previewAnalysis: true } : {}),
        },
        d,
      ),
    },
    // The controller's HPA writes spec.replicas through the scale subresource: Pulumi must not reset it.
    { parent, dependsOn: [...crdDeps, deps.deployment, deps.stableService, extraService, analysisTemplate, ...(previewAnalysisTemplate ? [previewAnalysisTemplate] : [])], ...(r.autoscaling ? { ignoreChanges: ["spec.replicas"] } : {}) },
  );
  return { rollout, analysisTemplate, extraService, previewAnalysisTemplate };
}

/** `<app>-preview-slo`: the blue-green pre-promotion gate; like the other CRs it waits for the controller's CRDs. */
function createPreviewAnalysisTemplate(name: string, r: ResolvedHaService, parent: pulumi.Resource, crdDeps: pulumi.Resource[]): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    `${name}-preview-analysis`,
    {
      apiVersion: ROLLOUTS_API_VERSION,
      kind: "AnalysisTemplate",
      metadata: metadataOf(r, previewAnalysisTemplateNameOf(r.appName)),
      spec: previewAnalysisTemplateSpecOf(r.delivery.analysis),
    },
    { parent, dependsOn: crdDeps },
  );
}
