/**
 * The pack's rules in the shared rule model of `policy/common` (no @pulumi/policy here): one resource rule per
 * upstream check, judging inputs at the workload's enforce level, one advisory resource rule for warn/audit findings
 * and preview notices, and one stack rule for what needs the whole stack (see inputs.ts). `index.ts` wires them with `policy/common/wiring` (metadata, exemptions, error handling).
 */
import { Finding, Frameworks, ResourceRule, StackRule, Subject } from "../common";
import { LEVELS, NEWEST_POLICY_MINOR } from "./api";
import { CHECKS } from "./checks";
import { analyse, lateNamespaceFindings } from "./inputs";
import { isPodKind, kindOf } from "./podspec";
import { advisoryFindings, enforcementFindings, readSettings } from "./stack";

export const ADVISORY_POLICY = "pod-security-advisory";
export const NAMESPACE_POLICY = "pod-security-namespace";

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

/** The Kubernetes kinds every pod-security resource policy sees: pod-bearing objects and Namespaces (remembered). */
function judged(type: string): boolean {
  const kind = kindOf(type);
  return kind === "Namespace" || isPodKind(kind);
}

function withSubject(subject: Subject, findings: readonly { message: string }[]): Finding[] {
  return findings.map((f) => ({ message: f.message, subject }));
}

/**
 * One resource policy per upstream check id, judging each pod-bearing object on its inputs at its namespace's
 * enforce level and version; the policy name is the check id, so the compliance report and a config file name the
 * check (`"hostPorts": "advisory"`).
 */
export const CHECK_RULES: readonly ResourceRule[] = CHECKS.map((check) => ({
  meta: {
    id: check.id,
    framework: Frameworks.Pss,
    controlId: `${check.level}/${check.id}`,
    title: check.control,
    severity: check.severity,
    remediation: check.remediation,
  },
  types: judged,
  configSchema: POD_SECURITY_CONFIG_SCHEMA,
  check(subject, context) {
    const { workload } = analyse(subject, check.id, readSettings(context.config));
    return workload ? withSubject(subject, enforcementFindings([workload], check.id)) : [];
  },
}));

/** warn/audit findings, checks that cannot be decided yet, and malformed or unknown namespace labels (advisory). */
export const ADVISORY_RULE: ResourceRule = {
  meta: {
    id: ADVISORY_POLICY,
    framework: Frameworks.Pss,
    controlId: "warn-audit",
    title: "warn/audit findings and preview notices",
    severity: "low",
    remediation: "Fix the named field, or let the update judge values that are unknown during preview.",
  },
  types: judged,
  configSchema: POD_SECURITY_CONFIG_SCHEMA,
  check(subject, context) {
    const settings = readSettings(context.config);
    const { workload, namespace } = analyse(subject, ADVISORY_POLICY, settings);
    return withSubject(subject, advisoryFindings(namespace ? [namespace] : [], workload ? [workload] : [], settings));
  },
};

/** The stack-level remainder: workloads whose Namespace (per cluster) became known only after they were analysed. */
export const NAMESPACE_RULE: StackRule = {
  meta: {
    id: NAMESPACE_POLICY,
    framework: Frameworks.Pss,
    controlId: "namespace-labels",
    title: "workloads judged at their Namespace's labels once the whole stack is known",
    severity: "high",
    remediation: "Fix the named field; make the workload depend on its Namespace so it is judged at its labels as it registers.",
  },
  configSchema: POD_SECURITY_CONFIG_SCHEMA,
  check(subjects, context) {
    const byUrn = new Map(subjects.map((s) => [s.urn, s]));
    return lateNamespaceFindings(subjects, readSettings(context.config)).map((f) => ({ message: f.message, subject: byUrn.get(f.urn) }));
  },
};
