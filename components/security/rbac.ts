/**
 * The namespaced Role a tenant team gets: enough to run its workloads, nothing that escalates.
 *
 * Written as an explicit allow-list (no `*` in groups, resources or verbs) so that a new resource type added to the
 * cluster is not granted to tenants by accident. Deliberately absent: `roles`/`rolebindings` (a team could grant
 * itself more), `secrets` (unless asked), `pods/exec`, `pods/attach`, `pods/portforward` (unless asked),
 * `serviceaccounts/token`, `resourcequotas`/`limitranges` writes, and writes to NetworkPolicies (the platform owns
 * the namespace's isolation; the team declares allows through the Tenant's config).
 *
 * Caveat that RBAC cannot close: whoever can create pods can mount any Secret of the namespace into one. "No secrets
 * read" keeps Secret values out of `kubectl get` and the API; keep secrets that the team must not see out of its
 * namespaces.
 */
import * as k8s from "@pulumi/kubernetes";

/** A PolicyRule with plain values, so it can be checked before deploy. */
export interface PolicyRule extends k8s.types.input.rbac.v1.PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface TenantRoleOptions {
  /** Grant get/list/watch on Secrets. @default false */
  readonly allowSecretsRead?: boolean;
  /** Grant `pods/exec`, `pods/attach` and `pods/portforward`. @default false */
  readonly allowPodExec?: boolean;
  /** Grant ExternalSecret objects (external-secrets.io), the supported way to bring secrets in. @default false */
  readonly allowExternalSecrets?: boolean;
}

export const READ_VERBS = ["get", "list", "watch"];
export const WRITE_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"];

/** Rules of the tenant's edit Role, in a stable order. */
export function tenantRoleRules(options: TenantRoleOptions = {}): PolicyRule[] {
  const rules: PolicyRule[] = [
    // Pods come from the team's controllers; direct pod create is left out (CIS EKS 4.1.4), delete stays so a stuck
    // pod can be recycled.
    { apiGroups: [""], resources: ["services", "configmaps", "persistentvolumeclaims"], verbs: [...WRITE_VERBS] },
    { apiGroups: [""], resources: ["pods"], verbs: [...READ_VERBS, "delete"] },
    {
      apiGroups: [""],
      resources: ["pods/log", "pods/status", "endpoints", "events", "serviceaccounts", "resourcequotas", "limitranges"],
      verbs: [...READ_VERBS],
    },
    {
      apiGroups: ["apps"],
      resources: ["deployments", "statefulsets", "replicasets", "deployments/scale", "statefulsets/scale"],
      verbs: [...WRITE_VERBS],
    },
    { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: [...WRITE_VERBS] },
    { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: [...WRITE_VERBS] },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: [...WRITE_VERBS] },
    { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: [...WRITE_VERBS] },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: [...READ_VERBS] },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: [...READ_VERBS] },
    { apiGroups: ["metrics.k8s.io"], resources: ["pods"], verbs: ["get", "list"] },
  ];
  if (options.allowSecretsRead) rules.push({ apiGroups: [""], resources: ["secrets"], verbs: [...READ_VERBS] });
  if (options.allowPodExec) {
    rules.push({ apiGroups: [""], resources: ["pods/exec", "pods/attach", "pods/portforward"], verbs: ["get", "create"] });
  }
  if (options.allowExternalSecrets) {
    rules.push({ apiGroups: ["external-secrets.io"], resources: ["externalsecrets"], verbs: [...WRITE_VERBS] });
  }
  return rules;
}

/** Resources that let a holder act beyond its namespace or its own permissions; never granted to a tenant. */
export const ESCALATING_RESOURCES = ["roles", "rolebindings", "clusterroles", "clusterrolebindings", "serviceaccounts/token"];
/** Verbs that escalate by themselves. */
export const ESCALATING_VERBS = ["escalate", "bind", "impersonate"];

/** Every reason a set of rules is not least privilege; empty when it is. Pure: used by tests and by audits. */
export function ruleFindings(rules: readonly PolicyRule[], options: TenantRoleOptions = {}): string[] {
  const findings: string[] = [];
  rules.forEach((rule, i) => {
    for (const field of ["apiGroups", "resources", "verbs"] as const) {
      if (rule[field].some((v) => v.includes("*"))) findings.push(`rule ${i}: wildcard in ${field}`);
    }
    for (const r of rule.resources) {
      if (ESCALATING_RESOURCES.includes(r)) findings.push(`rule ${i}: grants ${r}`);
      if (r === "secrets" && !options.allowSecretsRead) findings.push(`rule ${i}: grants secrets`);
      if ((r === "pods/exec" || r === "pods/attach") && !options.allowPodExec) findings.push(`rule ${i}: grants ${r}`);
    }
    for (const v of rule.verbs) {
      if (ESCALATING_VERBS.includes(v)) findings.push(`rule ${i}: verb ${v}`);
    }
  });
  return findings;
}
