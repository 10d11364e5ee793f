/** CIS EKS 4.3.2: every namespace has a NetworkPolicy. Needs the whole stack, so it is a stack rule. */
import { Finding, StackRule, Subject } from "../../common/finding";
import { isKubernetesObject, kindOf, metadataOf, namespaceOf } from "../../common/kubernetes";
import { isUnknown } from "../../common/unknown";
import { cisEks } from "./meta";
import { SYSTEM_NAMESPACES } from "./namespaces";

const isNamespace = (t: string) => t.startsWith("kubernetes:core/") && kindOf(t) === "Namespace";
const isNetworkPolicy = (t: string) => t.startsWith("kubernetes:networking.k8s.io/") && kindOf(t) === "NetworkPolicy";

/** Namespace objects a NetworkPolicy lands in: by name when known, else through the `metadata` dependency. */
function coveredBy(policy: Subject, namespaces: readonly Subject[]): { names: Set<string>; urns: Set<string> } {
  const names = new Set<string>();
  const urns = new Set<string>();
  const ns = namespaceOf(policy);
  if (ns !== undefined && ns !== "unknown") names.add(ns);
  for (const urn of policy.propertyDependencies?.metadata ?? []) if (namespaces.some((n) => n.urn === urn)) urns.add(urn);
  return { names, urns };
}

export const namespacesHaveNetworkPolicies: StackRule = {
  meta: cisEks(
    "4.3.2",
    "namespaces-have-network-policies",
    "Ensure that all Namespaces have Network Policies defined",
    "high",
    "Add a NetworkPolicy (at least default-deny ingress) to every namespace the stack creates or deploys into.",
  ),
  check(resources) {
    const namespaces = resources.filter((r) => isNamespace(r.type));
    const policies = resources.filter((r) => isNetworkPolicy(r.type));
    const names = new Set<string>();
    const urns = new Set<string>();
    for (const p of policies) {
      const c = coveredBy(p, namespaces);
      c.names.forEach((n) => names.add(n));
      c.urns.forEach((u) => urns.add(u));
    }
    const findings: Finding[] = [];
    const declared = new Set<string>();
    for (const ns of namespaces) {
      const name = metadataOf(ns.props).name;
      const known = typeof name === "string" && name !== "" && !isUnknown(name) ? name : undefined;
      if (known) declared.add(known);
      if (urns.has(ns.urn) || (known !== undefined && names.has(known))) continue;
      findings.push({ subject: ns, message: `Namespace ${known ?? ns.name} has no NetworkPolicy; add a default-deny NetworkPolicy in it and allow only the traffic it needs.` });
    }
    // Namespaces the stack deploys into without declaring them (e.g. a literal "payments" or "default").
    const reported = new Set<string>();
    for (const r of resources) {
      if (!isKubernetesObject(r.type) || isNamespace(r.type) || isNetworkPolicy(r.type)) continue;
      const ns = namespaceOf(r);
      if (ns === undefined || ns === "unknown" || declared.has(ns) || names.has(ns) || reported.has(ns) || SYSTEM_NAMESPACES.includes(ns)) continue;
      // A namespace referenced through an output of a Namespace resource is covered above.
      if ((r.propertyDependencies?.metadata ?? []).some((u) => namespaces.some((n) => n.urn === u))) continue;
      reported.add(ns);
      findings.push({ subject: r, message: `Namespace ${ns} (used by ${kindOf(r.type)} ${r.name}) has no NetworkPolicy in this stack; add a default-deny NetworkPolicy in ${ns}.` });
    }
    return findings;
  },
};
