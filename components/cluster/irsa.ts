import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy } from "./iam";

/** What an IRSA role needs to know about the cluster's identity provider. */
export interface OidcIdentity {
  readonly providerArn: pulumi.Output<string>;
  readonly issuerUrl: pulumi.Output<string>;
}

/**
 * An IAM role only one Kubernetes service account can assume. The role is auto-named (Pulumi adds a random suffix),
 * so the same component in two regions or stacks never collides on IAM's global names.
 */
export function createIrsaRole(
  name: string,
  args: {
    oidc: OidcIdentity;
    namespace: string;
    serviceAccount: string;
    /** AWS-managed policy paths under `arn:<partition>:iam::aws:policy/`, e.g. `AmazonEKS_CNI_Policy`. */
    managedPolicies?: readonly string[];
    partition: pulumi.Input<string>;
    inlinePolicy?: pulumi.Input<string>;
    tags?: Record<string, string>;
  },
  parent: pulumi.Resource,
): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    {
      description: `IRSA for ${args.namespace}/${args.serviceAccount}`,
      assumeRolePolicy: pulumi
        .all([args.oidc.providerArn, args.oidc.issuerUrl])
        .apply(([oidcProviderArn, issuerUrl]) => irsaTrustPolicy({ oidcProviderArn, issuerUrl, namespace: args.namespace, serviceAccount: args.serviceAccount })),
      tags: args.tags,
    },
    { parent },
  );
  attachManagedPolicies(name, role, args.managedPolicies ?? [], args.partition, parent);
  if (args.inlinePolicy !== undefined) new aws.iam.RolePolicy(name, { role: role.id, policy: args.inlinePolicy }, { parent });
  return role;
}

/** Attaches AWS-managed policies, one child per policy named after the policy (stable when the list changes). */
export function attachManagedPolicies(
  name: string,
  role: aws.iam.Role,
  policies: readonly string[],
  partition: pulumi.Input<string>,
  parent: pulumi.Resource,
): aws.iam.RolePolicyAttachment[] {
  return policies.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${policy.split("/").pop()}`,
        { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` },
        { parent },
      ),
  );
}
