/**
 * The mesh objects an HaService registers when `mesh` is set: the identity AuthorizationPolicy from its declared
 * callers and, for a service the load balancer reaches, the one-port plaintext exception to STRICT mTLS.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { authorizationPolicySpecOf, ISTIO_SECURITY_API_VERSION, plaintextPortPeerAuthenticationSpecOf } from "../mesh/meshPolicy";
import { ResolvedHaService } from "./haServiceArgs";
import { metadataOf, selectorLabelsOf } from "./haServiceSpec";

/**
 * Caller namespaces as mesh identities. A caller declared with pod labels is admitted by its namespace's identity
 * here (Istio identities are service accounts, not labels); the NetworkPolicy keeps the narrower pod-label match.
 */
export function callerNamespacesOf(r: ResolvedHaService): string[] {
  const namespaces = r.allowedCallers.map((c) => c.namespace);
  if (r.expose?.ingressControllerNamespace) namespaces.push(r.expose.ingressControllerNamespace);
  return [...new Set(namespaces)].sort();
}

export function createMeshObjects(name: string, r: ResolvedHaService, parent: pulumi.Resource): void {
  if (!r.mesh) return;
  const crdDeps = r.mesh.controlPlane ? [r.mesh.controlPlane] : [];
  const plaintextCidrs = r.expose?.loadBalancerCidrs ?? [];
  new k8s.apiextensions.CustomResource(`${name}-authz`, {
    apiVersion: ISTIO_SECURITY_API_VERSION,
    kind: "AuthorizationPolicy",
    metadata: metadataOf(r),
    spec: authorizationPolicySpecOf({ selectorLabels: selectorLabelsOf(r), port: r.port, callerNamespaces: callerNamespacesOf(r), plaintextCidrs }),
  }, { parent, dependsOn: crdDeps });
  if (plaintextCidrs.length > 0) {
    new k8s.apiextensions.CustomResource(`${name}-peer-auth`, {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: "PeerAuthentication",
      metadata: metadataOf(r),
      spec: plaintextPortPeerAuthenticationSpecOf(selectorLabelsOf(r), r.port),
    }, { parent, dependsOn: crdDeps });
  }
}
