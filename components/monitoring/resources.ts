/**
 * Explicit requests and limits for every container the monitoring stack runs, and what they add up to. The
 * monitoring namespace's LimitRange would otherwise give each container 500m/512Mi, OOM-killing Prometheus, and its
 * quota would refuse DaemonSet pods once the cluster grows: the namespace quota is sized from these figures and the
 * largest node count the node groups allow.
 */
import { WorkloadFootprint } from "../security/quota";

export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

const r = (requestCpu: string, requestMemory: string, limitCpu: string, limitMemory: string): ContainerResources => ({
  requests: { cpu: requestCpu, memory: requestMemory },
  limits: { cpu: limitCpu, memory: limitMemory },
});

/** Per container. Prometheus is sized for a few hundred thousand series (2 GiB/100k is the usual rule of thumb). */
export const MONITORING_RESOURCES = {
  prometheus: r("500m", "4Gi", "2", "8Gi"),
  alertmanager: r("50m", "128Mi", "200m", "256Mi"),
  configReloader: r("10m", "32Mi", "100m", "64Mi"),
  operator: r("100m", "128Mi", "500m", "512Mi"),
  admissionPatch: r("10m", "32Mi", "100m", "64Mi"),
  kubeStateMetrics: r("50m", "128Mi", "500m", "512Mi"),
  nodeExporter: r("20m", "32Mi", "200m", "128Mi"),
  grafana: r("100m", "256Mi", "500m", "512Mi"),
  grafanaSidecar: r("20m", "64Mi", "200m", "256Mi"),
  fluentBit: r("50m", "64Mi", "500m", "256Mi"),
  otelAgent: r("50m", "128Mi", "500m", "512Mi"),
  otelGateway: r("100m", "256Mi", "1", "1Gi"),
} as const satisfies Record<string, ContainerResources>;

export type MonitoringContainer = keyof typeof MONITORING_RESOURCES;

/** Plain copy for Helm values (the chart gets a mutable object, the table stays frozen). */
export function resourcesOf(container: MonitoringContainer): { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } } {
  const c = MONITORING_RESOURCES[container];
  return { requests: { ...c.requests }, limits: { ...c.limits } };
}

/** Sums a pod's containers into one footprint row (peak pods of the workload given). */
function pod(name: string, peakPods: number, containers: readonly MonitoringContainer[]): WorkloadFootprint {
  const sum = (pick: (c: ContainerResources) => string, unit: "cpu" | "memory") => {
    const total = containers.reduce((acc, c) => acc + quantity(pick(MONITORING_RESOURCES[c]), unit), 0);
    return unit === "cpu" ? `${total}m` : `${total}Mi`;
  };
  return {
    name,
    peakPods,
    requests: { cpu: sum((c) => c.requests.cpu, "cpu"), memory: sum((c) => c.requests.memory, "memory") },
    limits: { cpu: sum((c) => c.limits.cpu, "cpu"), memory: sum((c) => c.limits.memory, "memory") },
  };
}

/** Millicores or MiB of the quantities this table uses ("500m", "2", "128Mi", "8Gi"). */
function quantity(text: string, unit: "cpu" | "memory"): number {
  if (unit === "cpu") return text.endsWith("m") ? Number(text.slice(0, -1)) : Number(text) * 1000;
  return text.endsWith("Gi") ? Number(text.slice(0, -2)) * 1024 : Number(text.replace(/Mi$/, ""));
}

export interface MonitoringFootprintArgs {
  readonly prometheusReplicas: number;
  readonly alertmanagerReplicas: number;
  /** The most nodes the cluster can have (Σ maxSize of its node groups): one pod per DaemonSet on each. */
  readonly maxNodes: number;
  /** @default true */
  readonly tracing?: boolean;
  /** Replicas of the tracing gateway. @default 2 */
  readonly tracingGatewayReplicas?: number;
  /** @default true */
  readonly logging?: boolean;
}

/**
 * The monitoring namespace at its peak: every replica, one DaemonSet pod per node, plus one surge pod for each
 * Deployment rolling out (StatefulSets replace pods in place).
 */
export function monitoringFootprint(a: MonitoringFootprintArgs): WorkloadFootprint[] {
  const gateways = a.tracingGatewayReplicas ?? 2;
  return [
    pod("prometheus", a.prometheusReplicas, ["prometheus", "configReloader"]),
    pod("alertmanager", a.alertmanagerReplicas, ["alertmanager", "configReloader"]),
    // Single-replica Deployments: one pod plus one surge pod during a rollout.
    pod("prometheus-operator", 2, ["operator"]),
    pod("admission-patch-job", 1, ["admissionPatch"]),
    pod("kube-state-metrics", 2, ["kubeStateMetrics"]),
    pod("grafana", 2, ["grafana", "grafanaSidecar"]),
    pod("node-exporter", a.maxNodes, ["nodeExporter"]),
    ...(a.logging ?? true ? [pod("fluent-bit", a.maxNodes, ["fluentBit"])] : []),
    ...(a.tracing ?? true ? [pod("otel-agent", a.maxNodes, ["otelAgent"]), pod("otel-gateway", gateways + 1, ["otelGateway"])] : []),
  ];
}
