/**
 * The mesh objects an HaService registers when `mesh` is set: the identity AuthorizationPolicy enforced by ztunnel,
 * the one-port plaintext exception to STRICT mTLS for a service the load balancer reaches and, with a waypoint, the
 * caller policy attached at the waypoint plus the DestinationRule and VirtualService that carry circuit breaking,
 * outlier detection, the timeout and bounded retries.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { authorizationPolicySpecOf, CallerIdentity, ISTIO_SECURITY_API_VERSION, plaintextPortPeerAuthenticationSpecOf, waypointAuthorizationPolicySpecOf } from "../mesh/meshPolicy";
import { destinationRuleSpecOf, ISTIO_NETWORKING_API_VERSION, meshTrafficProblems, resolveMeshTraffic, serviceHostOf, virtualServiceSpecOf } from "../mesh/traffic";
import { waypointPrincipalOf } from "../mesh/waypoint";
import { argsObjectProblems, Problem, Problems } from "../shared/validation";
import { isDns1123Label } from "./names";
import { HaServiceArgs, ResolvedHaService } from "./haServiceArgs";
import { metadataOf, selectorLabelsOf } from "./haServiceSpec";
import { prometheusPrincipal } from "./haServiceMetrics";

/**
 * Callers as mesh identities: a caller that names its service account is admitted as that principal only; one
 * without, by its namespace. The in-cluster ingress controller's namespace is a caller too.
 */
export function callerIdentitiesOf(r: ResolvedHaService): CallerIdentity[] {
  const callers: CallerIdentity[] = r.allowedCallers.map((c) => (c.serviceAccount ? { namespace: c.namespace, serviceAccount: c.serviceAccount } : { namespace: c.namespace }));
  if (r.expose?.ingressControllerNamespace) callers.push({ namespace: r.expose.ingressControllerNamespace });
  return callers;
}

/**
 * Every problem with `mesh` and the callers' mesh identities (runs with the rest of HaService's validation, which
 * reports the shape of `allowedCallers` itself); never throws.
 */
export function meshMembershipProblems(args: HaServiceArgs): Problem[] {
  const shape = argsObjectProblems(args, "HaService");
  if (shape.length > 0) return shape;
  const p = new Problems();
  (Array.isArray(args.allowedCallers) ? args.allowedCallers : []).forEach((caller, i) => {
    if (caller?.serviceAccount !== undefined) {
      p.check(isDns1123Label(caller.serviceAccount), { property: `allowedCallers[${i}].serviceAccount`, value: caller.serviceAccount, rule: "a service account name (DNS-1123 label)", fix: "set the calling pods' spec.serviceAccountName" });
    }
    const narrowed = Object.keys(caller?.podLabels ?? {}).length > 0;
    if (args.mesh && narrowed) {
      p.check(caller.serviceAccount !== undefined, {
        property: `allowedCallers[${i}].serviceAccount`,
        value: caller.serviceAccount,
        rule: "set when podLabels narrow a caller of a service in the mesh: mesh identities are service accounts, so without it every pod of the namespace would be admitted",
        fix: "add the calling pods' service account name, e.g. serviceAccount: \"frontend\"",
      });
    }
  });
  if (args.mesh?.traffic !== undefined) {
    p.check(args.mesh.waypoint !== undefined, {
      property: "mesh.traffic",
      value: args.mesh.traffic,
      rule: "a waypoint (mesh.waypoint): ztunnel is an L4 proxy and applies no timeout, retry or circuit breaker",
      fix: "pass mesh.waypoint = serviceMesh.waypointFor(namespace), or remove mesh.traffic",
    });
  }
  p.addAll(meshTrafficProblems(args.mesh?.traffic));
  return [...p.list];
}

export function createMeshObjects(name: string, r: ResolvedHaService, parent: pulumi.Resource): void {
  if (!r.mesh) return;
  const crdDeps = r.mesh.controlPlane ? [r.mesh.controlPlane] : [];
  const plaintextCidrs = r.expose?.loadBalancerCidrs ?? [];
  const callers = callerIdentitiesOf(r);
  const waypoint = r.mesh.waypoint;
  new k8s.apiextensions.CustomResource(`${name}-authz`, {
    apiVersion: ISTIO_SECURITY_API_VERSION,
    kind: "AuthorizationPolicy",
    metadata: metadataOf(r),
    spec: authorizationPolicySpecOf({
      selectorLabels: selectorLabelsOf(r),
      port: r.port,
      callers,
      plaintextCidrs,
      waypointPrincipal: waypoint ? waypointPrincipalOf(r.namespace) : undefined,
      // Prometheus scrapes pod IPs (no waypoint on that path) with its own identity, which no caller list names.
      ...(r.metrics ? { scrape: { principal: prometheusPrincipal(), port: r.metrics.port } } : {}),
    }),
  }, { parent, dependsOn: crdDeps });
  if (plaintextCidrs.length > 0) {
    new k8s.apiextensions.CustomResource(`${name}-peer-auth`, {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: "PeerAuthentication",
      metadata: metadataOf(r),
      spec: plaintextPortPeerAuthenticationSpecOf(selectorLabelsOf(r), r.port),
    }, { parent, dependsOn: crdDeps });
  }
  if (waypoint) createWaypointObjects(name, r, parent, [...crdDeps, waypoint], callers);
}

/** The objects the waypoint applies to this service; they depend on the waypoint and on the CRDs' release. */
function createWaypointObjects(name: string, r: ResolvedHaService, parent: pulumi.Resource, dependsOn: pulumi.Resource[], callers: CallerIdentity[]): void {
  const traffic = resolveMeshTraffic(r.mesh?.traffic);
  const host = serviceHostOf(r.appName, r.namespace);
  new k8s.apiextensions.CustomResource(`${name}-waypoint-authz`, {
    apiVersion: ISTIO_SECURITY_API_VERSION,
    kind: "AuthorizationPolicy",
    metadata: metadataOf(r, `${r.appName}-waypoint`),
    spec: waypointAuthorizationPolicySpecOf(r.appName, r.port, callers),
  }, { parent, dependsOn });
  new k8s.apiextensions.CustomResource(`${name}-destination-rule`, {
    apiVersion: ISTIO_NETWORKING_API_VERSION,
    kind: "DestinationRule",
    metadata: metadataOf(r),
    spec: destinationRuleSpecOf(host, traffic),
  }, { parent, dependsOn });
  new k8s.apiextensions.CustomResource(`${name}-virtual-service`, {
    apiVersion: ISTIO_NETWORKING_API_VERSION,
    kind: "VirtualService",
    metadata: metadataOf(r),
    spec: virtualServiceSpecOf(host, r.port, traffic),
  }, { parent, dependsOn });
}
