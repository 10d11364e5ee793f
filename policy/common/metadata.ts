/**
 * What every rule declares about itself: which control of which framework it decides, how bad a violation is and
 * the one sentence that tells a user how to fix it. The wiring turns this into CrossGuard policy metadata and the
 * compliance score groups findings by it.
 */

/** Frameworks our packs map rules to. */
export const Frameworks = {
  /** CIS Amazon EKS Benchmark v1.8.0. */
  CisEks: "CIS-EKS-1.8",
  /** CIS Kubernetes Benchmark (section 5, policies). */
  CisK8s: "CIS-K8S",
  /** CIS AWS Foundations Benchmark v3.0.0. */
  CisAws: "CIS-AWS-3.0",
  /** AWS Foundational Security Best Practices (Security Hub control ids), where CIS has no control. */
  AwsFsbp: "AWS-FSBP",
  /** Kubernetes Pod Security Standards. */
  Pss: "PSS",
  /** Our own availability/resilience controls. */
  Resilience: "RESILIENCE",
  /** Our own AWS controls where neither CIS nor FSBP has one (each names its peer check in `seeAlso`). */
  AwsBaseline: "PLATFORM-AWS",
  /** NSA/CISA Kubernetes Hardening Guidance v1.2, for Kubernetes checks no CIS control covers. */
  NsaCisa: "NSA-CISA-K8S-1.2",
  /** Our cross-resource "it deploys and it works" controls (policy/runtime-coherence). */
  Coherence: "COHERENCE",
} as const;
export type Framework = (typeof Frameworks)[keyof typeof Frameworks];

/** Version and reference document of each framework, as CrossGuard's `framework` metadata wants them. */
export const FRAMEWORK_INFO: Readonly<Record<Framework, { readonly name: string; readonly version: string; readonly reference: string }>> = {
  "CIS-EKS-1.8": { name: "CIS Amazon EKS Benchmark", version: "1.8.0", reference: "https://www.cisecurity.org/benchmark/kubernetes" },
  "CIS-K8S": { name: "CIS Kubernetes Benchmark", version: "1.10.0", reference: "https://www.cisecurity.org/benchmark/kubernetes" },
  "CIS-AWS-3.0": { name: "CIS AWS Foundations Benchmark", version: "3.0.0", reference: "https://www.cisecurity.org/benchmark/amazon_web_services" },
  "AWS-FSBP": {
    name: "AWS Foundational Security Best Practices",
    version: "1.0.0",
    reference: "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html",
  },
  PSS: { name: "Kubernetes Pod Security Standards", version: "latest", reference: "https://kubernetes.io/docs/concepts/security/pod-security-standards/" },
  RESILIENCE: { name: "production-platform resilience baseline", version: "1.0.0", reference: "policy/workload-resilience/README.md" },
  "PLATFORM-AWS": { name: "production-platform AWS baseline", version: "1.0.0", reference: "policy/aws-baseline/README.md" },
  "NSA-CISA-K8S-1.2": {
    name: "NSA/CISA Kubernetes Hardening Guidance",
    version: "1.2",
    reference: "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
  },
  COHERENCE: { name: "production-platform runtime coherence", version: "1.0.0", reference: "policy/runtime-coherence/README.md" },
};

export const Severities = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof Severities)[number];

/** Metadata every rule carries. */
export interface RuleMeta {
  /** Policy name: kebab-case, stable (exemptions and pack configs refer to it). CIS rules start with the control id. */
  readonly id: string;
  readonly framework: Framework;
  /** Control id inside the framework, e.g. `4.1.3`, `S3.7`, `WR-2`. */
  readonly controlId: string;
  /** Control title as the framework words it (short form). */
  readonly title: string;
  readonly severity: Severity;
  /** One sentence: what to change to comply. */
  readonly remediation: string;
  /**
   * Peer checks deciding the same thing (e.g. `Polaris readOnlyRootFilesystem`, `kube-score container-security-context`,
   * `awsguard ec2-instance-no-public-ip`, `FSBP EC2.8`); shown in the policy description and docs/policy-coverage.md.
   */
  readonly seeAlso?: readonly string[];
}

/** Policy names are kebab-case ascii with dots allowed (for control ids like `4.1.3`). */
export const POLICY_NAME = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/** Problems with a rule's metadata (empty when fine); used by pack inventory tests. */
export function metaProblems(meta: RuleMeta): string[] {
  const problems: string[] = [];
  if (!POLICY_NAME.test(meta.id)) problems.push(`${meta.id}: id must be kebab-case (letters, digits, '-', '.')`);
  if (!(meta.framework in FRAMEWORK_INFO)) problems.push(`${meta.id}: unknown framework ${JSON.stringify(meta.framework)}`);
  if (!meta.controlId) problems.push(`${meta.id}: controlId is empty`);
  if (!meta.title) problems.push(`${meta.id}: title is empty`);
  if (!(Severities as readonly string[]).includes(meta.severity)) problems.push(`${meta.id}: severity ${JSON.stringify(meta.severity)} is not one of ${Severities.join(", ")}`);
  if (!meta.remediation || !/[.]$/.test(meta.remediation.trim())) problems.push(`${meta.id}: remediation must be a sentence ending with '.'`);
  const cisPrefix = { "CIS-EKS-1.8": "cis-eks-", "CIS-K8S": "cis-k8s-", "CIS-AWS-3.0": "cis-aws-" }[meta.framework as string];
  if (cisPrefix && !meta.id.startsWith(`${cisPrefix}${meta.controlId}-`)) {
    problems.push(`${meta.id}: CIS policy names start with ${cisPrefix}${meta.controlId}-`);
  }
  return problems;
}
