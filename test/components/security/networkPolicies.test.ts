import { Problems } from "../../../components/shared/validation";
import {
  EgressRule,
  checkEgressRules,
  checkIngressRules,
  defaultDenySpec,
  dnsEgressSpec,
  egressAllowSpec,
  ingressAllowSpec,
  sameNamespaceSpec,
} from "../../../components/security/networkPolicies";

describe("network policy specs", () => {
  test("default deny selects every pod and denies both directions", () => {
    const spec = defaultDenySpec();
    expect(spec.podSelector).toEqual({});
    expect(spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(spec.ingress).toBeUndefined();
    expect(spec.egress).toBeUndefined();
  });

  test("DNS egress only reaches kube-dns in kube-system on port 53", () => {
    const spec = dnsEgressSpec() as any;
    expect(spec.policyTypes).toEqual(["Egress"]);
    expect(spec.egress).toHaveLength(1);
    expect(spec.egress[0].to).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
        podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
      },
    ]);
    expect(spec.egress[0].ports).toEqual([
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ]);
  });

  test("same-namespace allows pods of the namespace only (no namespaceSelector)", () => {
    const spec = sameNamespaceSpec() as any;
    expect(spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    expect(spec.egress).toEqual([{ to: [{ podSelector: {} }] }]);
  });

  test("CIDR egress carries its ports, TCP by default", () => {
    const spec = egressAllowSpec({ name: "db", cidr: "10.1.0.0/16", ports: [{ port: 5432 }] }) as any;
    expect(spec.egress).toEqual([{ to: [{ ipBlock: { cidr: "10.1.0.0/16" } }], ports: [{ port: 5432, protocol: "TCP" }] }]);
  });

  test("namespace egress and ingress select by the immutable namespace name label", () => {
    const egress = egressAllowSpec({ name: "api", namespace: "orders", podLabels: { app: "api" } }) as any;
    expect(egress.egress[0].to[0]).toEqual({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "orders" } },
      podSelector: { matchLabels: { app: "api" } },
    });
    expect(egress.egress[0].ports).toBeUndefined();
    const ingress = ingressAllowSpec({ name: "ingress", namespace: "ingress-nginx", ports: [{ port: 8080 }] }) as any;
    expect(ingress.policyTypes).toEqual(["Ingress"]);
    expect(ingress.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ "kubernetes.io/metadata.name": "ingress-nginx" });
  });
});

describe("egress/ingress validation", () => {
  const messages = (rules: EgressRule[]) => {
    const problems = new Problems();
    checkEgressRules(problems, "egress", rules);
    return problems.list.map((p) => `${p.property}: ${p.rule}`);
  };

  test("a valid list passes", () => {
    expect(messages([{ name: "db", cidr: "10.0.0.0/16", ports: [{ port: 5432 }] }, { name: "api", namespace: "orders" }])).toEqual([]);
  });

  test.each<[string, EgressRule[], RegExp]>([
    ["both cidr and namespace", [{ name: "x", cidr: "10.0.0.0/8", namespace: "a", ports: [{ port: 1 }] }], /egress\[0\]: exactly one of cidr, cidrs and namespace/],
    ["neither", [{ name: "x" }], /egress\[0\]: exactly one/],
    ["bad cidr", [{ name: "x", cidr: "10.0.0/8", ports: [{ port: 1 }] }], /egress\[0\]\.cidr: an IPv4 CIDR/],
    ["cidr without ports", [{ name: "x", cidr: "0.0.0.0/0" }], /egress\[0\]\.ports: a list of ports/],
    ["bad port", [{ name: "x", namespace: "a", ports: [{ port: 70000 }] }], /egress\[0\]\.ports\[0\]\.port: an integer from 1 to 65535/],
    ["bad protocol", [{ name: "x", namespace: "a", ports: [{ port: 1, protocol: "SCTP" as any }] }], /protocol: "TCP" or "UDP"/],
    ["bad name", [{ name: "Bad_Name", namespace: "a" }], /egress\[0\]\.name: a DNS label/],
    ["duplicate name", [{ name: "a", namespace: "a" }, { name: "a", namespace: "b" }], /egress\[1\]\.name: a name not used/],
  ])("%s", (_label, rules, expected) => {
    expect(messages(rules).join("\n")).toMatch(expected);
  });

  test("ingress rules need a namespace name", () => {
    const problems = new Problems();
    checkIngressRules(problems, "ingress", [{ name: "x", namespace: "Not A Namespace" }]);
    expect(problems.list.map((p) => p.property)).toEqual(["ingress[0].namespace"]);
  });
});
