/** CIS EKS 4.1.x: RBAC. Roles and bindings are judged one object at a time. */
import { ResourceRule, Subject, describe } from "../../common/finding";
import { groupOf, kindOf } from "../../common/kubernetes";
import { arrayOf, objectOf } from "../../common/unknown";
import { cisEks } from "./meta";

const RBAC_GROUP = "rbac.authorization.k8s.io";

function isRbac(type: string, kinds: readonly string[]): boolean {
  return groupOf(type) === RBAC_GROUP && kinds.includes(kindOf(type) ?? "");
}
export const isRole = (type: string): boolean => isRbac(type, ["Role", "ClusterRole"]);
export const isBinding = (type: string): boolean => isRbac(type, ["RoleBinding", "ClusterRoleBinding"]);

interface PolicyRule {
  readonly index: number;
  readonly apiGroups: unknown[];
  readonly resources: unknown[];
  readonly verbs: unknown[];
  readonly resourceNames: unknown[];
}

/** The role's rules; unknown or malformed entries are skipped (nothing to judge yet). */
function rulesOf(role: Subject): PolicyRule[] {
  return arrayOf(role.props.rules).flatMap((r, index) => {
    const rule = objectOf(r);
    return rule
      ? [{ index, apiGroups: arrayOf(rule.apiGroups), resources: arrayOf(rule.resources), verbs: arrayOf(rule.verbs), resourceNames: arrayOf(rule.resourceNames) }]
      : [];
  });
}

/** True when the list holds `*` or one of the values. */
const grants = (list: unknown[], ...values: string[]): boolean => list.some((v) => v === "*" || values.includes(v as string));

export const clusterAdminOnlyWhereRequired: ResourceRule = {
  meta: cisEks(
    "4.1.1",
    "cluster-admin-only-where-required",
    "Ensure that the cluster-admin role is only used where required",
    "high",
    "Bind a role with only the permissions the subjects need instead of cluster-admin, or record the need in policy/exemptions.yaml.",
  ),
  types: isBinding,
  check(r) {
    const ref = objectOf(r.props.roleRef);
    if (ref?.name !== "cluster-admin" || (ref.kind !== undefined && ref.kind !== "ClusterRole")) return [];
    return [{ message: `${describe(r)} binds cluster-admin; bind a narrower ClusterRole or Role with only the permissions its subjects need.` }];
  },
};

export const minimizeSecretsAccess: ResourceRule = {
  meta: cisEks(
    "4.1.2",
    "minimize-secrets-access",
    "Minimize access to secrets",
    "high",
    "Remove get, list and watch on secrets from the role, or limit the rule with resourceNames to the secrets the workload reads.",
  ),
  types: isRole,
  check(r) {
    return rulesOf(r)
      .filter((p) => grants(p.apiGroups, "") && grants(p.resources, "secrets") && grants(p.verbs, "get", "list", "watch") && p.resourceNames.length === 0)
      .map((p) => ({ message: `${describe(r)} rule ${p.index} can read every secret; remove get/list/watch on secrets or limit the rule with resourceNames.` }));
  },
};

export const noRbacWildcards: ResourceRule = {
  meta: cisEks(
    "4.1.3",
    "no-rbac-wildcards",
    "Minimize wildcard use in Roles and ClusterRoles",
    "high",
    "Replace '*' in apiGroups, resources and verbs with the explicit groups, resources and verbs the role needs.",
  ),
  types: isRole,
  check(r) {
    return rulesOf(r).flatMap((p) => {
      const fields = (["apiGroups", "resources", "verbs"] as const).filter((f) => p[f].includes("*"));
      return fields.length === 0 ? [] : [{ message: `${describe(r)} rule ${p.index} uses '*' in ${fields.join(", ")}; list the exact ${fields.join(", ")} the role needs.` }];
    });
  },
};

export const minimizePodCreate: ResourceRule = {
  meta: cisEks(
    "4.1.4",
    "minimize-pod-create",
    "Minimize access to create pods",
    "medium",
    "Remove the create verb on pods from the role; let controllers (Deployments, Jobs) create pods instead.",
  ),
  types: isRole,
  check(r) {
    return rulesOf(r)
      .filter((p) => grants(p.apiGroups, "") && grants(p.resources, "pods") && grants(p.verbs, "create"))
      .map((p) => ({ message: `${describe(r)} rule ${p.index} can create pods; remove create on pods and grant it on the controller resource the subject manages.` }));
  },
};

export const noBindImpersonateEscalate: ResourceRule = {
  meta: cisEks(
    "4.1.8",
    "no-bind-impersonate-escalate",
    "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster",
    "high",
    "Remove the bind, impersonate and escalate verbs from the role.",
  ),
  types: isRole,
  check(r) {
    return rulesOf(r).flatMap((p) => {
      const verbs = ["bind", "impersonate", "escalate"].filter((v) => p.verbs.includes(v));
      return verbs.length === 0 ? [] : [{ message: `${describe(r)} rule ${p.index} grants ${verbs.join(", ")}; remove these verbs, they allow privilege escalation.` }];
    });
  },
};
