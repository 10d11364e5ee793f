import type { Framework, RuleMeta, Severity } from "../../common/metadata";

/** CIS AWS Foundations Benchmark v3.0 control; the policy name is `cis-aws-<control>-<slug>`. */
export function cisAws(controlId: string, slug: string, title: string, severity: Severity, remediation: string, seeAlso?: readonly string[]): RuleMeta {
  return { id: `cis-aws-${controlId}-${slug}`, framework: "CIS-AWS-3.0", controlId, title, severity, remediation, ...(seeAlso ? { seeAlso } : {}) };
}

/** AWS Foundational Security Best Practices control (Security Hub id) for what CIS does not cover. */
export function fsbp(controlId: string, id: string, title: string, severity: Severity, remediation: string, seeAlso?: readonly string[], framework: Framework = "AWS-FSBP"): RuleMeta {
  return { id, framework, controlId, title, severity, remediation, ...(seeAlso ? { seeAlso } : {}) };
}

/** One of our own AWS controls (`PA-<n>`), for checks peers have that neither CIS nor FSBP numbers. */
export function platformAws(controlId: string, id: string, title: string, severity: Severity, remediation: string, seeAlso: readonly string[]): RuleMeta {
  return { id, framework: "PLATFORM-AWS", controlId, title, severity, remediation, seeAlso };
}
