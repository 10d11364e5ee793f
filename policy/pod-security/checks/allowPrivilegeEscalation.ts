import { ALLOWED, CheckDefinition, CheckResult, Pod } from "../api";
import { containerList, containersOf, isWindowsPod } from "./util";

function allowPrivilegeEscalationV1Dot8(pod: Pod): CheckResult {
  const bad = containersOf(pod).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false);
  if (bad.length === 0) return ALLOWED;
  return {
    allowed: false,
    forbiddenReason: "allowPrivilegeEscalation != false",
    forbiddenDetail: `${containerList(bad.map((c) => c.name))} must set securityContext.allowPrivilegeEscalation=false`,
    fixes: bad.map((c) => ({ path: `${c.path}.securityContext.allowPrivilegeEscalation`, change: "set it to false" })),
  };
}

/** From 1.25 pods that declare `spec.os.name: windows` are exempt (the field has no meaning there). */
function allowPrivilegeEscalationV1Dot25(pod: Pod): CheckResult {
  return isWindowsPod(pod) ? ALLOWED : allowPrivilegeEscalationV1Dot8(pod);
}

export const allowPrivilegeEscalation: CheckDefinition = {
  id: "allowPrivilegeEscalation",
  level: "restricted",
  control: "Privilege Escalation",
  severity: "medium",
  description: "Containers must set allowPrivilegeEscalation to false (policy v1.8+; Windows pods exempt from v1.25).",
  remediation: "Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.",
  versions: [
    // The field exists since Kubernetes 1.8.
    { minMinor: 8, check: allowPrivilegeEscalationV1Dot8 },
    { minMinor: 25, check: allowPrivilegeEscalationV1Dot25 },
  ],
};
