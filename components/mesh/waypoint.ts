/**
 * Waypoints: the L7 proxies of Istio's ambient mode, one per tenant namespace, and the Gateway API CRDs they need.
 *
 * Docs followed (Istio 1.28): "Configure waypoint proxies" and "Use Layer 7 features" (ambient/usage/waypoint,
 * ambient/usage/l7-features), "Use Layer 4 security policy" (ambient/usage/l4-policy) and the Kubernetes Gateway API
 * task (tasks/traffic-management/ingress/gateway-api, "Automated Deployment", "Resource Attachment and Scaling").
 *
 * Why the waypoints live in one platform namespace (`istio-waypoints`) and not in the tenants' own namespaces:
 * - a tenant's team can edit everything in its namespace; a waypoint it can delete or reconfigure is a waypoint it
 *   can bypass (it enforces the identity AuthorizationPolicies and the retry/timeout/breaker rules);
 * - tenant namespaces admit only images signed by the platform's key (supply-chain ImageVerification), which
 *   Istio's proxy image is not; and their ResourceQuota is sized from the tenant's own services;
 * Istio supports a waypoint in another namespace: the tenant namespace carries `istio.io/use-waypoint: <name>` and
 * `istio.io/use-waypoint-namespace: <namespace>`, and the Gateway's listener admits routes from other namespaces.
 */
import { ZONE_KEY } from "../shared/kubernetes";

export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";
/** The namespace of every tenant's waypoint (platform-owned, guarded like every add-on namespace). */
export const WAYPOINT_NAMESPACE = "istio-waypoints";
/** Istio's GatewayClass for waypoints (created by istiod). */
export const WAYPOINT_GATEWAY_CLASS = "istio-waypoint";
/** Label istiod sets on the generated Deployment's pods (and the label the PDB and HPA select by). */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
/** Waypoints serve on HBONE; the listener Istio documents for a waypoint is `mesh` on 15008. */
const WAYPOINT_LISTENER = { name: "mesh", port: 15008, protocol: "HBONE" } as const;
/** Envoy's merged Prometheus endpoint on every Istio proxy (waypoints included). */
export const WAYPOINT_METRICS_PORT = 15020;

/**
 * The Gateway API CRDs, standard channel, installed the way the chart's own README documents (`helm template |
 * kubectl apply --server-side`: the CRDs are too large for a Helm release Secret), which is what Pulumi's helm.v4.Chart
 * does (it renders client-side and applies each object). Envoy Gateway's `gateway-crds-helm` is used only for the
 * upstream Gateway API CRDs it ships (`crds.gatewayAPI`), not its own: v1.6.1 carries Gateway API v1.4.0, the version
 * Istio 1.28's install docs apply (standard-install.yaml v1.4.0). Standard channel: the Gateway API CRD-management
 * guide recommends it for safe upgrades, and the waypoint Gateway is all this platform needs from it.
 */
export const GATEWAY_API_CRDS = {
  chart: "oci://docker.io/envoyproxy/gateway-crds-helm",
  version: "v1.6.1",
  gatewayApiVersion: "v1.4.0",
  values: { crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: false } } },
} as const;

/** The waypoint of a tenant namespace: named after it, so several tenants share the waypoint namespace. */
export function waypointNameOf(tenantNamespace: string): string {
  return `${tenantNamespace}-waypoint`;
}

/**
 * The waypoint's mesh identity. Istio names the generated Deployment and ServiceAccount of a waypoint after the
 * Gateway (no class suffix: `GetDefaultName` in pilot/pkg/config/kube/gatewaycommon, disableNameSuffix for
 * waypoints). Not confirmed against a running istiod here; the ztunnel policy of every service admits this principal.
 */
export function waypointPrincipalOf(tenantNamespace: string): string {
  return `cluster.local/ns/${WAYPOINT_NAMESPACE}/sa/${waypointNameOf(tenantNamespace)}`;
}

/** Labels on a tenant namespace that send its services' traffic through its waypoint. */
export function useWaypointLabelsOf(tenantNamespace: string): Record<string, string> {
  return { "istio.io/use-waypoint": waypointNameOf(tenantNamespace), "istio.io/use-waypoint-namespace": WAYPOINT_NAMESPACE };
}

export interface WaypointSizing {
  /** Fewest waypoint pods (HPA minimum). Two or more where the environment profile asks for HA. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Zone spread: DoNotSchedule where the environment is strict. */
  readonly strictSpread: boolean;
}

/** Per-pod requests/limits of a waypoint (Istio's proxy defaults are 100m/128Mi, limits 2 CPU / 1 Gi). */
export const WAYPOINT_RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } } as const;

/**
 * The waypoint's customisation ConfigMap (Gateway `spec.infrastructure.parametersRef`). istiod merges each key into
 * the object it generates for the Gateway (strategic merge patch): `deployment` (zone spread, explicit resources,
 * RuntimeDefault seccomp), `horizontalPodAutoscaler` (the replica floor) and `podDisruptionBudget`. Docs: Istio's
 * Kubernetes Gateway API task ("Automated Deployment": GatewayClass defaults and per-Gateway parametersRef) and the
 * AKS Istio add-on guide, which documents the same keys. Why not HPA and PDB objects of our own attached to the
 * generated Deployment: that Deployment exists only once istiod has made it, so every cross-object check (and
 * reader) sees an autoscaler aimed at nothing; istiod owns all four objects together instead.
 */
export function waypointOptionsOf(tenantNamespace: string, s: WaypointSizing): Record<string, string> {
  const name = waypointNameOf(tenantNamespace);
  const selector = { matchLabels: { [GATEWAY_NAME_LABEL]: name } };
  const deployment = {
    spec: {
      template: {
        spec: {
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: s.strictSpread ? "DoNotSchedule" : "ScheduleAnyway", labelSelector: selector }],
          securityContext: { seccompProfile: { type: "RuntimeDefault" } },
          containers: [{ name: "istio-proxy", resources: WAYPOINT_RESOURCES }],
        },
      },
    },
  };
  const horizontalPodAutoscaler = {
    spec: {
      minReplicas: s.minReplicas,
      maxReplicas: s.maxReplicas,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    },
  };
  // One pod may go at a time, so drains proceed while another keeps serving.
  const podDisruptionBudget = { spec: { maxUnavailable: 1, selector } };
  return { deployment: JSON.stringify(deployment), horizontalPodAutoscaler: JSON.stringify(horizontalPodAutoscaler), podDisruptionBudget: JSON.stringify(podDisruptionBudget) };
}

/** `spec` of the waypoint Gateway: Istio's waypoint class, the HBONE listener, routes and policies from the tenant. */
export function waypointGatewaySpecOf(tenantNamespace: string, optionsConfigMap: string): Record<string, unknown> {
  return {
    gatewayClassName: WAYPOINT_GATEWAY_CLASS,
    listeners: [
      {
        ...WAYPOINT_LISTENER,
        // Only the tenant whose waypoint this is may attach routes to it.
        allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { "kubernetes.io/metadata.name": tenantNamespace } } } },
      },
    ],
    infrastructure: { parametersRef: { group: "", kind: "ConfigMap", name: optionsConfigMap } },
  };
}
