/**
 * IAM roles for Kubernetes service accounts (IRSA): trust policies that only one service account can assume.
 *
 * IRSA rather than EKS Pod Identity: it needs nothing in the cluster beyond the OIDC provider the cluster component
 * already creates (Pod Identity needs the `eks-pod-identity-agent` add-on on every node), the whole grant is visible
 * in one IAM trust policy that Access Analyzer and reviews can read, and the same mechanism serves platform add-ons
 * (External Secrets) and tenants. The trust policy pins both `sub` (namespace + service account) and `aud`, so a
 * token minted for another audience or another service account cannot assume the role.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { irsaTrustPolicyDocument, issuerHostPath, serviceAccountSubject } from "../shared/iam";

export { issuerHostPath, serviceAccountSubject, STS_AUDIENCE } from "../shared/iam";

/** Trust policy letting exactly the given service accounts assume a role through the cluster's OIDC provider. */
export function irsaTrustPolicy(oidcProviderArn: string, oidcIssuer: string, subjects: readonly string[]): Record<string, unknown> {
  return irsaTrustPolicyDocument(oidcProviderArn, issuerHostPath(oidcIssuer), subjects);
}

export interface IrsaRoleArgs {
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly description: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A role only `namespace/serviceAccount` in this cluster can assume. Auto-named: no collisions across stacks. */
export function irsaRole(name: string, args: IrsaRoleArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const subject = serviceAccountSubject(args.namespace, args.serviceAccount);
  return new aws.iam.Role(
    name,
    {
      description: args.description,
      assumeRolePolicy: pulumi
        .all([args.oidcProviderArn, args.oidcIssuer])
        .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicy(arn, issuer, [subject]))),
      maxSessionDuration: 3600,
      tags: args.tags ? { ...args.tags } : undefined,
    },
    opts,
  );
}

/** AWS-managed policies that are never least privilege for a workload. */
export const FORBIDDEN_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/** True when a policy ARN known at plan time is one of the forbidden broad managed policies. */
export function isForbiddenPolicyArn(arn: unknown): boolean {
  return typeof arn === "string" && FORBIDDEN_MANAGED_POLICIES.some((p) => arn.endsWith(`:policy/${p}`));
}
