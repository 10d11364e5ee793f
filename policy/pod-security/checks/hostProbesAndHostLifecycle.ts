import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { containerList, containersOf, joinQuote, obj, pluralize, sortedUnique, str } from "./util";

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const HOOKS = ["postStart", "preStop"] as const;
const HANDLERS = ["httpGet", "tcpSocket"] as const;

/**
 * Records the `host` of each httpGet/tcpSocket handler of one probe or hook, found at `<container>.<field>`; true when
 * one is set. Paths are only worded for what is reported: most probes set no host.
 */
function handlerHosts(handler: unknown, containerPath: string, field: string, hosts: string[], fixes: Fix[]): boolean {
  const o = obj(handler);
  if (!o) return false;
  let found = false;
  for (const kind of HANDLERS) {
    const host = str(obj(o[kind])?.host);
    if (host === "") continue;
    found = true;
    hosts.push(host);
    fixes.push({ path: `${containerPath}.${field}.${kind}.host`, change: "remove it (the kubelet then targets the pod IP)" });
  }
  return found;
}

/** A probe or lifecycle hook with a `host` lets a pod make the kubelet connect to another machine (1.34+). */
function hostProbesAndHostLifecycleV1Dot34(pod: Pod): CheckResult {
  const names: string[] = [];
  const hosts: string[] = [];
  const fixes: Fix[] = [];
  for (const c of containersOf(pod)) {
    let bad = false;
    for (const p of PROBES) if (handlerHosts(c.container[p], c.path, p, hosts, fixes)) bad = true;
    const lifecycle = obj(c.container.lifecycle);
    for (const h of HOOKS) if (handlerHosts(lifecycle?.[h], c.path, `lifecycle.${h}`, hosts, fixes)) bad = true;
    if (bad) names.push(c.name);
  }
  if (names.length === 0) return ALLOWED;
  const unique = sortedUnique(hosts);
  return {
    allowed: false,
    forbiddenReason: "probe or lifecycle host",
    forbiddenDetail: `${containerList(sortedUnique(names))} ${pluralize("uses", "use", names.length)} ${pluralize("probe or lifecycle host", "probe or lifecycle hosts", unique.length)} ${joinQuote(unique)}`,
    fixes,
  };
}

export const hostProbesAndHostLifecycle: CheckDefinition = {
  id: "hostProbesAndHostLifecycle",
  level: "baseline",
  control: "Host Probes / Lifecycle Hooks",
  severity: "medium",
  description: "Probes and lifecycle hooks must not target another host (policy v1.34+).",
  remediation: "Remove .host from httpGet and tcpSocket probes and lifecycle handlers.",
  versions: [{ minMinor: 34, check: hostProbesAndHostLifecycleV1Dot34 }],
};
