/**
 * CIS EKS 4.5.2: the default namespace is not used. 4.5.1 (administrative boundaries) is Manual in the benchmark: it
 * asks for namespaces "as you need them", which no manifest can prove, so it is listed as not decidable.
 */
import { ResourceRule, describe } from "../../common/finding";
import { isKubernetesObject, namespaceOf } from "../../common/kubernetes";
import { cannotTellYet } from "../../common/unknown";
import { cisEks } from "./meta";

export { SYSTEM_NAMESPACES } from "../../common/kubernetes";

export const defaultNamespaceNotUsed: ResourceRule = {
  meta: cisEks(
    "4.5.2",
    "default-namespace-not-used",
    "The default namespace should not be used",
    "medium",
    "Set metadata.namespace to the application's namespace; never leave it empty or default.",
    ["kube-bench 4.5.2 (every namespaced kind but the kubernetes Service)"],
  ),
  types: isKubernetesObject,
  check(r) {
    // The benchmark's audit lists every namespaced kind in `default` (only the API server's own `kubernetes` Service
    // is expected there), so NetworkPolicies, quotas and limit ranges count too.
    const ns = namespaceOf(r);
    if (ns === "unknown") return [cannotTellYet(describe(r), "metadata.namespace", "cis-eks-4.5.2-default-namespace-not-used")];
    if (ns !== "default") return [];
    return [{ message: `${describe(r)} is in the default namespace; set metadata.namespace to the application's own namespace.` }];
  },
};
