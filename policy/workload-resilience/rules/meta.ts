import type { RuleMeta, Severity } from "../../common/metadata";

/** A control of our resilience baseline; ids `WR-<n>`, policy names `wr-<slug>`. */
export function resilience(controlId: string, slug: string, title: string, severity: Severity, remediation: string, seeAlso?: readonly string[]): RuleMeta {
  return { id: `wr-${slug}`, framework: "RESILIENCE", controlId, title, severity, remediation, ...(seeAlso ? { seeAlso } : {}) };
}
