import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { containerList, containersOf, isWindowsPod, joinQuote, list, obj, sortedUnique } from "./util";

function capabilitiesRestrictedV1Dot22(pod: Pod): CheckResult {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbiddenCaps: string[] = [];
  const fixes: Fix[] = [];
  for (const c of containersOf(pod)) {
    const caps = obj(c.securityContext?.capabilities);
    if (!list(caps?.drop).includes("ALL")) {
      missingDropAll.push(c.name);
      fixes.push({ path: `${c.path}.securityContext.capabilities.drop`, change: 'include "ALL"' });
    }
    const added = list(caps?.add);
    // Most containers add nothing: no lists to build for them.
    const bad = added.length === 0 ? [] : added.map((a) => (typeof a === "string" ? a : String(a))).filter((a) => a !== "NET_BIND_SERVICE");
    if (bad.length > 0) {
      addingForbidden.push(c.name);
      forbiddenCaps.push(...bad);
      fixes.push({ path: `${c.path}.securityContext.capabilities.add`, change: `remove ${joinQuote(sortedUnique(bad))} (only "NET_BIND_SERVICE" may be added)` });
    }
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) details.push(`${containerList(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length > 0) {
    details.push(`${containerList(addingForbidden)} must not include ${joinQuote(sortedUnique(forbiddenCaps))} in securityContext.capabilities.add`);
  }
  if (details.length === 0) return ALLOWED;
  return { allowed: false, forbiddenReason: "unrestricted capabilities", forbiddenDetail: details.join("; "), fixes };
}

/** From 1.25 Windows pods (`spec.os.name: windows`) are exempt: Linux capabilities do not apply to them. */
function capabilitiesRestrictedV1Dot25(pod: Pod): CheckResult {
  return isWindowsPod(pod) ? ALLOWED : capabilitiesRestrictedV1Dot22(pod);
}

export const capabilities_restricted: CheckDefinition = {
  id: "capabilities_restricted",
  level: "restricted",
  control: "Capabilities",
  severity: "medium",
  description: 'Containers must drop "ALL" capabilities and may add back only NET_BIND_SERVICE (policy v1.22+).',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container and add at most "NET_BIND_SERVICE".',
  // Both revisions replace capabilities_baseline: restricted's add-list is a subset of baseline's.
  versions: [
    { minMinor: 22, check: capabilitiesRestrictedV1Dot22, overrides: ["capabilities_baseline"] },
    { minMinor: 25, check: capabilitiesRestrictedV1Dot25, overrides: ["capabilities_baseline"] },
  ],
};
