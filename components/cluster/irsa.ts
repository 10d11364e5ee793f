/**
 * The cluster area's IRSA entry points, kept for callers of the package: both build on the platform's one factory
 * (components/shared/irsa.ts), so trust policy, child names (attachments named by policy) and session limit agree.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { attachPolicies, createIrsaRole as createRole } from "../shared/irsa";

/** What an IRSA role needs to know about the cluster's identity provider. */
export interface OidcIdentity {
  readonly providerArn: pulumi.Output<string>;
  readonly issuerUrl: pulumi.Output<string>;
}

/** An IAM role only one Kubernetes service account can assume; children as the shared factory names them. */
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
  return createRole(name, {
    oidcProviderArn: args.oidc.providerArn,
    oidcIssuer: args.oidc.issuerUrl,
    namespace: args.namespace,
    serviceAccount: args.serviceAccount,
    managedPolicies: args.managedPolicies,
    partition: args.partition,
    inlinePolicy: args.inlinePolicy,
    // This area has always named the inline policy after the role (a different type, so no clash): URNs stay.
    inlinePolicyName: name,
    tags: args.tags,
  }, { parent });
}

/** Attaches AWS-managed policies, one child per policy named after the policy (stable when the list changes). */
export function attachManagedPolicies(
  name: string,
  role: aws.iam.Role,
  policies: readonly string[],
  partition: pulumi.Input<string>,
  parent: pulumi.Resource,
): aws.iam.RolePolicyAttachment[] {
  return attachPolicies(name, role, policies, { parent }, partition);
}
