/**
 * What the plan could not see becomes a finding of its own, pack `plan`: one per unjudged component (see
 * src/testing/unjudged.ts), mandatory in prod so a stack built from invisible components cannot pass the gate by
 * default, and exemptable through policy/exemptions.yaml like any other finding.
 */
import * as fs from "fs";
import { AnalyzerFinding, AnalyzerInfo, EnforcementLevel } from "../testing/analyzer";
import { UnjudgedComponent } from "../testing/unjudged";
import { exemptedMessage, expiredMessage, findExemption, loadExemptions } from "../../policy/common/exemptions";
import { PackRun } from "./policy-run";

export const PLAN_PACK = "plan";
export const UNJUDGED_POLICY = "unjudged-component";
export const UNJUDGED_RELEASE_POLICY = "unjudged-helm-release";

const INFO: AnalyzerInfo = {
  name: PLAN_PACK,
  version: "1.0.0",
  policies: [
    {
      name: UNJUDGED_POLICY,
      displayName: "Component not judged offline",
      description: "A component whose children the offline plan cannot see, so no policy pack judged them.",
      enforcementLevel: "advisory",
      severity: "high",
      tags: [],
      remediationSteps: "Check it for real (the finding says how) or exempt it in policy/exemptions.yaml with a reason, an owner and an expiry.",
    },
    {
      name: UNJUDGED_RELEASE_POLICY,
      displayName: "Helm release not rendered offline",
      description: "A helm.v3.Release: the Kubernetes provider renders its chart inside the release, so no policy pack sees its objects (offline or under the real CLI).",
      // Advisory in every environment: the objects are invisible to the real engine's analyzers as well, so blocking
      // here would block what `pulumi preview` cannot judge either; the finding keeps the gap visible per release
      // and the compliance score says it does not cover these releases.
      enforcementLevel: "advisory",
      severity: "medium",
      tags: [],
      remediationSteps: "Render the chart with `helm template` (the finding gives the command) and plan the output through k8s.yaml.ConfigGroup, or review its objects by hand; exempt it in policy/exemptions.yaml once reviewed.",
    },
  ],
};

export interface UnjudgedRunOptions {
  /** The stack's environment: `prod` makes each unjudged component mandatory. */
  readonly environment: string;
  /** policy/exemptions.yaml, if it exists. */
  readonly exemptionsFile?: string;
  readonly today?: Date;
}

/** The `plan` pack's run: one finding per unjudged component, exemptions applied as the packs apply them. */
export function unjudgedRun(unjudged: readonly UnjudgedComponent[], options: UnjudgedRunOptions): PackRun {
  const exemptions = options.exemptionsFile && fs.existsSync(options.exemptionsFile) ? loadExemptions(options.exemptionsFile) : [];
  const enforcement: EnforcementLevel = options.environment === "prod" ? "mandatory" : "advisory";
  const findings: AnalyzerFinding[] = unjudged.map((u) => {
    const release = u.kind === "helm-release";
    const policy = INFO.policies[release ? 1 : 0];
    const message = `${u.type} "${u.name}" was not judged: ${u.why}. To check it: ${u.howToCheck}.`;
    const verdict = findExemption(exemptions, policy.name, { type: u.type, name: u.name, urn: u.urn, props: {} }, options.today ?? new Date());
    const base = { policyPackName: PLAN_PACK, policyPackVersion: INFO.version, policyName: policy.name, description: policy.description, urn: u.urn, severity: policy.severity };
    if (verdict?.status === "exempted") return { ...base, enforcementLevel: "advisory", message: exemptedMessage(message, verdict.exemption) };
    return { ...base, enforcementLevel: release ? "advisory" : enforcement, message: verdict ? expiredMessage(message, verdict.exemption) : message };
  });
  return { dir: "", info: INFO, findings, millis: 0 };
}
