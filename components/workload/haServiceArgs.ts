/**
 * Arguments of {@link HaService} and their resolved, defaulted form.
 *
 * Kept apart from the component so that validation and the manifest builders can be used (and tested) without
 * registering anything.
 */
import * as pulumi from "@pulumi/pulumi";
import { DeliveryArgs, resolveDelivery, ResolvedDelivery } from "../delivery/deliveryArgs";
import { Environment, environmentProfile } from "../shared/environment";
import type { MeshTrafficArgs } from "../mesh/traffic";

/** Which controller runs the pods. */
export const WorkloadKind = {
  /** Interchangeable replicas; the usual choice. */
  Deployment: "Deployment",
  /** Stable pod names (`<app>-0`, `<app>-1`, ...) behind a headless Service, for peers that address each other. */
  StatefulSet: "StatefulSet",
} as const;
export type WorkloadKind = (typeof WorkloadKind)[keyof typeof WorkloadKind];

/** A probe: HTTP GET on a path or a TCP connect, against the service port unless `port` says otherwise. */
export interface ProbeArgs {
  /** HTTP path to GET, starting with `/`. Give this or `tcp`, not both. */
  readonly httpPath?: string;
  /** Probe by opening a TCP connection. Give this or `httpPath`, not both. */
  readonly tcp?: boolean;
  /** Port to probe. @default — the service port */
  readonly port?: number;
  /** @default — 0 for liveness/readiness (the startup probe holds them off), 0 for startup */
  readonly initialDelaySeconds?: number;
  /** @default — every 10 s (readiness 5 s, so a pod leaves the endpoints quickly) */
  readonly periodSeconds?: number;
  /** @default — 2 s */
  readonly timeoutSeconds?: number;
  /** @default — 3 failures (startup: 30, i.e. up to 5 minutes to start) */
  readonly failureThreshold?: number;
}

export interface ProbesArgs {
  /** Restarts a wedged container. Required in prod. */
  readonly liveness?: ProbeArgs;
  /** Takes a pod out of the Service endpoints while it cannot serve. Required in prod. */
  readonly readiness?: ProbeArgs;
  /** Holds liveness/readiness off until the app has started, so slow starts are not killed. @default — none */
  readonly startup?: ProbeArgs;
}

export interface AutoscalingArgs {
  /** @default — 3, one pod per zone in a three-zone region */
  readonly minReplicas?: number;
  /** @default — 20 */
  readonly maxReplicas?: number;
  /** Target average CPU utilisation, percent of requests. @default — 70 */
  readonly cpuUtilization?: number;
  /** Target average memory utilisation, percent of requests. @default — 80 */
  readonly memoryUtilization?: number;
}

export interface ResourceQuantities {
  /** CPU quantity, e.g. `"250m"` or `"1"`. */
  readonly cpu?: string;
  /** Memory quantity, e.g. `"256Mi"`. */
  readonly memory?: string;
}

export interface ResourcesArgs {
  /** What the scheduler reserves and what the HPA percentages are relative to. @default — 250m CPU, 256Mi memory */
  readonly requests?: ResourceQuantities;
  /** Hard ceiling. @default — 1 CPU, 512Mi memory (memory limit = OOM-kill line) */
  readonly limits?: ResourceQuantities;
}

/** PodDisruptionBudget: give one of the two. */
export interface DisruptionBudgetArgs {
  /** Pods that must stay up during voluntary disruptions (node drains, upgrades). Must be below the replica floor. */
  readonly minAvailable?: number;
  /** Pods that may be down at once. @default — 1 when neither is given */
  readonly maxUnavailable?: number;
}

/** A caller admitted by the NetworkPolicy: pods in `namespace`, optionally only those with `podLabels`. */
export interface CallerArgs {
  readonly namespace: string;
  /** Only pods carrying all of these labels. @default — every pod in the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * The calling pods' service account. In the mesh a caller is admitted by identity, and Istio identities are
   * service accounts, not labels: with it only `cluster.local/ns/<namespace>/sa/<serviceAccount>` is admitted; without
   * it, every identity of the namespace. Required in the mesh when `podLabels` narrow the caller. @default — none
   */
  readonly serviceAccount?: string;
}

/**
 * Reachability from outside the cluster. The AWS Load Balancer Controller in IP target mode sends traffic from the
 * load balancer's ENIs straight to pod IPs, so those subnets' CIDRs must be admitted; an in-cluster ingress
 * controller (nginx, Envoy) is admitted by namespace instead. Give at least one.
 */
export interface ExposeArgs {
  /** CIDRs of the subnets the load balancer lives in (usually the VPC's public subnets). */
  readonly loadBalancerCidrs?: readonly string[];
  /** Namespace of an in-cluster ingress controller. */
  readonly ingressControllerNamespace?: string;
}

/** An environment variable read from a Kubernetes Secret key (`secretKeyRef`). */
export interface SecretEnvArgs {
  readonly name: string;
  readonly secretName: string;
  readonly key: string;
}

/** A Kubernetes Secret mounted read-only as files. */
export interface SecretFileArgs {
  readonly secretName: string;
  /** Absolute directory to mount it at. */
  readonly mountPath: string;
}

export interface ServiceAccountArgs {
  /** @default — the app name */
  readonly name?: string;
  /** e.g. `eks.amazonaws.com/role-arn` for IRSA; values may be late-bound. */
  readonly annotations?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Mount a Kubernetes API token into the pods. Only apps that call the Kubernetes API need it; IRSA and EKS Pod
   * Identity inject their own token and do not. @default — false
   */
  readonly automountToken?: boolean;
}

export interface HaServiceArgs {
  /** Namespace to deploy into (the tenant's). */
  readonly namespace: string;
  /** Container image, pinned by a tag other than `latest` or by `@sha256:` digest. */
  readonly image: string;
  /** Container and Service port (1024–65535: the container runs without NET_BIND_SERVICE). */
  readonly port: number;
  /** Environment name; `"prod"` turns on the strict rules (probes required, hard zone spread, ≥ 2 replicas). */
  readonly environment: Environment;
  /**
   * Name of every Kubernetes object and of the Service's DNS name. Pass the same value in every region so that
   * `serviceHost` and labels match across clusters. @default — the component name
   */
  readonly appName?: string;
  /** `app.kubernetes.io/part-of`. @default — the namespace */
  readonly partOf?: string;
  /** @default — Deployment */
  readonly kind?: WorkloadKind;
  /** HorizontalPodAutoscaler settings, or `false` for a fixed `replicas` count. @default — HPA 3–20, CPU 70 %, memory 80 % */
  readonly autoscaling?: AutoscalingArgs | false;
  /** Fixed replica count; only with `autoscaling: false`. @default — 3 */
  readonly replicas?: number;
  /** @default — requests 250m/256Mi, limits 1/512Mi; ephemeral storage requests 256Mi, limit 1Gi (the root filesystem is read-only, scratch is an emptyDir) */
  readonly resources?: ResourcesArgs;
  /** Liveness and readiness are required in prod. @default — none (non-prod only) */
  readonly probes?: ProbesArgs;
  /** Time from SIGTERM (after preStop) to SIGKILL. @default — 45 s */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Seconds the container keeps serving after it is told to stop, while the endpoint removal reaches kube-proxy and
   * the load balancer deregisters the target. Must be shorter than the grace period. @default — 15 s
   */
  readonly preStopSleepSeconds?: number;
  /** @default — maxUnavailable 1 */
  readonly pdb?: DisruptionBudgetArgs;
  /** Who may call the service port. @default — nobody: the NetworkPolicy admits no one until callers are declared */
  readonly allowedCallers?: readonly CallerArgs[];
  /** Admit the load balancer / ingress controller too. @default — not exposed outside the cluster */
  readonly expose?: ExposeArgs;
  /** Plain, non-secret environment variables. Names that look like secrets are rejected. @default — none */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables from Secret keys. @default — none */
  readonly secretEnv?: readonly SecretEnvArgs[];
  /** Secrets mounted as read-only files (preferred over env: not visible in `/proc/<pid>/environ` or crash dumps). @default — none */
  readonly secretFiles?: readonly SecretFileArgs[];
  /** @default — an own ServiceAccount named after the app, no API token mounted */
  readonly serviceAccount?: ServiceAccountArgs;
  /** Restrict pods to these zones (node affinity); spread across zones applies either way. @default — any zone */
  readonly zones?: readonly string[];
  /** Non-zero UID the container runs as. @default — 10001 */
  readonly runAsUser?: number;
  /**
   * How new versions are released: the Deployment's rolling update, or an Argo Rollout (canary with ALB traffic
   * shifting, or blue-green) gated by an analysis of the service's SLO series. @default — rolling
   */
  readonly delivery?: DeliveryArgs;
  /**
   * Istio ambient mesh membership (the namespace is enrolled by ServiceMesh): an identity AuthorizationPolicy admitting
   * exactly `allowedCallers` (and the load balancer subnets in plaintext), and NetworkPolicy allows for HBONE and
   * probes. @default — not in a mesh
   */
  readonly mesh?: MeshMembershipArgs;
  /**
   * Prometheus scraping of the service's own pods: a PodMonitor keeping each pod's `rollouts-pod-template-hash`, so
   * series can be told apart per version. With `delivery.strategy: "blueGreen"` it also adds the pre-promotion
   * analysis of the preview version (see docs/app-team.md). @default — no PodMonitor (and blue-green analyses only
   * after promotion)
   */
  readonly metrics?: MetricsArgs;
}

/** Where the app serves its Prometheus metrics. */
export interface MetricsArgs {
  /** A declared container port: its name (`"http"`) or its number (the service `port`). */
  readonly port: string | number;
  /** HTTP path of the metrics. @default — "/metrics" */
  readonly path?: string;
  /** Scrape interval, seconds (10–300). @default — 30 */
  readonly intervalSeconds?: number;
  /** The release that installs the PodMonitor CRD (MonitoringStack's kube-prometheus-stack); the PodMonitor depends on it. @default — none */
  readonly monitoringRelease?: pulumi.Resource;
}

/** `metrics` with defaults applied; the port as the container port's name and number. */
export interface ResolvedMetrics {
  readonly portName: string;
  readonly port: number;
  readonly path: string;
  readonly intervalSeconds: number;
  readonly monitoringRelease?: pulumi.Resource;
}

export interface MeshMembershipArgs {
  /** The release that installs Istio's CRDs (ServiceMesh `controlPlane`); the policies depend on it. */
  readonly controlPlane?: pulumi.Resource;
  /**
   * The namespace's waypoint Gateway (ServiceMesh `waypointFor(namespace)`). With it the service gets its L7 objects:
   * the caller AuthorizationPolicy attached at the waypoint, the DestinationRule (circuit breaking, outlier detection)
   * and the VirtualService (timeout, bounded retries); the ztunnel policy admits the waypoint's identity.
   * @default — no waypoint: L4 authorization only, no timeouts, retries or circuit breaking
   */
  readonly waypoint?: pulumi.Resource;
  /** Timeout, retries, circuit breaking and outlier detection at the waypoint. Needs `waypoint`. @default — see {@link MeshTrafficArgs} */
  readonly traffic?: MeshTrafficArgs;
}

/** Everything the manifests need, defaults applied. */
export interface ResolvedHaService {
  readonly appName: string;
  readonly namespace: string;
  readonly partOf: string;
  readonly image: string;
  readonly port: number;
  readonly prod: boolean;
  readonly kind: WorkloadKind;
  /** `undefined` when the replica count is fixed. */
  readonly autoscaling?: Required<AutoscalingArgs>;
  readonly replicas: number;
  readonly resources: { readonly requests: Required<ResourceQuantities>; readonly limits: Required<ResourceQuantities> };
  readonly probes: ProbesArgs;
  readonly terminationGracePeriodSeconds: number;
  readonly preStopSleepSeconds: number;
  readonly pdb: DisruptionBudgetArgs;
  readonly allowedCallers: readonly CallerArgs[];
  readonly expose?: ExposeArgs;
  readonly env: Readonly<Record<string, string>>;
  readonly secretEnv: readonly SecretEnvArgs[];
  readonly secretFiles: readonly SecretFileArgs[];
  readonly serviceAccountName: string;
  readonly serviceAccountAnnotations: Readonly<Record<string, pulumi.Input<string>>>;
  readonly automountToken: boolean;
  readonly zones?: readonly string[];
  readonly runAsUser: number;
  readonly delivery: ResolvedDelivery;
  readonly mesh?: MeshMembershipArgs;
  readonly metrics?: ResolvedMetrics;
}

export const HA_SERVICE_DEFAULTS = {
  minReplicas: 3,
  maxReplicas: 20,
  cpuUtilization: 70,
  memoryUtilization: 80,
  replicas: 3,
  requests: { cpu: "250m", memory: "256Mi" },
  limits: { cpu: "1", memory: "512Mi" },
  /** Ephemeral storage (logs, emptyDir scratch): requested so the scheduler places pods where disk is free and the kubelet evicts the right pod under disk pressure. */
  ephemeralStorage: { request: "256Mi", limit: "1Gi" },
  terminationGracePeriodSeconds: 45,
  preStopSleepSeconds: 15,
  runAsUser: 10001,
  metricsPath: "/metrics",
  metricsIntervalSeconds: 30,
} as const;

/** Name of the one container port (the service port). */
export const CONTAINER_PORT_NAME = "http";

function resolveMetrics(port: number, m: MetricsArgs | undefined): ResolvedMetrics | undefined {
  if (!m) return undefined;
  const d = HA_SERVICE_DEFAULTS;
  // Validation admits only the declared container port, by name or number.
  return { portName: CONTAINER_PORT_NAME, port, path: m.path ?? d.metricsPath, intervalSeconds: m.intervalSeconds ?? d.metricsIntervalSeconds, monitoringRelease: m.monitoringRelease };
}

/** Applies defaults once. Call after validation. */
export function resolveHaServiceArgs(name: string, args: HaServiceArgs): ResolvedHaService {
  const d = HA_SERVICE_DEFAULTS;
  const appName = args.appName ?? name;
  const autoscaling =
    args.autoscaling === false
      ? undefined
      : {
          minReplicas: args.autoscaling?.minReplicas ?? d.minReplicas,
          maxReplicas: args.autoscaling?.maxReplicas ?? d.maxReplicas,
          cpuUtilization: args.autoscaling?.cpuUtilization ?? d.cpuUtilization,
          memoryUtilization: args.autoscaling?.memoryUtilization ?? d.memoryUtilization,
        };
  const pdb = args.pdb?.minAvailable !== undefined || args.pdb?.maxUnavailable !== undefined ? args.pdb : { maxUnavailable: 1 };
  return {
    appName,
    namespace: args.namespace,
    partOf: args.partOf ?? args.namespace,
    image: args.image,
    port: args.port,
    // The profile's strict rules (prod): probes required, hard zone spread.
    prod: environmentProfile(args.environment).strict,
    kind: args.kind ?? WorkloadKind.Deployment,
    autoscaling,
    replicas: autoscaling ? autoscaling.minReplicas : (args.replicas ?? d.replicas),
    resources: {
      requests: { cpu: args.resources?.requests?.cpu ?? d.requests.cpu, memory: args.resources?.requests?.memory ?? d.requests.memory },
      limits: { cpu: args.resources?.limits?.cpu ?? d.limits.cpu, memory: args.resources?.limits?.memory ?? d.limits.memory },
    },
    probes: args.probes ?? {},
    terminationGracePeriodSeconds: args.terminationGracePeriodSeconds ?? d.terminationGracePeriodSeconds,
    preStopSleepSeconds: args.preStopSleepSeconds ?? d.preStopSleepSeconds,
    pdb: pdb as DisruptionBudgetArgs,
    allowedCallers: args.allowedCallers ?? [],
    expose: args.expose,
    env: args.env ?? {},
    secretEnv: args.secretEnv ?? [],
    secretFiles: args.secretFiles ?? [],
    serviceAccountName: args.serviceAccount?.name ?? appName,
    serviceAccountAnnotations: args.serviceAccount?.annotations ?? {},
    automountToken: args.serviceAccount?.automountToken ?? false,
    zones: args.zones,
    runAsUser: args.runAsUser ?? d.runAsUser,
    delivery: resolveDelivery(appName, args.delivery),
    mesh: args.mesh,
    metrics: resolveMetrics(args.port, args.metrics),
  };
}
