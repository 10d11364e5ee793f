import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { containerList, containersOf, joinQuote, list, obj, sortedUnique } from "./util";

/**
 * The default container-runtime capability set. Names are compared exactly as the API stores them: upstream does
 * not strip a `CAP_` prefix or fold case, so `CAP_CHOWN` or `chown` are not in the set.
 */
export const BASELINE_ALLOWED_CAPABILITIES: ReadonlySet<string> = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

function capabilitiesBaselineV1Dot0(pod: Pod): CheckResult {
  const badNames: string[] = [];
  const badCaps: string[] = [];
  const fixes: Fix[] = [];
  for (const c of containersOf(pod)) {
    const added = list(obj(c.securityContext?.capabilities)?.add).map((a) => (typeof a === "string" ? a : String(a)));
    const forbidden = added.filter((a) => !BASELINE_ALLOWED_CAPABILITIES.has(a));
    if (forbidden.length === 0) continue;
    badNames.push(c.name);
    badCaps.push(...forbidden);
    fixes.push({ path: `${c.path}.securityContext.capabilities.add`, change: `remove ${joinQuote(sortedUnique(forbidden))}` });
  }
  if (badNames.length === 0) return ALLOWED;
  return {
    allowed: false,
    forbiddenReason: "non-default capabilities",
    forbiddenDetail: `${containerList(badNames)} must not include ${joinQuote(sortedUnique(badCaps))} in securityContext.capabilities.add`,
    fixes,
  };
}

export const capabilities_baseline: CheckDefinition = {
  id: "capabilities_baseline",
  level: "baseline",
  control: "Capabilities",
  severity: "high",
  description: "Containers may add only the runtime's default capabilities.",
  remediation: `Add no capabilities beyond ${[...BASELINE_ALLOWED_CAPABILITIES].join(", ")} (exact upper-case names, no CAP_ prefix).`,
  versions: [{ minMinor: 0, check: capabilitiesBaselineV1Dot0 }],
};
