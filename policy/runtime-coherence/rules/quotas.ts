/**
 * RC-3: a namespace's ResourceQuota fits what its workloads run at full scale. The quota admission plugin refuses a
 * pod that would take the namespace past `hard`, and refuses any pod without a request/limit for a resource the quota
 * tracks; a refused surge pod stalls the rollout (and Pulumi's Deployment await). Pods of Helm releases in the
 * namespace count too but are not visible: that part is said, not assumed to fit.
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { describe } from "../../common/finding";
import { namespaceOf } from "../../common/kubernetes";
import { isUnknown, isUnseen, objectOf } from "../../common/unknown";
import type { ClusterScope } from "./joins";
import { coherence } from "./meta";
import { cannotTell, KubeView, where } from "./model";
import { formatQuantity, quantityOf } from "./quantity";
import { Compute, limitRangeDefaults, maxPods, podResources } from "./workloads";

/** Quota keys we add up, and what each one sums (`cpu`/`memory` are the legacy names of requests.*). */
const TRACKED: readonly { key: string; side: "requests" | "limits" | "pods"; resource?: Compute }[] = [
  { key: "pods", side: "pods" },
  { key: "requests.cpu", side: "requests", resource: "cpu" },
  { key: "cpu", side: "requests", resource: "cpu" },
  { key: "requests.memory", side: "requests", resource: "memory" },
  { key: "memory", side: "requests", resource: "memory" },
  { key: "limits.cpu", side: "limits", resource: "cpu" },
  { key: "limits.memory", side: "limits", resource: "memory" },
];

interface Need {
  total: number;
  parts: { name: string; amount: number; why: string }[];
  missing: string[];
}

/**
 * What each key of `hard` that we track adds up to over the namespace's workloads at full scale; a workload whose pod
 * count or resources are not known yet gets a "cannot tell" finding in `out` instead.
 */
function needsOf(view: KubeView, quota: Subject, cluster: ClusterScope, namespace: string | undefined, hard: Record<string, unknown>, out: Finding[]): Map<string, Need> {
  const defaults = limitRangeDefaults(view.ofKind("LimitRange", cluster.key).filter((l) => namespaceOf(l) === namespace));
  const needs = new Map<string, Need>();
  for (const w of view.workloadsIn(cluster.key, namespace)) {
    const pods = maxPods(view, w);
    if ("unknown" in pods) {
      out.push(cannotTell(w.subject, pods.unknown, `whether ${describe(quota)} fits it`));
      continue;
    }
    const res = podResources(w.podSpec, defaults);
    if (res === "unknown") {
      out.push(cannotTell(w.subject, "spec.template.spec.containers", `whether ${describe(quota)} fits it`));
      continue;
    }
    for (const t of TRACKED) {
      if (hard[t.key] === undefined) continue;
      const need = needs.get(t.key) ?? { total: 0, parts: [], missing: [] };
      needs.set(t.key, need);
      const per = t.side === "pods" ? 1 : res[t.side][t.resource as Compute];
      if (per === "unknown") out.push(cannotTell(w.subject, `container ${t.side}.${t.resource}`, `whether ${describe(quota)} fits it`));
      else if (per === undefined) need.missing.push(w.name);
      else {
        need.total += per * pods.pods;
        need.parts.push({ name: `${w.kind} ${w.name}`, amount: per * pods.pods, why: pods.why });
      }
    }
  }
  return needs;
}

/** The needs against `hard`: workloads that set no value for a tracked key, then one finding for every key exceeded. */
function judgeNeeds(quota: Subject, cluster: ClusterScope, hard: Record<string, unknown>, needs: ReadonlyMap<string, Need>, out: Finding[]): void {
  const over: string[] = [];
  const raise: string[] = [];
  for (const [key, need] of needs) {
    const limit = quantityOf(hard[key]);
    if (limit === "unknown") out.push(cannotTell(quota, `spec.hard.${key}`, "whether the quota fits its workloads"));
    if (typeof limit !== "number") continue;
    const show = (v: number) => formatQuantity(key, v);
    if (need.missing.length > 0) {
      out.push({ subject: quota, message: `${where(quota, cluster)} tracks ${key} but ${need.missing.join(", ")} set${need.missing.length === 1 ? "s" : ""} no ${key.replace("requests.", "request ").replace("limits.", "limit ")} and no LimitRange default applies, so their pods are refused; set it on every container or add a LimitRange default.` });
    }
    if (need.total > limit + 1e-9) {
      const parts = need.parts.sort((a, b) => b.amount - a.amount).slice(0, 3).map((p) => `${p.name} ${show(p.amount)} (${p.why})`).join(", ");
      over.push(`${key} ${show(limit)} but its workloads need ${show(need.total)} (${parts})`);
      raise.push(`${key} to at least ${show(need.total)}`);
    }
  }
  if (over.length > 0) {
    out.push({ subject: quota, message: `${where(quota, cluster)} allows ${over.join("; ")} at full scale with rollout surge, so pods are refused and rollouts stall; raise ${raise.join(", ")} or lower maxReplicas/resources.` });
  }
}

function judgeQuota(view: KubeView, quota: Subject): Finding[] {
  // A quota the engine gave no properties (first preview under a new cluster's provider) is undecided, not fine:
  // comparing our stacks' after-deploy findings with their first preview caught it passing silently.
  if (isUnseen(quota)) return [cannotTell(quota, "spec", "whether the quota fits its workloads")];
  const cluster = view.clusterOf(quota);
  const namespace = namespaceOf(quota);
  if (namespace === "unknown") return [cannotTell(quota, "metadata.namespace", "whether the quota fits its workloads")];
  const spec = objectOf(quota.props.spec);
  const hard = objectOf(spec?.hard);
  if (!hard) return isUnknown(spec?.hard) || isUnknown(quota.props.spec) ? [cannotTell(quota, "spec.hard", "whether the quota fits its workloads")] : [];
  if (spec?.scopes !== undefined || spec?.scopeSelector !== undefined) return [{ subject: quota, advisory: true, message: `cannot tell yet: ${where(quota, cluster)} is scoped (scopes/scopeSelector), so which pods it counts is not judged; check the scoped quota against its pods by hand.` }];
  const out: Finding[] = [];
  judgeNeeds(quota, cluster, hard, needsOf(view, quota, cluster, namespace, hard, out), out);
  const releases = view.releasesIn(cluster.key, namespace);
  if (releases.length > 0) {
    out.push({ subject: quota, advisory: true, message: `cannot tell yet: Helm release${releases.length > 1 ? "s" : ""} ${releases.map((r) => r.subject.name).join(", ")} also run${releases.length > 1 ? "" : "s"} pods in namespace ${namespace} of ${cluster.label}, whose requests and limits a policy cannot see, so ${describe(quota)} is judged on the other workloads only; give every chart explicit resources and size the quota for them.` });
  }
  return out;
}

export const quotasFit: StackRule = {
  meta: coherence(
    "RC-3",
    "quotas-fit",
    "ResourceQuotas fit their namespace's workloads at maxReplicas with rollout surge",
    "high",
    "Size each ResourceQuota from Σ max pods × (1 + maxSurge) × per-pod requests/limits of its namespace, or lower maxReplicas.",
  ),
  check(resources) {
    const view = new KubeView(resources);
    return view.objects.filter((o) => o.type.endsWith(":ResourceQuota")).flatMap((q) => judgeQuota(view, q));
  },
};
