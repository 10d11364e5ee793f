/**
 * Pure builders for the manifests {@link HaService} applies. Each takes the resolved arguments and returns plain
 * Kubernetes objects, so tests can read the exact spec and the component stays a thin sequence of registrations.
 */
import * as k8s from "@pulumi/kubernetes";
import { ZONE_KEY } from "../shared/kubernetes";
import { isProgressive } from "../delivery/deliveryArgs";
import { ROLLOUTS_API_VERSION } from "../delivery/analysis";
import { ROLLOUTS_HASH_LABEL } from "../delivery/rolloutSpec";
import { HBONE_PORT, PROBE_SNAT_CIDR } from "../mesh/meshPolicy";
import { GATEWAY_NAME_LABEL, WAYPOINT_NAMESPACE, waypointNameOf } from "../mesh/waypoint";
import { peakPods, WorkloadFootprint } from "../security/quota";
import { scrapeIngressRulesOf } from "./haServiceMetrics";
import { CONTAINER_PORT_NAME, HA_SERVICE_DEFAULTS, HaServiceArgs, ProbeArgs, resolveHaServiceArgs, ResolvedHaService, WorkloadKind } from "./haServiceArgs";

type PodTemplate = k8s.types.input.core.v1.PodTemplateSpec;
type Probe = k8s.types.input.core.v1.Probe;

export const NAME_LABEL = "app.kubernetes.io/name";
/** Extra pods a rollout may start before removing old ones, percent of replicas (rounded up by Kubernetes). */
export const ROLLOUT_MAX_SURGE_PERCENT = 25;
export const INSTANCE_LABEL = "app.kubernetes.io/instance";
export { ZONE_KEY } from "../shared/kubernetes";
export const HOSTNAME_KEY = "kubernetes.io/hostname";
const PORT_NAME = CONTAINER_PORT_NAME;

/**
 * Labels the selectors use. Selectors are immutable on Deployments and StatefulSets, so these must never include
 * anything that changes between releases (version, image tag).
 */
export function selectorLabelsOf(r: ResolvedHaService): Record<string, string> {
  return { [NAME_LABEL]: r.appName, [INSTANCE_LABEL]: r.appName };
}

/** Labels on every object. */
export function commonLabelsOf(r: ResolvedHaService): Record<string, string> {
  return { ...selectorLabelsOf(r), "app.kubernetes.io/part-of": r.partOf, "app.kubernetes.io/managed-by": "pulumi" };
}

export function metadataOf(r: ResolvedHaService, name: string = r.appName): { name: string; namespace: string; labels: Record<string, string> } {
  return { name, namespace: r.namespace, labels: commonLabelsOf(r) };
}

/**
 * HPA scaling behaviour (the platform seed).
 *
 * Up: no stabilisation, so a spike is answered within one sync period; per 60 s add the larger of 100 % (double) or
 * 4 pods, so small fleets grow fast and large ones double.
 *
 * Down: 300 s stabilisation (the highest recommendation of the last 5 minutes wins, so a short dip does not remove
 * capacity the next spike needs); per 60 s remove up to 50 % or 2 pods with `selectPolicy: Max`. Max is chosen over
 * Min because with Min the Pods policy (2) is smaller than 50 % for any fleet above 4 pods, which would make the
 * Percent policy dead code and a 100-pod fleet would take ~50 minutes to shrink after a peak; with Max, 50 % drives
 * large fleets and the 2-pod policy keeps small ones (where 50 % rounds to one pod) moving. The stabilisation
 * window, `minReplicas` and the PodDisruptionBudget are what protect availability, not a slow scale-down.
 */
export const HPA_BEHAVIOR = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Percent", value: 100, periodSeconds: 60 },
      { type: "Pods", value: 4, periodSeconds: 60 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: "Max",
    policies: [
      { type: "Percent", value: 50, periodSeconds: 60 },
      { type: "Pods", value: 2, periodSeconds: 60 },
    ],
  },
} as const;

function probeOf(probe: ProbeArgs | undefined, defaults: { period: number; failures: number }): Probe | undefined {
  if (!probe) return undefined;
  const port = probe.port ?? PORT_NAME;
  return {
    ...(probe.httpPath !== undefined ? { httpGet: { path: probe.httpPath, port, scheme: "HTTP" } } : { tcpSocket: { port } }),
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    periodSeconds: probe.periodSeconds ?? defaults.period,
    timeoutSeconds: probe.timeoutSeconds ?? 2,
    failureThreshold: probe.failureThreshold ?? defaults.failures,
    successThreshold: 1,
  };
}

/**
 * Spread over zones (hard in prod: a zone outage must never take more than its share) and over nodes (soft: a
 * cluster with fewer nodes than replicas must still schedule). For Deployments `pod-template-hash` is a match key so
 * that during a rollout the new ReplicaSet is spread on its own instead of being skewed by the old one's pods.
 */
export function topologySpreadOf(r: ResolvedHaService): k8s.types.input.core.v1.TopologySpreadConstraint[] {
  // Pods of an Argo Rollout's ReplicaSets carry `rollouts-pod-template-hash`, not `pod-template-hash`.
  const hashKey = isProgressive(r.delivery.strategy) ? ROLLOUTS_HASH_LABEL : "pod-template-hash";
  const matchLabelKeys = r.kind === WorkloadKind.Deployment ? [hashKey] : undefined;
  const base = { maxSkew: 1, labelSelector: { matchLabels: selectorLabelsOf(r) }, ...(matchLabelKeys ? { matchLabelKeys } : {}) };
  return [
    { ...base, topologyKey: ZONE_KEY, whenUnsatisfiable: r.prod ? "DoNotSchedule" : "ScheduleAnyway" },
    { ...base, topologyKey: HOSTNAME_KEY, whenUnsatisfiable: "ScheduleAnyway" },
  ];
}

/** Plain env vars, then those read from Secret keys. */
function containerEnvOf(r: ResolvedHaService): k8s.types.input.core.v1.EnvVar[] {
  return [
    ...Object.entries(r.env).map(([name, value]) => ({ name, value })),
    ...r.secretEnv.map((s) => ({ name: s.name, valueFrom: { secretKeyRef: { name: s.secretName, key: s.key } } })),
  ];
}

/** Node affinity to the allowed zones, when the service is restricted to some. */
function zoneAffinityOf(r: ResolvedHaService): { affinity?: k8s.types.input.core.v1.Affinity } {
  return r.zones
    ? {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE_KEY, operator: "In", values: [...r.zones] }] }],
            },
          },
        },
      }
    : {};
}

/** The app container: restricted security context, probes, draining; `secretMounts` after the /tmp scratch mount. */
function containerOf(r: ResolvedHaService, secretMounts: k8s.types.input.core.v1.VolumeMount[]): k8s.types.input.core.v1.Container {
  const env = containerEnvOf(r);
  return {
    name: r.appName,
    image: r.image,
    imagePullPolicy: "IfNotPresent",
    ports: [{ name: PORT_NAME, containerPort: r.port, protocol: "TCP" }],
    ...(env.length > 0 ? { env } : {}),
    resources: {
      requests: { ...r.resources.requests, "ephemeral-storage": HA_SERVICE_DEFAULTS.ephemeralStorage.request },
      limits: { ...r.resources.limits, "ephemeral-storage": HA_SERVICE_DEFAULTS.ephemeralStorage.limit },
    },
    livenessProbe: probeOf(r.probes.liveness, { period: 10, failures: 3 }),
    readinessProbe: probeOf(r.probes.readiness, { period: 5, failures: 3 }),
    startupProbe: probeOf(r.probes.startup, { period: 10, failures: 30 }),
    // The sleep action (Kubernetes ≥ 1.30) needs no `sleep` binary, so it works in distroless images: the pod
    // keeps serving while its endpoint removal propagates to kube-proxy and the load balancer deregisters it.
    lifecycle: r.preStopSleepSeconds > 0 ? { preStop: { sleep: { seconds: r.preStopSleepSeconds } } } : undefined,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: r.runAsUser,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...secretMounts],
  };
}

/** The pod template: restricted security context, probes, draining, spread, secrets by reference. */
export function podTemplateOf(r: ResolvedHaService): PodTemplate {
  const secretVolumes = r.secretFiles.map((f, i) => ({
    volume: { name: `secret-${i}`, secret: { secretName: f.secretName, defaultMode: 0o440 } },
    mount: { name: `secret-${i}`, mountPath: f.mountPath, readOnly: true },
  }));
  return {
    metadata: { labels: commonLabelsOf(r) },
    spec: {
      serviceAccountName: r.serviceAccountName,
      automountServiceAccountToken: r.automountToken,
      // Service links inject one env var per Service in the namespace: noise, and a startup hazard in big namespaces.
      enableServiceLinks: false,
      terminationGracePeriodSeconds: r.terminationGracePeriodSeconds,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: r.runAsUser,
        runAsGroup: r.runAsUser,
        fsGroup: r.runAsUser,
        seccompProfile: { type: "RuntimeDefault" },
      },
      topologySpreadConstraints: topologySpreadOf(r),
      ...zoneAffinityOf(r),
      containers: [containerOf(r, secretVolumes.map((v) => v.mount))],
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }, ...secretVolumes.map((v) => v.volume)],
    },
  };
}

/**
 * Deployment spec. `replicas` is left out when the HPA owns the count: with server-side apply Pulumi would
 * otherwise reset the autoscaler's decision on every `up`. Under an Argo Rollout the Deployment only holds the pod
 * template (`workloadRef`) and runs no pods itself: `replicas: 0`.
 */
export function deploymentSpecOf(r: ResolvedHaService): k8s.types.input.apps.v1.DeploymentSpec {
  const replicas = isProgressive(r.delivery.strategy) ? { replicas: 0 } : r.autoscaling ? {} : { replicas: r.replicas };
  return {
    ...replicas,
    selector: { matchLabels: selectorLabelsOf(r) },
    revisionHistoryLimit: 5,
    minReadySeconds: 5,
    progressDeadlineSeconds: 600,
    // Surge before removing: capacity never drops below the current count during a rollout.
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: `${ROLLOUT_MAX_SURGE_PERCENT}%`, maxUnavailable: 0 } },
    template: podTemplateOf(r),
  };
}

/** StatefulSet spec; pods start in parallel so that an HPA scale-up is not serialised one pod at a time. */
export function statefulSetSpecOf(r: ResolvedHaService): k8s.types.input.apps.v1.StatefulSetSpec {
  return {
    ...(r.autoscaling ? {} : { replicas: r.replicas }),
    serviceName: headlessServiceNameOf(r),
    selector: { matchLabels: selectorLabelsOf(r) },
    podManagementPolicy: "Parallel",
    revisionHistoryLimit: 5,
    minReadySeconds: 5,
    updateStrategy: { type: "RollingUpdate" },
    template: podTemplateOf(r),
  };
}

export function headlessServiceNameOf(r: ResolvedHaService): string {
  return `${r.appName}-headless`;
}

export function serviceSpecOf(r: ResolvedHaService, headless = false): k8s.types.input.core.v1.ServiceSpec {
  return {
    type: "ClusterIP",
    ...(headless ? { clusterIP: "None", publishNotReadyAddresses: true } : {}),
    selector: selectorLabelsOf(r),
    ports: [{ name: PORT_NAME, port: r.port, targetPort: PORT_NAME, protocol: "TCP" }],
  };
}

export function podDisruptionBudgetSpecOf(r: ResolvedHaService): k8s.types.input.policy.v1.PodDisruptionBudgetSpec {
  return {
    selector: { matchLabels: selectorLabelsOf(r) },
    ...(r.pdb.minAvailable !== undefined ? { minAvailable: r.pdb.minAvailable } : { maxUnavailable: r.pdb.maxUnavailable }),
    // Pods that are not Ready yet may be evicted even when the budget is exhausted, so a crash-looping rollout
    // cannot wedge a node drain.
    unhealthyPodEvictionPolicy: "AlwaysAllow",
  };
}

export function hpaSpecOf(r: ResolvedHaService): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec | undefined {
  const a = r.autoscaling;
  if (!a) return undefined;
  return {
    // Under an Argo Rollout the HPA scales the Rollout (its /scale subresource); the Deployment stays at zero.
    scaleTargetRef: isProgressive(r.delivery.strategy)
      ? { apiVersion: ROLLOUTS_API_VERSION, kind: "Rollout", name: r.appName }
      : { apiVersion: "apps/v1", kind: r.kind, name: r.appName },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.cpuUtilization } } },
      { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: a.memoryUtilization } } },
    ],
    behavior: {
      scaleUp: { ...HPA_BEHAVIOR.scaleUp, policies: HPA_BEHAVIOR.scaleUp.policies.map((p) => ({ ...p })) },
      scaleDown: { ...HPA_BEHAVIOR.scaleDown, policies: HPA_BEHAVIOR.scaleDown.policies.map((p) => ({ ...p })) },
    },
  };
}

/**
 * Ingress-only policy for the app's pods: the declared callers (and the load balancer or ingress controller when
 * exposed) on the service port, nothing else. Egress is left to the tenant's default-deny policy.
 */
export function networkPolicySpecOf(r: ResolvedHaService): k8s.types.input.networking.v1.NetworkPolicySpec {
  const from: k8s.types.input.networking.v1.NetworkPolicyPeer[] = r.allowedCallers.map((c) => ({
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": c.namespace } },
    ...(c.podLabels && Object.keys(c.podLabels).length > 0 ? { podSelector: { matchLabels: { ...c.podLabels } } } : {}),
  }));
  for (const cidr of r.expose?.loadBalancerCidrs ?? []) from.push({ ipBlock: { cidr } });
  if (r.expose?.ingressControllerNamespace) {
    from.push({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": r.expose.ingressControllerNamespace } } });
  }
  const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = from.length > 0 ? [{ from, ports: [{ protocol: "TCP", port: r.port }] }] : [];
  if (r.mesh) {
    // In the ambient mesh the callers' ztunnels deliver on HBONE (15008), and kubelet probes arrive SNATed from
    // istio-cni's link-local address: without these the mesh drops every call and every probe.
    const callers = from.filter((peer) => peer.ipBlock === undefined);
    // Calls to the Service go through the namespace's waypoint, which delivers on HBONE from its own pods.
    if (r.mesh.waypoint) {
      callers.push({
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": WAYPOINT_NAMESPACE } },
        podSelector: { matchLabels: { [GATEWAY_NAME_LABEL]: waypointNameOf(r.namespace) } },
      });
    }
    if (callers.length > 0) ingress.push({ from: callers, ports: [{ protocol: "TCP", port: HBONE_PORT }] });
    ingress.push({ from: [{ ipBlock: { cidr: PROBE_SNAT_CIDR } }], ports: [{ protocol: "TCP", port: r.port }] });
  }
  // With `metrics`, Prometheus' pods on the metrics port (and on HBONE in the mesh).
  ingress.push(...scrapeIngressRulesOf(r.metrics, r.mesh !== undefined));
  return {
    podSelector: { matchLabels: selectorLabelsOf(r) },
    policyTypes: ["Ingress"],
    // An empty `from` would mean "everyone"; with no callers the policy has no rules at all, which admits nobody.
    ingress,
  };
}

/**
 * The most pods the service holds at once, with their per-pod requests and limits: maxReplicas (or the fixed
 * count) plus the rollout surge for a Deployment (a StatefulSet replaces pods one at a time, no surge). Tenants size
 * their ResourceQuota from it.
 */
export function haServiceFootprint(name: string, args: HaServiceArgs): WorkloadFootprint {
  const r = resolveHaServiceArgs(name, args);
  const most = r.autoscaling?.maxReplicas ?? r.replicas;
  const surge = r.kind === WorkloadKind.Deployment ? ROLLOUT_MAX_SURGE_PERCENT : 0;
  return { name: r.appName, peakPods: peakPods(most, surge), requests: { ...r.resources.requests }, limits: { ...r.resources.limits } };
}
