/**
 * `production-platform/policies`: the rule functions of the bundled policy packs, for tests and tools that want to
 * check resources without starting a pack (`runRule(rule, resources, contextFor("prod"))`).
 *
 * Only pure modules are re-exported: a pack's own `index.ts` constructs a CrossGuard `PolicyPack` when loaded and is
 * meant for `pulumi preview --policy-pack node_modules/production-platform/dist/packs/<pack>` (compiled), not for import.
 *
 * @packageDocumentation
 */
import { RULES as AWS_BASELINE_RULES } from "../../policy/aws-baseline/rules";
import { INVENTORY as AWS_BASELINE_INVENTORY } from "../../policy/aws-baseline/inventory";
import type { Rule } from "../../policy/common/finding";
import type { Control } from "../../policy/common/score";
import { RULES as KUBERNETES_CIS_RULES } from "../../policy/kubernetes-cis/rules";
import { INVENTORY as KUBERNETES_CIS_INVENTORY } from "../../policy/kubernetes-cis/inventory";
import { RULES as RUNTIME_COHERENCE_RULES } from "../../policy/runtime-coherence/rules";
import { INVENTORY as RUNTIME_COHERENCE_INVENTORY } from "../../policy/runtime-coherence/inventory";
import { RULES as WORKLOAD_RESILIENCE_RULES } from "../../policy/workload-resilience/rules";
import { INVENTORY as WORKLOAD_RESILIENCE_INVENTORY } from "../../policy/workload-resilience/inventory";

export * from "../../policy/common";
export * as podSecurity from "./pod-security";

/** A pack built on the common rule model: its rules and the compliance controls they decide. */
export interface RulePack {
  readonly name: string;
  readonly rules: readonly Rule[];
  readonly inventory: readonly Control[];
}

/** The rule-model packs, by pack name (the `pod-security` pack has its own engine: see {@link podSecurity}). */
export const RULE_PACKS: Readonly<Record<string, RulePack>> = Object.freeze({
  "aws-baseline": { name: "aws-baseline", rules: AWS_BASELINE_RULES, inventory: AWS_BASELINE_INVENTORY },
  "kubernetes-cis": { name: "kubernetes-cis", rules: KUBERNETES_CIS_RULES, inventory: KUBERNETES_CIS_INVENTORY },
  "runtime-coherence": { name: "runtime-coherence", rules: RUNTIME_COHERENCE_RULES, inventory: RUNTIME_COHERENCE_INVENTORY },
  "workload-resilience": { name: "workload-resilience", rules: WORKLOAD_RESILIENCE_RULES, inventory: WORKLOAD_RESILIENCE_INVENTORY },
});

/** The rule with this policy name (`cis-eks-5.4.2-private-endpoint`), from any rule-model pack. */
export function ruleById(id: string): Rule | undefined {
  for (const pack of Object.values(RULE_PACKS)) {
    const rule = pack.rules.find((r) => r.meta.id === id);
    if (rule) return rule;
  }
  return undefined;
}
