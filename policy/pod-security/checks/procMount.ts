import { ALLOWED, CheckDefinition, CheckResult, Pod } from "../api";
import { containerList, containersOf, inUserNamespace, joinQuote, sortedUnique } from "./util";

/** Any procMount other than unset or "Default" unmasks /proc. Shared with `procMount_restricted`. */
export function procMountDefaultOnly(pod: Pod): CheckResult {
  const bad = containersOf(pod).filter((c) => {
    const pm = c.securityContext?.procMount;
    return pm !== undefined && pm !== null && pm !== "Default";
  });
  if (bad.length === 0) return ALLOWED;
  const types = sortedUnique(bad.map((c) => String(c.securityContext?.procMount)));
  return {
    allowed: false,
    forbiddenReason: "procMount",
    forbiddenDetail: `${containerList(bad.map((c) => c.name))} must not set securityContext.procMount to ${joinQuote(types)}`,
    fixes: bad.map((c) => ({ path: `${c.path}.securityContext.procMount`, change: 'remove it or set it to "Default"' })),
  };
}

/** From 1.35 baseline allows any procMount for pods in a user namespace (`hostUsers: false`). */
function procMountV1Dot35(pod: Pod): CheckResult {
  return inUserNamespace(pod) ? ALLOWED : procMountDefaultOnly(pod);
}

export const procMount: CheckDefinition = {
  id: "procMount",
  level: "baseline",
  control: "/proc Mount Type",
  severity: "high",
  description: "Containers must keep the default /proc masks (from v1.35 relaxed for pods with hostUsers: false).",
  remediation: 'Remove securityContext.procMount or set it to "Default".',
  versions: [
    { minMinor: 0, check: procMountDefaultOnly },
    { minMinor: 35, check: procMountV1Dot35 },
  ],
};
