/**
 * Reading Kubernetes objects as Pulumi hands them to policies: the type token says the kind (apiVersion/kind may be
 * missing from props), props are the manifest fields. Shared by the CIS, pod-security and resilience packs.
 */
import { describe, type Finding, type Subject } from "./finding";
import { isUnknown, objectOf } from "./unknown";

/**
 * A pure function of a type token, remembered per token: rules ask the kind or group of every resource many times
 * per stack (every rule, every join), and splitting the token each time was a top entry of the packs' CPU profiles.
 * A program has few distinct type tokens; the cache is bounded anyway so odd input cannot grow it without limit.
 */
export function perTypeToken<T>(compute: (type: string) => T): (type: string) => T {
  const cache = new Map<string, T>();
  return (type) => {
    // One lookup for a remembered answer; `has` only tells a remembered `undefined` from a first call.
    const known = cache.get(type);
    if (known !== undefined || cache.has(type)) return known as T;
    const value = compute(type);
    if (cache.size < 4096 && typeof type === "string") cache.set(type, value);
    return value;
  };
}

/** `kubernetes:apps/v1:Deployment` → `Deployment`; `undefined` for non-Kubernetes types. */
export const kindOf: (type: string) => string | undefined = perTypeToken((type) => {
  if (!type.startsWith("kubernetes:")) return undefined;
  const kind = type.split(":")[2];
  return kind || undefined;
});

/** `kubernetes:apps/v1:Deployment` → `apps`; core group → `""`. */
export const groupOf: (type: string) => string | undefined = perTypeToken((type) => {
  if (!type.startsWith("kubernetes:")) return undefined;
  const module = type.split(":")[1] ?? "";
  const group = module.split("/")[0];
  return group === "core" ? "" : group;
});

/** Kinds whose objects are not namespaced (so `metadata.namespace` does not apply). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "Node",
  "IngressClass",
  "RuntimeClass",
  "APIService",
]);

/**
 * True for cluster-scoped kinds: the built-in ones above, and custom kinds that follow the `Cluster*` naming
 * convention of cluster-scoped CRDs (ClusterSecretStore, ClusterIssuer, ClusterPolicy, ...).
 */
export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind) || /^Cluster[A-Z]/.test(kind);
}

/** Types that are lists/patches of other objects or bundles we do not look inside. */
export function isKubernetesBundle(type: string): boolean {
  return (
    type.startsWith("kubernetes:helm.sh/") ||
    type.startsWith("kubernetes:yaml") ||
    type.startsWith("kubernetes:kustomize") ||
    type.endsWith("List") ||
    type.endsWith("Patch")
  );
}

/** True for a Kubernetes object type we can judge (not a provider, bundle, list or patch). */
export const isKubernetesObject: (type: string) => boolean = perTypeToken(
  (type) => type.startsWith("kubernetes:") && !type.startsWith("pulumi:") && !isKubernetesBundle(type) && kindOf(type) !== undefined,
);

export function metadataOf(props: Record<string, unknown> | undefined): Record<string, unknown> {
  return objectOf(props?.metadata) ?? {};
}

/** The object's name: `metadata.name` when known, else the Pulumi resource name (auto-naming derives from it). */
export function objectName(subject: Subject): string {
  const name = metadataOf(subject.props).name;
  return typeof name === "string" && name !== "" && !isUnknown(name) ? name : subject.name;
}

/**
 * Namespace of a namespaced object: `metadata.namespace`, else the explicit provider's `namespace`, else `"default"`; `"unknown"` when not known at preview, `undefined` for cluster-scoped kinds.
 */
export function namespaceOf(subject: Subject): string | undefined {
  if (!isNamespacedType(subject.type)) return undefined;
  const ns = metadataOf(subject.props).namespace;
  if (isUnknown(ns)) return "unknown";
  if (typeof ns === "string" && ns !== "") return ns;
  // Objects without a namespace land in the provider's default namespace, "default" unless the provider sets one.
  const providerNs = subject.provider?.type === "pulumi:providers:kubernetes" ? subject.provider.props?.namespace : undefined;
  if (isUnknown(providerNs)) return "unknown";
  return typeof providerNs === "string" && providerNs !== "" ? providerNs : "default";
}

/** True for a Kubernetes type whose objects live in a namespace; every join asks it of every object. */
const isNamespacedType: (type: string) => boolean = perTypeToken((type) => {
  const kind = kindOf(type);
  return kind !== undefined && !isClusterScopedKind(kind);
});

/** Workload kinds and where their pod template lives. */
/** Namespaces owned by Kubernetes/EKS itself. */
export const SYSTEM_NAMESPACES: readonly string[] = ["kube-system", "kube-public", "kube-node-lease"];

export const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod"] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export const isWorkload: (type: string) => boolean = perTypeToken((type) => {
  const kind = kindOf(type);
  return kind !== undefined && (WORKLOAD_KINDS as readonly string[]).includes(kind) && !isKubernetesBundle(type);
});

/** The pod template (metadata + spec) of a workload or the pod itself; `undefined` when absent or unknown. */
export function podTemplateOf(subject: Subject): { metadata: Record<string, unknown>; spec: Record<string, unknown> } | undefined {
  const kind = kindOf(subject.type);
  const spec = objectOf(subject.props?.spec);
  if (!kind || !spec) return undefined;
  if (kind === "Pod") return { metadata: metadataOf(subject.props), spec };
  let template: Record<string, unknown> | undefined;
  if (kind === "CronJob") template = objectOf(objectOf(objectOf(spec.jobTemplate)?.spec)?.template);
  else template = objectOf(spec.template);
  const podSpec = objectOf(template?.spec);
  return podSpec ? { metadata: objectOf(template?.metadata) ?? {}, spec: podSpec } : undefined;
}

/** The pod spec of a workload or pod. */
export function podSpecOf(subject: Subject): Record<string, unknown> | undefined {
  return podTemplateOf(subject)?.spec;
}

export type ContainerField = "containers" | "initContainers" | "ephemeralContainers";

/** Every container of a pod spec with the list it came from (unknown or malformed entries skipped). */
export function containersOf(spec: Record<string, unknown> | undefined): { field: ContainerField; container: Record<string, unknown>; name: string }[] {
  const out: { field: ContainerField; container: Record<string, unknown>; name: string }[] = [];
  if (!spec) return out;
  for (const field of ["initContainers", "containers", "ephemeralContainers"] as const) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      if (!(i in list)) continue;
      const container = objectOf(list[i]);
      if (!container) continue;
      const name = typeof container.name === "string" && !isUnknown(container.name) ? container.name : `#${i}`;
      out.push({ field, container, name });
    }
  }
  return out;
}

const ALL_CONTAINER_FIELDS: readonly ContainerField[] = ["initContainers", "containers", "ephemeralContainers"];
/** Init and regular containers: those that hold resources and a root filesystem for the pod's lifetime. */
export const RUNNING_CONTAINER_FIELDS: readonly ContainerField[] = ["initContainers", "containers"];

/**
 * Findings about single containers of a workload or pod, at most one per container, in container order: `judge` sees
 * each container of the `fields` lists with `what()`, the workload's `describe`, worded once however many of its
 * containers are reported (most container findings name their workload).
 */
export function containerFindings(
  subject: Subject,
  judge: (container: Record<string, unknown>, name: string, what: () => string) => Finding | undefined,
  fields: readonly ContainerField[] = ALL_CONTAINER_FIELDS,
): Finding[] {
  const out: Finding[] = [];
  let worded: string | undefined;
  const what = () => (worded ??= describe(subject));
  for (const { field, container, name } of containersOf(podSpecOf(subject))) {
    if (!fields.includes(field)) continue;
    const finding = judge(container, name, what);
    if (finding) out.push(finding);
  }
  return out;
}

/** Label selector match (`matchLabels` + `matchExpressions`); `undefined` when the selector cannot be evaluated. */
export function selectorMatches(selector: unknown, labels: Record<string, unknown>): boolean | undefined {
  const sel = objectOf(selector);
  if (!sel) return undefined;
  const matchLabels = objectOf(sel.matchLabels) ?? {};
  for (const [k, v] of Object.entries(matchLabels)) {
    if (isUnknown(v) || isUnknown(labels[k])) return undefined;
    if (labels[k] !== v) return false;
  }
  const exprs = sel.matchExpressions;
  if (exprs !== undefined && !Array.isArray(exprs)) return undefined;
  for (const e of (exprs as unknown[] | undefined) ?? []) {
    const expr = objectOf(e);
    if (!expr || typeof expr.key !== "string") return undefined;
    const values = Array.isArray(expr.values) ? expr.values : [];
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    const value = labels[expr.key];
    switch (expr.operator) {
      case "In":
        if (!has || !values.includes(value)) return false;
        break;
      case "NotIn":
        if (has && values.includes(value)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return undefined;
    }
  }
  return true;
}
