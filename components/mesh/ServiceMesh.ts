/**
 * ServiceMesh: Istio in ambient mode on one cluster — control plane (istiod), node agents (istio-cni, ztunnel), the
 * mesh-wide mTLS mode, and the enrolment of the namespaces whose pods join the mesh.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environment, environmentProblems } from "../shared/environment";
import { ZONE_KEY } from "../shared/kubernetes";
import { isDns1123Label } from "../workload/names";
import { Problems } from "../shared/validation";
import { ADDON_LIMITS, ADDON_QUOTA, createNamespaceGuardrails, PodSecurityLevels, resolveLimits, resolveQuota } from "../security";
import { MONITORING_NAMESPACE } from "../monitoring/types";
import { AMBIENT_LABEL, ISTIO_SECURITY_API_VERSION, MESH_ROOT_NAMESPACE, meshMtlsModeOf } from "./meshPolicy";
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
  /** The kube-prometheus-stack release: PodMonitors for istiod and ztunnel need its CRDs. @default — no scraping */
  readonly monitoringRelease?: pulumi.Resource;
  /** @default — {@link ISTIO_CHARTS}.version */
  readonly chartVersion?: string;
  /** The account's ECR pull-through cache in the cluster's region, which istiod, istio-cni and ztunnel pull through. @default none: Docker Hub */
  readonly imageMirror?: ImageMirror;
}

/** istiod values: ambient profile, HA (replicas, zone spread, PDB), one-year self-signed root. */
export function istiodValues(a: { prod: boolean; replicas: number }): Record<string, unknown> {
  return {
    profile: "ambient",
    pilot: {
      replicaCount: a.replicas,
      autoscaleMin: a.replicas,
      autoscaleMax: Math.max(a.replicas, 5),
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: a.prod ? "DoNotSchedule" : "ScheduleAnyway", labelSelector: { matchLabels: { app: "istiod" } } },
      ],
      resources: { requests: { cpu: "500m", memory: "2Gi" } },
      env: { CITADEL_SELF_SIGNED_CA_CERT_TTL: MESH_CERTIFICATES.rootCertTtl },
    },
    global: { defaultPodDisruptionBudget: { enabled: true } },
    meshConfig: { defaultConfig: { proxyMetadata: { SECRET_TTL: MESH_CERTIFICATES.workloadCertTtl } } },
  };
}

/**
 * Pass the cluster's `k8s.Provider`. Per-service AuthorizationPolicies and PeerAuthentications (HaService `mesh`)
 * must `dependsOn` {@link controlPlane}, whose base chart installs their CRDs.
 */
export class ServiceMesh extends pulumi.ComponentResource {
  /** The istio-base release (CRDs); depend on it from every Istio custom resource. */
  public readonly controlPlane: k8s.helm.v3.Release;
  public readonly mtlsMode: "STRICT" | "PERMISSIVE";

  constructor(name: string, args: ServiceMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = new Problems().addAll(environmentProblems(args.environment));
    const replicas = args.istiodReplicas ?? 2;
    problems.check(Number.isInteger(replicas) && replicas >= 2 && replicas <= 5, {
      property: "istiodReplicas", value: replicas, rule: "an integer from 2 to 5", fix: "leave istiodReplicas out (2) or set 3",
    });
    args.namespaces.forEach((ns, i) => problems.check(isDns1123Label(ns) && ns !== MESH_ROOT_NAMESPACE && !ns.startsWith("kube-"), {
      property: `namespaces[${i}]`, value: ns, rule: "a tenant namespace (not kube-* or istio-system)", fix: "list the tenants' namespaces",
    }));
    problems.throwIfAny(`ServiceMesh "${name}"`);
    super("production-platform:mesh:ServiceMesh", name, {}, opts);
    const prod = args.environment === "prod";
    this.mtlsMode = meshMtlsModeOf(args.environment);

    const guarded = createNamespaceGuardrails(`${name}-${MESH_ROOT_NAMESPACE}`, {
      namespace: MESH_ROOT_NAMESPACE,
      kubernetesVersion: args.kubernetesVersion,
      podSecurityLevel: PodSecurityLevels.Privileged,
      observe: { audit: PodSecurityLevels.Baseline, warn: PodSecurityLevels.Baseline },
      labels: { "production-platform/owner": "platform" },
      annotations: { "production-platform/pod-security-reason": "istio-cni (a privileged node agent writing the CNI config on the host) and ztunnel (NET_ADMIN, SYS_ADMIN to enter pod network namespaces) run here." },
      allowSameNamespace: true,
      // istiod: the API server (443) and the webhooks; ztunnel and istio-cni reach istiod within the namespace.
      egress: [{ name: "kubernetes-api", cidr: "0.0.0.0/0", ports: [{ port: 443 }] }],
      ingress: [{ name: "metrics", namespace: MONITORING_NAMESPACE, ports: [{ port: 15014 }, { port: 15020 }] }],
      extraPolicies: [
        // istiod's injection/validation webhooks (15017) are called by the EKS control plane, from VPC ENIs.
        { name: "allow-ingress-webhook", spec: { podSelector: { matchLabels: { app: "istiod" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 15017 }] }] } },
      ],
      quota: resolveQuota(ADDON_QUOTA),
      limits: resolveLimits(ADDON_LIMITS),
      protect: false,
    }, this);

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
      }, { parent: this, dependsOn: [guarded.namespace, ...after, ...dependsOn] });
    };
    this.controlPlane = release("istio-base", "base", {}, []);
    const istiod = release("istiod", "istiod", istiodValues({ prod, replicas }), [this.controlPlane]);
    const cni = release("istio-cni", "cni", { profile: "ambient" }, [istiod]);
    const ztunnel = release("ztunnel", "ztunnel", {}, [cni]);

    // Mesh-wide mode: a PeerAuthentication in the root namespace applies to every workload in the mesh.
    new k8s.apiextensions.CustomResource(`${name}-mtls`, {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: "PeerAuthentication",
      metadata: { name: "default", namespace: MESH_ROOT_NAMESPACE },
      spec: { mtls: { mode: this.mtlsMode } },
    }, { parent: this, dependsOn: [this.controlPlane] });

    for (const ns of [...(args.permissiveNamespaces ?? [])].sort()) {
      new k8s.apiextensions.CustomResource(`${name}-${ns}-permissive`, {
        apiVersion: ISTIO_SECURITY_API_VERSION,
        kind: "PeerAuthentication",
        metadata: { name: "default", namespace: ns },
        spec: { mtls: { mode: "PERMISSIVE" } },
      }, { parent: this, dependsOn: [this.controlPlane] });
    }
    for (const ns of [...args.namespaces, ...(args.permissiveNamespaces ?? [])].sort()) {
      // Server-side apply adds the one label next to the Tenant's own; the Tenant keeps owning the namespace.
      new k8s.core.v1.NamespacePatch(`${name}-${ns}-ambient`, {
        metadata: { name: ns, labels: { ...AMBIENT_LABEL }, annotations: { "pulumi.com/patchForce": "true" } },
      }, { parent: this, dependsOn: [ztunnel] });
    }

    if (args.monitoringRelease) {
      // istiod serves its metrics on 15014, ztunnel on 15020.
      for (const [suffix, app, port] of [["istiod", "istiod", 15014], ["ztunnel", "ztunnel", 15020]] as const) {
        new k8s.apiextensions.CustomResource(`${name}-${suffix}-monitor`, {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PodMonitor",
          metadata: { name: suffix, namespace: MESH_ROOT_NAMESPACE },
          spec: { selector: { matchLabels: { app } }, podMetricsEndpoints: [{ targetPort: port, path: "/metrics", interval: "30s" }] },
        }, { parent: this, dependsOn: [args.monitoringRelease, suffix === "istiod" ? istiod : ztunnel] });
      }
    }
    this.registerOutputs({ mtlsMode: this.mtlsMode });
  }
}
