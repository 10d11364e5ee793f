/** Every pack's rules by pack name, for the tools that judge them in-process (bench, the linearity test). */
import type { Rule } from "../policy/common/finding";
import { RULES as AWS } from "../policy/aws-baseline/rules";
import { RULES as CIS } from "../policy/kubernetes-cis/rules";
import { RULES as WR } from "../policy/workload-resilience/rules";
import { RULES as RC } from "../policy/runtime-coherence/rules";
import { ADVISORY_RULE, CHECK_RULES, NAMESPACE_RULE } from "../policy/pod-security/rules";

export const PACK_RULES: Readonly<Record<string, readonly Rule[]>> = {
  "aws-baseline": AWS,
  "kubernetes-cis": CIS,
  "pod-security": [...CHECK_RULES, ADVISORY_RULE, NAMESPACE_RULE],
  "runtime-coherence": RC,
  "workload-resilience": WR,
};
