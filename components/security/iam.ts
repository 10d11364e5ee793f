/**
 * IAM roles for Kubernetes service accounts (IRSA): trust policies that only one service account can assume.
 *
 * IRSA rather than EKS Pod Identity: it needs nothing in the cluster beyond the OIDC provider the cluster component
 * already creates (Pod Identity needs the `eks-pod-identity-agent` add-on on every node), the whole grant is visible
 * in one IAM trust policy that Access Analyzer and reviews can read, and the same mechanism serves platform add-ons
 * (External Secrets) and tenants. The trust policy pins both `sub` (namespace + service account) and `aud`, so a
 * token minted for another audience or another service account cannot assume the role.
 */
import { irsaTrustPolicyDocument, issuerHostPath } from "../shared/iam";

export { issuerHostPath, serviceAccountSubject, STS_AUDIENCE } from "../shared/iam";

/** Trust policy letting exactly the given service accounts assume a role through the cluster's OIDC provider. */
export function irsaTrustPolicy(oidcProviderArn: string, oidcIssuer: string, subjects: readonly string[]): Record<string, unknown> {
  return irsaTrustPolicyDocument(oidcProviderArn, issuerHostPath(oidcIssuer), subjects);
}

/** The platform's one IRSA factory (components/shared/irsa.ts), under the name this area has always exported. */
export { createIrsaRole as irsaRole, IrsaRoleArgs } from "../shared/irsa";

/** AWS-managed policies that are never least privilege for a workload. */
export const FORBIDDEN_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/** True when a policy ARN known at plan time is one of the forbidden broad managed policies. */
export function isForbiddenPolicyArn(arn: unknown): boolean {
  return typeof arn === "string" && FORBIDDEN_MANAGED_POLICIES.some((p) => arn.endsWith(`:policy/${p}`));
}
