import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { containerList, containersOf, inUserNamespace, podSecurityContext } from "./util";

function runAsNonRootV1Dot0(pod: Pod): CheckResult {
  const setters: string[] = [];
  const fixes: Fix[] = [];
  const podValue = podSecurityContext(pod)?.runAsNonRoot;
  const podTrue = podValue === true;
  if (podValue === false) {
    setters.push("pod");
    fixes.push({ path: "spec.securityContext.runAsNonRoot", change: "set it to true" });
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containersOf(pod)) {
    const value = c.securityContext?.runAsNonRoot;
    if (value === false) {
      explicit.push(c.name);
      fixes.push({ path: `${c.path}.securityContext.runAsNonRoot`, change: "set it to true (or remove it and set spec.securityContext.runAsNonRoot: true)" });
    } else if (value !== true && !podTrue) {
      implicit.push(c.name);
    }
  }
  if (explicit.length > 0) setters.push(containerList(explicit));
  if (setters.length > 0) {
    return {
      allowed: false,
      forbiddenReason: "runAsNonRoot != true",
      forbiddenDetail: `${setters.join(" and ")} must not set securityContext.runAsNonRoot=false`,
      fixes,
    };
  }
  if (implicit.length === 0) return ALLOWED;
  return {
    allowed: false,
    forbiddenReason: "runAsNonRoot != true",
    forbiddenDetail: `pod or ${containerList(implicit)} must set securityContext.runAsNonRoot=true`,
    fixes: [{ path: "spec.securityContext.runAsNonRoot", change: `set it to true (or set securityContext.runAsNonRoot: true on ${containerList(implicit)})` }],
  };
}

/** From 1.35 pods in a user namespace (`hostUsers: false`) are exempt: their root is unprivileged on the host. */
function runAsNonRootV1Dot35(pod: Pod): CheckResult {
  return inUserNamespace(pod) ? ALLOWED : runAsNonRootV1Dot0(pod);
}

export const runAsNonRoot: CheckDefinition = {
  id: "runAsNonRoot",
  level: "restricted",
  control: "Running as Non-root",
  severity: "medium",
  description: "Containers must run with runAsNonRoot: true (from v1.35 not required for pods with hostUsers: false).",
  remediation: "Set spec.securityContext.runAsNonRoot: true and do not set it to false on any container.",
  versions: [
    { minMinor: 0, check: runAsNonRootV1Dot0 },
    { minMinor: 35, check: runAsNonRootV1Dot35 },
  ],
};
