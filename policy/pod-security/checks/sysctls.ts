import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { list, obj, podSecurityContext, str } from "./util";

/** Safe (namespaced, isolated) sysctls by the policy version that first allows them. Names are matched exactly. */
export const SAFE_SYSCTLS: readonly { readonly minMinor: number; readonly names: readonly string[] }[] = [
  {
    minMinor: 0,
    names: ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"],
  },
  { minMinor: 27, names: ["net.ipv4.ip_local_reserved_ports"] },
  { minMinor: 29, names: ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"] },
  { minMinor: 32, names: ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"] },
  // Development line (Kubernetes 1.37): not accepted by any released version yet.
  { minMinor: 37, names: ["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"] },
];

export function safeSysctlsAt(minor: number): string[] {
  return SAFE_SYSCTLS.filter((s) => s.minMinor <= minor).flatMap((s) => s.names);
}

function sysctlsCheck(minor: number): (pod: Pod) => CheckResult {
  const allowed = new Set(safeSysctlsAt(minor));
  const allowedList = [...allowed].join(", ");
  return (pod) => {
    const forbidden: string[] = [];
    const fixes: Fix[] = [];
    list(podSecurityContext(pod)?.sysctls).forEach((raw, i) => {
      const name = str(obj(raw)?.name);
      if (allowed.has(name)) return;
      forbidden.push(name);
      fixes.push({ path: `spec.securityContext.sysctls[${i}]`, change: `remove ${JSON.stringify(name)}; allowed at this version: ${allowedList}` });
    });
    if (forbidden.length === 0) return ALLOWED;
    return { allowed: false, forbiddenReason: "forbidden sysctls", forbiddenDetail: forbidden.join(", "), fixes };
  };
}

export const sysctls: CheckDefinition = {
  id: "sysctls",
  level: "baseline",
  control: "Sysctls",
  severity: "high",
  description: "Pods may set only the safe, namespaced sysctls of the policy version.",
  remediation: "Remove every sysctl not in the safe set of the policy version (exact names, dot-separated).",
  versions: SAFE_SYSCTLS.map((s) => ({ minMinor: s.minMinor, check: sysctlsCheck(s.minMinor) })),
};
