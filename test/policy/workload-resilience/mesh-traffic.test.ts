/**
 * WR-21 wr-mesh-traffic-resilience: a meshed service has a circuit breaker, outlier detection and a request timeout
 * (and, in ambient mode, a waypoint to apply them). Hosts resolve as Istio resolves them; the join is per cluster;
 * namespaces outside the mesh are left to NET-1; an unseen rule is "cannot tell yet", never a pass or a finding.
 */
import { contextFor, Subject } from "../../../policy/common/finding";
import { fqdn, hostCovers, meshTrafficResilience } from "../../../policy/workload-resilience/rules/mesh-traffic";
import { res } from "../common/packs";

const T = {
  Namespace: "kubernetes:core/v1:Namespace",
  NamespacePatch: "kubernetes:core/v1:NamespacePatch",
  Deployment: "kubernetes:apps/v1:Deployment",
  Service: "kubernetes:core/v1:Service",
  DestinationRule: "kubernetes:networking.istio.io/v1:DestinationRule",
  VirtualService: "kubernetes:networking.istio.io/v1:VirtualService",
  HttpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
};
const K8S = (name: string) => ({ type: "pulumi:providers:kubernetes", name, urn: `urn:pulumi:test::platform::pulumi:providers:kubernetes::${name}`, props: {} });
const on = (cluster: string) => ({ provider: K8S(cluster) });
const meta = { name: "api", namespace: "shop" };
const trafficPolicy = { connectionPool: { tcp: { maxConnections: 1024 } }, outlierDetection: { consecutive5xxErrors: 5 } };

interface Options {
  readonly labels?: Record<string, string>;
  readonly host?: string;
  readonly trafficPolicy?: Record<string, unknown>;
  readonly route?: "vs" | "httproute" | "none" | "vs-without-timeout";
  readonly ruleCluster?: string;
}

function program(o: Options = {}): Subject[] {
  const c = on("a");
  const routes = {
    vs: [res(T.VirtualService, "api", { metadata: meta, spec: { hosts: ["api"], http: [{ route: [{ destination: { host: "api" } }], timeout: "10s" }] } }, c)],
    "vs-without-timeout": [res(T.VirtualService, "api", { metadata: meta, spec: { hosts: ["api"], http: [{ route: [{ destination: { host: "api" } }] }] } }, c)],
    httproute: [res(T.HttpRoute, "api", { metadata: meta, spec: { parentRefs: [{ group: "", kind: "Service", name: "api" }], rules: [{ timeouts: { request: "10s" } }] } }, c)],
    none: [],
  };
  return [
    res(T.Namespace, "shop", { metadata: { name: "shop" } }, c),
    res(T.NamespacePatch, "shop-mesh", { metadata: { name: "shop", labels: o.labels ?? { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "shop-waypoint" } } }, c),
    res(T.Deployment, "api", { metadata: meta, spec: { replicas: 3, selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "x" }] } } } }, c),
    res(T.Service, "api", { metadata: meta, spec: { selector: { app: "api" }, ports: [{ port: 8080 }] } }, c),
    res(T.DestinationRule, "api", { metadata: meta, spec: { host: o.host ?? "api", trafficPolicy: o.trafficPolicy ?? trafficPolicy } }, on(o.ruleCluster ?? "a")),
    ...routes[o.route ?? "vs"],
  ] as Subject[];
}
const check = (rs: Subject[]) => meshTrafficResilience.check(rs, contextFor("prod"));

test("hosts resolve relative to the rule's namespace; wildcards are suffixes", () => {
  expect(fqdn("api", "shop")).toBe("api.shop.svc.cluster.local");
  expect(fqdn("api.shop", "other")).toBe("api.shop.svc.cluster.local");
  expect(fqdn("api.shop.svc", "other")).toBe("api.shop.svc.cluster.local");
  expect(hostCovers("*.shop.svc.cluster.local", "x", "api.shop.svc.cluster.local")).toBe(true);
  expect(hostCovers("api", "other", "api.shop.svc.cluster.local")).toBe(false);
});

test("an ambient service with a waypoint, a DestinationRule (breaker + outlier detection) and a timeout passes", () => {
  expect(check(program())).toEqual([]);
  expect(check(program({ host: "*.shop.svc.cluster.local" }))).toEqual([]);
  expect(check(program({ route: "httproute" }))).toEqual([]);
  // Outlier detection and a pool on a port-level setting count as well.
  expect(check(program({ trafficPolicy: { portLevelSettings: [{ port: { number: 8080 }, ...trafficPolicy }] } }))).toEqual([]);
});

test("each missing piece is named: the waypoint, the circuit breaker or outlier detection, the timeout", () => {
  const [noWaypoint] = check(program({ labels: { "istio.io/dataplane-mode": "ambient" } }));
  expect(noWaypoint.message).toContain("without a waypoint (label the namespace or Service istio.io/use-waypoint)");
  const [noOutlier] = check(program({ trafficPolicy: { connectionPool: trafficPolicy.connectionPool } }));
  expect(noOutlier.message).toContain("without a DestinationRule for its host with trafficPolicy.connectionPool");
  const [noTimeout] = check(program({ route: "vs-without-timeout" }));
  expect(noTimeout.message).toContain("without a request timeout on every route to it");
  expect(check(program({ route: "none" }))[0].message).toMatch(/timeout.*; add it\.$/);
  for (const f of [noWaypoint, noOutlier, noTimeout]) expect(f.undecided).toBeUndefined();
});

test("a sidecar namespace needs no waypoint; a namespace outside the mesh is not judged here", () => {
  expect(check(program({ labels: { "istio-injection": "enabled" } }))).toEqual([]);
  expect(check(program({ labels: {}, route: "none", trafficPolicy: {} }))).toEqual([]);
});

test("a DestinationRule in another cluster covers nothing (joined per cluster)", () => {
  const findings = check(program({ ruleCluster: "b" }));
  expect(findings).toHaveLength(1);
  expect(findings[0].message).toContain("DestinationRule");
});

test("an unseen DestinationRule (no properties at a first preview) is cannot tell yet, and odd input never throws", () => {
  const rs = program().map((r) => (r.type === T.DestinationRule ? { ...r, props: {} } : r));
  const [f] = check(rs);
  expect(f.undecided).toBe(true);
  const odd = program().map((r) => (r.type === T.VirtualService ? { ...r, props: { spec: { hosts: "api", http: "x" } } } : r));
  expect(() => check(odd)).not.toThrow();
  expect(() => check([res(T.DestinationRule, "x", { spec: { host: 3, trafficPolicy: [] } }) as Subject, ...program()])).not.toThrow();
});
