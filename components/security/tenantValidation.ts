/**
 * Tenant argument validation, following the validation contract (docs/architecture.md, "Validation"):
 * `tenantProblems(args)` returns every problem and never throws; `validateTenantArgs(name, args)` throws them.
 */
import * as pulumi from "@pulumi/pulumi";
import { argsObjectProblems, checkOptionalBoolean, checkOptionalObject, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { environmentProblems } from "../shared/environment";
import { POD_SECURITY_LEVELS, PodSecurityLevels, checkKubernetesVersion } from "./psa";
import { checkEgressRules, checkIngressRules, isDnsLabel } from "./networkPolicies";
import { checkQuotaAndLimits, checkWorkloadFootprints, checkWorkloadsFitQuota, quotaForWorkloads, resolveLimits } from "./quota";
import { isReservedNamespace } from "./systemNamespaces";
import { isForbiddenPolicyArn } from "./iam";
import { policyName } from "../shared/irsa";
import type { TenantArgs, TenantPolicyAttachment, TenantServiceAccount } from "./Tenant";

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
/** What may name a policy attachment: IAM's policy-name characters, so a managed policy's own name always fits. */
const ATTACHMENT_NAME = /^[\w+=,.@-]{1,128}$/;

/** The name of an IAM role from its ARN (`arn:aws:iam::1:role/path/Name` → `Name`), or undefined. */
export function roleNameOf(arn: string): string | undefined {
  return ROLE_ARN.exec(arn)?.[1];
}

/**
 * The managed-policy attachments of a service account, each with the name that identifies its child resource:
 * `policies` entries by their declared `name`; the deprecated `policyArns` by the policy's own name (the last segment
 * of its ARN), with `formerIndex` set to its position so the attachment keeps its old index name as an alias.
 * Neither is ever named by position, so removing one attachment renames no other.
 */
export function tenantPolicyAttachments(sa: TenantServiceAccount): TenantPolicyAttachment[] {
  const legacy = (Array.isArray(sa.policyArns) ? sa.policyArns : []).map((policyArn, i) => ({
    name: typeof policyArn === "string" ? policyName(policyArn) : `policyArns-${i}`,
    policyArn,
    formerIndex: i,
  }));
  return [...(Array.isArray(sa.policies) ? sa.policies : []), ...legacy];
}

/** Every problem with the arguments, reported together; never throws, whatever it is given. */
export function tenantProblems(args: TenantArgs): Problem[] {
  const shape = argsObjectProblems(args, "Tenant");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(environmentProblems(args.environment));
  problems.check(isDnsLabel(args.tenant, 40), {
    property: "tenant",
    value: args.tenant,
    rule: "a DNS label (lower-case letters, digits, '-') of at most 40 characters",
    fix: 'name the tenant after the team, e.g. "payments"',
  });
  checkKubernetesVersion(problems, "kubernetesVersion", args.kubernetesVersion);
  const namespaces = checkNamespaces(problems, args);
  checkPodSecurity(problems, args);
  checkTeamRoles(problems, listField(problems, "teamRoleArns", args.teamRoleArns));
  checkEgressRules(problems, "egress", listField(problems, "egress", args.egress));
  checkIngressRules(problems, "ingress", listField(problems, "ingress", args.ingress));
  const workloads = checkWorkloadFootprints(problems, "workloads", listField(problems, "workloads", args.workloads));
  // Non-object settings are reported; the defaults are judged in their place.
  const explicitQuota = checkOptionalObject(problems, "quota", args.quota, "of ResourceQuota caps { requestsCpu, requestsMemory, pods, ... }") ? args.quota ?? undefined : undefined;
  const limits = resolveLimits(checkOptionalObject(problems, "limits", args.limits, "of container defaults and ceilings { defaultCpu, maxMemory, ... }") ? args.limits ?? undefined : undefined);
  const quota = quotaForWorkloads(workloads, explicitQuota);
  checkQuotaAndLimits(problems, quota, limits);
  checkWorkloadsFitQuota(problems, "quota", workloads, quota, limits);
  for (const key of ["allowSecretsRead", "allowPodExec", "allowSameNamespace", "externalSecrets", "kms"] as const) checkOptionalBoolean(problems, key, args[key]);
  checkServiceAccounts(problems, args, namespaces);
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the Tenant constructor calls first. */
export function validateTenantArgs(name: string, args: TenantArgs): void {
  throwIfProblems(`Tenant "${name}"`, tenantProblems(args));
}

/** The namespaces (default: one named after the tenant), each a DNS label, not a system one, listed once. */
function checkNamespaces(problems: Problems, args: TenantArgs): readonly string[] {
  const tenantOk = isDnsLabel(args.tenant, 40);
  const namespaces = args.namespaces === undefined ? [args.tenant] : listField(problems, "namespaces", args.namespaces);
  problems.check(namespaces.length > 0, {
    property: "namespaces",
    value: args.namespaces,
    rule: "at least one namespace",
    fix: "leave namespaces out to get one named after the tenant, or list them",
  });
  // A namespace derived from an invalid tenant name would only repeat the tenant problem.
  (args.namespaces !== undefined || tenantOk ? namespaces : []).forEach((ns, i) => {
    if (!problems.check(isDnsLabel(ns), {
      property: `namespaces[${i}]`,
      value: ns,
      rule: "a DNS label of at most 63 characters",
      fix: "use lower-case letters, digits and '-'",
    })) return;
    problems.check(!isReservedNamespace(ns), {
      property: `namespaces[${i}]`,
      value: ns,
      rule: "not a system or platform namespace (default, kube-*, external-secrets, cert-manager, monitoring)",
      fix: `pick a team-specific name, e.g. "${args.tenant}-${ns}"`,
    });
    problems.check(namespaces.indexOf(ns) === i, {
      property: `namespaces[${i}]`,
      value: ns,
      rule: "listed once",
      fix: "remove the duplicate",
    });
  });
  return namespaces;
}

/** A known Pod Security level; a relaxation needs a written reason. */
function checkPodSecurity(problems: Problems, args: TenantArgs): void {
  const level = args.podSecurityLevel ?? PodSecurityLevels.Restricted;
  if (!problems.check(POD_SECURITY_LEVELS.includes(level), {
    property: "podSecurityLevel",
    value: args.podSecurityLevel,
    rule: `one of ${POD_SECURITY_LEVELS.map((l) => JSON.stringify(l)).join(", ")}`,
    fix: "leave it out for restricted",
  })) return;
  problems.check(level === PodSecurityLevels.Restricted || (typeof args.podSecurityReason === "string" && args.podSecurityReason.trim().length >= 10), {
    property: "podSecurityReason",
    value: args.podSecurityReason,
    rule: `a written reason (10+ characters) when podSecurityLevel is relaxed to "${level}"`,
    fix: "say which workload needs what (e.g. hostPath for a log shipper), or drop the relaxation",
  });
}

/** Each team role an IAM role ARN (access entries are named after the role), each role name once. */
function checkTeamRoles(problems: Problems, arns: readonly string[]): void {
  const roleNames = new Set<string>();
  arns.forEach((arn, i) => {
    const roleName = typeof arn === "string" ? roleNameOf(arn) : undefined;
    if (!problems.check(roleName !== undefined, {
      property: `teamRoleArns[${i}]`,
      value: arn,
      rule: "an IAM role ARN arn:aws:iam::<account>:role/<name> (not a user, not the account root)",
      fix: "grant access to a role the team assumes (e.g. its SSO permission-set role)",
    })) return;
    problems.check(!roleNames.has(roleName as string), {
      property: `teamRoleArns[${i}]`,
      value: arn,
      rule: "a role name not already listed",
      fix: "list each role once",
    });
    roleNames.add(roleName as string);
  });
}

/** Service accounts: OIDC set, a DNS label other than `default`, in a tenant namespace, each once, policies sane. */
function checkServiceAccounts(problems: Problems, args: TenantArgs, namespaces: readonly string[]): void {
  const serviceAccounts = listField(problems, "serviceAccounts", args.serviceAccounts);
  if (serviceAccounts.length > 0) {
    problems.check(args.oidcProviderArn !== undefined && args.oidcIssuer !== undefined, {
      property: "oidcProviderArn",
      value: args.oidcProviderArn,
      rule: "set, with oidcIssuer, when serviceAccounts are declared",
      fix: "pass the cluster's oidcProviderArn and oidcIssuer outputs",
    });
  }
  const seen = new Set<string>();
  serviceAccounts.forEach((sa, i) => {
    const at = `serviceAccounts[${i}]`;
    if (!problems.check(typeof sa === "object" && sa !== null, { property: at, value: sa, rule: "an object with a name", fix: `write ${at} as { name: "<service account>" }` })) return;
    problems.check(isDnsLabel(sa.name), { property: `${at}.name`, value: sa.name, rule: "a DNS label of at most 63 characters", fix: "use lower-case letters, digits and '-'" });
    problems.check(sa.name !== "default", {
      property: `${at}.name`,
      value: sa.name,
      rule: 'not "default" (the default ServiceAccount is shared by every pod that names none)',
      fix: "give the workload its own ServiceAccount name",
    });
    const ns = sa.namespace ?? namespaces[0];
    problems.check(namespaces.includes(ns), {
      property: `${at}.namespace`,
      value: sa.namespace,
      rule: `one of the tenant's namespaces (${namespaces.join(", ")})`,
      fix: "put the ServiceAccount in a namespace of this tenant",
    });
    problems.check(!seen.has(`${ns}/${sa.name}`), { property: at, value: `${ns}/${sa.name}`, rule: "each namespace/name once", fix: "merge the two entries" });
    seen.add(`${ns}/${sa.name}`);
    checkPolicyAttachments(problems, at, sa);
  });
}

/**
 * Policy attachments: each named (the name is the attachment's identity, so it must be known at plan time — an
 * output, such as a policy created in the same program, cannot name anything), each name once, none of the broad
 * AWS-managed policies.
 */
function checkPolicyAttachments(problems: Problems, at: string, sa: TenantServiceAccount): void {
  const policies = listField(problems, `${at}.policies`, sa.policies);
  const policyArns = listField(problems, `${at}.policyArns`, sa.policyArns);
  policies.forEach((p, j) => {
    const prop = `${at}.policies[${j}]`;
    if (!problems.check(typeof p === "object" && p !== null, { property: prop, value: p, rule: "an object { name, policyArn }", fix: `write ${prop} as { name: "orders-table", policyArn: policy.arn }` })) return;
    // Only digits is refused: `<sa>-policy-<digits>` is what the old index names were, so such a name could take
    // another attachment's old identity.
    problems.check(typeof p.name === "string" && ATTACHMENT_NAME.test(p.name) && !/^\d+$/.test(p.name), {
      property: `${prop}.name`,
      value: p.name,
      rule: "1 to 128 letters, digits or + = , . @ _ -, not only digits (it names the attachment, so it must not change when others do)",
      fix: 'name the attachment after what the policy grants, e.g. "orders-table"',
    });
    // A string or an output (an object); a number, boolean or list is not an ARN.
    problems.check(p.policyArn !== undefined && p.policyArn !== null && p.policyArn !== "" && ["string", "object"].includes(typeof p.policyArn) && !Array.isArray(p.policyArn), { property: `${prop}.policyArn`, value: p.policyArn, rule: "a policy ARN (an output is fine)", fix: "pass the policy's ARN, e.g. policy.arn" });
    if (p.formerIndex !== undefined) {
      problems.check(Number.isInteger(p.formerIndex) && p.formerIndex >= 0, { property: `${prop}.formerIndex`, value: p.formerIndex, rule: "a whole number ≥ 0: the policy's old position in policyArns", fix: "set it to the index the policy had in policyArns, or leave it out" });
    }
  });
  policyArns.forEach((arn, j) =>
    problems.check(typeof arn === "string", {
      property: `${at}.policyArns[${j}]`,
      value: pulumi.Output.isInstance(arn) ? "<output>" : arn,
      rule: "an ARN known when the program runs (policyArns entries are named after the policy; an output cannot name a resource)",
      fix: `move it to ${at}.policies as { name: "<what it grants>", policyArn: <the output>, formerIndex: ${j} } (formerIndex keeps the attachment in place)`,
    }),
  );
  // Entries already reported as malformed are not judged again.
  const attachments = tenantPolicyAttachments({ ...sa, policies, policyArns }).filter((a) => typeof a === "object" && a !== null);
  const names = new Set<string>();
  attachments.forEach((a) => {
    const where = attachmentProperty(at, sa, a);
    problems.check(!names.has(a.name), { property: where, value: a.name, rule: "each attachment name once per service account", fix: "give the attachments distinct names (two policies with the same name need policies entries with their own names)" });
    names.add(a.name);
    problems.check(!isForbiddenPolicyArn(a.policyArn), {
      property: where,
      value: a.policyArn,
      rule: "not AdministratorAccess, PowerUserAccess or IAMFullAccess",
      fix: "attach a policy that lists the actions and resources the workload uses",
    });
  });
}

function attachmentProperty(at: string, sa: TenantServiceAccount, a: TenantPolicyAttachment): string {
  const j = (sa.policies ?? []).indexOf(a);
  return j >= 0 ? `${at}.policies[${j}]` : `${at}.policyArns[${a.formerIndex}]`;
}
