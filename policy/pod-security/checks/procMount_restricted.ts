import { CheckDefinition } from "../api";
import { procMountDefaultOnly } from "./procMount";

export const procMount_restricted: CheckDefinition = {
  id: "procMount_restricted",
  level: "restricted",
  control: "/proc Mount Type",
  severity: "medium",
  description: 'Containers must keep the default /proc masks even with hostUsers: false (policy v1.35+).',
  remediation: 'Remove securityContext.procMount or set it to "Default".',
  // Replaces baseline procMount from 1.35, where baseline started relaxing it for user-namespace pods.
  versions: [{ minMinor: 35, check: procMountDefaultOnly, overrides: ["procMount"] }],
};
