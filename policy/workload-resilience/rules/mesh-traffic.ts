/**
 * WR-21: a service in the mesh fails fast instead of dragging its callers down. For every workload served by a
 * Service in a mesh-enrolled namespace: a DestinationRule for the Service's host with a circuit breaker
 * (`trafficPolicy.connectionPool`) and outlier detection (`trafficPolicy.outlierDetection`), and a request timeout
 * (a VirtualService `http[].timeout` for the host, or a Gateway API HTTPRoute on the Service with
 * `rules[].timeouts.request`). In ambient mode these are applied by a waypoint only (ztunnel is L4), so an ambient
 * namespace or Service must also use one (`istio.io/use-waypoint`). Joined per cluster; hosts resolve as Istio
 * resolves them (a short name relative to the rule's namespace, `*.` wildcards as suffixes).
 * Namespaces outside the mesh are not judged here (kubernetes-cis NET-1 reports them).
 */
import { describe, Finding, StackRule, Subject } from "../../common/finding";
import { isKubernetesObject, kindOf, metadataOf, namespaceOf } from "../../common/kubernetes";
import { isOfKind, meshEnrolment, ServedWorkload, servedWorkloads } from "../../common/mesh";
import { clusterOf, namespaceKey } from "../../common/scope";
import { groupBy } from "../../common/stack";
import { cannotTellYet, containsUnknown, isUnknown, objectOf } from "../../common/unknown";
import { resilience } from "./meta";

const POLICY = "wr-mesh-traffic-resilience";
const isDestinationRule = isOfKind("networking.istio.io", "DestinationRule");
const isVirtualService = isOfKind("networking.istio.io", "VirtualService");
const isHttpRoute = isOfKind("gateway.networking.k8s.io", "HTTPRoute");

/** A host as Istio resolves it: `svc` and `svc.ns` are relative to the object's namespace. */
export function fqdn(host: string, namespace: string): string {
  const parts = host.split(".");
  if (host.startsWith("*")) return host;
  if (parts.length === 1) return `${host}.${namespace}.svc.cluster.local`;
  if (parts.length === 2) return `${host}.svc.cluster.local`;
  if (parts.length === 3 && parts[2] === "svc") return `${host}.cluster.local`;
  return host;
}

/** True when the host (possibly a wildcard) covers the Service's name. */
export function hostCovers(host: string, namespace: string, service: string): boolean {
  const h = fqdn(host, namespace);
  return h === service || h === "*" || (h.startsWith("*.") && service.endsWith(h.slice(1)));
}

const serviceFqdn = (s: Subject) => `${metadataOf(s.props).name}.${namespaceOf(s)}.svc.cluster.local`;
const set = (v: unknown) => v !== undefined && v !== null && !(typeof v === "string" && (v === "" || v === "0s"));

interface Verdict {
  readonly ok: boolean;
  readonly unknown: boolean;
}

/** Some object of the cluster, covering one of the Services, satisfies `good`; unknown when one might. */
function covered(byCluster: ReadonlyMap<string, readonly Subject[]>, w: ServedWorkload, hostsOf: (o: Subject) => unknown, good: (o: Subject) => boolean | "unknown"): Verdict {
  let unknown = false;
  const names = w.services.map(serviceFqdn);
  for (const o of byCluster.get(clusterOf(w.subject)) ?? []) {
    // No properties at all: unseen at a first preview (a cluster-derived provider), never a rule that is absent.
    if (Object.keys(o.props).length === 0) {
      unknown = true;
      continue;
    }
    const hosts = hostsOf(o);
    const ns = namespaceOf(o) ?? "default";
    if (isUnknown(hosts) || containsUnknown(hosts) || ns === "unknown") {
      unknown = true;
      continue;
    }
    const list = (Array.isArray(hosts) ? hosts : [hosts]).filter((h): h is string => typeof h === "string");
    if (!list.some((h) => names.some((n) => hostCovers(h, ns, n)))) continue;
    const verdict = good(o);
    if (verdict === true) return { ok: true, unknown: false };
    if (verdict === "unknown") unknown = true;
  }
  return { ok: false, unknown };
}

function breakerOf(dr: Subject): boolean | "unknown" {
  const spec = objectOf(dr.props.spec);
  if (!spec) return isUnknown(dr.props.spec) ? "unknown" : false;
  const policies = [objectOf(spec.trafficPolicy), ...(Array.isArray(objectOf(spec.trafficPolicy)?.portLevelSettings) ? (objectOf(spec.trafficPolicy)!.portLevelSettings as unknown[]).map(objectOf) : [])];
  if (policies.some((p) => p && (containsUnknown(p.connectionPool) || containsUnknown(p.outlierDetection)))) return "unknown";
  return policies.some((p) => p !== undefined && objectOf(p.connectionPool) !== undefined && objectOf(p.outlierDetection) !== undefined);
}

function timeoutOf(route: Subject): boolean | "unknown" {
  const spec = objectOf(route.props.spec);
  if (!spec) return isUnknown(route.props.spec) ? "unknown" : false;
  const entries = isHttpRoute(route.type) ? spec.rules : spec.http;
  if (!Array.isArray(entries)) return isUnknown(entries) ? "unknown" : false;
  const values = entries.map((e) => (isHttpRoute(route.type) ? objectOf(objectOf(e)?.timeouts)?.request : objectOf(e)?.timeout));
  if (values.some((v) => isUnknown(v))) return "unknown";
  return values.length > 0 && values.every(set);
}

/** An HTTPRoute's Service parents as hosts, so hosts and parents share one matcher. */
function routeHosts(o: Subject): unknown {
  if (isUnknown(o.props.spec)) return o.props.spec;
  const spec = objectOf(o.props.spec);
  if (isVirtualService(o.type)) return spec?.hosts;
  const parents = spec?.parentRefs;
  if (!Array.isArray(parents)) return isUnknown(parents) ? parents : [];
  return parents.map(objectOf).filter((p) => p && p.kind === "Service").map((p) => (typeof p!.namespace === "string" ? `${String(p!.name)}.${p!.namespace}` : p!.name));
}

/** The objects of each cluster: a workload is only ever covered by its own cluster's rules. */
type ByCluster = ReadonlyMap<string, readonly Subject[]>;

function judge(w: ServedWorkload, mode: string, waypoint: boolean, rules: ByCluster, routes: ByCluster): Finding[] {
  const what = `${describe(w.subject)} (served by Service ${w.services.map((s) => metadataOf(s.props).name).join(", ")})`;
  const missing: string[] = [];
  let unknown = false;
  const usesWaypoint = waypoint || w.services.some((s) => typeof objectOf(metadataOf(s.props).labels)?.["istio.io/use-waypoint"] === "string");
  if (mode === "ambient" && !usesWaypoint) missing.push("a waypoint (label the namespace or Service istio.io/use-waypoint), without which an ambient mesh applies no L7 policy");
  const breaker = covered(rules, w, (o) => (isUnknown(o.props.spec) ? o.props.spec : objectOf(o.props.spec)?.host), breakerOf);
  unknown ||= !breaker.ok && breaker.unknown;
  if (!breaker.ok && !breaker.unknown) missing.push("a DestinationRule for its host with trafficPolicy.connectionPool (circuit breaker) and trafficPolicy.outlierDetection");
  const timeout = covered(routes, w, routeHosts, timeoutOf);
  unknown ||= !timeout.ok && timeout.unknown;
  if (!timeout.ok && !timeout.unknown) missing.push("a request timeout on every route to it (VirtualService http[].timeout, or HTTPRoute rules[].timeouts.request)");
  if (missing.length > 0) return [{ subject: w.subject, message: `${what} is in the mesh without ${missing.join("; without ")}, so a slow or failing instance holds its callers' requests until they fail too; add ${missing.length === 1 ? "it" : "them"}.` }];
  return unknown ? [cannotTellYet(what, "its DestinationRule or route (host, spec)", POLICY, w.subject)] : [];
}

export const meshTrafficResilience: StackRule = {
  meta: resilience(
    "WR-21",
    "mesh-traffic-resilience",
    "Services in the mesh have a circuit breaker, outlier detection and a request timeout (through a waypoint in ambient mode)",
    "high",
    "For each meshed service: a DestinationRule with trafficPolicy.connectionPool and outlierDetection, a VirtualService (or HTTPRoute) timeout, and in ambient mode a waypoint (istio.io/use-waypoint).",
    ["Istio: Circuit breaking; Outlier detection; Request timeouts", "Istio ambient: Use Layer 7 features"],
  ),
  judges: isKubernetesObject,
  check(resources) {
    const enrolled = meshEnrolment(resources);
    const { served, undecided } = servedWorkloads(resources);
    const rules = groupBy(resources.filter((r) => isDestinationRule(r.type)), clusterOf);
    const routes = groupBy(resources.filter((r) => isVirtualService(r.type) || isHttpRoute(r.type)), clusterOf);
    const findings: Finding[] = undecided.map((w) => cannotTellYet(`${kindOf(w.type)} ${w.name}`, "metadata.namespace or its pod labels", POLICY, w));
    for (const w of served) {
      const e = enrolled.get(namespaceKey(w.subject, w.namespace));
      if (e === undefined) continue;
      if (e.mode === "unknown") findings.push(cannotTellYet(`namespace ${w.namespace}`, "mesh enrolment label", POLICY, w.subject));
      else findings.push(...judge(w, e.mode, e.waypoint, rules, routes));
    }
    return findings;
  },
};
