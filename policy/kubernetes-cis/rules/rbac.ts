/**
 * CIS EKS 4.1.x: RBAC. Roles and bindings are judged one object at a time, in one pass over the role's rules (a
 * 10,000-rule ClusterRole costs 10,000 steps). `*` in verbs, resources or apiGroups grants everything it stands for.
 */
import { Finding, ResourceRule, Subject, describe } from "../../common/finding";
import { groupOf, kindOf, perTypeToken } from "../../common/kubernetes";
import { arrayOf, cannotTellYet, containsUnknown, isUnknown, objectOf } from "../../common/unknown";
import { cisEks, nsaCisa } from "./meta";

const RBAC_GROUP = "rbac.authorization.k8s.io";

function isRbac(type: string, kinds: readonly string[]): boolean {
  return groupOf(type) === RBAC_GROUP && kinds.includes(kindOf(type) ?? "");
}
/** Remembered per type token: every RBAC rule asks it of every resource. */
export const isRole: (type: string) => boolean = perTypeToken((type) => isRbac(type, ["Role", "ClusterRole"]));
export const isBinding: (type: string) => boolean = perTypeToken((type) => isRbac(type, ["RoleBinding", "ClusterRoleBinding"]));

export interface PolicyRule {
  readonly index: number;
  readonly apiGroups: unknown[];
  readonly resources: unknown[];
  readonly verbs: unknown[];
  readonly resourceNames: unknown[];
}

/** The role's rules; malformed entries are skipped (the API server would reject them). */
export function rulesOf(role: Subject): PolicyRule[] {
  return arrayOf(role.props.rules).flatMap((r, index) => {
    const rule = objectOf(r);
    return rule
      ? [{ index, apiGroups: arrayOf(rule.apiGroups), resources: arrayOf(rule.resources), verbs: arrayOf(rule.verbs), resourceNames: arrayOf(rule.resourceNames) }]
      : [];
  });
}

/** True when the list holds `*` or one of the values. */
const grants = (list: unknown[], ...values: string[]): boolean => list.some((v) => v === "*" || values.includes(v as string));

/** True when the resources list covers `resource` (`*`, the resource itself, or `<parent>/*` for a subresource). */
function coversResource(resources: unknown[], resource: string): boolean {
  const parent = resource.includes("/") ? `${resource.split("/")[0]}/*` : undefined;
  return resources.some((r) => r === "*" || r === resource || (parent !== undefined && r === parent));
}

/**
 * A rule over roles: `matches` says whether one policy rule grants what the control limits; one finding per
 * matching rule. Rules still unknown at preview give one "cannot tell yet" naming them.
 */
function roleRule(meta: ResourceRule["meta"], matches: (p: PolicyRule) => boolean, problem: (r: Subject, p: PolicyRule) => string): ResourceRule {
  return {
    meta,
    types: isRole,
    check(r) {
      if (isUnknown(r.props.rules)) return [cannotTellYet(describe(r), "rules", meta.id)];
      const findings: Finding[] = [];
      let unknownRules = 0;
      for (const p of rulesOf(r)) {
        if (matches(p)) findings.push({ message: problem(r, p) });
        else if (containsUnknown(p.apiGroups) || containsUnknown(p.resources) || containsUnknown(p.verbs)) unknownRules++;
      }
      if (unknownRules > 0) findings.push(cannotTellYet(describe(r), `rules (${unknownRules} with unknown apiGroups/resources/verbs)`, meta.id));
      return findings;
    },
  };
}

export const clusterAdminOnlyWhereRequired: ResourceRule = {
  meta: cisEks(
    "4.1.1",
    "cluster-admin-only-where-required",
    "Ensure that the cluster-admin role is only used where required",
    "high",
    "Bind a role with only the permissions the subjects need instead of cluster-admin, or record the need in policy/exemptions.yaml.",
    ["Polaris clusterrolebindingClusterAdmin", "Polaris rolebindingClusterAdminClusterRole"],
  ),
  types: isBinding,
  check(r) {
    const ref = objectOf(r.props.roleRef);
    if (isUnknown(r.props.roleRef) || isUnknown(ref?.name)) return [cannotTellYet(describe(r), "roleRef.name", "cis-eks-4.1.1-cluster-admin-only-where-required")];
    if (ref?.name !== "cluster-admin" || (ref.kind !== undefined && ref.kind !== "ClusterRole")) return [];
    return [{ message: `${describe(r)} binds cluster-admin; bind a narrower ClusterRole or Role with only the permissions its subjects need.` }];
  },
};

export const minimizeSecretsAccess = roleRule(
  cisEks("4.1.2", "minimize-secrets-access", "Minimize access to secrets", "high", "Remove get, list and watch on secrets from the role, or limit the rule with resourceNames to the secrets the workload reads."),
  (p) => grants(p.apiGroups, "") && coversResource(p.resources, "secrets") && grants(p.verbs, "get", "list", "watch") && p.resourceNames.length === 0,
  (r, p) => `${describe(r)} rule ${p.index} can read every secret; remove get/list/watch on secrets or limit the rule with resourceNames.`,
);

export const noRbacWildcards = roleRule(
    cisEks("4.1.3", "no-rbac-wildcards", "Minimize wildcard use in Roles and ClusterRoles", "high", "Replace '*' in apiGroups, resources and verbs with the explicit groups, resources and verbs the role needs."),
    (p) => p.apiGroups.includes("*") || p.resources.includes("*") || p.verbs.includes("*"),
    (r, p) => {
      const fields = (["apiGroups", "resources", "verbs"] as const).filter((f) => p[f].includes("*"));
      return `${describe(r)} rule ${p.index} uses '*' in ${fields.join(", ")}; list the exact ${fields.join(", ")} the role needs.`;
    },
);

export const minimizePodCreate = roleRule(
  cisEks("4.1.4", "minimize-pod-create", "Minimize access to create pods", "medium", "Remove the create verb on pods from the role; let controllers (Deployments, Jobs) create pods instead."),
  (p) => grants(p.apiGroups, "") && coversResource(p.resources, "pods") && grants(p.verbs, "create"),
  (r, p) => `${describe(r)} rule ${p.index} can create pods; remove create on pods and grant it on the controller resource the subject manages.`,
);

const ESCALATING_VERBS = ["bind", "impersonate", "escalate"];

export const noBindImpersonateEscalate = roleRule(
  cisEks("4.1.8", "no-bind-impersonate-escalate", "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster", "high", "Remove the bind, impersonate and escalate verbs (and '*', which includes them) from the role."),
  (p) => grants(p.verbs, ...ESCALATING_VERBS),
  (r, p) => {
    const verbs = p.verbs.includes("*") ? ["* (which includes bind, impersonate and escalate)"] : ESCALATING_VERBS.filter((v) => p.verbs.includes(v));
    return `${describe(r)} rule ${p.index} grants ${verbs.join(", ")}; remove these verbs, they allow privilege escalation.`;
  },
);

export const minimizePersistentVolumeCreate = roleRule(
  cisEks("4.1.9", "minimize-persistent-volume-create", "Minimize access to create PersistentVolume objects", "medium", "Remove create on persistentvolumes from the role; let workloads claim storage through PersistentVolumeClaims and a StorageClass."),
  (p) => grants(p.apiGroups, "") && coversResource(p.resources, "persistentvolumes") && grants(p.verbs, "create"),
  (r, p) => `${describe(r)} rule ${p.index} can create PersistentVolumes (a hostPath volume gives node access); remove create on persistentvolumes.`,
);

export const minimizeNodeProxy = roleRule(
  cisEks("4.1.10", "minimize-node-proxy", "Minimize access to the proxy sub-resource of Node objects", "high", "Remove nodes/proxy from the role; it reaches the kubelet API directly, bypassing audit and admission."),
  (p) => grants(p.apiGroups, "") && coversResource(p.resources, "nodes/proxy") && p.verbs.length > 0,
  (r, p) => `${describe(r)} rule ${p.index} grants nodes/proxy; remove it, it reaches the kubelet API and bypasses audit and admission control.`,
);

const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"];

export const minimizeWebhookConfigAccess = roleRule(
  cisEks("4.1.11", "minimize-webhook-config-access", "Minimize access to webhook configuration objects", "high", "Remove create/update/patch/delete on validatingwebhookconfigurations and mutatingwebhookconfigurations from the role."),
  (p) =>
    grants(p.apiGroups, "admissionregistration.k8s.io") &&
    (coversResource(p.resources, "validatingwebhookconfigurations") || coversResource(p.resources, "mutatingwebhookconfigurations")) &&
    grants(p.verbs, ...WRITE_VERBS),
  (r, p) => `${describe(r)} rule ${p.index} can change admission webhook configurations; remove write verbs on validating/mutatingwebhookconfigurations.`,
);

export const minimizeTokenCreate = roleRule(
  cisEks("4.1.12", "minimize-service-account-token-create", "Minimize access to the service account token creation", "high", "Remove create on serviceaccounts/token from the role; only identities that mint short-lived tokens need it."),
  (p) => grants(p.apiGroups, "") && coversResource(p.resources, "serviceaccounts/token") && grants(p.verbs, "create"),
  (r, p) => `${describe(r)} rule ${p.index} can create service account tokens; remove create on serviceaccounts/token.`,
);

export const noPodExecAttach = roleRule(
  nsaCisa("RBAC-1", "nsa-rbac-no-pod-exec-attach", "Roles do not grant exec into or attach to running pods", "high", "Remove pods/exec and pods/attach from the role; debug through logs, ephemeral containers under audit, or a break-glass role with an exemption.", [
    "Polaris rolePodExecAttach",
    "Polaris clusterrolePodExecAttach",
  ]),
  (p) => grants(p.apiGroups, "") && (coversResource(p.resources, "pods/exec") || coversResource(p.resources, "pods/attach")) && grants(p.verbs, "create", "get"),
  (r, p) => `${describe(r)} rule ${p.index} lets subjects exec into or attach to pods; remove pods/exec and pods/attach.`,
);

export const noRoleNamedClusterAdmin: ResourceRule = {
  meta: nsaCisa("RBAC-2", "nsa-rbac-no-role-named-cluster-admin", "RoleBindings do not bind a namespaced Role named cluster-admin", "medium", "Rename the Role after what it grants, and bind the narrowest role; a Role called cluster-admin hides what the binding gives.", [
    "Polaris rolebindingClusterAdminRole",
  ]),
  types: (t) => isRbac(t, ["RoleBinding"]),
  check(r) {
    const ref = objectOf(r.props.roleRef);
    if (isUnknown(r.props.roleRef) || isUnknown(ref?.name)) return [cannotTellYet(describe(r), "roleRef.name", "nsa-rbac-no-role-named-cluster-admin")];
    return ref?.kind === "Role" && ref.name === "cluster-admin" ? [{ message: `${describe(r)} binds a Role named cluster-admin; rename the Role after what it grants and bind only that.` }] : [];
  },
};
