import type { RuleMeta, Severity } from "../../common/metadata";

/** Metadata of a CIS Amazon EKS Benchmark v1.8 control; the policy name is `cis-eks-<control>-<slug>`. */
export function cisEks(controlId: string, slug: string, title: string, severity: Severity, remediation: string): RuleMeta {
  return { id: `cis-eks-${controlId}-${slug}`, framework: "CIS-EKS-1.8", controlId, title, severity, remediation };
}
