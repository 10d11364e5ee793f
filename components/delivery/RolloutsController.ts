/**
 * RolloutsController: the Argo Rollouts controller of one cluster, in its own guarded namespace.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environment, environmentProblems, environmentProfile } from "../shared/environment";
import { ZONE_KEY } from "../shared/kubernetes";
import { argsObjectProblems, checkExactChartVersion, Problem, Problems, throwIfProblems } from "../shared/validation";
import { ADDON_LIMITS, ADDON_QUOTA, checkKubernetesVersion, createNamespaceGuardrails, PodSecurityLevels, resolveLimits, resolveQuota } from "../security";
import { MONITORING_NAMESPACE } from "../monitoring/types";
import { ImageMirror, mirrored } from "../shared/mirror";
import { ROLLOUTS_IMAGES } from "./rolloutsImages";

/** Chart pinned like every add-on: the controller changes only when this table changes. */
export const ROLLOUTS_CHART = {
  /** argo-helm chart 2.40.9 ships Argo Rollouts v1.9.0 and installs (and keeps) the Rollout/AnalysisTemplate CRDs. */
  chart: "argo-rollouts",
  repo: "https://argoproj.github.io/argo-helm",
  version: "2.40.9",
} as const;

export const ROLLOUTS_NAMESPACE = "argo-rollouts";
export const ROLLOUTS_RELEASE = "argo-rollouts";
/** The controller's metrics port (chart `controller.containerPorts.metrics`). */
export const ROLLOUTS_METRICS_PORT = 8090;
/** Prometheus' query port; the controller runs the AnalysisRuns' queries against it. */
const PROMETHEUS_PORT = 9090;

export interface RolloutsControllerArgs {
  readonly environment: Environment;
  /** Kubernetes minor version, for the namespace's Pod Security labels. */
  readonly kubernetesVersion: string;
  /** Exact chart version overriding {@link ROLLOUTS_CHART}. @default — the pinned version */
  readonly chartVersion?: string;
  /** Controller replicas (leader election: one active, the others take over). @default — 2 */
  readonly replicas?: number;
  /**
   * The release that installs the Prometheus Operator CRDs (the chart's ServiceMonitor needs them). @default — none:
   * the ServiceMonitor is not created and the controller's metrics are not scraped
   */
  readonly monitoringRelease?: pulumi.Resource;
  /** The account's ECR pull-through cache in the cluster's region, which the chart pulls through. @default none: quay.io */
  readonly imageMirror?: ImageMirror;
}

/** Helm values: HA (2 replicas spread over zones, PDB), metrics scraped, restricted security context (chart default). */
export function rolloutsControllerValues(a: { prod: boolean; replicas: number; serviceMonitor: boolean }): Record<string, unknown> {
  return {
    installCRDs: true,
    keepCRDs: true,
    controller: {
      replicas: a.replicas,
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: ZONE_KEY,
          whenUnsatisfiable: a.prod ? "DoNotSchedule" : "ScheduleAnyway",
          labelSelector: { matchLabels: { "app.kubernetes.io/name": ROLLOUTS_RELEASE, "app.kubernetes.io/component": "rollouts-controller" } },
        },
      ],
      pdb: { enabled: true, maxUnavailable: 1 },
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
      metrics: { enabled: true, serviceMonitor: { enabled: a.serviceMonitor } },
    },
    // The dashboard would be one more unauthenticated UI; `kubectl argo rollouts` covers operations.
    dashboard: { enabled: false },
  };
}

/** Every problem with the arguments, before anything is registered; never throws. */
export function rolloutsControllerProblems(args: RolloutsControllerArgs): Problem[] {
  const shape = argsObjectProblems(args, "RolloutsController");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(environmentProblems(args.environment));
  const replicas = args.replicas ?? 2;
  problems.check(Number.isInteger(replicas) && replicas >= 2 && replicas <= 5, {
    property: "replicas",
    value: replicas,
    rule: "an integer from 2 to 5 (one replica is a single point of failure for every release)",
    fix: "leave replicas out (2) or set 3",
  });
  checkKubernetesVersion(problems, "kubernetesVersion", args.kubernetesVersion);
  checkExactChartVersion(problems, "chartVersion", args.chartVersion);
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the RolloutsController constructor calls first. */
export function validateRolloutsControllerArgs(name: string, args: RolloutsControllerArgs): void {
  throwIfProblems(`RolloutsController "${name}"`, rolloutsControllerProblems(args));
}

/** The controller's namespace with its guardrails: restricted pods, and egress to the API server and Prometheus. */
function createRolloutsNamespace(name: string, args: RolloutsControllerArgs, parent: pulumi.ComponentResource): ReturnType<typeof createNamespaceGuardrails> {
  return createNamespaceGuardrails(
    `${name}-${ROLLOUTS_NAMESPACE}`,
    {
      namespace: ROLLOUTS_NAMESPACE,
      kubernetesVersion: args.kubernetesVersion,
      podSecurityLevel: PodSecurityLevels.Restricted,
      labels: { "production-platform/owner": "platform" },
      annotations: { "production-platform/pod-security-reason": "The argo-rollouts chart runs non-root, read-only, all capabilities dropped, RuntimeDefault seccomp." },
      allowSameNamespace: true,
      // The Kubernetes API (443) to watch and patch Rollouts, Services and Ingresses; Prometheus for AnalysisRuns.
      egress: [
        { name: "kubernetes-api", cidr: "0.0.0.0/0", ports: [{ port: 443 }] },
        { name: "prometheus", namespace: MONITORING_NAMESPACE, podLabels: { "app.kubernetes.io/name": "prometheus" }, ports: [{ port: PROMETHEUS_PORT }] },
      ],
      ingress: [{ name: "metrics", namespace: MONITORING_NAMESPACE, ports: [{ port: ROLLOUTS_METRICS_PORT }] }],
      quota: resolveQuota(ADDON_QUOTA),
      limits: resolveLimits(ADDON_LIMITS),
      protect: false,
    },
    parent,
  );
}

/** The NetworkPolicy in the monitoring namespace that lets the controller query Prometheus. */
function admitRolloutsAtPrometheus(name: string, args: RolloutsControllerArgs, parent: pulumi.ComponentResource): void {
  // The monitoring namespace is default-deny too: admit the controller's queries at Prometheus.
  new k8s.networking.v1.NetworkPolicy(
    `${name}-prometheus-from-rollouts`,
    {
      metadata: { name: "allow-ingress-argo-rollouts", namespace: MONITORING_NAMESPACE },
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ROLLOUTS_NAMESPACE } } }],
            ports: [{ protocol: "TCP", port: PROMETHEUS_PORT }],
          },
        ],
      },
    },
    { parent, dependsOn: args.monitoringRelease ? [args.monitoringRelease] : [] },
  );
}

/**
 * Pass the cluster's `k8s.Provider`. Rollouts and AnalysisTemplates must `dependsOn` {@link release}, which installs
 * their CRDs.
 */
export class RolloutsController extends pulumi.ComponentResource {
  /** The Helm release; depend on it from every Rollout and AnalysisTemplate. */
  public readonly release: k8s.helm.v3.Release;
  public readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: RolloutsControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    validateRolloutsControllerArgs(name, args);
    const replicas = args.replicas ?? 2;
    super("production-platform:delivery:RolloutsController", name, {}, opts);

    const guarded = createRolloutsNamespace(name, args, this);
    admitRolloutsAtPrometheus(name, args, this);

    const images = mirrored(rolloutsControllerValues({ prod: environmentProfile(args.environment).strict, replicas, serviceMonitor: args.monitoringRelease !== undefined }), ROLLOUTS_IMAGES, args.imageMirror, `${name}-release`);
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: ROLLOUTS_RELEASE,
        chart: ROLLOUTS_CHART.chart,
        version: args.chartVersion ?? ROLLOUTS_CHART.version,
        repositoryOpts: { repo: ROLLOUTS_CHART.repo },
        namespace: guarded.name,
        createNamespace: false,
        atomic: true,
        values: images.values,
      },
      { parent: this, dependsOn: [guarded.namespace, ...(args.monitoringRelease ? [args.monitoringRelease] : []), ...images.dependsOn] },
    );
    this.namespace = guarded.name;
    this.registerOutputs({ namespace: this.namespace });
  }
}
