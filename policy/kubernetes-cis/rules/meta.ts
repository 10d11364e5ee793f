import type { RuleMeta, Severity } from "../../common/metadata";

/** Metadata of a CIS Amazon EKS Benchmark v1.8 control; the policy name is `cis-eks-<control>-<slug>`. */
export function cisEks(controlId: string, slug: string, title: string, severity: Severity, remediation: string, seeAlso?: readonly string[]): RuleMeta {
  return { id: `cis-eks-${controlId}-${slug}`, framework: "CIS-EKS-1.8", controlId, title, severity, remediation, ...(seeAlso ? { seeAlso } : {}) };
}

/**
 * A Kubernetes hardening check no CIS EKS control numbers, mapped to the NSA/CISA Kubernetes Hardening Guidance
 * (`controlId` is our short id for the guidance section); `seeAlso` names the peer checks (Polaris, kube-score).
 */
export function nsaCisa(controlId: string, id: string, title: string, severity: Severity, remediation: string, seeAlso: readonly string[]): RuleMeta {
  return { id, framework: "NSA-CISA-K8S-1.2", controlId, title, severity, remediation, seeAlso };
}
