/**
 * Checks a planned set of Kubernetes objects for the isolation every namespace must have. Pure: works on recorded
 * resources in tests and on the offline plan, and never throws on odd input.
 *
 * Every namespace the program creates or patches, except the EKS system namespaces, must carry the three PSA
 * labels with versions, a default-deny NetworkPolicy (empty podSelector, both policy types, no rules), a
 * ResourceQuota and a LimitRange. No ClusterRoleBinding may grant cluster-admin, and no binding or access entry may
 * give a tenant group cluster-wide or `system:masters` rights.
 */
import { PSA_LABEL_PREFIX, PSA_MODES } from "./psa";

/** One planned resource: its type token and its inputs (secrets revealed). */
export interface PlannedResource {
  readonly type: string;
  readonly inputs: Record<string, any>;
}

/** Namespaces EKS runs its own components in: labelled, but exempt from tenant guardrails. */
export const EXEMPT_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];

const NAMESPACE_TYPES = ["kubernetes:core/v1:Namespace", "kubernetes:core/v1:NamespacePatch"];
const POLICY_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

function isEmptySelector(selector: unknown): boolean {
  if (selector === undefined || selector === null) return false;
  if (typeof selector !== "object") return false;
  const s = selector as Record<string, unknown>;
  const noLabels = s.matchLabels === undefined || Object.keys(s.matchLabels as object).length === 0;
  const noExpr = s.matchExpressions === undefined || (Array.isArray(s.matchExpressions) && s.matchExpressions.length === 0);
  return noLabels && noExpr;
}

/** True for a deny-all policy: selects every pod, both directions, allows nothing. */
export function isDefaultDeny(spec: any): boolean {
  const types: unknown[] = Array.isArray(spec?.policyTypes) ? spec.policyTypes : [];
  return (
    isEmptySelector(spec?.podSelector) &&
    types.includes("Ingress") &&
    types.includes("Egress") &&
    (spec.ingress === undefined || (Array.isArray(spec.ingress) && spec.ingress.length === 0)) &&
    (spec.egress === undefined || (Array.isArray(spec.egress) && spec.egress.length === 0))
  );
}

export function namespaceIsolationFindings(resources: readonly PlannedResource[], exempt: readonly string[] = EXEMPT_NAMESPACES): string[] {
  const findings: string[] = [];
  const inNamespace = (type: string, ns: string) =>
    resources.filter((r) => r.type === type && r.inputs?.metadata?.namespace === ns);

  const namespaces = new Map<string, Record<string, string>>();
  for (const r of resources) {
    if (!NAMESPACE_TYPES.includes(r.type)) continue;
    const name = r.inputs?.metadata?.name;
    if (typeof name !== "string") continue;
    namespaces.set(name, { ...(namespaces.get(name) ?? {}), ...(r.inputs?.metadata?.labels ?? {}) });
  }

  for (const [ns, labels] of namespaces) {
    if (exempt.includes(ns)) continue;
    for (const mode of PSA_MODES) {
      if (!labels[`${PSA_LABEL_PREFIX}/${mode}`]) findings.push(`namespace ${ns}: missing label ${PSA_LABEL_PREFIX}/${mode}`);
      if (!/^v1\.\d+$/.test(labels[`${PSA_LABEL_PREFIX}/${mode}-version`] ?? "")) {
        findings.push(`namespace ${ns}: ${PSA_LABEL_PREFIX}/${mode}-version must pin a Kubernetes version (v1.<minor>)`);
      }
    }
    if (!inNamespace(POLICY_TYPE, ns).some((p) => isDefaultDeny(p.inputs.spec))) findings.push(`namespace ${ns}: no default-deny NetworkPolicy`);
    if (inNamespace("kubernetes:core/v1:ResourceQuota", ns).length === 0) findings.push(`namespace ${ns}: no ResourceQuota`);
    if (inNamespace("kubernetes:core/v1:LimitRange", ns).length === 0) findings.push(`namespace ${ns}: no LimitRange`);
  }

  for (const r of resources) {
    if (r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding") {
      const name = r.inputs?.metadata?.name ?? "(unnamed)";
      if (r.inputs?.roleRef?.name === "cluster-admin") findings.push(`ClusterRoleBinding ${name}: grants cluster-admin`);
      const subjects: any[] = Array.isArray(r.inputs?.subjects) ? r.inputs.subjects : [];
      if (subjects.some((s) => typeof s?.name === "string" && s.name.startsWith("tenant-"))) {
        findings.push(`ClusterRoleBinding ${name}: binds a tenant group cluster-wide`);
      }
    }
    if (r.type === "aws:eks/accessEntry:AccessEntry") {
      const groups: unknown[] = Array.isArray(r.inputs?.kubernetesGroups) ? r.inputs.kubernetesGroups : [];
      if (groups.includes("system:masters")) findings.push(`AccessEntry ${r.inputs?.principalArn}: maps to system:masters`);
    }
  }
  return findings;
}
