/**
 * IRSA roles of the monitoring stack: the platform's one factory (components/shared/irsa.ts), re-exported under the
 * names this area has always used.
 */
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicyJson } from "../shared/irsa";

export { createIrsaRole as irsaRole, irsaAnnotation, IrsaRoleArgs } from "../shared/irsa";

/** Trust policy for `system:serviceaccount:<namespace>:<serviceAccount>` through the cluster's OIDC provider. */
export function irsaTrustPolicy(oidcProviderArn: pulumi.Input<string>, oidcIssuer: pulumi.Input<string>, namespace: string, serviceAccount: string): pulumi.Output<string> {
  return irsaTrustPolicyJson(oidcProviderArn, oidcIssuer, namespace, serviceAccount);
}
