/**
 * RC-4: under default-deny egress, pods must still reach what they call. Two checks per cluster:
 * - a workload whose egress reaches only DNS (and its own namespace) can call no database, API, VPC endpoint or
 *   other service: reported;
 * - a declared caller (a NetworkPolicy admitting ingress from namespace X) must also be let out by X's egress,
 *   or the call is admitted on one side and dropped on the other.
 */
import type { Finding, StackRule } from "../../common/finding";
import { describe } from "../../common/finding";
import { containersOf, selectorMatches } from "../../common/kubernetes";
import { arrayOf, objectOf } from "../../common/unknown";
import { coherence } from "./meta";
import { KubeView, Workload, where } from "./model";
import { egressAllows, egressPoliciesOf, Pod, policiesIn, Policy, reachesBeyond } from "./netpol";

export function podOf(w: Workload): Pod {
  const ports: Record<string, number> = {};
  for (const { container } of containersOf(w.podSpec)) {
    for (const p of arrayOf(container.ports)) {
      const port = objectOf(p);
      if (typeof port?.name === "string" && typeof port.containerPort === "number") ports[port.name] = port.containerPort;
    }
  }
  return { namespace: w.namespace ?? "default", labels: w.labels, ports };
}

function dnsOnly(policies: readonly Policy[], w: Workload): Finding[] {
  const pod = podOf(w);
  const applying = egressPoliciesOf(policies, pod);
  if (applying.length === 0 || applying.some((p) => p.egress.some((r) => reachesBeyond(r, pod.namespace)))) return [];
  return [{
    subject: w.subject,
    message: `${where(w.subject, w.cluster)} is under default-deny egress and may reach only DNS and its own namespace, so it can call no database, service or VPC endpoint; add egress rules for what it calls (the services it depends on, data-tier subnets and ports, 443 to the VPC endpoints).`,
  }];
}

/** Ports an ingress rule admits on the target: numbers, named ports resolved on the target, or any. */
function admittedPorts(rule: Record<string, unknown>, target: Pod): (number | "any")[] {
  const list = arrayOf(rule.ports);
  if (list.length === 0) return ["any"];
  return list.flatMap((e): (number | "any")[] => {
    const port = objectOf(e)?.port;
    if (typeof port === "number") return [port];
    if (typeof port === "string") return /^\d+$/.test(port) ? [Number(port)] : target.ports[port] !== undefined ? [target.ports[port]] : [];
    return ["any"];
  });
}

function callerFindings(view: KubeView, clusterKey: string, policies: readonly Policy[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const namespaces = view.namespacesOf(clusterKey);
  for (const np of policies.filter((p) => p.types.includes("Ingress"))) {
    const targets = view.workloadsIn(clusterKey, np.namespace).filter((w) => selectorMatches(np.podSelector, w.labels) === true);
    for (const rule of np.ingress) for (const raw of arrayOf(rule.from)) {
      const peer = objectOf(raw) ?? {};
      const nsSel = objectOf(peer.namespaceSelector);
      // A selector matching every namespace admits anyone: that is not a declared caller.
      if (!nsSel || (Object.keys(objectOf(nsSel.matchLabels) ?? {}).length === 0 && arrayOf(nsSel.matchExpressions).length === 0)) continue;
      for (const ns of namespaces.filter((n) => n !== np.namespace && selectorMatches(nsSel, view.namespaceLabels(clusterKey, n)) === true)) {
        const seenCallers = view.workloadsIn(clusterKey, ns).filter((w) => peer.podSelector === undefined || selectorMatches(peer.podSelector, w.labels) === true);
        const callers: { pod: Pod; who: string; subject: Workload["subject"] }[] = seenCallers.length > 0
          ? seenCallers.map((w) => ({ pod: podOf(w), who: describe(w.subject), subject: w.subject }))
          : [{ pod: { namespace: ns, labels: objectOf(objectOf(peer.podSelector)?.matchLabels) ?? {}, ports: {} }, who: `pods of namespace ${ns}`, subject: np.subject }];
        for (const target of targets) for (const port of admittedPorts(rule, podOf(target))) for (const caller of callers) {
          if (egressAllows(view, clusterKey, policies, caller.pod, podOf(target), port)) continue;
          const key = `${caller.subject.urn}|${target.subject.urn}|${port}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({
            subject: caller.subject,
            message: `${describe(np.subject)} admits callers from namespace ${ns} to ${describe(target.subject)} on port ${port}, but the egress of ${caller.who} in ${target.cluster.label} does not allow it, so the call is dropped; add an egress rule in namespace ${ns} to namespace ${np.namespace} on port ${port}.`,
          });
        }
      }
    }
  }
  return out;
}

export const egressPossible: StackRule = {
  meta: coherence(
    "RC-4",
    "egress-possible",
    "Pods under default-deny egress can reach what they call, and declared callers are let out by their own egress",
    "high",
    "Derive egress from what each workload calls: the services whose NetworkPolicies admit it, its data stores and the VPC endpoints.",
  ),
  check(resources) {
    const view = new KubeView(resources);
    const clusterKeys = [...new Set(view.workloads.map((w) => w.cluster.key))];
    return clusterKeys.flatMap((key) => {
      const policies = policiesIn(view, key);
      const inCluster = view.workloads.filter((w) => w.cluster.key === key);
      return [...inCluster.flatMap((w) => dnsOnly(policies, w)), ...callerFindings(view, key, policies)];
    });
  },
};
