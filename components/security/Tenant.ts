/**
 * One team's slice of a cluster: its namespaces, isolated and capped, the Kubernetes permissions of its IAM roles,
 * and the AWS identities of its workloads.
 *
 * Kubernetes objects take the cluster's `k8s.Provider`, AWS resources the regional `aws.Provider`:
 * `new Tenant(name, args, { providers: [awsProvider, cluster.provider] })`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { Problems } from "../shared/validation";
import { PodSecurityLevel, PodSecurityLevels, POD_SECURITY_LEVELS, checkKubernetesVersion } from "./psa";
import { EgressRule, IngressRule, checkEgressRules, checkIngressRules, isDnsLabel } from "./networkPolicies";
import { LimitSettings, QuotaSettings, WorkloadFootprint, checkQuotaAndLimits, checkWorkloadsFitQuota, quotaForWorkloads, resolveLimits } from "./quota";
import { tenantRoleRules } from "./rbac";
import { createNamespaceGuardrails } from "./namespaceGuardrails";
import { ADDON_NAMESPACES, EXTERNAL_SECRETS_ACCESS_LABEL, isReservedNamespace } from "./systemNamespaces";
import { irsaRole, isForbiddenPolicyArn, serviceAccountSubject } from "./iam";
import { Environment, environmentProblems, environmentProfile } from "../shared/environment";

/** A workload identity: a Kubernetes ServiceAccount and the IAM role only it can assume (IRSA). */
export interface TenantServiceAccount {
  /** ServiceAccount name (DNS label). */
  readonly name: string;
  /** Namespace of the ServiceAccount. @default the tenant's first namespace */
  readonly namespace?: string;
  /** Managed policies attached to the role. Broad AWS-managed ones (AdministratorAccess, …) are rejected. */
  readonly policyArns?: readonly pulumi.Input<string>[];
  /** An inline policy document (JSON) for the role. */
  readonly inlinePolicy?: pulumi.Input<string>;
}

export interface TenantArgs {
  /** Team name (DNS label, ≤ 40 characters); names the namespace, the RBAC group and the tags. */
  readonly tenant: string;
  /** Namespaces of the tenant. @default one namespace named after the tenant */
  readonly namespaces?: readonly string[];
  /** `dev` | `staging` | `prod`; the environment profile turns on `protect` for namespaces and the KMS key (prod). */
  readonly environment: Environment;
  /** Cluster Kubernetes minor version, e.g. `"1.33"`; pins the PSA `-version` labels to `v1.33`. */
  readonly kubernetesVersion: string;
  /**
   * Pod Security Standard enforced. audit and warn stay at restricted either way, so a relaxation stays visible.
   * @default restricted
   */
  readonly podSecurityLevel?: PodSecurityLevel;
  /** Why a level other than restricted is needed. Required with any relaxation; recorded as a namespace annotation. */
  readonly podSecurityReason?: string;
  /** EKS cluster name, for the access entries of `teamRoleArns`. */
  readonly clusterName: pulumi.Input<string>;
  /**
   * IAM roles of the team. Each gets an EKS access entry (type STANDARD) in the group `tenant-<tenant>-edit`, which
   * is bound to the tenant's namespaced Role in each namespace, and to nothing cluster-wide. An IAM principal can have
   * only one access entry per cluster: list a role under one tenant only.
   * @default no human access (workloads only)
   */
  readonly teamRoleArns?: readonly string[];
  /** Let the team read Secrets through the API. @default false */
  readonly allowSecretsRead?: boolean;
  /** Let the team exec/attach/port-forward into pods. @default false */
  readonly allowPodExec?: boolean;
  /** Let pods of a namespace talk to each other. @default true */
  readonly allowSameNamespace?: boolean;
  /**
   * Let the namespaces use the cluster's `aws-secrets-manager` ClusterSecretStore (labels them for it) and grant the
   * team ExternalSecret objects. @default false
   */
  readonly externalSecrets?: boolean;
  /** Destinations pods may reach, besides DNS (and the namespace itself). @default none */
  readonly egress?: readonly EgressRule[];
  /** Namespaces that may reach the tenant's pods. @default the `monitoring` namespace (Prometheus scrapes) */
  readonly ingress?: readonly IngressRule[];
  /**
   * Per-namespace caps. @default sized from `workloads` (Σ peak pods × requests and limits), never below
   * `DEFAULT_QUOTA` (4 CPU / 8Gi requested, 8 CPU / 16Gi limits, 50 pods, no LoadBalancer/NodePort)
   */
  readonly quota?: QuotaSettings;
  /**
   * The workloads the tenant runs in each namespace, at their peak (maxReplicas plus rollout surge). The quota is
   * sized from them, and an explicit `quota` they cannot fit is rejected before anything is registered.
   * @default none declared
   */
  readonly workloads?: readonly WorkloadFootprint[];
  /** Per-container defaults and ceiling. @default see `DEFAULT_LIMITS`: 100m/128Mi requested, 500m/512Mi limit */
  readonly limits?: LimitSettings;
  /** Create a customer-managed KMS key (rotation on) with alias `alias/platform/<stack>/tenant/<tenant>`. @default false */
  readonly kms?: boolean;
  /** Workload identities (IRSA). Needs `oidcProviderArn` and `oidcIssuer`. @default none */
  readonly serviceAccounts?: readonly TenantServiceAccount[];
  /** ARN of the cluster's IAM OIDC provider. */
  readonly oidcProviderArn?: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/…`). */
  readonly oidcIssuer?: pulumi.Input<string>;
  /** Protect namespaces and the KMS key from deletion. @default true when environment is `prod` */
  readonly protect?: boolean;
  /** Extra AWS tags. */
  readonly tags?: Readonly<Record<string, string>>;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

/** The name of an IAM role from its ARN (`arn:aws:iam::1:role/path/Name` → `Name`), or undefined. */
export function roleNameOf(arn: string): string | undefined {
  return ROLE_ARN.exec(arn)?.[1];
}

/** The Kubernetes group the team's access entries carry. */
export function tenantGroup(tenant: string): string {
  return `tenant-${tenant}-edit`;
}

/** Every problem with the arguments, reported together. */
export function validateTenantArgs(args: TenantArgs): Problems {
  const problems = new Problems().addAll(environmentProblems(args.environment));
  problems.check(isDnsLabel(args.tenant, 40), {
    property: "tenant",
    value: args.tenant,
    rule: "a DNS label (lower-case letters, digits, '-') of at most 40 characters",
    fix: 'name the tenant after the team, e.g. "payments"',
  });
  problems.check(typeof args.environment === "string" && args.environment.length > 0, {
    property: "environment",
    value: args.environment,
    rule: "a non-empty environment name",
    fix: 'set environment, e.g. "prod"',
  });
  checkKubernetesVersion(problems, "kubernetesVersion", args.kubernetesVersion);

  const tenantOk = isDnsLabel(args.tenant, 40);
  const namespaces = args.namespaces ?? [args.tenant];
  problems.check(namespaces.length > 0, {
    property: "namespaces",
    value: namespaces,
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

  const level = args.podSecurityLevel ?? PodSecurityLevels.Restricted;
  if (problems.check(POD_SECURITY_LEVELS.includes(level), {
    property: "podSecurityLevel",
    value: args.podSecurityLevel,
    rule: `one of ${POD_SECURITY_LEVELS.map((l) => JSON.stringify(l)).join(", ")}`,
    fix: "leave it out for restricted",
  })) {
    problems.check(level === PodSecurityLevels.Restricted || (args.podSecurityReason ?? "").trim().length >= 10, {
      property: "podSecurityReason",
      value: args.podSecurityReason,
      rule: `a written reason (10+ characters) when podSecurityLevel is relaxed to "${level}"`,
      fix: "say which workload needs what (e.g. hostPath for a log shipper), or drop the relaxation",
    });
  }

  const roleNames = new Set<string>();
  (args.teamRoleArns ?? []).forEach((arn, i) => {
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

  checkEgressRules(problems, "egress", args.egress ?? []);
  checkIngressRules(problems, "ingress", args.ingress ?? []);
  const quota = quotaForWorkloads(args.workloads ?? [], args.quota);
  checkQuotaAndLimits(problems, quota, resolveLimits(args.limits));
  checkWorkloadsFitQuota(problems, "quota", args.workloads ?? [], quota, resolveLimits(args.limits));

  const serviceAccounts = args.serviceAccounts ?? [];
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
    problems.check(isDnsLabel(sa.name), {
      property: `serviceAccounts[${i}].name`,
      value: sa.name,
      rule: "a DNS label of at most 63 characters",
      fix: "use lower-case letters, digits and '-'",
    });
    problems.check(sa.name !== "default", {
      property: `serviceAccounts[${i}].name`,
      value: sa.name,
      rule: 'not "default" (the default ServiceAccount is shared by every pod that names none)',
      fix: "give the workload its own ServiceAccount name",
    });
    const ns = sa.namespace ?? namespaces[0];
    problems.check(namespaces.includes(ns), {
      property: `serviceAccounts[${i}].namespace`,
      value: sa.namespace,
      rule: `one of the tenant's namespaces (${namespaces.join(", ")})`,
      fix: "put the ServiceAccount in a namespace of this tenant",
    });
    problems.check(!seen.has(`${ns}/${sa.name}`), {
      property: `serviceAccounts[${i}]`,
      value: `${ns}/${sa.name}`,
      rule: "each namespace/name once",
      fix: "merge the two entries",
    });
    seen.add(`${ns}/${sa.name}`);
    (sa.policyArns ?? []).forEach((arn, j) =>
      problems.check(!isForbiddenPolicyArn(arn), {
        property: `serviceAccounts[${i}].policyArns[${j}]`,
        value: arn,
        rule: "not AdministratorAccess, PowerUserAccess or IAMFullAccess",
        fix: "attach a policy that lists the actions and resources the workload uses",
      }),
    );
  });
  return problems;
}

export class Tenant extends pulumi.ComponentResource {
  /** Namespace names, resolved once the namespaces exist. */
  readonly namespaces: pulumi.Output<string[]>;
  /** Kubernetes group of the team's access entries, bound to the tenant Role in each namespace. */
  readonly editGroup: string;
  /** IAM role ARN per workload identity, keyed `<namespace>/<serviceAccount>`. */
  readonly serviceAccountRoleArns: pulumi.Output<Record<string, string>>;
  /** ARN of the tenant's KMS key, when `kms` is on. */
  readonly kmsKeyArn: pulumi.Output<string | undefined>;
  /** Alias of the tenant's KMS key, when `kms` is on. */
  readonly kmsAliasName: pulumi.Output<string | undefined>;

  constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before `super` so that invalid input registers nothing at all, not even the component.
    validateTenantArgs(args).throwIfAny(`Tenant "${name}"`);
    super("production-platform:security:Tenant", name, {}, opts);

    const tenant = args.tenant;
    const namespaceNames = [...(args.namespaces ?? [tenant])];
    const level = args.podSecurityLevel ?? PodSecurityLevels.Restricted;
    const protect = args.protect ?? environmentProfile(args.environment).protect;
    const group = tenantGroup(tenant);
    const tags = { ...args.tags, "production-platform/tenant": tenant, environment: args.environment };
    const rules = tenantRoleRules({
      allowSecretsRead: args.allowSecretsRead ?? false,
      allowPodExec: args.allowPodExec ?? false,
      allowExternalSecrets: args.externalSecrets ?? false,
    });

    const namespaces = namespaceNames.map((ns) => {
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
        this,
      );
      const role = new k8s.rbac.v1.Role(`${name}-${ns}-edit-role`, { metadata: { name: group, namespace: namespaceName }, rules }, { parent: this });
      new k8s.rbac.v1.RoleBinding(
        `${name}-${ns}-edit-binding`,
        {
          metadata: { name: group, namespace: namespaceName },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
          subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
        },
        { parent: this },
      );
      return namespaceName;
    });

    // Access entries carry only a group: no EKS access policy is associated, so the team's whole Kubernetes
    // permission set is the namespaced Role above (the managed AmazonEKSEditPolicy would also grant Secrets).
    for (const arn of args.teamRoleArns ?? []) {
      new aws.eks.AccessEntry(
        `${name}-access-${roleNameOf(arn)}`,
        { clusterName: args.clusterName, principalArn: arn, kubernetesGroups: [group], type: "STANDARD", tags },
        { parent: this },
      );
    }

    let key: aws.kms.Key | undefined;
    let alias: aws.kms.Alias | undefined;
    if (args.kms) {
      key = new aws.kms.Key(
        `${name}-key`,
        {
          description: `Tenant ${tenant} (${args.environment}) data key`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          tags,
        },
        { parent: this, protect },
      );
      alias = new aws.kms.Alias(`${name}-key-alias`, { name: tenantKeyAlias(tenant), targetKeyId: key.keyId }, { parent: this });
    }

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
        { parent: this },
      );
      (sa.policyArns ?? []).forEach((policyArn, i) =>
        new aws.iam.RolePolicyAttachment(`${base}-policy-${i}`, { role: role.name, policyArn }, { parent: this }),
      );
      if (sa.inlinePolicy !== undefined) {
        new aws.iam.RolePolicy(`${base}-inline`, { role: role.id, policy: sa.inlinePolicy }, { parent: this });
      }
      if (key) {
        new aws.iam.RolePolicy(`${base}-kms`, { role: role.id, policy: tenantKeyUsePolicy(key.arn) }, { parent: this });
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
        { parent: this },
      );
      roleArns[`${ns}/${sa.name}`] = role.arn;
    }

    this.namespaces = pulumi.all(namespaces);
    this.editGroup = group;
    this.serviceAccountRoleArns = pulumi.all(roleArns);
    this.kmsKeyArn = key ? key.arn : pulumi.output(undefined);
    this.kmsAliasName = alias ? alias.name : pulumi.output(undefined);
    this.registerOutputs({
      namespaces: this.namespaces,
      editGroup: this.editGroup,
      serviceAccountRoleArns: this.serviceAccountRoleArns,
      kmsKeyArn: this.kmsKeyArn,
      kmsAliasName: this.kmsAliasName,
    });
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
