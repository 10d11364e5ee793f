/**
 * IAM roles for Kubernetes service accounts (IRSA): the role trusts the cluster's OIDC provider for exactly one
 * service account, so no other pod can assume it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicyDocument, issuerHost, serviceAccountSubject } from "../shared/iam";

/** Trust policy for `system:serviceaccount:<namespace>:<serviceAccount>` through the cluster's OIDC provider. */
export function irsaTrustPolicy(
  oidcProviderArn: pulumi.Input<string>,
  oidcIssuer: pulumi.Input<string>,
  namespace: string,
  serviceAccount: string,
): pulumi.Output<string> {
  return pulumi
    .all([oidcProviderArn, oidcIssuer])
    .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicyDocument(arn, issuerHost(issuer), [serviceAccountSubject(namespace, serviceAccount)])));
}

export interface IrsaRoleArgs {
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Inline policy document (JSON). */
  readonly policy?: pulumi.Input<string>;
  /** AWS managed policies to attach, by ARN. */
  readonly managedPolicyArns?: readonly string[];
  readonly tags?: Record<string, string>;
}

/** Role (+ inline policy and attachments) for one service account; children are named after `name`. */
export function irsaRole(name: string, args: IrsaRoleArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: irsaTrustPolicy(args.oidcProviderArn, args.oidcIssuer, args.namespace, args.serviceAccount),
      description: `IRSA role for ${args.namespace}/${args.serviceAccount}`,
      tags: args.tags,
    },
    opts,
  );
  if (args.policy) {
    new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: args.policy }, opts);
  }
  for (const [i, arn] of (args.managedPolicyArns ?? []).entries()) {
    new aws.iam.RolePolicyAttachment(`${name}-managed-${i}`, { role: role.name, policyArn: arn }, opts);
  }
  return role;
}

/** Service-account annotation that makes EKS inject the role's credentials. */
export function irsaAnnotation(role: aws.iam.Role): Record<string, pulumi.Output<string>> {
  return { "eks.amazonaws.com/role-arn": role.arn };
}
