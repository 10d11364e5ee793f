import type { Framework, RuleMeta, Severity } from "../../common/metadata";

/** CIS AWS Foundations Benchmark v3.0 control; the policy name is `cis-aws-<control>-<slug>`. */
export function cisAws(controlId: string, slug: string, title: string, severity: Severity, remediation: string): RuleMeta {
  return { id: `cis-aws-${controlId}-${slug}`, framework: "CIS-AWS-3.0", controlId, title, severity, remediation };
}

/** AWS Foundational Security Best Practices control (Security Hub id) for what CIS does not cover. */
export function fsbp(controlId: string, id: string, title: string, severity: Severity, remediation: string, framework: Framework = "AWS-FSBP"): RuleMeta {
  return { id, framework, controlId, title, severity, remediation };
}
