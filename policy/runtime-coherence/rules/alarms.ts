/**
 * RC-6: alarms have data. CloudWatch keeps a metric per namespace, name and exact dimension set, in one region; an
 * alarm on a dimension value nothing publishes sits in INSUFFICIENT_DATA (or ALARM with treatMissingData breaching)
 * forever. Checked: ContainerInsights metrics exist only where the CloudWatch agent runs (the
 * amazon-cloudwatch-observability add-on or chart, or a cloudwatch-agent DaemonSet) in that cluster; AWS/RDS and
 * AWS/ElastiCache identifiers and ContainerInsights ClusterName must name a resource of the program in the alarm's
 * own account and region (joined through the engine's property dependencies first, values second).
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { describe } from "../../common/finding";
import { arrayOf, isUnknown, numberOf, objectOf } from "../../common/unknown";
import { awsScopeOf, EKS_CLUSTER, eksNameOf } from "./joins";
import { coherence } from "./meta";
import { addonOf } from "./metrics";
import { cannotTell, KubeView } from "./model";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const OBSERVABILITY_CHARTS = ["amazon-cloudwatch-observability", "aws-cloudwatch-metrics"];

/** Dimension → the resource types that publish it and the identifier(s) each has. */
const IDENTIFIERS: Readonly<Record<string, { type: string; ids: (r: Subject) => string[] }[]>> = {
  "ContainerInsights ClusterName": [{ type: EKS_CLUSTER, ids: (r) => [eksNameOf(r) ?? ""] }],
  "AWS/RDS DBClusterIdentifier": [{ type: "aws:rds/cluster:Cluster", ids: (r) => [String(r.props.clusterIdentifier ?? "")] }],
  "AWS/RDS DBInstanceIdentifier": [
    { type: "aws:rds/clusterInstance:ClusterInstance", ids: (r) => [String(r.props.identifier ?? "")] },
    { type: "aws:rds/instance:Instance", ids: (r) => [String(r.props.identifier ?? "")] },
  ],
  "AWS/ElastiCache ReplicationGroupId": [{ type: "aws:elasticache/replicationGroup:ReplicationGroup", ids: (r) => [String(r.props.replicationGroupId ?? "")] }],
  "AWS/ElastiCache CacheClusterId": [
    { type: "aws:elasticache/cluster:Cluster", ids: (r) => [String(r.props.clusterId ?? "")] },
    // Member clusters of a replication group are named <replicationGroupId>-001, -002, ... (ElastiCache naming).
    { type: "aws:elasticache/replicationGroup:ReplicationGroup", ids: (r) => {
      const n = numberOf(r.props.numCacheClusters);
      const id = String(r.props.replicationGroupId ?? "");
      return typeof n === "number" ? Array.from({ length: n }, (_, i) => `${id}-${String(i + 1).padStart(3, "0")}`) : [];
    } },
  ],
};

interface MetricRef {
  readonly namespace: string;
  readonly dimensions: Record<string, unknown>;
  readonly field: string;
}

function metricsOf(alarm: Subject): MetricRef[] {
  const out: MetricRef[] = [];
  if (typeof alarm.props.namespace === "string") out.push({ namespace: alarm.props.namespace, dimensions: objectOf(alarm.props.dimensions) ?? {}, field: "dimensions" });
  arrayOf(alarm.props.metricQueries).forEach((q, i) => {
    const metric = objectOf(objectOf(q)?.metric);
    if (metric && typeof metric.namespace === "string") out.push({ namespace: metric.namespace, dimensions: objectOf(metric.dimensions) ?? {}, field: `metricQueries[${i}].metric.dimensions` });
  });
  return out;
}

function dependsOn(alarm: Subject, r: Subject): boolean {
  return ["dimensions", "metricQueries"].some((p) => (alarm.propertyDependencies?.[p] ?? []).includes(r.urn));
}

/** True when the CloudWatch agent publishes Container Insights for this EKS cluster. */
function hasObservability(view: KubeView, eks: Subject): boolean {
  const addon = view.resources.some((r) => r.type === "aws:eks/addon:Addon" && r.props.addonName === "amazon-cloudwatch-observability" && addonOf(r, eks));
  const chart = view.releases.some((r) => r.cluster.eks?.urn === eks.urn && OBSERVABILITY_CHARTS.includes(r.chart));
  const agent = view.workloads.some((w) => w.cluster.eks?.urn === eks.urn && w.kind === "DaemonSet" && w.name.includes("cloudwatch-agent"));
  return addon || chart || agent;
}

function judgeMetric(view: KubeView, alarm: Subject, m: MetricRef): Finding[] {
  const out: Finding[] = [];
  const scope = awsScopeOf(alarm);
  for (const [dim, value] of Object.entries(m.dimensions)) {
    const publishers = IDENTIFIERS[`${m.namespace} ${dim}`];
    if (!publishers) continue;
    const candidates = view.resources.filter((r) => publishers.some((p) => p.type === r.type));
    const byDep = candidates.find((r) => dependsOn(alarm, r));
    const byValue = typeof value === "string" && !isUnknown(value) ? candidates.filter((r) => publishers.some((p) => p.type === r.type && p.ids(r).includes(value))) : [];
    const match = byDep ?? byValue.find((r) => awsScopeOf(r).key === scope.key) ?? byValue[0];
    if (!match) {
      out.push(isUnknown(value) ? cannotTell(alarm, `${m.field}.${dim}`, "whether the alarm watches a resource that publishes data") : {
        subject: alarm,
        message: `CloudWatch alarm ${alarm.name} watches ${m.namespace} ${dim}=${String(value)}, which no resource of the program defines, so it never gets data; take ${dim} from the resource's output (e.g. cluster.clusterIdentifier) instead of a literal.`,
      });
      continue;
    }
    const home = awsScopeOf(match);
    if (home.key !== scope.key) {
      out.push({ subject: alarm, message: `CloudWatch alarm ${alarm.name} is in ${scope.region} but ${describe(match)} publishes ${m.namespace} metrics in ${home.region}, so the alarm never gets data; create the alarm with the provider of ${home.region}.` });
      continue;
    }
    if (m.namespace === "ContainerInsights" && !hasObservability(view, match)) {
      out.push({ subject: alarm, message: `CloudWatch alarm ${alarm.name} watches ContainerInsights for EKS cluster ${eksNameOf(match) ?? match.name}, where no CloudWatch agent publishes them, so it never gets data; install the amazon-cloudwatch-observability add-on on that cluster or alarm on Prometheus metrics instead.` });
    }
  }
  return out;
}

export const alarmsHaveData: StackRule = {
  meta: coherence(
    "RC-6",
    "alarms-have-data",
    "CloudWatch alarms watch metrics something in the program publishes, in the alarm's region",
    "medium",
    "Install the CloudWatch agent for ContainerInsights alarms, and take alarm dimensions from the watched resource's outputs in the same region.",
  ),
  check(resources) {
    const view = new KubeView(resources);
    return resources.filter((r) => r.type === ALARM).flatMap((alarm) => metricsOf(alarm).flatMap((m) => judgeMetric(view, alarm, m)));
  },
};
