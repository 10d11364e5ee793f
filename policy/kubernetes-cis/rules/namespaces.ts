/** CIS EKS 4.5.x: namespaces as administrative boundaries; the default namespace unused. */
import { ResourceRule, describe } from "../../common/finding";
import { isKubernetesObject, kindOf, namespaceOf } from "../../common/kubernetes";
import { cisEks } from "./meta";

/** Namespaces owned by Kubernetes/EKS itself. */
export const SYSTEM_NAMESPACES: readonly string[] = ["kube-system", "kube-public", "kube-node-lease"];

export const namespacesAsBoundaries: ResourceRule = {
  meta: cisEks(
    "4.5.1",
    "namespaces-as-boundaries",
    "Create administrative boundaries between resources using namespaces",
    "medium",
    "Deploy application objects into the application's own namespace, not into kube-system, kube-public or kube-node-lease.",
  ),
  types: isKubernetesObject,
  check(r) {
    const ns = namespaceOf(r);
    if (ns === undefined || !SYSTEM_NAMESPACES.includes(ns)) return [];
    return [{ message: `${describe(r)} is placed in the system namespace ${ns}; move it to the application's own namespace.` }];
  },
};

/**
 * Objects that lock the default namespace down rather than use it: a baseline that keeps `default` empty puts a
 * zero-pod quota, limits and a default-deny policy there. The benchmark's audit (`kubectl get all -n default`)
 * does not list them either.
 */
const GUARDRAIL_KINDS: ReadonlySet<string> = new Set(["NetworkPolicy", "ResourceQuota", "LimitRange"]);

export const defaultNamespaceNotUsed: ResourceRule = {
  meta: cisEks(
    "4.5.2",
    "default-namespace-not-used",
    "The default namespace should not be used",
    "medium",
    "Set metadata.namespace to the application's namespace; never leave it empty or default.",
  ),
  types: isKubernetesObject,
  check(r) {
    if (namespaceOf(r) !== "default" || GUARDRAIL_KINDS.has(kindOf(r.type) ?? "")) return [];
    return [{ message: `${describe(r)} is in the default namespace; set metadata.namespace to the application's own namespace.` }];
  },
};
