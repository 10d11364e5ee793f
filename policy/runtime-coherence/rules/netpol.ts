/**
 * NetworkPolicy semantics the egress rule needs, as the Kubernetes NetworkPolicy API defines them: a pod is isolated
 * for egress once any policy with `Egress` in policyTypes selects it; traffic is then allowed only when some such
 * policy has an egress rule whose ports and peers both match. `policyTypes` defaults to Ingress, plus Egress when the
 * policy has egress rules. Peers: `podSelector` alone = pods of the policy's namespace; `namespaceSelector` (+
 * optional `podSelector`) = pods of matching namespaces; `ipBlock` is meant for cluster-external addresses (pod IPs
 * may or may not match depending on the CNI), so it is never counted as reaching a pod: the stricter reading.
 */
import type { Subject } from "../../common/finding";
import { namespaceOf, selectorMatches } from "../../common/kubernetes";
import { arrayOf, isUnknown, objectOf } from "../../common/unknown";
import type { KubeView } from "./model";

export interface Policy {
  readonly subject: Subject;
  readonly namespace: string;
  readonly podSelector: unknown;
  readonly types: readonly string[];
  readonly ingress: readonly Record<string, unknown>[];
  readonly egress: readonly Record<string, unknown>[];
}

/** A pod (seen or assumed) in a namespace of a cluster. */
export interface Pod {
  readonly namespace: string;
  readonly labels: Record<string, unknown>;
  /** Container port names → numbers, to resolve named ports. */
  readonly ports: Record<string, number>;
}

export function policiesIn(view: KubeView, clusterKey: string): Policy[] {
  return view.ofKind("NetworkPolicy", clusterKey).flatMap((subject) => {
    const spec = objectOf(subject.props.spec);
    const namespace = namespaceOf(subject);
    if (!spec || !namespace || namespace === "unknown") return [];
    const egress = arrayOf(spec.egress).map((r) => objectOf(r) ?? {});
    const declared = arrayOf(spec.policyTypes).filter((t): t is string => typeof t === "string");
    const types = declared.length > 0 ? declared : ["Ingress", ...(spec.egress !== undefined ? ["Egress"] : [])];
    return [{ subject, namespace, podSelector: spec.podSelector ?? {}, types, ingress: arrayOf(spec.ingress).map((r) => objectOf(r) ?? {}), egress }];
  });
}

/** Selects: an unknown selector is assumed to select (isolation is the stricter assumption). */
export const selects = (p: Policy, pod: Pod): boolean => p.namespace === pod.namespace && selectorMatches(p.podSelector, pod.labels) !== false;

/** Egress policies that apply to the pod; empty means the pod is not isolated for egress. */
export function egressPoliciesOf(policies: readonly Policy[], pod: Pod): Policy[] {
  return policies.filter((p) => p.types.includes("Egress") && selects(p, pod));
}

function portMatches(rulePorts: unknown, port: number | "any", target: Pod): boolean {
  const list = arrayOf(rulePorts);
  if (rulePorts === undefined || list.length === 0) return true;
  if (port === "any") return true;
  return list.some((entry) => {
    const e = objectOf(entry) ?? {};
    if ((e.protocol ?? "TCP") !== "TCP") return false;
    if (e.port === undefined) return true;
    const n = typeof e.port === "string" && !/^\d+$/.test(e.port) ? target.ports[e.port] : Number(e.port);
    const end = typeof e.endPort === "number" ? e.endPort : n;
    return n !== undefined && port >= n && port <= end;
  });
}

/** True when a peer can be the target pod (never through ipBlock, see above). */
export function peerMatches(view: KubeView, clusterKey: string, peer: Record<string, unknown>, policyNs: string, target: Pod): boolean {
  if (peer.ipBlock !== undefined) return false;
  const podOk = peer.podSelector === undefined || selectorMatches(peer.podSelector, target.labels) === true;
  if (peer.namespaceSelector === undefined) return target.namespace === policyNs && podOk;
  return selectorMatches(peer.namespaceSelector, view.namespaceLabels(clusterKey, target.namespace)) === true && podOk;
}

/** True when the pod's egress lets it open a TCP connection to `target` on `port`. */
export function egressAllows(view: KubeView, clusterKey: string, policies: readonly Policy[], from: Pod, target: Pod, port: number | "any"): boolean {
  const applying = egressPoliciesOf(policies, from);
  if (applying.length === 0) return true;
  return applying.some((p) => p.egress.some((rule) => {
    if (!portMatches(rule.ports, port, target)) return false;
    const to = arrayOf(rule.to);
    return rule.to === undefined || to.length === 0 || to.some((peer) => peerMatches(view, clusterKey, objectOf(peer) ?? {}, p.namespace, target));
  }));
}

const onlyDns = (ports: unknown): boolean => {
  const list = arrayOf(ports);
  return list.length > 0 && list.every((e) => Number(objectOf(e)?.port) === 53);
};

/** True when an egress rule reaches something other than DNS and the pod's own namespace. */
export function reachesBeyond(rule: Record<string, unknown>, ownNamespace: string): boolean {
  if (onlyDns(rule.ports)) return false;
  const to = arrayOf(rule.to);
  if (rule.to === undefined || to.length === 0 || isUnknown(rule.to)) return true;
  return to.some((raw) => {
    const peer = objectOf(raw) ?? {};
    if (peer.ipBlock !== undefined) return true;
    if (peer.namespaceSelector === undefined) return false;
    const labels = objectOf(objectOf(peer.namespaceSelector)?.matchLabels) ?? {};
    const exprs = arrayOf(objectOf(peer.namespaceSelector)?.matchExpressions);
    return !(exprs.length === 0 && Object.keys(labels).length === 1 && labels["kubernetes.io/metadata.name"] === ownNamespace);
  });
}
