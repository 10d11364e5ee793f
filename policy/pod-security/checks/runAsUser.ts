import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { containerList, containersOf, inUserNamespace, podSecurityContext } from "./util";

function runAsUserV1Dot23(pod: Pod): CheckResult {
  const setters: string[] = [];
  const fixes: Fix[] = [];
  const change = "set a non-zero UID or remove it";
  if (podSecurityContext(pod)?.runAsUser === 0) {
    setters.push("pod");
    fixes.push({ path: "spec.securityContext.runAsUser", change });
  }
  const bad = containersOf(pod).filter((c) => c.securityContext?.runAsUser === 0);
  if (bad.length > 0) setters.push(containerList(bad.map((c) => c.name)));
  fixes.push(...bad.map((c) => ({ path: `${c.path}.securityContext.runAsUser`, change })));
  if (setters.length === 0) return ALLOWED;
  return { allowed: false, forbiddenReason: "runAsUser=0", forbiddenDetail: `${setters.join(" and ")} must not set runAsUser=0`, fixes };
}

/** From 1.35 pods in a user namespace (`hostUsers: false`) may run as UID 0: it maps to an unprivileged host UID. */
function runAsUserV1Dot35(pod: Pod): CheckResult {
  return inUserNamespace(pod) ? ALLOWED : runAsUserV1Dot23(pod);
}

export const runAsUser: CheckDefinition = {
  id: "runAsUser",
  level: "restricted",
  control: "Running as Non-root user",
  severity: "medium",
  description: "Pods and containers must not set runAsUser: 0 (policy v1.23+; from v1.35 allowed with hostUsers: false).",
  remediation: "Set runAsUser to a non-zero UID or leave it unset.",
  versions: [
    { minMinor: 23, check: runAsUserV1Dot23 },
    { minMinor: 35, check: runAsUserV1Dot35 },
  ],
};
