import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { containerList, containersOf, obj, podSecurityContext } from "./util";

function windowsHostProcessV1Dot0(pod: Pod): CheckResult {
  const setters: string[] = [];
  const fixes: Fix[] = [];
  const change = "remove it or set it to false";
  if (obj(podSecurityContext(pod)?.windowsOptions)?.hostProcess === true) {
    setters.push("pod");
    fixes.push({ path: "spec.securityContext.windowsOptions.hostProcess", change });
  }
  const bad = containersOf(pod).filter((c) => obj(c.securityContext?.windowsOptions)?.hostProcess === true);
  if (bad.length > 0) setters.push(containerList(bad.map((c) => c.name)));
  fixes.push(...bad.map((c) => ({ path: `${c.path}.securityContext.windowsOptions.hostProcess`, change })));
  if (setters.length === 0) return ALLOWED;
  return {
    allowed: false,
    forbiddenReason: "hostProcess",
    forbiddenDetail: `${setters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`,
    fixes,
  };
}

export const windowsHostProcess: CheckDefinition = {
  id: "windowsHostProcess",
  level: "baseline",
  control: "HostProcess",
  severity: "critical",
  description: "Windows pods must not run HostProcess containers.",
  remediation: "Remove securityContext.windowsOptions.hostProcess from the pod and its containers or set it to false.",
  versions: [{ minMinor: 0, check: windowsHostProcessV1Dot0 }],
};
