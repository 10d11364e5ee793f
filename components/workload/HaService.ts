/**
 * HaService: the unit a team deploys onto a regional cluster — a highly available, autoscaled, least-privilege
 * workload with its Service, disruption budget, autoscaler, ServiceAccount and NetworkPolicy.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HaServiceArgs, resolveHaServiceArgs, ResolvedHaService, ResolvedMetrics, WorkloadKind } from "./haServiceArgs";
import {
  deploymentSpecOf,
  headlessServiceNameOf,
  hpaSpecOf,
  metadataOf,
  networkPolicySpecOf,
  podDisruptionBudgetSpecOf,
  selectorLabelsOf,
  serviceSpecOf,
  statefulSetSpecOf,
} from "./haServiceSpec";
import { createDeliveryObjects } from "./haServiceDelivery";
import { createMeshObjects } from "./haServiceMesh";
import { PODMONITOR_API_VERSION, podMonitorSpecOf } from "./haServiceMetrics";
import { validateHaServiceArgs } from "./haServiceValidation";

export * from "./haServiceArgs";

/**
 * A Deployment (or StatefulSet) that survives node drains, zone loss and load spikes.
 *
 * Pass the regional cluster's `k8s.Provider` as the `provider` option; every child inherits it.
 *
 * - Pods run with the restricted Pod Security profile (non-root, no privilege escalation, all capabilities dropped,
 *   RuntimeDefault seccomp, read-only root filesystem with an emptyDir at /tmp).
 * - Pods are spread one-per-zone (hard in prod) and across nodes (soft).
 * - A HorizontalPodAutoscaler owns the replica count (the workload's `spec.replicas` is omitted) with the platform's
 *   scaling behaviour, see {@link HPA_BEHAVIOR}.
 * - A PodDisruptionBudget always allows at least one eviction, so node drains and upgrades proceed.
 * - The NetworkPolicy admits only declared callers, on the service port only.
 * - On shutdown the pod sleeps `preStopSleepSeconds` before SIGTERM so in-flight and late-routed requests drain.
 * - `delivery: { strategy: "canary" | "blueGreen" }` adds an Argo Rollout (referencing the Deployment, which then
 *   runs no pods), a canary or preview Service and an AnalysisTemplate on the service's SLO series; the HPA scales
 *   the Rollout. Pass the RolloutsController's release as `delivery.controller`.
 * - `metrics` adds a PodMonitor that keeps each pod's `rollouts-pod-template-hash`; with blue-green it also adds the
 *   pre-promotion AnalysisTemplate `<app>-preview-slo` judging the preview pods before the switch.
 */
export class HaService extends pulumi.ComponentResource {
  /** Name of the ClusterIP Service. */
  public readonly serviceName: pulumi.Output<string>;
  public readonly namespace: pulumi.Output<string>;
  /** In-cluster DNS name: `<service>.<namespace>.svc.cluster.local`. */
  public readonly serviceHost: pulumi.Output<string>;
  /** Service (and container) port. */
  public readonly servicePort: number;
  /** Labels that select this app's pods, e.g. for callers' NetworkPolicies or ServiceMonitors. */
  public readonly selectorLabels: Readonly<Record<string, string>>;

  constructor(name: string, args: HaServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    validateHaServiceArgs(name, args);
    super("production-platform:workload:HaService", name, {}, opts);

    const r = resolveHaServiceArgs(name, args);
    const child = { parent: this };

    const serviceAccount = createServiceAccount(name, r, this);
    const service = new k8s.core.v1.Service(`${name}-svc`, { metadata: metadataOf(r), spec: serviceSpecOf(r) }, child);
    const workload = createWorkload(name, r, this, serviceAccount);

    // canary / blueGreen: an Argo Rollout runs the pods from the Deployment's template (see haServiceDelivery.ts).
    const delivery = createDeliveryObjects(name, r, this, { deployment: workload, stableService: service });

    // The budget's selector has no pod-template hash, so it covers the stable and the canary ReplicaSets alike.
    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: metadataOf(r), spec: podDisruptionBudgetSpecOf(r) }, child);

    const hpaSpec = hpaSpecOf(r);
    if (hpaSpec) {
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, { metadata: metadataOf(r), spec: hpaSpec }, { parent: this, dependsOn: [delivery?.rollout ?? workload] });
    }

    new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, { metadata: metadataOf(r), spec: networkPolicySpecOf(r) }, child);
    createMeshObjects(name, r, this);
    if (r.metrics) createPodMonitor(name, r, r.metrics, this);

    this.serviceName = service.metadata.name;
    this.namespace = service.metadata.namespace.apply((ns) => ns ?? r.namespace);
    this.serviceHost = pulumi.interpolate`${this.serviceName}.${this.namespace}.svc.cluster.local`;
    this.servicePort = r.port;
    this.selectorLabels = selectorLabelsOf(r);

    this.registerOutputs({
      serviceName: this.serviceName,
      namespace: this.namespace,
      serviceHost: this.serviceHost,
      servicePort: this.servicePort,
      selectorLabels: this.selectorLabels,
    });
  }
}

/** The pods' own ServiceAccount (no API token unless asked for). */
function createServiceAccount(name: string, r: ResolvedHaService, parent: pulumi.Resource): k8s.core.v1.ServiceAccount {
  return new k8s.core.v1.ServiceAccount(
    `${name}-sa`,
    {
      metadata: { ...metadataOf(r, r.serviceAccountName), annotations: { ...r.serviceAccountAnnotations } },
      automountServiceAccountToken: r.automountToken,
    },
    { parent },
  );
}

/** The Deployment, or the StatefulSet behind its headless Service; either waits for the ServiceAccount. */
function createWorkload(
  name: string,
  r: ResolvedHaService,
  parent: pulumi.Resource,
  serviceAccount: k8s.core.v1.ServiceAccount,
): k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet {
  const workloadOpts = { parent, dependsOn: [serviceAccount] };
  if (r.kind === WorkloadKind.StatefulSet) {
    const headless = new k8s.core.v1.Service(
      `${name}-headless`,
      { metadata: metadataOf(r, headlessServiceNameOf(r)), spec: serviceSpecOf(r, true) },
      { parent },
    );
    return new k8s.apps.v1.StatefulSet(
      `${name}-sts`,
      { metadata: metadataOf(r), spec: statefulSetSpecOf(r) },
      { ...workloadOpts, dependsOn: [serviceAccount, headless] },
    );
  }
  return new k8s.apps.v1.Deployment(`${name}-deploy`, { metadata: metadataOf(r), spec: deploymentSpecOf(r) }, workloadOpts);
}

/** The PodMonitor of `metrics`; it waits for the release that installs its CRD when one is given. */
function createPodMonitor(name: string, r: ResolvedHaService, m: ResolvedMetrics, parent: pulumi.Resource): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    `${name}-podmonitor`,
    {
      apiVersion: PODMONITOR_API_VERSION,
      kind: "PodMonitor",
      metadata: metadataOf(r),
      spec: podMonitorSpecOf(selectorLabelsOf(r), m, r.delivery.analysis.sloName),
    },
    { parent, dependsOn: m.monitoringRelease ? [m.monitoringRelease] : [] },
  );
}
