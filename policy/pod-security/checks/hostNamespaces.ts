import { ALLOWED, CheckDefinition, Fix, Pod, CheckResult } from "../api";

const FIELDS = ["hostNetwork", "hostPID", "hostIPC"] as const;

function hostNamespacesV1Dot0(pod: Pod): CheckResult {
  const set = FIELDS.filter((f) => pod.spec[f] === true);
  if (set.length === 0) return ALLOWED;
  return {
    allowed: false,
    forbiddenReason: "host namespaces",
    forbiddenDetail: set.map((f) => `${f}=true`).join(", "),
    fixes: set.map((f): Fix => ({ path: `spec.${f}`, change: "remove it or set it to false" })),
  };
}

export const hostNamespaces: CheckDefinition = {
  id: "hostNamespaces",
  level: "baseline",
  control: "Host Namespaces",
  severity: "critical",
  description: "Pods must not share the host's network, PID or IPC namespace.",
  remediation: "Remove spec.hostNetwork, spec.hostPID and spec.hostIPC or set them to false.",
  versions: [{ minMinor: 0, check: hostNamespacesV1Dot0 }],
};
