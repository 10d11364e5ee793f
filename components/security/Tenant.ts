/**
 * One team's slice of a cluster: its namespaces, isolated and capped, the Kubernetes permissions of its IAM roles,
 * and the AWS identities of its workloads.
 *
 * Kubernetes objects take the cluster's `k8s.Provider`, AWS resources the regional `aws.Provider`:
 * `new Tenant(name, args, { providers: [awsProvider, cluster.provider] })`.
 */
import * as pulumi from "@pulumi/pulumi";
import { PodSecurityLevel } from "./psa";
import { EgressRule, IngressRule } from "./networkPolicies";
import { LimitSettings, QuotaSettings, WorkloadFootprint } from "./quota";
import { Environment, environmentProfile } from "../shared/environment";
import { validateTenantArgs } from "./tenantValidation";
import { TenantContext, teamAccessEntries, tenantKey, tenantNamespaces, workloadIdentities } from "./tenantPieces";

export { roleNameOf, tenantPolicyAttachments, tenantProblems, validateTenantArgs } from "./tenantValidation";
export { tenantKeyAlias, tenantKeyUsePolicy } from "./tenantPieces";


/** A workload identity: a Kubernetes ServiceAccount and the IAM role only it can assume (IRSA). */
export interface TenantServiceAccount {
  /** ServiceAccount name (DNS label). */
  readonly name: string;
  /** Namespace of the ServiceAccount. @default the tenant's first namespace */
  readonly namespace?: string;
  /**
   * Managed policies attached to the role, each named: the attachment is `<tenant>-sa-<namespace>-<name>-policy-<name>`,
   * so adding or removing one never renames (and so detaches and re-attaches) another. The ARN may be an output.
   * Broad AWS-managed ones (AdministratorAccess, …) are rejected. @default none
   */
  readonly policies?: readonly TenantPolicyAttachment[];
  /**
   * @deprecated Use `policies`. ARNs known when the program runs, each attachment named after the policy's own name
   * (the ARN's last segment) and aliased from the index name earlier versions gave it (`…-policy-<index>`), so
   * upgrading updates it in place; an output here is refused (it cannot name a resource): move it to `policies`
   * with `formerIndex`. Change the list only after one `pulumi up` with this version: until then the aliases are by
   * position. @default none
   */
  readonly policyArns?: readonly pulumi.Input<string>[];
  /** An inline policy document (JSON) for the role. */
  readonly inlinePolicy?: pulumi.Input<string>;
}

/** One managed-policy attachment of a workload identity, named by a stable key. */
export interface TenantPolicyAttachment {
  /** Names the attachment (`…-policy-<name>`): what the policy grants, e.g. `orders-table`. Not only digits. */
  readonly name: string;
  /** The managed policy's ARN; may be an output, e.g. `new aws.iam.Policy(...).arn`. */
  readonly policyArn: pulumi.Input<string>;
  /**
   * The position this policy had in the deprecated `policyArns`: the attachment is aliased from that old index name
   * (`…-policy-<formerIndex>`), so moving it to `policies` updates it in place instead of detaching the policy.
   * @default no alias
   */
  readonly formerIndex?: number;
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

/** The Kubernetes group the team's access entries carry. */
export function tenantGroup(tenant: string): string {
  return `tenant-${tenant}-edit`;
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
    validateTenantArgs(name, args);
    super("production-platform:security:Tenant", name, {}, opts);

    const tenant = args.tenant;
    const group = tenantGroup(tenant);
    const c: TenantContext = {
      name,
      parent: this,
      args,
      namespaceNames: [...(args.namespaces ?? [tenant])],
      group,
      protect: args.protect ?? environmentProfile(args.environment).protect,
      tags: { ...args.tags, "production-platform/tenant": tenant, environment: args.environment },
    };

    const namespaces = tenantNamespaces(c);
    teamAccessEntries(c);
    const { key, alias } = tenantKey(c);
    const roleArns = workloadIdentities(c, namespaces, key);

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
