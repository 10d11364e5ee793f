/**
 * Services that select no pods: traffic to them goes nowhere. Joined per (cluster, namespace): a Service only selects
 * pods of workloads in its own namespace of its own cluster (the objects' Kubernetes provider).
 */
import { Finding, StackRule, Subject, describe } from "../../common/finding";
import { isWorkload, kindOf, podTemplateOf, selectorMatches } from "../../common/kubernetes";
import { namespaceKey } from "../../common/scope";
import { cannotTellYet, containsUnknown, isUnknown, objectOf } from "../../common/unknown";
import { resilience } from "./meta";

const isService = (t: string) => t.startsWith("kubernetes:core/") && kindOf(t) === "Service";

export const serviceTargetsPods: StackRule = {
  meta: resilience("WR-14", "service-selects-pods", "Selectors select: workload selectors match their pod template labels, Services select pods", "high", "Make the Service's spec.selector match the pod template labels of a workload in the same namespace (and cluster).", [
    "kube-score service-targets-pod",
  ]),
  judges: isService,
  check(resources) {
    const templatesByNamespace = new Map<string, Record<string, unknown>[]>();
    for (const r of resources) {
      if (!isWorkload(r.type) || kindOf(r.type) === "Job" || kindOf(r.type) === "CronJob") continue;
      const key = namespaceKey(r);
      const labels = objectOf(podTemplateOf(r)?.metadata.labels) ?? {};
      templatesByNamespace.set(key, [...(templatesByNamespace.get(key) ?? []), labels]);
    }
    return resources.filter((r) => isService(r.type)).flatMap((s): Finding[] => judge(s, templatesByNamespace.get(namespaceKey(s)) ?? []));
  },
};

function judge(service: Subject, templates: readonly Record<string, unknown>[]): Finding[] {
  const spec = objectOf(service.props.spec);
  // ExternalName and selector-less Services (manual Endpoints/EndpointSlices) select nothing on purpose.
  if (spec?.type === "ExternalName") return [];
  const selector = spec?.selector;
  if (selector === undefined || selector === null) return [];
  if (isUnknown(selector) || containsUnknown(selector)) return [cannotTellYet(describe(service), "spec.selector", "wr-service-selects-pods", service)];
  const asLabelSelector = { matchLabels: selector };
  let undecided = false;
  for (const labels of templates) {
    const m = selectorMatches(asLabelSelector, labels);
    if (m === true) return [];
    if (m === undefined) undecided = true;
  }
  if (undecided) return [cannotTellYet(describe(service), "pod template labels of its namespace's workloads", "wr-service-selects-pods", service)];
  return [{ subject: service, message: `${describe(service)} selects no pods of any workload in its namespace; make spec.selector match a workload's pod template labels.` }];
}
