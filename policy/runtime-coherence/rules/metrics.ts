/**
 * RC-1: an HPA only scales when something serves its metrics API in the same cluster. The HPA controller reads
 * Resource/ContainerResource metrics from metrics.k8s.io (metrics-server), Pods/Object metrics from
 * custom.metrics.k8s.io and External metrics from external.metrics.k8s.io (an adapter: prometheus-adapter, KEDA, ...);
 * with no APIService behind the group it reports FailedGetResourceMetric and never scales.
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { kindOf, objectName } from "../../common/kubernetes";
import { arrayOf, isUnknown, objectOf } from "../../common/unknown";
import type { ClusterScope } from "./joins";
import { coherence } from "./meta";
import { cannotTell, KubeView, where } from "./model";

type MetricsApi = "metrics.k8s.io" | "custom.metrics.k8s.io" | "external.metrics.k8s.io";

/** Which API group each HPA metric type is read from (autoscaling/v2 MetricSpec). */
const API_OF_TYPE: Readonly<Record<string, MetricsApi>> = {
  Resource: "metrics.k8s.io",
  ContainerResource: "metrics.k8s.io",
  Pods: "custom.metrics.k8s.io",
  Object: "custom.metrics.k8s.io",
  External: "external.metrics.k8s.io",
};

/** Charts and add-ons known to register each API group. */
const SERVERS: Readonly<Record<MetricsApi, readonly string[]>> = {
  "metrics.k8s.io": ["metrics-server"],
  "custom.metrics.k8s.io": ["prometheus-adapter", "k8s-prometheus-adapter", "datadog", "kube-metrics-adapter"],
  "external.metrics.k8s.io": ["keda", "prometheus-adapter", "k8s-prometheus-adapter", "datadog", "kube-metrics-adapter"],
};

/** The metric APIs an HPA needs; `"unknown"` when its metrics are not known yet. autoscaling/v1 and no metrics → CPU. */
function apisNeeded(hpa: Subject): MetricsApi[] | "unknown" {
  const spec = objectOf(hpa.props.spec);
  if (!spec) return isUnknown(hpa.props.spec) ? "unknown" : ["metrics.k8s.io"];
  if (isUnknown(spec.metrics)) return "unknown";
  const metrics = arrayOf(spec.metrics);
  if (metrics.length === 0) return ["metrics.k8s.io"];
  const out = new Set<MetricsApi>();
  for (const m of metrics) {
    const type = objectOf(m)?.type;
    if (isUnknown(type)) return "unknown";
    const api = typeof type === "string" ? API_OF_TYPE[type] : undefined;
    if (api) out.add(api);
  }
  return [...out];
}

/** True when the cluster serves the API group: an APIService for it, a server Deployment, a chart or an EKS add-on. */
function served(view: KubeView, cluster: ClusterScope, api: MetricsApi): boolean {
  const apiServices = view.ofKind("APIService", cluster.key).some((s) => objectName(s).endsWith(`.${api}`));
  const names = SERVERS[api];
  const deployments = view.workloads.some((w) => w.cluster.key === cluster.key && w.kind === "Deployment" && names.some((n) => w.name.includes(n)));
  const charts = view.releasesIn(cluster.key).some((r) => names.includes(r.chart));
  const addon = api === "metrics.k8s.io" && cluster.eks !== undefined && view.resources.some((r) => r.type === "aws:eks/addon:Addon" && r.props.addonName === "metrics-server" && addonOf(r, cluster.eks as Subject));
  return apiServices || deployments || charts || addon;
}

/** An object the engine returned no outputs for (first preview under a provider whose config is unknown). */
function unseen(o: Subject): boolean {
  return Object.keys(o.props ?? {}).length === 0;
}

/** True when an EKS add-on is installed on this cluster (clusterName computed from it, or equal to its name). */
export function addonOf(addon: Subject, eks: Subject): boolean {
  if ((addon.propertyDependencies?.clusterName ?? []).includes(eks.urn)) return true;
  const name = eks.props.name;
  return typeof name === "string" && !isUnknown(name) && addon.props.clusterName === name;
}

export const hpaMetricsApi: StackRule = {
  meta: coherence(
    "RC-1",
    "hpa-metrics-api",
    "HorizontalPodAutoscalers have a metrics API to read in their cluster",
    "high",
    "Install metrics-server (EKS add-on or chart) in every cluster with Resource-metric HPAs, and a metrics adapter for Pods, Object or External metrics.",
  ),
  check(resources) {
    const view = new KubeView(resources);
    // Per cluster, not per HPA: what it serves and whether any of its objects is unseen (linear in the stack).
    const servedIn = new Map<string, boolean>();
    const isServed = (cluster: ClusterScope, api: MetricsApi) => {
      const key = JSON.stringify([cluster.key, api]);
      if (!servedIn.has(key)) servedIn.set(key, served(view, cluster, api));
      return servedIn.get(key) === true;
    };
    const clustersWithUnseen = new Set(view.objects.filter(unseen).map((o) => view.clusterOf(o).key));
    return view.objects.filter((o) => kindOf(o.type) === "HorizontalPodAutoscaler").flatMap((hpa): Finding[] => {
      // At a first preview the engine gives objects under a provider built from a new cluster no outputs at all:
      // an HPA (or the cluster's releases) seen that way proves nothing either way.
      if (unseen(hpa)) return [cannotTell(hpa, "spec", "whether its cluster serves the metrics it scales on")];
      const needed = apisNeeded(hpa);
      if (needed === "unknown") return [cannotTell(hpa, "spec.metrics", "whether its cluster serves the metrics it scales on")];
      const cluster = view.clusterOf(hpa);
      const missing = needed.filter((api) => !isServed(cluster, api));
      if (missing.length > 0 && clustersWithUnseen.has(cluster.key)) {
        return [cannotTell(hpa, "the outputs of its cluster's other objects", "whether its cluster serves the metrics it scales on")];
      }
      return missing.map((api) => ({
        subject: hpa,
        message: `${where(hpa, cluster)} scales on ${api} metrics that nothing in that cluster serves, so it never scales; install ${api === "metrics.k8s.io" ? "metrics-server (EKS add-on metrics-server or the metrics-server chart)" : `an adapter serving ${api} (${SERVERS[api].join(", ")})`} in that cluster.`,
      }));
    });
  },
};
