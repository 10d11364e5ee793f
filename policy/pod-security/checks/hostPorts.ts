import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { containerList, containersOf, list, obj, pluralize } from "./util";

function hostPortsV1Dot0(pod: Pod): CheckResult {
  const names: string[] = [];
  const ports: string[] = [];
  const fixes: Fix[] = [];
  for (const c of containersOf(pod)) {
    let bad = false;
    const declared = list(c.container.ports);
    for (let i = 0; i < declared.length; i++) {
      if (!(i in declared)) continue;
      const hostPort = obj(declared[i])?.hostPort;
      if (hostPort === undefined || hostPort === null || hostPort === 0) continue;
      bad = true;
      ports.push(String(hostPort));
      fixes.push({ path: `${c.path}.ports[${i}].hostPort`, change: "remove it (or set it to 0) and expose the port through a Service" });
    }
    if (bad) names.push(c.name);
  }
  if (names.length === 0) return ALLOWED;
  return {
    allowed: false,
    forbiddenReason: "hostPort",
    forbiddenDetail: `${containerList(names)} ${pluralize("uses", "use", names.length)} ${pluralize("hostPort", "hostPorts", ports.length)} ${ports.join(", ")}`,
    fixes,
  };
}

export const hostPorts: CheckDefinition = {
  id: "hostPorts",
  level: "baseline",
  control: "Host Ports",
  severity: "medium",
  description: "Containers must not bind host ports.",
  remediation: "Remove hostPort from every container port and expose ports through a Service.",
  versions: [{ minMinor: 0, check: hostPortsV1Dot0 }],
};
