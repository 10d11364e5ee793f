/**
 * Progressive delivery that can roll back on its own: every Argo Rollout with a canary or blue-green strategy runs
 * an analysis, and every AnalysisTemplate it names exists beside it. Joined per (cluster, namespace) — the objects'
 * Kubernetes provider — because a template in another cluster is no template at all.
 *
 * Without an analysis a canary only ever moves forward: a bad version reaches 100 % on the pause timer.
 */
import { Finding, StackRule, Subject, describe } from "../../common/finding";
import { kindOf } from "../../common/kubernetes";
import { namespaceKey } from "../../common/scope";
import { cannotTellYet, containsUnknown, isUnknown, objectOf } from "../../common/unknown";
import { isRollout, unseen } from "./model";
import { resilience } from "./meta";

const isTemplate = (t: string) => t.startsWith("kubernetes:argoproj.io/") && kindOf(t) === "AnalysisTemplate";
const isClusterTemplate = (t: string) => t.startsWith("kubernetes:argoproj.io/") && kindOf(t) === "ClusterAnalysisTemplate";

interface TemplateRef {
  readonly name: unknown;
  readonly clusterScope: boolean;
}

function refsOf(analysis: unknown): TemplateRef[] {
  const templates = objectOf(analysis)?.templates;
  if (!Array.isArray(templates)) return [];
  return templates.map((t) => ({ name: objectOf(t)?.templateName, clusterScope: objectOf(t)?.clusterScope === true }));
}

/** Every analysis of the strategy: canary steps and background analysis, blue-green pre- and post-promotion. */
export function analysesOf(strategy: Record<string, unknown>): TemplateRef[] | undefined {
  const canary = objectOf(strategy.canary);
  if (canary) {
    const steps = Array.isArray(canary.steps) ? canary.steps : [];
    return [...refsOf(canary.analysis), ...steps.flatMap((s) => refsOf(objectOf(s)?.analysis))];
  }
  const blueGreen = objectOf(strategy.blueGreen);
  if (blueGreen) return [...refsOf(blueGreen.prePromotionAnalysis), ...refsOf(blueGreen.postPromotionAnalysis)];
  return undefined;
}

function templateKeys(resources: readonly Subject[]): { namespaced: Set<string>; cluster: Set<string> } {
  const namespaced = new Set<string>();
  const cluster = new Set<string>();
  for (const r of resources) {
    const name = objectOf(r.props.metadata)?.name;
    if (typeof name !== "string") continue;
    if (isTemplate(r.type)) namespaced.add(`${namespaceKey(r)}|${name}`);
    if (isClusterTemplate(r.type)) cluster.add(`${namespaceKey(r, "")}|${name}`);
  }
  return { namespaced, cluster };
}

function judge(rollout: Subject, keys: ReturnType<typeof templateKeys>): Finding[] {
  // No properties at all: unseen at a first preview (a cluster-derived provider), not a Rollout without a strategy.
  if (unseen(rollout)) return [cannotTellYet(describe(rollout), "spec.strategy", "wr-rollout-analysed", rollout)];
  const spec = objectOf(rollout.props.spec);
  const strategy = spec?.strategy;
  if (isUnknown(strategy) || containsUnknown(strategy)) return [cannotTellYet(describe(rollout), "spec.strategy", "wr-rollout-analysed", rollout)];
  const analyses = analysesOf(objectOf(strategy) ?? {});
  // A Rollout with neither strategy is invalid for the API server; nothing to judge here.
  if (analyses === undefined) return [];
  if (analyses.length === 0) {
    return [{ subject: rollout, message: `${describe(rollout)} shifts traffic without an analysis, so a bad version is never rolled back on its own; add an analysis step to every canary weight (or pre/postPromotionAnalysis for blue-green) referencing an AnalysisTemplate on the service's SLO.` }];
  }
  const missing = analyses.filter((a) => typeof a.name === "string" && !(a.clusterScope ? keys.cluster.has(`${namespaceKey(rollout, "")}|${a.name}`) : keys.namespaced.has(`${namespaceKey(rollout)}|${a.name}`)));
  if (analyses.some((a) => typeof a.name !== "string")) return [cannotTellYet(describe(rollout), "an analysis templateName", "wr-rollout-analysed", rollout)];
  return missing.map((a) => ({
    subject: rollout,
    message: `${describe(rollout)} names ${a.clusterScope ? "ClusterAnalysisTemplate" : "AnalysisTemplate"} ${String(a.name)}, which this program does not define in its ${a.clusterScope ? "cluster" : "namespace and cluster"}; create it or correct templateName.`,
  }));
}

export const rolloutAnalysed: StackRule = {
  meta: resilience(
    "WR-20",
    "rollout-analysed",
    "Canary and blue-green Rollouts run an analysis that exists in their namespace",
    "high",
    "Give every canary step (or blue-green pre/post-promotion) an analysis referencing an AnalysisTemplate in the Rollout's namespace and cluster.",
  ),
  judges: isRollout,
  check(resources) {
    const keys = templateKeys(resources);
    return resources.filter((r) => isRollout(r.type)).flatMap((r) => judge(r, keys));
  },
};
