import type { RuleMeta, Severity } from "../../common/metadata";

/** A control of our runtime-coherence baseline; ids `RC-<n>`, policy names `rc-<slug>`. */
export function coherence(controlId: string, slug: string, title: string, severity: Severity, remediation: string): RuleMeta {
  return { id: `rc-${slug}`, framework: "COHERENCE", controlId, title, severity, remediation };
}
