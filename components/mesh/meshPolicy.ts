/**
 * Pure pieces of the service mesh (Istio ambient): ports, labels, API versions and the per-service security objects
 * HaService registers. Exported so reviewers and tests read the exact choices, and so the pack rules' fixtures can be
 * built from the same shapes.
 */
export const MESH_ROOT_NAMESPACE = "istio-system";
/** Namespace label that puts every pod of the namespace in the ambient mesh (ztunnel, L4 mTLS). */
export const AMBIENT_LABEL = { "istio.io/dataplane-mode": "ambient" } as const;
export const ISTIO_SECURITY_API_VERSION = "security.istio.io/v1";
/**
 * HBONE: between ztunnels, traffic to an ambient pod arrives on 15008 inside the pod's network namespace, so the
 * destination pod's NetworkPolicy (and the source namespace's egress policy) must admit it.
 */
export const HBONE_PORT = 15008;
/**
 * Kubelet probes of ambient pods are SNATed by istio-cni to this link-local address, so a default-deny NetworkPolicy
 * must admit it on the probe port or every pod fails its readiness probe.
 */
export const PROBE_SNAT_CIDR = "169.254.7.127/32";

/** mTLS mode: strict in staging and prod (no plaintext between meshed pods), permissive in dev (migration). */
export function meshMtlsModeOf(environment: string): "STRICT" | "PERMISSIVE" {
  return environment === "dev" ? "PERMISSIVE" : "STRICT";
}

/** A caller as a mesh identity: a whole namespace, or one service account (SPIFFE `cluster.local/ns/<ns>/sa/<sa>`). */
export interface CallerIdentity {
  readonly namespace: string;
  /** Only this service account of the namespace. @default — every identity of the namespace */
  readonly serviceAccount?: string;
}

export interface ServiceAuthorization {
  readonly selectorLabels: Record<string, string>;
  readonly port: number;
  /** Identities that may call: namespaces as `source.namespaces`, service accounts as `source.principals`. */
  readonly callers: readonly CallerIdentity[];
  /** Sources outside the mesh admitted in plaintext, by address (the load balancer's subnets). */
  readonly plaintextCidrs: readonly string[];
  /**
   * The principal of the waypoint in front of the service. Traffic through a waypoint reaches the pod's ztunnel with
   * the waypoint's identity, not the caller's ("Use Layer 4 security policy", Authorization policy attachment).
   * @default — no waypoint
   */
  readonly waypointPrincipal?: string;
  /**
   * Prometheus scraping the pods (HaService `metrics`): its identity, admitted on the metrics port only, whatever the
   * callers are. @default — no scrape rule
   */
  readonly scrape?: { readonly principal: string; readonly port: number };
}

/** One `from` per identity kind (entries of `from` are ORed): namespaces, then principals, each sorted. */
function callerSourcesOf(callers: readonly CallerIdentity[], extraPrincipals: readonly string[] = []): Record<string, unknown>[] {
  const namespaces = [...new Set(callers.filter((c) => c.serviceAccount === undefined).map((c) => c.namespace))].sort();
  const principals = [...new Set([
    ...callers.filter((c) => c.serviceAccount !== undefined && !namespaces.includes(c.namespace)).map((c) => `cluster.local/ns/${c.namespace}/sa/${c.serviceAccount}`),
    ...extraPrincipals,
  ])].sort();
  return [...(namespaces.length > 0 ? [{ source: { namespaces } }] : []), ...(principals.length > 0 ? [{ source: { principals } }] : [])];
}

/**
 * The service's workload-selected AuthorizationPolicy (enforced by the destination ztunnel, L4): ALLOW from the
 * declared callers' identities, the service's waypoint and the declared plaintext ranges, on the service port.
 * Ambient has default-allow semantics until an ALLOW policy selects a workload; once one does, everything it does
 * not match is denied. A service with no callers (and no waypoint or load balancer) gets an ALLOW policy with no
 * rules, which matches nothing: it admits nobody. The callers stay admitted here for traffic addressed to the pods
 * themselves (Prometheus scrapes pod IPs, which no waypoint intercepts); they are the same identities the waypoint
 * admits, so going around the waypoint grants nothing more.
 */
export function authorizationPolicySpecOf(a: ServiceAuthorization): Record<string, unknown> {
  const ports = [String(a.port)];
  const rules: Record<string, unknown>[] = [];
  const sources = callerSourcesOf(a.callers, a.waypointPrincipal ? [a.waypointPrincipal] : []);
  if (sources.length > 0) rules.push({ from: sources, to: [{ operation: { ports } }] });
  if (a.plaintextCidrs.length > 0) rules.push({ from: [{ source: { ipBlocks: [...a.plaintextCidrs] } }], to: [{ operation: { ports } }] });
  if (a.scrape) rules.push({ from: [{ source: { principals: [a.scrape.principal] } }], to: [{ operation: { ports: [String(a.scrape.port)] } }] });
  return { selector: { matchLabels: { ...a.selectorLabels } }, action: "ALLOW", ...(rules.length > 0 ? { rules } : {}) };
}

/**
 * The AuthorizationPolicy attached to the service at its waypoint (`targetRefs` a Service: enforced by the
 * waypoint, which sees the caller's own identity). ALLOW from exactly the declared callers on the service port;
 * without callers it has no rules and the waypoint admits nobody.
 */
export function waypointAuthorizationPolicySpecOf(service: string, port: number, callers: readonly CallerIdentity[]): Record<string, unknown> {
  const sources = callerSourcesOf(callers);
  return {
    targetRefs: [{ kind: "Service", group: "", name: service }],
    action: "ALLOW",
    ...(sources.length > 0 ? { rules: [{ from: sources, to: [{ operation: { ports: [String(port)] } }] }] } : {}),
  };
}

/**
 * A port-level exception to STRICT for a service the load balancer reaches: the ALB sends plaintext to pod IPs and
 * cannot join the mesh. Only this port, only this workload; the AuthorizationPolicy still limits plaintext to the
 * load balancer's subnets.
 */
export function plaintextPortPeerAuthenticationSpecOf(selectorLabels: Record<string, string>, port: number): Record<string, unknown> {
  return { selector: { matchLabels: { ...selectorLabels } }, mtls: { mode: "STRICT" }, portLevelMtls: { [String(port)]: { mode: "PERMISSIVE" } } };
}
