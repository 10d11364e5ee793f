/**
 * The pieces of a Tenant, one function each, in the order the component creates them: the namespaces with their
 * guardrails and edit Role, the team's EKS access entries, the optional KMS key, and the workload identities.
 * Child names are the component's own (`<name>-…`): moving a piece here renames nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { PodSecurityLevels } from "./psa";
import { quotaForWorkloads, resolveLimits } from "./quota";
import { tenantRoleRules } from "./rbac";
import { createNamespaceGuardrails } from "./namespaceGuardrails";
import { ADDON_NAMESPACES, EXTERNAL_SECRETS_ACCESS_LABEL } from "./systemNamespaces";
import { irsaRole, serviceAccountSubject } from "./iam";
import { roleNameOf, tenantPolicyAttachments } from "./tenantValidation";
import type { TenantArgs, TenantServiceAccount } from "./Tenant";

/** What every piece needs: the component (parent and name prefix), its arguments and the choices resolved once. */
export interface TenantContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly args: TenantArgs;
  /** The namespaces, as given (or the tenant's own name). */
  readonly namespaceNames: readonly string[];
  /** The Kubernetes group of the team's access entries. */
  readonly group: string;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
}

/** Each namespace with its guardrails, and the tenant's edit Role bound to the team's group in it. */
export function tenantNamespaces(c: TenantContext): pulumi.Output<string>[] {
  const { name, args, parent, group, protect } = c;
  const tenant = args.tenant;
  const level = args.podSecurityLevel ?? PodSecurityLevels.Restricted;
  const rules = tenantRoleRules({
    allowSecretsRead: args.allowSecretsRead ?? false,
    allowPodExec: args.allowPodExec ?? false,
    allowExternalSecrets: args.externalSecrets ?? false,
  });
  return c.namespaceNames.map((ns) => {
    const { name: namespaceName } = createNamespaceGuardrails(
      `${name}-${ns}`,
      {
        namespace: ns,
        kubernetesVersion: args.kubernetesVersion,
        podSecurityLevel: level,
        labels: {
          "production-platform/tenant": tenant,
          ...(args.externalSecrets ? { [EXTERNAL_SECRETS_ACCESS_LABEL]: "true" } : {}),
        },
        annotations: level === PodSecurityLevels.Restricted ? undefined : { "production-platform/pod-security-reason": args.podSecurityReason as string },
        allowSameNamespace: args.allowSameNamespace ?? true,
        egress: args.egress ?? [],
        ingress: args.ingress ?? [{ name: "monitoring", namespace: ADDON_NAMESPACES.Monitoring }],
        quota: quotaForWorkloads(args.workloads ?? [], args.quota),
        limits: resolveLimits(args.limits),
        protect,
      },
      parent,
    );
    const role = new k8s.rbac.v1.Role(`${name}-${ns}-edit-role`, { metadata: { name: group, namespace: namespaceName }, rules }, { parent });
    new k8s.rbac.v1.RoleBinding(
      `${name}-${ns}-edit-binding`,
      {
        metadata: { name: group, namespace: namespaceName },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
      },
      { parent },
    );
    return namespaceName;
  });
}

/**
 * Access entries carry only a group: no EKS access policy is associated, so the team's whole Kubernetes
 * permission set is the namespaced Role of `tenantNamespaces` (the managed AmazonEKSEditPolicy would also grant Secrets).
 */
export function teamAccessEntries(c: TenantContext): void {
  const { name, args, parent, group, tags } = c;
  for (const arn of args.teamRoleArns ?? []) {
    new aws.eks.AccessEntry(
      `${name}-access-${roleNameOf(arn)}`,
      { clusterName: args.clusterName, principalArn: arn, kubernetesGroups: [group], type: "STANDARD", tags },
      { parent },
    );
  }
}

/** The tenant's KMS key and its alias, when `kms` is on. */
export function tenantKey(c: TenantContext): { key?: aws.kms.Key; alias?: aws.kms.Alias } {
  const { name, args, parent, protect, tags } = c;
  if (!args.kms) return {};
  const key = new aws.kms.Key(
    `${name}-key`,
    {
      description: `Tenant ${args.tenant} (${args.environment}) data key`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    },
    { parent, protect },
  );
  const alias = new aws.kms.Alias(`${name}-key-alias`, { name: tenantKeyAlias(args.tenant), targetKeyId: key.keyId }, { parent });
  return { key, alias };
}

/**
 * Each workload identity: its IRSA role with policies (and use of the tenant key), and the ServiceAccount that
 * carries the role. Returns the role ARNs keyed `<namespace>/<serviceAccount>`.
 */
export function workloadIdentities(c: TenantContext, namespaces: readonly pulumi.Output<string>[], key: aws.kms.Key | undefined): Record<string, pulumi.Output<string>> {
  const { name, args, parent, namespaceNames, tags } = c;
  const roleArns: Record<string, pulumi.Output<string>> = {};
  for (const sa of args.serviceAccounts ?? []) {
    const ns = sa.namespace ?? namespaceNames[0];
    const base = `${name}-sa-${ns}-${sa.name}`;
    const role = irsaRole(
      `${base}-role`,
      {
        oidcProviderArn: args.oidcProviderArn as pulumi.Input<string>,
        oidcIssuer: args.oidcIssuer as pulumi.Input<string>,
        namespace: ns,
        serviceAccount: sa.name,
        description: `IRSA for ${serviceAccountSubject(ns, sa.name)}`,
        tags,
      },
      { parent },
    );
    attachTenantPolicies(base, role, sa, parent);
    if (sa.inlinePolicy !== undefined) {
      new aws.iam.RolePolicy(`${base}-inline`, { role: role.id, policy: sa.inlinePolicy }, { parent });
    }
    if (key) {
      new aws.iam.RolePolicy(`${base}-kms`, { role: role.id, policy: tenantKeyUsePolicy(key.arn) }, { parent });
    }
    const index = namespaceNames.indexOf(ns);
    new k8s.core.v1.ServiceAccount(
      base,
      {
        metadata: {
          name: sa.name,
          namespace: namespaces[index],
          annotations: { "eks.amazonaws.com/role-arn": role.arn },
        },
        // The IRSA token is projected by the EKS webhook independently of this flag; the API token is not needed.
        automountServiceAccountToken: false,
      },
      { parent },
    );
    roleArns[`${ns}/${sa.name}`] = role.arn;
  }
  return roleArns;
}

/**
 * The service account's managed-policy attachments, one child per attachment named after its key
 * (tenantPolicyAttachments), never after its position; `formerIndex` aliases the name earlier versions used.
 */
function attachTenantPolicies(base: string, role: aws.iam.Role, sa: TenantServiceAccount, parent: pulumi.Resource): void {
  for (const a of tenantPolicyAttachments(sa)) {
    const aliases = a.formerIndex === undefined ? undefined : [{ name: `${base}-policy-${a.formerIndex}` }];
    new aws.iam.RolePolicyAttachment(`${base}-policy-${a.name}`, { role: role.name, policyArn: a.policyArn }, { parent, aliases });
  }
}

/** KMS alias of a tenant's key; includes the stack because aliases are unique per account and region. */
export function tenantKeyAlias(tenant: string): string {
  return `alias/platform/${pulumi.getStack().replace(/[^a-zA-Z0-9_-]/g, "-")}/tenant/${tenant}`;
}

/** Lets a workload role use (not administer) the tenant key. */
export function tenantKeyUsePolicy(keyArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "UseTenantKey",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: keyArn,
      },
    ],
  });
}
