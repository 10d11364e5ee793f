/**
 * Services that select no pods: traffic to them goes nowhere. Joined per (cluster, namespace): a Service only selects
 * pods of workloads in its own namespace of its own cluster (the objects' Kubernetes provider).
 */
import { Finding, StackRule, Subject, describe } from "../../common/finding";
import { isWorkload, kindOf, podTemplateOf, selectorMatches } from "../../common/kubernetes";
import { namespaceKey } from "../../common/scope";
import { groupBy } from "../../common/stack";
import { cannotTellYet, containsUnknown, isUnknown, objectOf } from "../../common/unknown";
import { resilience } from "./meta";

const isService = (t: string) => t.startsWith("kubernetes:core/") && kindOf(t) === "Service";

export const serviceTargetsPods: StackRule = {
  meta: resilience("WR-14", "service-selects-pods", "Selectors select: workload selectors match their pod template labels, Services select pods", "high", "Make the Service's spec.selector match the pod template labels of a workload in the same namespace (and cluster).", [
    "kube-score service-targets-pod",
  ]),
  judges: isService,
  check(resources) {
    const services = resources.filter((r) => isService(r.type));
    // No Service, nothing to join: skip indexing every workload.
    if (services.length === 0) return [];
    const selectable = resources.filter((r) => isWorkload(r.type) && kindOf(r.type) !== "Job" && kindOf(r.type) !== "CronJob");
    const byNamespace = groupBy(selectable, (r) => namespaceKey(r));
    return services.flatMap((s): Finding[] => judge(s, byNamespace.get(namespaceKey(s)) ?? []));
  },
};

function judge(service: Subject, workloads: readonly Subject[]): Finding[] {
  const spec = objectOf(service.props.spec);
  // ExternalName and selector-less Services (manual Endpoints/EndpointSlices) select nothing on purpose.
  if (spec?.type === "ExternalName") return [];
  const selector = spec?.selector;
  if (selector === undefined || selector === null) return [];
  if (isUnknown(selector) || containsUnknown(selector)) return [cannotTellYet(describe(service), "spec.selector", "wr-service-selects-pods", service)];
  const asLabelSelector = { matchLabels: selector };
  let undecided = false;
  for (const w of workloads) {
    const m = selectorMatches(asLabelSelector, objectOf(podTemplateOf(w)?.metadata.labels) ?? {});
    if (m === true) return [];
    if (m === undefined) undecided = true;
  }
  if (undecided) return [cannotTellYet(describe(service), "pod template labels of its namespace's workloads", "wr-service-selects-pods", service)];
  return [{ subject: service, message: `${describe(service)} selects no pods of any workload in its namespace; make spec.selector match a workload's pod template labels.` }];
}
