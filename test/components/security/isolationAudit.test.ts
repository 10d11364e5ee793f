import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { installMockRuntime, settle, ResourceRecorder } from "../../../src/testing/mocks";
import { ClusterSecurityBaseline } from "../../../components/security/ClusterSecurityBaseline";
import { Tenant } from "../../../components/security/Tenant";
import { PlannedResource, isDefaultDeny, namespaceIsolationFindings } from "../../../components/security/isolationAudit";

const planned = (recorder: ResourceRecorder): PlannedResource[] =>
  recorder.resources.map((r) => ({ type: r.type, inputs: recorder.inputsOf(r) }));

/** A prod-shaped cluster: the baseline and two tenants, wired the way the stack wires them. */
async function prodCluster(preview: boolean): Promise<ResourceRecorder> {
  const recorder = installMockRuntime({ preview, stack: "prod" });
  const provider = new aws.Provider("use1", { region: "us-east-1" });
  const cluster = new k8s.Provider("cluster", { kubeconfig: "{}" });
  const common = {
    environment: "prod" as const,
    kubernetesVersion: "1.33",
    clusterName: "use1-cluster",
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X",
    oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/X",
  };
  new ClusterSecurityBaseline("use1-cluster-security", common, { providers: [provider, cluster] });
  new Tenant("use1-payments", { ...common, tenant: "payments", teamRoleArns: ["arn:aws:iam::123456789012:role/payments-dev"] }, { providers: [provider, cluster] });
  new Tenant("use1-search", { ...common, tenant: "search", namespaces: ["search-api", "search-index"] }, { providers: [provider, cluster] });
  await settle();
  return recorder;
}

describe.each([true, false])("prod cluster isolation (preview=%s)", (preview) => {
  test("every non-system namespace has PSA labels, default-deny, quota and LimitRange; no cluster-admin binding", async () => {
    const recorder = await prodCluster(preview);
    expect(namespaceIsolationFindings(planned(recorder))).toEqual([]);
    const namespaces = recorder.ofType("kubernetes:core/v1:Namespace").map((r) => recorder.inputsOf(r).metadata.name).sort();
    expect(namespaces).toEqual(["cert-manager", "external-secrets", "monitoring", "payments", "search-api", "search-index"]);
  });
});

describe("namespaceIsolationFindings", () => {
  const ns = (name: string, labels: Record<string, string> = {}): PlannedResource => ({ type: "kubernetes:core/v1:Namespace", inputs: { metadata: { name, labels } } });
  const psa = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "v1.33",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": "v1.33",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "v1.33",
  };
  const inNs = (type: string, namespace: string, extra: Record<string, unknown> = {}): PlannedResource => ({
    type,
    inputs: { metadata: { name: "x", namespace }, ...extra },
  });
  const deny = (namespace: string) =>
    inNs("kubernetes:networking.k8s.io/v1:NetworkPolicy", namespace, { spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
  const compliant = [
    ns("team", psa),
    deny("team"),
    inNs("kubernetes:core/v1:ResourceQuota", "team"),
    inNs("kubernetes:core/v1:LimitRange", "team"),
  ];

  test("a compliant namespace has no findings; system namespaces are exempt", () => {
    expect(namespaceIsolationFindings([...compliant, ns("kube-system")])).toEqual([]);
  });

  test.each<[string, PlannedResource[], string]>([
    ["no PSA enforce label", [ns("team", { ...psa, "pod-security.kubernetes.io/enforce": "" }), ...compliant.slice(1)], "namespace team: missing label pod-security.kubernetes.io/enforce"],
    ["latest version", [ns("team", { ...psa, "pod-security.kubernetes.io/warn-version": "latest" }), ...compliant.slice(1)], "namespace team: pod-security.kubernetes.io/warn-version must pin"],
    ["no default deny", [compliant[0], ...compliant.slice(2)], "namespace team: no default-deny NetworkPolicy"],
    ["no quota", [...compliant.slice(0, 2), compliant[3]], "namespace team: no ResourceQuota"],
    ["no limit range", compliant.slice(0, 3), "namespace team: no LimitRange"],
    [
      "cluster-admin binding",
      [...compliant, { type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", inputs: { metadata: { name: "oops" }, roleRef: { name: "cluster-admin" }, subjects: [] } }],
      "ClusterRoleBinding oops: grants cluster-admin",
    ],
    [
      "tenant bound cluster-wide",
      [...compliant, { type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", inputs: { metadata: { name: "view" }, roleRef: { name: "view" }, subjects: [{ kind: "Group", name: "tenant-a-edit" }] } }],
      "ClusterRoleBinding view: binds a tenant group cluster-wide",
    ],
    [
      "system:masters access entry",
      [...compliant, { type: "aws:eks/accessEntry:AccessEntry", inputs: { principalArn: "arn:r", kubernetesGroups: ["system:masters"] } }],
      "AccessEntry arn:r: maps to system:masters",
    ],
  ])("%s", (_l, resources, expected) => {
    expect(namespaceIsolationFindings(resources).join("\n")).toContain(expected);
  });

  test.each([
    [{ podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress", "Egress"] }, false],
    [{ podSelector: {}, policyTypes: ["Ingress"] }, false],
    [{ podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{}] }, false],
    [{ policyTypes: ["Ingress", "Egress"] }, false],
    [undefined, false],
    [{ podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] }, true],
  ])("isDefaultDeny(%j) = %s", (spec, expected) => expect(isDefaultDeny(spec)).toBe(expected));

  test("never throws on odd input", () => {
    expect(() => namespaceIsolationFindings([{ type: "kubernetes:core/v1:Namespace", inputs: {} }, { type: "x", inputs: null as any }])).not.toThrow();
  });
});
