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

export interface ServiceAuthorization {
  readonly selectorLabels: Record<string, string>;
  readonly port: number;
  /** Namespaces whose mesh identities may call (SPIFFE `cluster.local/ns/<ns>/sa/*`, as `source.namespaces`). */
  readonly callerNamespaces: readonly string[];
  /** Sources outside the mesh admitted in plaintext, by address (the load balancer's subnets). */
  readonly plaintextCidrs: readonly string[];
}

/**
 * The service's AuthorizationPolicy (enforced by ztunnel, L4): ALLOW from the declared callers' identities and the
 * declared plaintext ranges, on the service port. Ambient has default-allow semantics until an ALLOW policy selects a
 * workload; once one does, everything it does not match is denied. A service with no callers gets an ALLOW policy
 * with no rules, which matches nothing: it admits nobody.
 */
export function authorizationPolicySpecOf(a: ServiceAuthorization): Record<string, unknown> {
  const ports = [String(a.port)];
  const rules: Record<string, unknown>[] = [];
  if (a.callerNamespaces.length > 0) rules.push({ from: [{ source: { namespaces: [...a.callerNamespaces].sort() } }], to: [{ operation: { ports } }] });
  if (a.plaintextCidrs.length > 0) rules.push({ from: [{ source: { ipBlocks: [...a.plaintextCidrs] } }], to: [{ operation: { ports } }] });
  return { selector: { matchLabels: { ...a.selectorLabels } }, action: "ALLOW", ...(rules.length > 0 ? { rules } : {}) };
}

/**
 * A port-level exception to STRICT for a service the load balancer reaches: the ALB sends plaintext to pod IPs and
 * cannot join the mesh. Only this port, only this workload; the AuthorizationPolicy still limits plaintext to the
 * load balancer's subnets.
 */
export function plaintextPortPeerAuthenticationSpecOf(selectorLabels: Record<string, string>, port: number): Record<string, unknown> {
  return { selector: { matchLabels: { ...selectorLabels } }, mtls: { mode: "STRICT" }, portLevelMtls: { [String(port)]: { mode: "PERMISSIVE" } } };
}
