import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { containerList, containersOf, isWindowsPod, joinQuote, obj, podSecurityContext, sortedUnique, str } from "./util";
import { ALLOWED_SECCOMP_TYPES } from "./seccompProfile_baseline";

function seccompProfileRestrictedV1Dot19(pod: Pod): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const fixes: Fix[] = [];
  const change = 'set it to "RuntimeDefault" or "Localhost"';
  let podSet = false;
  const podProfile = obj(podSecurityContext(pod)?.seccompProfile);
  if (podProfile) {
    if (ALLOWED_SECCOMP_TYPES.has(str(podProfile.type))) {
      podSet = true;
    } else {
      setters.push("pod");
      values.push(str(podProfile.type));
      fixes.push({ path: "spec.securityContext.seccompProfile.type", change });
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containersOf(pod)) {
    const profile = obj(c.securityContext?.seccompProfile);
    if (profile) {
      if (ALLOWED_SECCOMP_TYPES.has(str(profile.type))) continue;
      explicit.push(c.name);
      values.push(str(profile.type));
      fixes.push({ path: `${c.path}.securityContext.seccompProfile.type`, change });
    } else if (!podSet) {
      implicit.push(c.name);
    }
  }
  if (explicit.length > 0) setters.push(containerList(explicit));
  if (setters.length > 0) {
    return {
      allowed: false,
      forbiddenReason: "seccompProfile",
      forbiddenDetail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}`,
      fixes,
    };
  }
  if (implicit.length === 0) return ALLOWED;
  return {
    allowed: false,
    forbiddenReason: "seccompProfile",
    forbiddenDetail: `pod or ${containerList(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    fixes: [{ path: "spec.securityContext.seccompProfile.type", change: `set it to "RuntimeDefault" (or set it on ${containerList(implicit)})` }],
  };
}

/** From 1.25 Windows pods (`spec.os.name: windows`) are exempt: seccomp is Linux-only. */
function seccompProfileRestrictedV1Dot25(pod: Pod): CheckResult {
  return isWindowsPod(pod) ? ALLOWED : seccompProfileRestrictedV1Dot19(pod);
}

export const seccompProfile_restricted: CheckDefinition = {
  id: "seccompProfile_restricted",
  level: "restricted",
  control: "Seccomp",
  severity: "medium",
  description: 'The pod or every container must set seccompProfile type "RuntimeDefault" or "Localhost" (policy v1.19+).',
  remediation: 'Set spec.securityContext.seccompProfile.type: "RuntimeDefault" (or "Localhost" with a profile).',
  versions: [
    { minMinor: 19, check: seccompProfileRestrictedV1Dot19, overrides: ["seccompProfile_baseline"] },
    { minMinor: 25, check: seccompProfileRestrictedV1Dot25, overrides: ["seccompProfile_baseline"] },
  ],
};
