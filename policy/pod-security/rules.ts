/**
 * The pack's rules in the shared rule model of `policy/common` (pure: no @pulumi/policy here): one stack rule per
 * upstream check, reporting at the workload's enforce level, and one advisory stack rule for warn/audit findings and
 * preview notices. `index.ts` wires them with `policy/common/wiring` (metadata, exemptions, error handling).
 */
import { Finding, Frameworks, StackRule, Subject } from "../common";
import { LEVELS, NEWEST_POLICY_MINOR } from "./api";
import { CHECKS } from "./checks";
import { advisoryFindings, collectWorkloads, enforcementFindings, readSettings, StackResource } from "./stack";

export const ADVISORY_POLICY = "pod-security-advisory";

/** Config properties of every pod-security policy, on top of the common ones (environment, exemptions). */
export const POD_SECURITY_CONFIG_SCHEMA: Readonly<Record<string, Record<string, unknown>>> = {
  defaultLevel: {
    type: "string",
    enum: [...LEVELS],
    default: "restricted",
    description: "Level for workloads whose Namespace is not in the stack or has no enforce label.",
  },
  defaultVersion: {
    type: "string",
    pattern: "^(latest|v1\\.(0|[1-9][0-9]*))$",
    default: "latest",
    description: `Policy version for those workloads: latest (= v1.${NEWEST_POLICY_MINOR}) or v1.N.`,
  },
  exemptNamespaces: { type: "array", items: { type: "string" }, default: [], description: "Namespaces whose pods are not judged." },
  exemptRuntimeClasses: { type: "array", items: { type: "string" }, default: [], description: "runtimeClassNames whose pods are not judged." },
};

function stackResources(subjects: readonly Subject[]): StackResource[] {
  return subjects.map((s) => ({ type: s.type, name: s.name, urn: s.urn, props: s.props, providerProps: s.provider?.props }));
}

function withSubjects(subjects: readonly Subject[], findings: readonly { urn: string; message: string }[]): Finding[] {
  const byUrn = new Map(subjects.map((s) => [s.urn, s]));
  return findings.map((f) => ({ message: f.message, subject: byUrn.get(f.urn) }));
}

/** One rule per upstream check id; the policy name is the check id, so the compliance report names the check. */
export const CHECK_RULES: readonly StackRule[] = CHECKS.map((check) => ({
  meta: {
    id: check.id,
    framework: Frameworks.Pss,
    controlId: `${check.level}/${check.id}`,
    title: check.control,
    severity: check.severity,
    remediation: check.remediation,
  },
  configSchema: POD_SECURITY_CONFIG_SCHEMA,
  check(subjects, context) {
    const workloads = collectWorkloads(stackResources(subjects), readSettings(context.config));
    return withSubjects(subjects, enforcementFindings(workloads, check.id));
  },
}));

export const ADVISORY_RULE: StackRule = {
  meta: {
    id: ADVISORY_POLICY,
    framework: Frameworks.Pss,
    controlId: "warn-audit",
    title: "warn/audit findings and preview notices",
    severity: "low",
    remediation: "Fix the named field, or let the update judge values that are unknown during preview.",
  },
  configSchema: POD_SECURITY_CONFIG_SCHEMA,
  check(subjects, context) {
    const resources = stackResources(subjects);
    const settings = readSettings(context.config);
    return withSubjects(subjects, advisoryFindings(resources, collectWorkloads(resources, settings), settings));
  },
};
