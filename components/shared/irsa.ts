/**
 * The one IRSA role factory: an IAM role that exactly one Kubernetes service account of one cluster can assume,
 * with its inline policy and managed-policy attachments. Every area (cluster add-ons, ingress controllers,
 * monitoring, security, supply chain) builds its roles here, so the trust policy, the naming of children and the
 * session limit are the same everywhere.
 *
 * Children are named after the role and, for attachments, after the policy (its last path segment), never after a
 * position: removing one policy from the list must not rename (and so replace) the others.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicyDocument, issuerHostPath, serviceAccountSubject } from "./iam";

export interface IrsaRoleArgs {
  /** ARN of the cluster's IAM OIDC provider. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/…`). */
  readonly oidcIssuer: pulumi.Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** @default `IRSA for <namespace>/<serviceAccount>` */
  readonly description?: string;
  /** Inline policy document (JSON). @default none */
  readonly inlinePolicy?: pulumi.Input<string>;
  /** Child name of the inline policy. @default `<name>-policy` */
  readonly inlinePolicyName?: string;
  /**
   * Managed policies to attach: full ARNs, or AWS-managed policy paths (`AmazonEKS_CNI_Policy`,
   * `service-role/…`) expanded with `partition`. Each attachment is named `<name>-<policy name>`. @default none
   */
  readonly managedPolicies?: readonly string[];
  /** Partition for AWS-managed policy paths. @default "aws" */
  readonly partition?: pulumi.Input<string>;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The IRSA trust policy as JSON: only `namespace/serviceAccount`, only the STS audience. */
export function irsaTrustPolicyJson(oidcProviderArn: pulumi.Input<string>, oidcIssuer: pulumi.Input<string>, namespace: string, serviceAccount: string): pulumi.Output<string> {
  return pulumi
    .all([oidcProviderArn, oidcIssuer])
    .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicyDocument(arn, issuerHostPath(issuer), [serviceAccountSubject(namespace, serviceAccount)])));
}

/** The policy's own name, the last segment of its path or ARN: `arn:aws:iam::aws:policy/service-role/X` → `X`. */
export function policyName(policy: string): string {
  return policy.split("/").pop() ?? policy;
}

/** Attaches managed policies to a role, one child per policy named after it (stable when the list changes). */
export function attachPolicies(
  name: string,
  role: aws.iam.Role,
  policies: readonly string[],
  opts: pulumi.CustomResourceOptions,
  partition: pulumi.Input<string> = "aws",
  aliasesOf: (policy: string, index: number) => pulumi.Input<pulumi.Alias>[] = () => [],
): aws.iam.RolePolicyAttachment[] {
  return policies.map((policy, i) => {
    const policyArn = policy.startsWith("arn:") ? policy : pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;
    const aliases = aliasesOf(policy, i);
    return new aws.iam.RolePolicyAttachment(`${name}-${policyName(policy)}`, { role: role.name, policyArn }, aliases.length > 0 ? { ...opts, aliases } : opts);
  });
}

/** The role, its inline policy and its attachments. Auto-named (Pulumi suffixes it): no collisions across stacks. */
export function createIrsaRole(name: string, args: IrsaRoleArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    {
      description: args.description ?? `IRSA for ${args.namespace}/${args.serviceAccount}`,
      assumeRolePolicy: irsaTrustPolicyJson(args.oidcProviderArn, args.oidcIssuer, args.namespace, args.serviceAccount),
      maxSessionDuration: 3600,
      tags: args.tags ? { ...args.tags } : undefined,
    },
    opts,
  );
  if (args.inlinePolicy !== undefined) {
    new aws.iam.RolePolicy(args.inlinePolicyName ?? `${name}-policy`, { role: role.name, policy: args.inlinePolicy }, opts);
  }
  attachPolicies(name, role, args.managedPolicies ?? [], opts, args.partition);
  return role;
}

/** Service-account annotation that makes EKS inject the role's credentials. */
export function irsaAnnotation(role: aws.iam.Role): Record<string, pulumi.Output<string>> {
  return { "eks.amazonaws.com/role-arn": role.arn };
}
