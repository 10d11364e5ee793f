/**
 * kubernetes-cis over the analyzer protocol: the compliant baseline has no finding; each row changes one thing and
 * names exactly the policies that must fire.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { AnalyzerResource, PolicyPackClient } from "../../../src/testing/analyzer";
import { startPolicyPack } from "../../../src/testing/analyzer";
import { analyzeAll, clone, configForAll, packDir, policiesOf, oneChangeCases, OneChangeCase } from "../common/packs";
import { T, baseline, find } from "./fixtures";
import { packContract } from "../common/contract";
import { RULES } from "../../../policy/kubernetes-cis/rules";
import { INVENTORY } from "../../../policy/kubernetes-cis/inventory";

let client: PolicyPackClient;
beforeAll(async () => {
  client = await startPolicyPack(packDir("kubernetes-cis"));
});
afterAll(async () => client?.close());

export const POLICIES = [
  "cis-eks-2.1.1-audit-logs-enabled",
  "cis-eks-2.1.2-audit-logs-managed",
  "cis-eks-4.1.1-cluster-admin-only-where-required",
  "cis-eks-4.1.2-minimize-secrets-access",
  "cis-eks-4.1.3-no-rbac-wildcards",
  "cis-eks-4.1.4-minimize-pod-create",
  "cis-eks-4.1.5-default-service-account-not-used",
  "cis-eks-4.1.6-service-account-token-mount-explicit",
  "cis-eks-4.1.7-cluster-access-manager-api",
  "cis-eks-4.1.8-no-bind-impersonate-escalate",
  "cis-eks-4.1.9-minimize-persistent-volume-create",
  "cis-eks-4.1.10-minimize-node-proxy",
  "cis-eks-4.1.11-minimize-webhook-config-access",
  "cis-eks-4.1.12-minimize-service-account-token-create",
  "cis-eks-4.2.1-no-privileged-containers",
  "cis-eks-4.2.2-no-host-pid",
  "cis-eks-4.2.3-no-host-ipc",
  "cis-eks-4.2.4-no-host-network",
  "cis-eks-4.2.5-no-privilege-escalation",
  "cis-eks-4.3.2-namespaces-have-network-policies",
  "cis-eks-4.4.1-secrets-as-files",
  "cis-eks-4.5.2-default-namespace-not-used",
  "cis-eks-5.1.1-ecr-scan-on-push",
  "cis-eks-5.1.4-approved-registries",
  "cis-eks-5.1.4-images-digest-pinned",
  "cis-eks-5.3.1-secrets-encrypted-with-kms",
  "cis-eks-5.4.1-restrict-endpoint-access",
  "cis-eks-5.4.2-private-endpoint",
  "cis-eks-5.4.3-private-nodes",
  "cis-eks-5.4.4-network-policy-enforced",
  "cis-eks-5.4.5-ingress-tls",
  "nsa-rbac-no-pod-exec-attach",
  "nsa-rbac-no-role-named-cluster-admin",
  "nsa-read-only-root-filesystem",
  "nsa-mesh-strict-mtls",
  "nsa-mesh-authorization-policy",
];

packContract({
  pack: "kubernetes-cis",
  client: () => client,
  policies: POLICIES,
  rules: RULES,
  inventory: INVENTORY,
  violating: () => {
    const rs = clone(baseline());
    find(rs, "web").props.spec.template.spec.hostPID = true;
    return rs;
  },
});

const deploymentSpec = (rs: AnalyzerResource[]) => find(rs, "web").props.spec.template.spec;
const container = (rs: AnalyzerResource[]) => deploymentSpec(rs).containers[0];
const role = (rs: AnalyzerResource[]) => find(rs, "web-reader");
const cluster = (rs: AnalyzerResource[]) => find(rs, "main").props;

const CASES: OneChangeCase[] = [
  ["audit logs off", (rs) => (cluster(rs).enabledClusterLogTypes = ["api"]), ["cis-eks-2.1.1-audit-logs-enabled"]],
  [
    "binding to cluster-admin",
    (rs) => (rs.find((r) => r.type === T.RoleBinding)!.props.roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" }),
    ["cis-eks-4.1.1-cluster-admin-only-where-required"],
  ],
  ["role reads secrets", (rs) => (role(rs).props.rules[0].resources = ["secrets"]), ["cis-eks-4.1.2-minimize-secrets-access"]],
  ["role with wildcard verbs ('*' includes escalate)", (rs) => (role(rs).props.rules[0].verbs = ["*"]), ["cis-eks-4.1.3-no-rbac-wildcards", "cis-eks-4.1.8-no-bind-impersonate-escalate"]],
  ["role creates pods", (rs) => (role(rs).props.rules[0] = { apiGroups: [""], resources: ["pods"], verbs: ["create"] }), ["cis-eks-4.1.4-minimize-pod-create"]],
  ["workload on default service account", (rs) => delete deploymentSpec(rs).serviceAccountName, ["cis-eks-4.1.5-default-service-account-not-used"]],
  ["default service account mounts token", (rs) => (find(rs, "shop-default-sa").props.automountServiceAccountToken = true), ["cis-eks-4.1.5-default-service-account-not-used"]],
  ["token mount not declared", (rs) => delete deploymentSpec(rs).automountServiceAccountToken, ["cis-eks-4.1.6-service-account-token-mount-explicit"]],
  ["role can escalate", (rs) => (role(rs).props.rules[0].verbs = ["get", "escalate"]), ["cis-eks-4.1.8-no-bind-impersonate-escalate"]],
  ["explicit automountServiceAccountToken: true still mounts (4.1.6)", (rs) => (deploymentSpec(rs).automountServiceAccountToken = true), ["cis-eks-4.1.6-service-account-token-mount-explicit"]],
  ["verb '*' includes bind/impersonate/escalate (4.1.8)", (rs) => (role(rs).props.rules[0] = { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["*"] }), ["cis-eks-4.1.3-no-rbac-wildcards", "cis-eks-4.1.8-no-bind-impersonate-escalate"]],
  ["role creates PersistentVolumes", (rs) => (role(rs).props.rules[0] = { apiGroups: [""], resources: ["persistentvolumes"], verbs: ["create"] }), ["cis-eks-4.1.9-minimize-persistent-volume-create"]],
  ["role reaches nodes/proxy", (rs) => (role(rs).props.rules[0] = { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] }), ["cis-eks-4.1.10-minimize-node-proxy"]],
  ["role edits webhook configurations", (rs) => (role(rs).props.rules[0] = { apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations"], verbs: ["patch"] }), ["cis-eks-4.1.11-minimize-webhook-config-access"]],
  ["role mints service account tokens", (rs) => (role(rs).props.rules[0] = { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }), ["cis-eks-4.1.12-minimize-service-account-token-create"]],
  ["role execs into pods", (rs) => (role(rs).props.rules[0] = { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }), ["nsa-rbac-no-pod-exec-attach"]],
  ["RoleBinding to a Role named cluster-admin", (rs) => (rs.find((r) => r.type === T.RoleBinding)!.props.roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "cluster-admin" }), ["nsa-rbac-no-role-named-cluster-admin"]],
  ["writable root filesystem", (rs) => delete container(rs).securityContext.readOnlyRootFilesystem, ["nsa-read-only-root-filesystem"]],
  ["Ingress without TLS", (rs) => delete find(rs, "web-ingress").props.spec.tls, ["cis-eks-5.4.5-ingress-tls"]],
  ["cluster on the aws-auth ConfigMap", (rs) => delete cluster(rs).accessConfig, ["cis-eks-4.1.7-cluster-access-manager-api"]],
  ["audit log group left to EKS (no retention)", (rs) => rs.splice(rs.indexOf(find(rs, "main-audit")), 1), ["cis-eks-2.1.2-audit-logs-managed"]],
  ["NetworkPolicy in the default namespace (4.5.2 lists every kind)", (rs) => rs.push({ type: T.NetworkPolicy, name: "default-deny-default", props: { metadata: { name: "deny", namespace: "default" }, spec: { podSelector: {} } } }), ["cis-eks-4.5.2-default-namespace-not-used"]],
  ["privileged container", (rs) => (container(rs).securityContext.privileged = true), ["cis-eks-4.2.1-no-privileged-containers"]],
  ["hostPID", (rs) => (deploymentSpec(rs).hostPID = true), ["cis-eks-4.2.2-no-host-pid"]],
  ["hostIPC", (rs) => (deploymentSpec(rs).hostIPC = true), ["cis-eks-4.2.3-no-host-ipc"]],
  ["hostNetwork", (rs) => (deploymentSpec(rs).hostNetwork = true), ["cis-eks-4.2.4-no-host-network"]],
  ["privilege escalation allowed", (rs) => (container(rs).securityContext.allowPrivilegeEscalation = true), ["cis-eks-4.2.5-no-privilege-escalation"]],
  ["namespace without NetworkPolicy", (rs) => rs.splice(rs.indexOf(find(rs, "shop-default-deny")), 1), ["cis-eks-4.3.2-namespaces-have-network-policies"]],
  [
    "secret in env var",
    (rs) => (container(rs).env = [{ name: "TOKEN", valueFrom: { secretKeyRef: { name: "web-creds", key: "token" } } }]),
    ["cis-eks-4.4.1-secrets-as-files"],
  ],
  [
    "workload in default namespace",
    (rs) => delete find(rs, "web").props.metadata.namespace,
    ["cis-eks-4.3.2-namespaces-have-network-policies", "cis-eks-4.5.2-default-namespace-not-used"],
  ],
  ["ECR scan on push off", (rs) => (find(rs, "images").props.imageScanningConfiguration.scanOnPush = false), ["cis-eks-5.1.1-ecr-scan-on-push"]],
  ["secrets not encrypted", (rs) => delete cluster(rs).encryptionConfig, ["cis-eks-5.3.1-secrets-encrypted-with-kms"]],
  [
    "endpoint open to the internet",
    (rs) => Object.assign(cluster(rs).vpcConfig, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }),
    ["cis-eks-5.4.1-restrict-endpoint-access", "cis-eks-5.4.2-private-endpoint"],
  ],
  ["public endpoint limited to operator CIDRs", (rs) => Object.assign(cluster(rs).vpcConfig, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }), ["cis-eks-5.4.2-private-endpoint"]],
  ["private endpoint off", (rs) => (cluster(rs).vpcConfig.endpointPrivateAccess = false), ["cis-eks-5.4.2-private-endpoint"]],
  ["nodes in a public subnet", (rs) => (find(rs, "private-a").props.mapPublicIpOnLaunch = true), ["cis-eks-5.4.3-private-nodes"]],
  ["network policy not enforced", (rs) => (find(rs, "vpc-cni").props.configurationValues = "{}"), ["cis-eks-5.4.4-network-policy-enforced"]],
  ["no vpc-cni addon", (rs) => rs.splice(rs.indexOf(find(rs, "vpc-cni")), 1), ["cis-eks-5.4.4-network-policy-enforced"]],
];

oneChangeCases(() => client, baseline, CASES, ["cis-eks-5.1.4-approved-registries", "cis-eks-5.1.4-images-digest-pinned", "nsa-mesh-strict-mtls", "nsa-mesh-authorization-policy"]); // images.test.ts (prod), mesh.test.ts

const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

test.each([
  ["unknown vpcConfig and logs", (rs: AnalyzerResource[]) => Object.assign(cluster(rs), { vpcConfig: U, enabledClusterLogTypes: U })],
  ["unknown addon configuration", (rs: AnalyzerResource[]) => (find(rs, "vpc-cni").props.configurationValues = U)],
  ["null and empty specs", (rs: AnalyzerResource[]) => Object.assign(find(rs, "web").props, { spec: null, metadata: { name: "web", namespace: "shop" } })],
])("preview unknowns that count as set, and odd input: %s → no finding, no error", async (_, mutate) => {
  const resources = clone(baseline());
  mutate(resources);
  expect(await analyzeAll(client, resources)).toEqual([]);
});

test.each([
  ["unknown namespace", (rs: AnalyzerResource[]) => (find(rs, "web").props.metadata.namespace = U), "cis-eks-4.5.2-default-namespace-not-used", "metadata.namespace"],
  ["unknown role rules", (rs: AnalyzerResource[]) => (role(rs).props.rules = U), "cis-eks-4.1.2-minimize-secrets-access", "rules"],
  ["unknown verbs in one rule", (rs: AnalyzerResource[]) => (role(rs).props.rules[0].verbs = [U]), "cis-eks-4.1.8-no-bind-impersonate-escalate", "rules"],
  ["unknown automount", (rs: AnalyzerResource[]) => (deploymentSpec(rs).automountServiceAccountToken = U), "cis-eks-4.1.6-service-account-token-mount-explicit", "automountServiceAccountToken"],
  ["unknown roleRef", (rs: AnalyzerResource[]) => (rs.find((r) => r.type === T.RoleBinding)!.props.roleRef = U), "cis-eks-4.1.1-cluster-admin-only-where-required", "roleRef.name"],
])("preview unknown: %s → advisory 'cannot tell yet' naming the field", async (_, mutate, policy, field) => {
  const resources = clone(baseline());
  mutate(resources);
  const mine = (await analyzeAll(client, resources)).filter((f) => f.policyName === policy);
  expect(mine.length).toBeGreaterThan(0);
  for (const f of mine) expect([f.enforcementLevel, f.message.startsWith("cannot tell yet:"), f.message.includes(field)]).toEqual(["advisory", true, true]);
});

test("4.5.1 is Manual: nothing is reported for objects in kube-system (the aws-auth ConfigMap is where EKS wants it)", async () => {
  const resources = clone(baseline());
  resources.push({ type: "kubernetes:core/v1:ConfigMap", name: "aws-auth", props: { metadata: { name: "aws-auth", namespace: "kube-system" }, data: { mapRoles: "[]" } } });
  expect(await analyzeAll(client, resources)).toEqual([]);
  expect(INVENTORY.find((c) => c.controlId === "4.5.1")).toMatchObject({ decidable: false });
});

test("inventory lines up with the CIS EKS 1.8 control list: 2.1.2 and 4.1.7-4.1.12 present, 3.3.1 absent, 4.1.7 titled as in 1.8", () => {
  const ids = INVENTORY.map((c) => c.controlId);
  expect(ids).toEqual(expect.arrayContaining(["2.1.1", "2.1.2", "4.1.7", "4.1.8", "4.1.9", "4.1.10", "4.1.11", "4.1.12", "4.5.1", "4.5.2", "5.4.5"]));
  expect(ids).not.toContain("3.3.1");
  expect(INVENTORY.find((c) => c.controlId === "4.1.7")?.title).toBe("Cluster Access Manager API to streamline and enhance the management of access controls within EKS clusters");
});

test("objects without apiVersion/kind are judged by their Pulumi type; helm releases are skipped", async () => {
  const resources = clone(baseline());
  const cronjob = {
    type: T.CronJob,
    name: "report",
    props: { metadata: { name: "report", namespace: "shop" }, spec: { schedule: "@daily", jobTemplate: { spec: { template: { spec: { hostNetwork: true, ...{ serviceAccountName: "web", automountServiceAccountToken: false, containers: [{ name: "r", image: "r:1", securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } }] } } } } } } },
  };
  expect(policiesOf(await analyzeAll(client, [...resources, cronjob]))).toEqual(["cis-eks-4.2.4-no-host-network"]);
});

describe("exemptions from a reviewed file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exemptions-"));
  const file = path.join(dir, "exemptions.yaml");
  fs.writeFileSync(
    file,
    `exemptions:
  - policy: cis-eks-4.2.2-no-host-pid
    resource: { kind: Deployment, namespace: shop, name: web }
    reason: Profiler sidecar needs the host PID namespace
    owner: team-perf
    expires: 2026-03-31
  - policy: cis-eks-4.2.4-no-host-network
    resource: { urn: "urn:pulumi:*::kubernetes:apps/v1:Deployment::web" }
    reason: Temporary during CNI migration
    owner: team-net
    expires: 2026-01-31
`,
  );
  const violating = () => {
    const rs = clone(baseline());
    Object.assign(find(rs, "web").props.spec.template.spec, { hostPID: true, hostNetwork: true });
    return rs;
  };

  afterEach(async () => client.configure({ all: "advisory" }));

  test("in prod an exempted finding is advisory and says why; an expired one is a mandatory violation again", async () => {
    await client.configure(await configForAll(client, "mandatory", { environment: "prod", exemptionsFile: file, today: "2026-02-15" }));
    const findings = await analyzeAll(client, violating());
    const byPolicy = Object.fromEntries(findings.map((f) => [f.policyName, f]));
    expect(Object.keys(byPolicy).sort()).toEqual(["cis-eks-4.2.2-no-host-pid", "cis-eks-4.2.4-no-host-network"]);
    expect(byPolicy["cis-eks-4.2.2-no-host-pid"]).toMatchObject({
      enforcementLevel: "advisory",
      message: expect.stringMatching(/^\[exempted: Profiler sidecar needs the host PID namespace, owner team-perf, expires 2026-03-31\] Deployment web/),
    });
    expect(byPolicy["cis-eks-4.2.4-no-host-network"]).toMatchObject({
      enforcementLevel: "mandatory",
      message: expect.stringContaining("(exemption expired 2026-01-31, owner team-net"),
    });
  });

  test("before its expiry both exemptions apply", async () => {
    await client.configure(await configForAll(client, "mandatory", { exemptionsFile: file, today: "2026-01-31" }));
    const findings = await analyzeAll(client, violating());
    expect(findings.map((f) => f.enforcementLevel)).toEqual(["advisory", "advisory"]);
  });

  test("an exemption without owner is a configuration error naming the entry and the field", async () => {
    const bad = path.join(dir, "bad.yaml");
    fs.writeFileSync(bad, "exemptions:\n  - policy: cis-eks-4.2.2-no-host-pid\n    resource: { name: web }\n    reason: r\n    expires: 2030-01-01\n");
    await client.configure(await configForAll(client, "advisory", { exemptionsFile: bad }));
    await expect(client.analyze(find(violating(), "web"))).rejects.toThrow(/entry 1 \(policy cis-eks-4.2.2-no-host-pid\): field `owner` is missing/);
  });
});
