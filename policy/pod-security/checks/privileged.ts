import { ALLOWED, CheckDefinition, CheckResult, Pod } from "../api";
import { containerList, containersOf } from "./util";

function privilegedV1Dot0(pod: Pod): CheckResult {
  const bad = containersOf(pod).filter((c) => c.securityContext?.privileged === true);
  if (bad.length === 0) return ALLOWED;
  return {
    allowed: false,
    forbiddenReason: "privileged",
    forbiddenDetail: `${containerList(bad.map((c) => c.name))} must not set securityContext.privileged=true`,
    fixes: bad.map((c) => ({ path: `${c.path}.securityContext.privileged`, change: "remove it or set it to false" })),
  };
}

export const privileged: CheckDefinition = {
  id: "privileged",
  level: "baseline",
  control: "Privileged Containers",
  severity: "critical",
  description: "Containers must not run privileged.",
  remediation: "Remove securityContext.privileged from every container or set it to false.",
  versions: [{ minMinor: 0, check: privilegedV1Dot0 }],
};
