import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { installMockRuntime, settle, ResourceRecorder } from "../../../src/testing/mocks";
import {
  ClusterSecurityBaseline,
  ClusterSecurityBaselineArgs,
  clusterSecurityBaselineProblems,
  validateClusterSecurityBaselineArgs,
} from "../../../components/security/ClusterSecurityBaseline";
import { formatProblem } from "../../../components/shared/validation";

const BASE: ClusterSecurityBaselineArgs = {
  clusterName: "use1-cluster",
  kubernetesVersion: "1.33",
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/XYZ",
  oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/XYZ",
  environment: "prod",
};

async function deploy(preview: boolean, args: Partial<ClusterSecurityBaselineArgs> = {}): Promise<ResourceRecorder> {
  const recorder = installMockRuntime({ preview, stack: "prod" });
  const provider = new aws.Provider("usw2", { region: "us-west-2" });
  const cluster = new k8s.Provider("cluster", { kubeconfig: "{}" });
  new ClusterSecurityBaseline("use1-cluster-security", { ...BASE, ...args }, { providers: [provider, cluster] });
  await settle();
  return recorder;
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("expected resource not found");
  return value;
}

const label = (meta: any, mode: string) => meta.labels[`pod-security.kubernetes.io/${mode}`];

describe.each([true, false])("ClusterSecurityBaseline (preview=%s)", (preview) => {
  let shared: ResourceRecorder;
  beforeAll(async () => {
    shared = await deploy(preview);
  });

  test("system namespaces are patched, never created; kube-system privileged with a written reason", async () => {
    const recorder = shared;
    const patched = Object.fromEntries(
      recorder.ofType("kubernetes:core/v1:NamespacePatch").map((r) => [recorder.inputsOf(r).metadata.name, recorder.inputsOf(r).metadata]),
    );
    expect(Object.keys(patched).sort()).toEqual(["default", "kube-node-lease", "kube-public", "kube-system"]);
    expect(label(patched["kube-system"], "enforce")).toBe("privileged");
    expect(patched["kube-system"].annotations["production-platform/pod-security-reason"]).toMatch(/aws-node/);
    for (const ns of ["default", "kube-public", "kube-node-lease"]) expect(label(patched[ns], "enforce")).toBe("restricted");
    for (const meta of Object.values(patched)) expect((meta as any).labels["pod-security.kubernetes.io/enforce-version"]).toBe("v1.33");
    const created = recorder.ofType("kubernetes:core/v1:Namespace").map((r) => recorder.inputsOf(r).metadata.name);
    expect(created.filter((n: string) => n === "default" || n.startsWith("kube-"))).toEqual([]);
  });

  test("default namespace stays empty: pods quota 0, default-deny, default SA without token", async () => {
    const recorder = shared;
    const quota = must(recorder.ofType("kubernetes:core/v1:ResourceQuota").map((r) => recorder.inputsOf(r)).find((q) => q.metadata.namespace === "default"));
    expect(quota.spec.hard.pods).toBe("0");
    const deny = must(recorder
      .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .map((r) => recorder.inputsOf(r))
      .find((p) => p.metadata.namespace === "default" && p.metadata.name === "default-deny-all"));
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const sa = must(recorder.ofType("kubernetes:core/v1:ServiceAccountPatch").map((r) => recorder.inputsOf(r)).find((s) => s.metadata.namespace === "default"));
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  test("add-on namespaces: documented PSA levels, guardrails, protected in prod", async () => {
    const recorder = shared;
    const namespaces = Object.fromEntries(recorder.ofType("kubernetes:core/v1:Namespace").map((r) => [recorder.inputsOf(r).metadata.name, r]));
    expect(Object.keys(namespaces).sort()).toEqual(["cert-manager", "external-secrets", "monitoring"]);
    expect(label(recorder.inputsOf(namespaces["external-secrets"]).metadata, "enforce")).toBe("restricted");
    expect(label(recorder.inputsOf(namespaces["cert-manager"]).metadata, "enforce")).toBe("restricted");
    const monitoring = recorder.inputsOf(namespaces["monitoring"]).metadata;
    expect(label(monitoring, "enforce")).toBe("privileged");
    expect(monitoring.annotations["production-platform/pod-security-reason"]).toMatch(/node-exporter/);
    for (const ns of Object.keys(namespaces)) {
      expect(namespaces[ns].options.protect).toBe(true);
      const names = recorder
        .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        .map((r) => recorder.inputsOf(r).metadata)
        .filter((m) => m.namespace === ns)
        .map((m) => m.name);
      expect(names).toEqual(expect.arrayContaining(["default-deny-all", "allow-dns"]));
    }
  });

  test("External Secrets: pinned chart, IRSA limited to Get/Describe on the prefix, v1 ClusterSecretStore", async () => {
    const recorder = shared;
    const release = must(recorder
      .ofType("kubernetes:helm.sh/v3:Release")
      .map((r) => recorder.inputsOf(r))
      .find((r) => r.chart === "external-secrets"));
    expect(release.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(release.namespace).toBe("external-secrets");
    expect(release.values.serviceAccount.name).toBe("external-secrets");
    expect(Object.keys(release.values.serviceAccount.annotations)).toEqual(["eks.amazonaws.com/role-arn"]);

    const trust = JSON.parse(recorder.inputsOf(recorder.one("aws:iam/role:Role")).assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals["oidc.eks.us-east-1.amazonaws.com/id/XYZ:sub"]).toBe(
      "system:serviceaccount:external-secrets:external-secrets",
    );
    const policy = JSON.parse(recorder.inputsOf(recorder.one("aws:iam/rolePolicy:RolePolicy")).policy);
    expect(policy.Statement[0]).toEqual({
      Sid: "ReadPlatformSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: "arn:aws:secretsmanager:us-west-2:123456789012:secret:platform/prod/*",
    });
    expect(policy.Statement[1].Condition).toEqual({ StringEquals: { "kms:ViaService": "secretsmanager.us-west-2.amazonaws.com" } });

    const store = recorder.inputsOf(recorder.one("kubernetes:external-secrets.io/v1:ClusterSecretStore"));
    expect(store.metadata).toEqual({ name: "aws-secrets-manager" });
    expect(store.spec.provider.aws).toMatchObject({ service: "SecretsManager", region: "us-west-2" });
    expect(store.spec.provider.aws.auth.jwt.serviceAccountRef).toEqual({ name: "external-secrets", namespace: "external-secrets" });
    expect(store.spec.conditions[0].namespaceSelector.matchLabels).toEqual({ "production-platform/external-secrets": "true" });
  });

  test("cert-manager: pinned chart with CRDs; can be left out for ACM", async () => {
    const recorder = shared;
    const cm = must(recorder.ofType("kubernetes:helm.sh/v3:Release").map((r) => recorder.inputsOf(r)).find((r) => r.chart === "cert-manager"));
    expect(cm.version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(cm.values.crds.enabled).toBe(true);
    const without = await deploy(preview, { certManager: false });
    expect(without.ofType("kubernetes:helm.sh/v3:Release").map((r) => without.inputsOf(r).chart)).toEqual(["external-secrets"]);
  });

  test("ECR: scan on push, immutable tags, KMS with rotation, lifecycle policy", async () => {
    const recorder = await deploy(preview, { ecrRepositories: ["payments/api"] });
    const repo = recorder.one("aws:ecr/repository:Repository");
    expect(recorder.inputsOf(repo)).toMatchObject({
      name: "prod/payments/api",
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "KMS" }],
    });
    expect(repo.options.protect).toBe(true);
    expect(recorder.inputsOf(recorder.one("aws:kms/key:Key")).enableKeyRotation).toBe(true);
    const lifecycle = JSON.parse(recorder.inputsOf(recorder.one("aws:ecr/lifecyclePolicy:LifecyclePolicy")).policy);
    expect(lifecycle.rules.map((r: any) => r.selection.tagStatus)).toEqual(["untagged", "any"]);
  });

  test("no ClusterRoleBinding at all", async () => {
    const recorder = shared;
    expect(recorder.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")).toEqual([]);
  });
});

describe("ClusterSecurityBaseline validation", () => {
  test.each<[string, Partial<ClusterSecurityBaselineArgs>, RegExp]>([
    ["version", { kubernetesVersion: "1.33.0" }, /kubernetesVersion: got "1.33.0"/],
    ["empty-ish prefix", { secretNamePrefix: "" }, /secretNamePrefix: got ""; .*Fix: .*an empty prefix would grant every secret/],
    ["repo name", { ecrRepositories: ["Payments"] }, /ecrRepositories\[0\]: got "Payments"/],
    ["chart range", { externalSecretsChartVersion: "^0.20" }, /externalSecretsChartVersion: got "\^0.20"; expected an exact chart version/],
    ["lifecycle days", { ecrUntaggedImageDays: 0 }, /ecrUntaggedImageDays: got 0/],
  ])("%s", (_l, args, expected) => {
    expect(() => validateClusterSecurityBaselineArgs("x", { ...BASE, ...args })).toThrow(expected);
    expect(clusterSecurityBaselineProblems({ ...BASE, ...args }).map(formatProblem).join("\n")).toMatch(expected);
  });
});
