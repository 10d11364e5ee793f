/**
 * Mesh rules: pass and fail fixtures, a two-cluster join, and "cannot tell yet" on unknowns. Built from the
 * same object shapes ServiceMesh and HaService register.
 */
import { contextFor, Subject } from "../../../policy/common/finding";
import { meshAuthorizationPolicy, meshStrictMtls } from "../../../policy/kubernetes-cis/rules/mesh";
import { authorizationPolicySpecOf } from "../../../components/mesh/meshPolicy";
import { res } from "../common/packs";

const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const T = {
  Deployment: "kubernetes:apps/v1:Deployment",
  Service: "kubernetes:core/v1:Service",
  Namespace: "kubernetes:core/v1:Namespace",
  NamespacePatch: "kubernetes:core/v1:NamespacePatch",
  Peer: "kubernetes:security.istio.io/v1:PeerAuthentication",
  Authz: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
};
const cluster = (name: string) => ({ provider: { type: "pulumi:providers:kubernetes", name, urn: `urn:pulumi:test::platform::pulumi:providers:kubernetes::${name}`, props: {} } });
const labels = { "app.kubernetes.io/name": "checkout" };

function program(c = "use1", o: { enrolled?: unknown; mode?: unknown; authz?: boolean; nsMode?: string } = {}): Subject[] {
  const on = cluster(c);
  const rs = [
    res(T.Namespace, `${c}-payments`, { metadata: { name: "payments" } }, on),
    res(T.NamespacePatch, `${c}-payments-ambient`, { metadata: { name: "payments", labels: o.enrolled === undefined ? { "istio.io/dataplane-mode": "ambient" } : o.enrolled } }, on),
    res(T.Peer, `${c}-mtls`, { metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: o.mode ?? "STRICT" } } }, on),
    res(T.Deployment, `${c}-checkout`, { metadata: { name: "checkout", namespace: "payments" }, spec: { replicas: 0, template: { metadata: { labels }, spec: { containers: [] } } } }, on),
    res(T.Service, `${c}-checkout`, { metadata: { name: "checkout", namespace: "payments" }, spec: { selector: labels } }, on),
  ];
  if (o.authz !== false) {
    rs.push(res(T.Authz, `${c}-checkout`, { metadata: { name: "checkout", namespace: "payments" }, spec: authorizationPolicySpecOf({ selectorLabels: labels, port: 8080, callers: [], plaintextCidrs: [] }) }, on));
  }
  if (o.nsMode) rs.push(res(T.Peer, `${c}-ns-mtls`, { metadata: { name: "default", namespace: "payments" }, spec: { mtls: { mode: o.nsMode } } }, on));
  return rs as Subject[];
}
const prod = contextFor("prod");

describe("nsa-mesh-strict-mtls", () => {
  test("passes: enrolled, STRICT mesh-wide", () => expect(meshStrictMtls.check(program(), prod)).toEqual([]));
  test("fails: namespace not enrolled", () => {
    expect(meshStrictMtls.check(program("use1", { enrolled: {} }), prod).map((f) => f.message)).toEqual([expect.stringContaining("is not in the service mesh")]);
  });
  test("fails: mesh-wide PERMISSIVE", () => {
    expect(meshStrictMtls.check(program("use1", { mode: "PERMISSIVE" }), prod).map((f) => f.message)).toEqual([expect.stringContaining("mTLS is PERMISSIVE")]);
  });
  test("fails: a namespace-wide PERMISSIVE override of a STRICT mesh", () => {
    expect(meshStrictMtls.check(program("use1", { nsMode: "PERMISSIVE" }), prod)).toHaveLength(1);
  });
  test("joined per cluster: cluster B's STRICT does not cover cluster A", () => {
    const a = program("use1").filter((r) => r.type !== T.Peer);
    expect(meshStrictMtls.check([...a, ...program("usw2")], prod).map((f) => f.subject?.name)).toEqual(["use1-checkout"]);
  });
  test("cannot tell yet: unknown enrolment labels or mode", () => {
    for (const findings of [meshStrictMtls.check(program("use1", { enrolled: U }), prod), meshStrictMtls.check(program("use1", { mode: U }), prod)]) {
      expect(findings.map((f) => [f.undecided, f.message.startsWith("cannot tell yet:")])).toEqual([[true, true]]);
    }
  });
  test("judged in every environment: a dev namespace outside the mesh is reported (advisory by dev's config)", () => {
    expect(meshStrictMtls.check(program("use1", { enrolled: {} }), contextFor("dev"))).toHaveLength(1);
  });
});

describe("nsa-mesh-authorization-policy", () => {
  test("passes: an ALLOW policy selecting the pods (even one admitting nobody)", () => expect(meshAuthorizationPolicy.check(program(), prod)).toEqual([]));
  test("fails: no AuthorizationPolicy selects the service's pods", () => {
    expect(meshAuthorizationPolicy.check(program("use1", { authz: false }), prod).map((f) => f.message)).toEqual([expect.stringContaining("no AuthorizationPolicy selects its pods")]);
  });
  test("joined per cluster: a policy in another cluster does not count", () => {
    const a = program("use1", { authz: false });
    expect(meshAuthorizationPolicy.check([...a, ...program("usw2")], prod).map((f) => f.subject?.name)).toEqual(["use1-checkout"]);
  });
  test("cannot tell yet: the policy's spec is unknown", () => {
    const rs = program("use1", { authz: false });
    rs.push(res(T.Authz, "x", { metadata: { name: "x", namespace: "payments" }, spec: U }, cluster("use1")) as Subject);
    expect(meshAuthorizationPolicy.check(rs, prod).map((f) => f.undecided)).toEqual([true]);
  });
  test("cannot tell yet: a workload seen with no properties (first preview of a cluster-derived provider)", () => {
    const rs = program("use1", { authz: false }).map((r) => (r.type === T.Deployment ? { ...r, props: {} } : r));
    for (const rule of [meshAuthorizationPolicy, meshStrictMtls]) expect(rule.check(rs, prod).map((f) => f.undecided)).toEqual([true]);
  });

  test("odd input never throws", () => {
    const odd = [res(T.Authz, "o", { metadata: { namespace: "payments" }, spec: null }), res(T.Service, "s", { spec: 7 }), res(T.Deployment, "d", { spec: { template: "x" } })] as Subject[];
    expect(() => meshAuthorizationPolicy.check([...program(), ...odd], prod)).not.toThrow();
    expect(() => meshStrictMtls.check([...program(), ...odd], prod)).not.toThrow();
  });
});
