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
    const message = `${u.type} "${u.name}" was not judged: ${u.why}. To check it: ${u.howToCheck}.`;
    const verdict = findExemption(exemptions, UNJUDGED_POLICY, { type: u.type, name: u.name, urn: u.urn, props: {} }, options.today ?? new Date());
    const base = { policyPackName: PLAN_PACK, policyPackVersion: INFO.version, policyName: UNJUDGED_POLICY, description: INFO.policies[0].description, urn: u.urn, severity: "high" as const };
    if (verdict?.status === "exempted") return { ...base, enforcementLevel: "advisory", message: exemptedMessage(message, verdict.exemption) };
    return { ...base, enforcementLevel: enforcement, message: verdict ? expiredMessage(message, verdict.exemption) : message };
  });
  return { dir: "", info: INFO, findings, millis: 0 };
}
