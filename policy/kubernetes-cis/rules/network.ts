/**
 * CIS EKS 4.3.2: every namespace has a NetworkPolicy. Needs the whole stack, so it is a stack rule; namespaces are
 * joined per cluster (the object's Kubernetes provider), so cluster A's policy never covers cluster B's namespace.
 */
import { Finding, StackRule, Subject } from "../../common/finding";
import { isKubernetesObject, kindOf, metadataOf, namespaceOf } from "../../common/kubernetes";
import { clusterOf, namespaceKey } from "../../common/scope";
import { cannotTellYet, isUnknown } from "../../common/unknown";
import { cisEks } from "./meta";
import { SYSTEM_NAMESPACES } from "./namespaces";

const isNamespace = (t: string) => t.startsWith("kubernetes:core/") && kindOf(t) === "Namespace";
const isNetworkPolicy = (t: string) => t.startsWith("kubernetes:networking.k8s.io/") && kindOf(t) === "NetworkPolicy";
const POLICY = "cis-eks-4.3.2-namespaces-have-network-policies";

/** The (cluster, namespace) keys NetworkPolicies land in, and the Namespace URNs they reach through `metadata`. */
function coverage(policies: readonly Subject[], namespaceUrns: ReadonlySet<string>): { keys: Set<string>; urns: Set<string>; unknown: Subject[] } {
  const keys = new Set<string>();
  const urns = new Set<string>();
  const unknown: Subject[] = [];
  for (const p of policies) {
    const ns = namespaceOf(p);
    if (ns !== undefined && ns !== "unknown") keys.add(namespaceKey(p, ns));
    const viaDependency = (p.propertyDependencies?.metadata ?? []).filter((u) => namespaceUrns.has(u));
    viaDependency.forEach((u) => urns.add(u));
    if (ns === "unknown" && viaDependency.length === 0) unknown.push(p);
  }
  return { keys, urns, unknown };
}

const knownName = (ns: Subject) => {
  const name = metadataOf(ns.props).name;
  return typeof name === "string" && name !== "" && !isUnknown(name) ? name : undefined;
};

export const namespacesHaveNetworkPolicies: StackRule = {
  meta: cisEks(
    "4.3.2",
    "namespaces-have-network-policies",
    "Ensure that all Namespaces have Network Policies defined",
    "high",
    "Add a NetworkPolicy (at least default-deny ingress) to every namespace the stack creates or deploys into.",
    ["kube-score pod-networkpolicy", "Polaris missingNetworkPolicy"],
  ),
  judges: isKubernetesObject,
  check(resources) {
    const namespaces = resources.filter((r) => isNamespace(r.type));
    const namespaceUrns = new Set(namespaces.map((n) => n.urn));
    const { keys, urns, unknown } = coverage(resources.filter((r) => isNetworkPolicy(r.type)), namespaceUrns);
    const findings: Finding[] = [];
    const declared = new Set<string>();
    for (const ns of namespaces) {
      const name = knownName(ns);
      // A Namespace is in the cluster of its own provider.
      const key = `${clusterOf(ns)}|${name ?? ns.urn}`;
      declared.add(key);
      if (urns.has(ns.urn) || keys.has(key)) continue;
      if (name === undefined && unknown.length > 0) findings.push(cannotTellYet(`Namespace ${ns.name}`, "metadata.name", POLICY, ns));
      else findings.push({ subject: ns, message: `Namespace ${name ?? ns.name} has no NetworkPolicy; add a default-deny NetworkPolicy in it and allow only the traffic it needs.` });
    }
    // Namespaces the stack deploys into without declaring them (e.g. a literal "payments" or "default").
    const reported = new Set<string>();
    for (const r of resources) {
      if (!isKubernetesObject(r.type) || isNamespace(r.type) || isNetworkPolicy(r.type)) continue;
      const ns = namespaceOf(r);
      if (ns === undefined || ns === "unknown" || SYSTEM_NAMESPACES.includes(ns)) continue;
      const key = namespaceKey(r, ns);
      if (declared.has(key) || keys.has(key) || reported.has(key)) continue;
      // Deployed into a Namespace of the stack through its output: judged (and reported) at that Namespace.
      if ((r.propertyDependencies?.metadata ?? []).some((u) => namespaceUrns.has(u))) continue;
      reported.add(key);
      findings.push({ subject: r, message: `Namespace ${ns} (used by ${kindOf(r.type)} ${r.name}) has no NetworkPolicy in this stack; add a default-deny NetworkPolicy in ${ns}.` });
    }
    return findings;
  },
};
