/**
 * The program as this pack reads it: Kubernetes objects placed in their cluster (see joins.ts), the workloads that run
 * pods, the Helm releases whose objects a policy cannot see, namespaces with their labels, and the one way every rule
 * says "cannot tell yet".
 */
import { describe, Finding, Subject } from "../../common/finding";
import { isKubernetesObject, isWorkload, kindOf, metadataOf, namespaceOf, objectName, podTemplateOf } from "../../common/kubernetes";
import { groupBy } from "../../common/stack";
import { isUnknown, objectOf } from "../../common/unknown";
import { ClusterIndex, ClusterScope, K8S_PROVIDER } from "./joins";

/** Helm v3 `Release` renders its objects inside the provider: the engine (and so a policy) never sees them. */
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

export interface Workload {
  readonly subject: Subject;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly cluster: ClusterScope;
  /** Pod template labels (the Pod's own labels for a bare Pod). */
  readonly labels: Record<string, unknown>;
  readonly podSpec: Record<string, unknown> | undefined;
}

export interface Release {
  readonly subject: Subject;
  /** Chart name without repository or OCI prefix. */
  readonly chart: string;
  readonly namespace: string;
  readonly cluster: ClusterScope;
  readonly values: Record<string, unknown>;
}

/** The chart's name: `oci://registry/charts/metrics-server` and `bitnami/metrics-server` → `metrics-server`. */
function chartName(value: unknown): string {
  return typeof value === "string" && !isUnknown(value) ? (value.split("/").pop() ?? value) : "";
}

/** Helm values as an object (the engine may send them as JSON text). */
function valuesOf(value: unknown): Record<string, unknown> {
  if (typeof value === "string" && !isUnknown(value)) {
    try {
      return objectOf(JSON.parse(value)) ?? {};
    } catch {
      return {};
    }
  }
  return objectOf(value) ?? {};
}

/** The Kubernetes side of a program, every object in its cluster. */
export class KubeView {
  readonly clusters: ClusterIndex;
  readonly objects: readonly Subject[];
  readonly workloads: readonly Workload[];
  readonly releases: readonly Release[];

  constructor(readonly resources: readonly Subject[]) {
    this.clusters = new ClusterIndex(resources);
    this.objects = resources.filter((r) => isKubernetesObject(r.type));
    this.workloads = this.objects.filter((r) => isWorkload(r.type)).map((subject) => {
      const template = podTemplateOf(subject);
      const labels = objectOf(template?.metadata.labels) ?? (kindOf(subject.type) === "Pod" ? objectOf(metadataOf(subject.props).labels) : undefined) ?? {};
      return { subject, kind: kindOf(subject.type) ?? "", name: objectName(subject), namespace: namespaceOf(subject), cluster: this.clusters.clusterOf(subject), labels, podSpec: template?.spec };
    });
    this.releases = resources.filter((r) => r.type === HELM_RELEASE).map((subject) => {
      const ns = subject.props.namespace;
      const providerNs = subject.provider?.type === K8S_PROVIDER ? subject.provider.props.namespace : undefined;
      const namespace = typeof ns === "string" && ns !== "" ? ns : typeof providerNs === "string" && providerNs !== "" ? providerNs : "default";
      return { subject, chart: chartName(subject.props.chart), namespace, cluster: this.clusters.clusterOf(subject), values: valuesOf(subject.props.values) };
    });
  }

  // Lookups by kind, cluster and namespace are answered from groupings made on first use, so a rule asking them
  // once per object stays linear in the stack's size (a filter over every object per question was quadratic).
  private readonly groupings = new Map<string, Map<string, unknown[]>>();

  private grouped<T>(name: string, items: readonly T[], key: (item: T) => string, at: string): T[] {
    let groups = this.groupings.get(name) as Map<string, T[]> | undefined;
    if (!groups) {
      groups = groupBy(items, key);
      this.groupings.set(name, groups as Map<string, unknown[]>);
    }
    return [...(groups.get(at) ?? [])];
  }

  /** Objects of a kind (type token's last part), optionally restricted to one cluster. */
  ofKind(kind: string, clusterKey?: string): Subject[] {
    if (clusterKey === undefined) return this.grouped("kind", this.objects, (o) => JSON.stringify([kindOf(o.type) ?? null]), JSON.stringify([kind]));
    return this.grouped("kind-cluster", this.objects, (o) => JSON.stringify([kindOf(o.type) ?? null, this.clusters.clusterOf(o).key]), JSON.stringify([kind, clusterKey]));
  }

  clusterOf(subject: Subject): ClusterScope {
    return this.clusters.clusterOf(subject);
  }

  /** Workloads in one cluster and namespace. */
  workloadsIn(clusterKey: string, namespace: string | undefined): Workload[] {
    return this.grouped("workloads", this.workloads, (w) => JSON.stringify([w.cluster.key, w.namespace ?? 0]), JSON.stringify([clusterKey, namespace ?? 0]));
  }

  /** Helm releases installed into a cluster (and namespace, when given): their pods exist but are not visible. */
  releasesIn(clusterKey: string, namespace?: string): Release[] {
    if (namespace === undefined) return this.grouped("releases-cluster", this.releases, (r) => r.cluster.key, clusterKey);
    return this.grouped("releases-namespace", this.releases, (r) => JSON.stringify([r.cluster.key, r.namespace]), JSON.stringify([clusterKey, namespace]));
  }

  /** Labels of a namespace in a cluster: its Namespace object's labels plus the automatic `kubernetes.io/metadata.name`. */
  namespaceLabels(clusterKey: string, namespace: string): Record<string, unknown> {
    const ns = this.ofKind("Namespace", clusterKey).find((n) => objectName(n) === namespace);
    return { ...(objectOf(metadataOf(ns?.props).labels) ?? {}), "kubernetes.io/metadata.name": namespace };
  }

  /** Every namespace the program puts something in, per cluster (Namespace objects and namespaced objects). */
  namespacesOf(clusterKey: string): string[] {
    const names = new Set<string>();
    for (const n of this.ofKind("Namespace", clusterKey)) names.add(objectName(n));
    for (const o of this.objects) {
      const ns = namespaceOf(o);
      if (ns && ns !== "unknown" && this.clusters.clusterOf(o).key === clusterKey) names.add(ns);
    }
    return [...names].sort();
  }
}

/** `Deployment web (namespace shop) in cluster use1-k8s`. */
export function where(subject: Subject, cluster: ClusterScope): string {
  return `${describe(subject)} in ${cluster.label}`;
}

/**
 * The explicit "cannot tell yet" result: a first `pulumi preview` has unknown ids, names and endpoints, and a check
 * that needs one must say so instead of passing. Always advisory: nothing was proven either way.
 */
export function cannotTell(subject: Subject, field: string, check: string): Finding {
  return {
    subject,
    advisory: true,
    message: `cannot tell yet: ${field} of ${describe(subject)} is not known before deploy, so ${check} is not judged; re-check after the first deploy or set ${field} from config.`,
  };
}
