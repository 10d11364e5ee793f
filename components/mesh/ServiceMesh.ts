/**
 * ServiceMesh: Istio in ambient mode on one cluster — control plane (istiod), node agents (istio-cni, ztunnel), the
 * mesh-wide mTLS mode, and the enrolment of the namespaces whose pods join the mesh.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environment, environmentProblems, environmentProfile } from "../shared/environment";
import { ZONE_KEY } from "../shared/kubernetes";
import { isDns1123Label } from "../workload/names";
import { argsObjectProblems, checkExactChartVersion, isRecord, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { ADDON_LIMITS, ADDON_QUOTA, checkKubernetesVersion, createNamespaceGuardrails, PodSecurityLevels, resolveLimits, resolveQuota } from "../security";
import { MONITORING_NAMESPACE } from "../monitoring/types";
import { Dashboards } from "../monitoring/Dashboards";
import { meshDashboard } from "./dashboard";
import { AMBIENT_LABEL, ISTIO_SECURITY_API_VERSION, MESH_ROOT_NAMESPACE, meshMtlsModeOf } from "./meshPolicy";
import { GATEWAY_API_CRDS, GATEWAY_NAME_LABEL, useWaypointLabelsOf, WAYPOINT_METRICS_PORT, WAYPOINT_NAMESPACE } from "./waypoint";
import { createWaypoints, ISTIOD_XDS_PORT } from "./waypointObjects";
import { ImageMirror, mirrored } from "../shared/mirror";
import { ISTIO_IMAGES } from "./meshImages";

/** Istio's charts share one version; pinned like every add-on. 1.28 supports ambient as stable (GA since 1.24). */
export const ISTIO_CHARTS = { repo: "https://istio-release.storage.googleapis.com/charts", version: "1.28.3" } as const;

/**
 * Certificates: workload certificates live 24 h and are renewed by ztunnel at half-life (Istio's default); the root
 * is istiod's self-signed CA, issued for one year here (`CITADEL_SELF_SIGNED_CA_CERT_TTL`) instead of the default ten,
 * and renewed by istiod's root-certificate rotator before it expires.
 */
export const MESH_CERTIFICATES = { workloadCertTtl: "24h", rootCertTtl: "8760h" } as const;

export interface ServiceMeshArgs {
  readonly environment: Environment;
  readonly kubernetesVersion: string;
  /** Namespaces whose pods join the mesh (the tenants'). They must exist: pass their creators in `dependsOn`. */
  readonly namespaces: readonly string[];
  /**
   * Namespaces enrolled so their pods call with a mesh identity while still accepting plaintext (a namespace-level
   * PERMISSIVE PeerAuthentication): monitoring, whose Prometheus must scrape meshed pods as an identity the services'
   * AuthorizationPolicies admit, and whose webhooks the API server calls without mTLS. @default — none
   */
  readonly permissiveNamespaces?: readonly string[];
  /** @default — 2 (3 is fine; one is refused: no istiod means no new certificates and no config) */
  readonly istiodReplicas?: number;
  /**
   * The kube-prometheus-stack release: PodMonitors for istiod, ztunnel and the waypoints need its CRDs, and the mesh
   * dashboard goes to its Grafana. @default — no scraping, no dashboard
   */
  readonly monitoringRelease?: pulumi.Resource;
  /** @default — {@link ISTIO_CHARTS}.version */
  readonly chartVersion?: string;
  /**
   * Waypoint (L7 proxy) pods per tenant, as HPA minimum and maximum. @default — the environment profile's
   * `minWaypointReplicas` (2 in staging and prod, 1 in dev) to 5
   */
  readonly waypointReplicas?: { readonly min?: number; readonly max?: number };
  /** The account's ECR pull-through cache in the cluster's region, which istiod, istio-cni and ztunnel pull through. @default none: Docker Hub */
  readonly imageMirror?: ImageMirror;
}

/** istiod values: ambient profile, HA (replicas, zone spread, PDB), one-year self-signed root. */
export function istiodValues(a: { strict: boolean; replicas: number }): Record<string, unknown> {
  return {
    profile: "ambient",
    pilot: {
      replicaCount: a.replicas,
      autoscaleMin: a.replicas,
      autoscaleMax: Math.max(a.replicas, 5),
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: a.strict ? "DoNotSchedule" : "ScheduleAnyway", labelSelector: { matchLabels: { app: "istiod" } } },
      ],
      resources: { requests: { cpu: "500m", memory: "2Gi" } },
      env: { CITADEL_SELF_SIGNED_CA_CERT_TTL: MESH_CERTIFICATES.rootCertTtl },
    },
    global: { defaultPodDisruptionBudget: { enabled: true } },
    meshConfig: { defaultConfig: { proxyMetadata: { SECRET_TTL: MESH_CERTIFICATES.workloadCertTtl } } },
  };
}

/** The replica counts the arguments resolve to (defaults applied); read them after validation. */
function resolveServiceMeshReplicas(args: ServiceMeshArgs): { floor: number; replicas: number; waypointMin: number; waypointMax: number } {
  const waypointReplicas: unknown = args.waypointReplicas;
  const sizing: { min?: number; max?: number } = isRecord(waypointReplicas) ? waypointReplicas : {};
  const floor = environmentProfile(args.environment).minWaypointReplicas;
  const waypointMin = sizing.min ?? floor;
  return { floor, replicas: args.istiodReplicas ?? 2, waypointMin, waypointMax: sizing.max ?? Math.max(5, waypointMin) };
}

/** Every problem with the arguments, before anything is registered; never throws. */
export function serviceMeshProblems(args: ServiceMeshArgs): Problem[] {
  const shape = argsObjectProblems(args, "ServiceMesh");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(environmentProblems(args.environment));
  const { floor, replicas, waypointMin, waypointMax } = resolveServiceMeshReplicas(args);
  problems.check(Number.isInteger(replicas) && replicas >= 2 && replicas <= 5, {
    property: "istiodReplicas", value: replicas, rule: "an integer from 2 to 5", fix: "leave istiodReplicas out (2) or set 3",
  });
  problems.check(args.namespaces !== undefined, { property: "namespaces", value: args.namespaces, rule: "a list of tenant namespaces (may be empty)", fix: "pass the tenants' namespaces" });
  listField(problems, "namespaces", args.namespaces).forEach((ns, i) => problems.check(isDns1123Label(ns) && ns !== MESH_ROOT_NAMESPACE && ns !== WAYPOINT_NAMESPACE && !ns.startsWith("kube-"), {
    property: `namespaces[${i}]`, value: ns, rule: `a tenant namespace (not kube-*, ${MESH_ROOT_NAMESPACE} or ${WAYPOINT_NAMESPACE})`, fix: "list the tenants' namespaces",
  }));
  listField(problems, "permissiveNamespaces", args.permissiveNamespaces).forEach((ns, i) => problems.check(isDns1123Label(ns), {
    property: `permissiveNamespaces[${i}]`, value: ns, rule: "a namespace name (DNS-1123 label)", fix: "list existing namespaces, e.g. monitoring",
  }));
  checkKubernetesVersion(problems, "kubernetesVersion", args.kubernetesVersion);
  checkExactChartVersion(problems, "chartVersion", args.chartVersion);
  if (args.waypointReplicas !== undefined) problems.addAll(argsObjectProblems(args.waypointReplicas, "waypoint replica", "waypointReplicas"));
  problems.check(Number.isInteger(waypointMin) && waypointMin >= floor && waypointMin <= 20, {
    property: "waypointReplicas.min", value: waypointMin, rule: `an integer from ${floor} (this environment's floor) to 20`, fix: "leave it out for the environment's default",
  });
  problems.check(Number.isInteger(waypointMax) && waypointMax >= waypointMin && waypointMax <= 50, {
    property: "waypointReplicas.max", value: waypointMax, rule: `an integer from waypointReplicas.min (${waypointMin}) to 50`, fix: "raise max or lower min",
  });
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the ServiceMesh constructor calls first. */
export function validateServiceMeshArgs(name: string, args: ServiceMeshArgs): void {
  throwIfProblems(`ServiceMesh "${name}"`, serviceMeshProblems(args));
}

/**
 * Scraping and the dashboard: istiod serves its metrics on 15014, ztunnel on 15020; waypoints (Envoy) on 15020 at
 * /stats/prometheus, with the per-service request metrics (istio_requests_total, istio_request_duration_milliseconds)
 * the dashboard reads (see dashboard.ts).
 */
function createMeshMonitoring(name: string, d: { monitoringRelease: pulumi.Resource; istiod: pulumi.Resource; ztunnel: pulumi.Resource; waypointNamespace: pulumi.Resource }, parent: pulumi.Resource): void {
  const monitors = [
    { suffix: "istiod", namespace: MESH_ROOT_NAMESPACE, selector: { matchLabels: { app: "istiod" } }, port: 15014, path: "/metrics", after: d.istiod },
    { suffix: "ztunnel", namespace: MESH_ROOT_NAMESPACE, selector: { matchLabels: { app: "ztunnel" } }, port: 15020, path: "/metrics", after: d.ztunnel },
    { suffix: "waypoints", namespace: WAYPOINT_NAMESPACE, selector: { matchExpressions: [{ key: GATEWAY_NAME_LABEL, operator: "Exists" }] }, port: WAYPOINT_METRICS_PORT, path: "/stats/prometheus", after: d.waypointNamespace },
  ];
  for (const m of monitors) {
    new k8s.apiextensions.CustomResource(`${name}-${m.suffix}-monitor`, {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: { name: m.suffix, namespace: m.namespace },
      spec: { selector: m.selector, podMetricsEndpoints: [{ targetPort: m.port, path: m.path, interval: "30s" }] },
    }, { parent, dependsOn: [d.monitoringRelease, m.after] });
  }
  new Dashboards(`${name}-dashboards`, { dashboards: [meshDashboard()] }, { parent, dependsOn: [d.monitoringRelease] });
}

/** The istio-system namespace with its guardrails: privileged (the node agents), and the network paths istiod needs. */
function createMeshNamespace(name: string, args: ServiceMeshArgs, parent: pulumi.ComponentResource): ReturnType<typeof createNamespaceGuardrails> {
  return createNamespaceGuardrails(`${name}-${MESH_ROOT_NAMESPACE}`, {
    namespace: MESH_ROOT_NAMESPACE,
    kubernetesVersion: args.kubernetesVersion,
    podSecurityLevel: PodSecurityLevels.Privileged,
    observe: { audit: PodSecurityLevels.Baseline, warn: PodSecurityLevels.Baseline },
    labels: { "production-platform/owner": "platform" },
    annotations: { "production-platform/pod-security-reason": "istio-cni (a privileged node agent writing the CNI config on the host) and ztunnel (NET_ADMIN, SYS_ADMIN to enter pod network namespaces) run here." },
    allowSameNamespace: true,
    // istiod: the API server (443) and the webhooks; ztunnel and istio-cni reach istiod within the namespace.
    egress: [{ name: "kubernetes-api", cidr: "0.0.0.0/0", ports: [{ port: 443 }] }],
    ingress: [
      { name: "metrics", namespace: MONITORING_NAMESPACE, ports: [{ port: 15014 }, { port: 15020 }] },
      // Waypoints are proxies outside istio-system: they fetch config and certificates from istiod.
      { name: "waypoints-xds", namespace: WAYPOINT_NAMESPACE, ports: [{ port: ISTIOD_XDS_PORT }] },
    ],
    extraPolicies: [
      // istiod's injection/validation webhooks (15017) are called by the EKS control plane, from VPC ENIs.
      { name: "allow-ingress-webhook", spec: { podSelector: { matchLabels: { app: "istiod" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 15017 }] }] } },
    ],
    quota: resolveQuota(ADDON_QUOTA),
    limits: resolveLimits(ADDON_LIMITS),
    protect: false,
  }, parent);
}

/** The Istio charts in order, each waiting for the one before: istio-base (CRDs), istiod, istio-cni, ztunnel. */
function installIstio(
  name: string,
  args: ServiceMeshArgs,
  a: { guarded: ReturnType<typeof createNamespaceGuardrails>; strict: boolean; replicas: number },
  parent: pulumi.ComponentResource,
): { controlPlane: k8s.helm.v3.Release; istiod: k8s.helm.v3.Release; ztunnel: k8s.helm.v3.Release } {
  const { guarded, strict, replicas } = a;
  const release = (suffix: string, chart: string, plain: Record<string, unknown>, after: pulumi.Resource[]) => {
    // The base chart renders no image: nothing to mirror or wait for.
    const { values, dependsOn } = chart === "base" ? { values: plain, dependsOn: [] } : mirrored(plain, ISTIO_IMAGES, args.imageMirror, `${name}-${suffix}`);
    return new k8s.helm.v3.Release(`${name}-${suffix}`, {
      name: suffix,
      chart,
      version: args.chartVersion ?? ISTIO_CHARTS.version,
      repositoryOpts: { repo: ISTIO_CHARTS.repo },
      namespace: guarded.name,
      createNamespace: false,
      atomic: true,
      values,
    }, { parent, dependsOn: [guarded.namespace, ...after, ...dependsOn] });
  };
  const controlPlane = release("istio-base", "base", {}, []);
  const istiod = release("istiod", "istiod", istiodValues({ strict, replicas }), [controlPlane]);
  const cni = release("istio-cni", "cni", { profile: "ambient" }, [istiod]);
  const ztunnel = release("ztunnel", "ztunnel", {}, [cni]);
  return { controlPlane, istiod, ztunnel };
}

/**
 * The mesh-wide mTLS mode, the permissive namespaces' own PeerAuthentications, and the ambient (and waypoint) labels
 * on every enrolled namespace.
 */
function enrollNamespaces(
  name: string,
  args: ServiceMeshArgs,
  d: { mtlsMode: "STRICT" | "PERMISSIVE"; controlPlane: pulumi.Resource; ztunnel: pulumi.Resource; waypoints: ReadonlyMap<string, k8s.apiextensions.CustomResource> },
  parent: pulumi.ComponentResource,
): void {
  // Mesh-wide mode: a PeerAuthentication in the root namespace applies to every workload in the mesh.
  new k8s.apiextensions.CustomResource(`${name}-mtls`, {
    apiVersion: ISTIO_SECURITY_API_VERSION,
    kind: "PeerAuthentication",
    metadata: { name: "default", namespace: MESH_ROOT_NAMESPACE },
    spec: { mtls: { mode: d.mtlsMode } },
  }, { parent, dependsOn: [d.controlPlane] });

  for (const ns of [...(args.permissiveNamespaces ?? [])].sort()) {
    new k8s.apiextensions.CustomResource(`${name}-${ns}-permissive`, {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: "PeerAuthentication",
      metadata: { name: "default", namespace: ns },
      spec: { mtls: { mode: "PERMISSIVE" } },
    }, { parent, dependsOn: [d.controlPlane] });
  }
  for (const ns of [...args.namespaces, ...(args.permissiveNamespaces ?? [])].sort()) {
    // Server-side apply adds the mesh's labels next to the Tenant's own; the Tenant keeps owning the namespace. A
    // tenant's Service traffic is redirected to its waypoint in the same patch, once the waypoint is programmed.
    const waypoint = d.waypoints.get(ns);
    new k8s.core.v1.NamespacePatch(`${name}-${ns}-ambient`, {
      metadata: { name: ns, labels: { ...AMBIENT_LABEL, ...(waypoint ? useWaypointLabelsOf(ns) : {}) }, annotations: { "pulumi.com/patchForce": "true" } },
    }, { parent, dependsOn: [d.ztunnel, ...(waypoint ? [waypoint] : [])] });
  }
}

/**
 * Pass the cluster's `k8s.Provider`. Per-service AuthorizationPolicies and PeerAuthentications (HaService `mesh`)
 * must `dependsOn` {@link controlPlane}, whose base chart installs their CRDs.
 */
export class ServiceMesh extends pulumi.ComponentResource {
  /** The istio-base release (CRDs); depend on it from every Istio custom resource. */
  public readonly controlPlane: k8s.helm.v3.Release;
  public readonly mtlsMode: "STRICT" | "PERMISSIVE";
  /** The Gateway API CRDs (standard channel); depend on it from every gateway.networking.k8s.io object. */
  public readonly gatewayApiCrds: k8s.helm.v4.Chart;
  private readonly waypoints: ReadonlyMap<string, k8s.apiextensions.CustomResource>;

  constructor(name: string, args: ServiceMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    validateServiceMeshArgs(name, args);
    const { replicas, waypointMin, waypointMax } = resolveServiceMeshReplicas(args);
    super("production-platform:mesh:ServiceMesh", name, {}, opts);
    const profile = environmentProfile(args.environment);
    const strict = profile.strict;
    this.mtlsMode = meshMtlsModeOf(args.environment);

    const guarded = createMeshNamespace(name, args, this);

    const { controlPlane, istiod, ztunnel } = installIstio(name, args, { guarded, strict, replicas }, this);
    this.controlPlane = controlPlane;

    // Gateway API CRDs (standard channel, pinned) for the waypoints' Gateway objects; see GATEWAY_API_CRDS.
    this.gatewayApiCrds = new k8s.helm.v4.Chart(`${name}-gateway-api-crds`, {
      chart: GATEWAY_API_CRDS.chart,
      version: GATEWAY_API_CRDS.version,
      values: GATEWAY_API_CRDS.values,
    }, { parent: this, protect: profile.protect });
    const waypoints = createWaypoints({
      name,
      kubernetesVersion: args.kubernetesVersion,
      tenants: args.namespaces,
      callerNamespaces: [...args.namespaces, ...(args.permissiveNamespaces ?? [])],
      sizing: { minReplicas: waypointMin, maxReplicas: waypointMax, strictSpread: strict },
      dependsOn: [this.gatewayApiCrds, istiod],
    }, this);
    this.waypoints = waypoints.gateways;

    enrollNamespaces(name, args, { mtlsMode: this.mtlsMode, controlPlane: this.controlPlane, ztunnel, waypoints: this.waypoints }, this);

    if (args.monitoringRelease) createMeshMonitoring(name, { monitoringRelease: args.monitoringRelease, istiod, ztunnel, waypointNamespace: waypoints.namespace }, this);
    this.registerOutputs({ mtlsMode: this.mtlsMode });
  }

  /**
   * The waypoint Gateway of a tenant namespace, for HaService `mesh.waypoint`; undefined for a namespace this mesh
   * does not give a waypoint (not in `namespaces`).
   */
  public waypointFor(namespace: string): k8s.apiextensions.CustomResource | undefined {
    return this.waypoints.get(namespace);
  }
}
