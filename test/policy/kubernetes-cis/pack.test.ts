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
  "cis-eks-4.1.1-cluster-admin-only-where-required",
  "cis-eks-4.1.2-minimize-secrets-access",
  "cis-eks-4.1.3-no-rbac-wildcards",
  "cis-eks-4.1.4-minimize-pod-create",
  "cis-eks-4.1.5-default-service-account-not-used",
  "cis-eks-4.1.6-service-account-token-mount-explicit",
  "cis-eks-4.1.8-no-bind-impersonate-escalate",
  "cis-eks-4.2.1-no-privileged-containers",
  "cis-eks-4.2.2-no-host-pid",
  "cis-eks-4.2.3-no-host-ipc",
  "cis-eks-4.2.4-no-host-network",
  "cis-eks-4.2.5-no-privilege-escalation",
  "cis-eks-4.3.2-namespaces-have-network-policies",
  "cis-eks-4.4.1-secrets-as-files",
  "cis-eks-4.5.1-namespaces-as-boundaries",
  "cis-eks-4.5.2-default-namespace-not-used",
  "cis-eks-5.1.1-ecr-scan-on-push",
  "cis-eks-5.1.4-approved-registries",
  "cis-eks-5.1.4-images-digest-pinned",
  "cis-eks-5.3.1-secrets-encrypted-with-kms",
  "cis-eks-5.4.1-restrict-endpoint-access",
  "cis-eks-5.4.2-private-endpoint",
  "cis-eks-5.4.3-private-nodes",
  "cis-eks-5.4.4-network-policy-enforced",
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
  ["role with wildcard verbs", (rs) => (role(rs).props.rules[0].verbs = ["*"]), ["cis-eks-4.1.3-no-rbac-wildcards"]],
  ["role creates pods", (rs) => (role(rs).props.rules[0] = { apiGroups: [""], resources: ["pods"], verbs: ["create"] }), ["cis-eks-4.1.4-minimize-pod-create"]],
  ["workload on default service account", (rs) => delete deploymentSpec(rs).serviceAccountName, ["cis-eks-4.1.5-default-service-account-not-used"]],
  ["default service account mounts token", (rs) => (find(rs, "shop-default-sa").props.automountServiceAccountToken = true), ["cis-eks-4.1.5-default-service-account-not-used"]],
  ["token mount not declared", (rs) => delete deploymentSpec(rs).automountServiceAccountToken, ["cis-eks-4.1.6-service-account-token-mount-explicit"]],
  ["role can escalate", (rs) => (role(rs).props.rules[0].verbs = ["get", "escalate"]), ["cis-eks-4.1.8-no-bind-impersonate-escalate"]],
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
  ["workload in kube-system", (rs) => (find(rs, "web").props.metadata.namespace = "kube-system"), ["cis-eks-4.5.1-namespaces-as-boundaries"]],
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

oneChangeCases(() => client, baseline, CASES, ["cis-eks-5.1.4-approved-registries", "cis-eks-5.1.4-images-digest-pinned"]); // images.test.ts (prod)

test.each([
  ["unknown namespace", (rs: AnalyzerResource[]) => (find(rs, "web").props.metadata.namespace = "04da6b54-80e4-46f7-96ec-b56ff0331ba9")],
  ["unknown pod spec", (rs: AnalyzerResource[]) => (find(rs, "web").props.spec.template.spec = "04da6b54-80e4-46f7-96ec-b56ff0331ba9")],
  ["unknown role rules", (rs: AnalyzerResource[]) => (role(rs).props.rules = "04da6b54-80e4-46f7-96ec-b56ff0331ba9")],
  ["unknown vpcConfig and logs", (rs: AnalyzerResource[]) => Object.assign(cluster(rs), { vpcConfig: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", enabledClusterLogTypes: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" })],
  ["unknown addon configuration", (rs: AnalyzerResource[]) => (find(rs, "vpc-cni").props.configurationValues = "04da6b54-80e4-46f7-96ec-b56ff0331ba9")],
  ["null and empty specs", (rs: AnalyzerResource[]) => Object.assign(find(rs, "web").props, { spec: null, metadata: { name: "web", namespace: "shop" } })],
])("preview unknowns and odd input: %s → no finding, no error", async (_, mutate) => {
  const resources = clone(baseline());
  mutate(resources);
  expect(await analyzeAll(client, resources)).toEqual([]);
});

test("objects without apiVersion/kind are judged by their Pulumi type; helm releases are skipped", async () => {
  const resources = clone(baseline());
  const cronjob = {
    type: T.CronJob,
    name: "report",
    props: { metadata: { name: "report", namespace: "shop" }, spec: { schedule: "@daily", jobTemplate: { spec: { template: { spec: { hostNetwork: true, ...{ serviceAccountName: "web", automountServiceAccountToken: false, containers: [{ name: "r", image: "r:1", securityContext: { allowPrivilegeEscalation: false } }] } } } } } } },
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
