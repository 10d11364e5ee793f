import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { installMockRuntime, settle, ResourceRecorder } from "../../../src/testing/mocks";
import { Tenant, TenantArgs, tenantProblems, validateTenantArgs } from "../../../components/security/Tenant";
import { ValidationError } from "../../../components/shared/validation";
import { ruleFindings } from "../../../components/security/rbac";

const OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
const ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
const TEAM_ROLE = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Payments_abc";

const BASE: TenantArgs = {
  tenant: "payments",
  environment: "dev",
  kubernetesVersion: "1.33",
  clusterName: "euw1-cluster",
  teamRoleArns: [TEAM_ROLE],
};

const T = {
  ns: "kubernetes:core/v1:Namespace",
  np: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  quota: "kubernetes:core/v1:ResourceQuota",
  limits: "kubernetes:core/v1:LimitRange",
  saPatch: "kubernetes:core/v1:ServiceAccountPatch",
  sa: "kubernetes:core/v1:ServiceAccount",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  binding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  crb: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  entry: "aws:eks/accessEntry:AccessEntry",
  iamRole: "aws:iam/role:Role",
  key: "aws:kms/key:Key",
  alias: "aws:kms/alias:Alias",
};

async function deploy(preview: boolean, args: Partial<TenantArgs> = {}): Promise<ResourceRecorder> {
  const recorder = installMockRuntime({ preview, stack: "prod-eu" });
  const awsProvider = new aws.Provider("euw1", { region: "eu-west-1" });
  const k8sProvider = new k8s.Provider("cluster", { kubeconfig: "{}" });
  new Tenant("euw1-payments", { ...BASE, ...args }, { providers: [awsProvider, k8sProvider] });
  await settle();
  return recorder;
}

const inNamespace = (recorder: ResourceRecorder, type: string, ns: string) =>
  recorder.ofType(type).filter((r) => recorder.inputsOf(r).metadata?.namespace === ns);

describe.each([true, false])("Tenant (preview=%s)", (preview) => {
  let shared: ResourceRecorder;
  beforeAll(async () => {
    shared = await deploy(preview);
  });

  test("one restricted namespace named after the tenant, PSA pinned to the cluster version", async () => {
    const recorder = shared;
    const ns = recorder.one(T.ns);
    const labels = recorder.inputsOf(ns).metadata.labels;
    expect(recorder.inputsOf(ns).metadata.name).toBe("payments");
    for (const mode of ["enforce", "audit", "warn"]) {
      expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
      expect(labels[`pod-security.kubernetes.io/${mode}-version`]).toBe("v1.33");
    }
    expect(ns.options.protect).toBe(false);
  });

  test("default-deny for both directions, DNS to kube-dns, same-namespace, monitoring scrapes", async () => {
    const recorder = shared;
    const policies = inNamespace(recorder, T.np, "payments").map((r) => recorder.inputsOf(r));
    const byName = Object.fromEntries(policies.map((p) => [p.metadata.name, p.spec]));
    expect(Object.keys(byName).sort()).toEqual(["allow-dns", "allow-ingress-monitoring", "allow-same-namespace", "default-deny-all"]);
    expect(byName["default-deny-all"]).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(byName["allow-dns"].egress[0].to[0].podSelector.matchLabels).toEqual({ "k8s-app": "kube-dns" });
    expect(byName["allow-dns"].egress[0].ports.map((p: any) => `${p.protocol}/${p.port}`)).toEqual(["UDP/53", "TCP/53"]);
    expect(byName["allow-ingress-monitoring"].ingress[0].from[0].namespaceSelector.matchLabels).toEqual({
      "kubernetes.io/metadata.name": "monitoring",
    });
  });

  test("quota and LimitRange with documented defaults", async () => {
    const recorder = shared;
    const quota = recorder.inputsOf(inNamespace(recorder, T.quota, "payments")[0]);
    expect(quota.spec.hard).toMatchObject({ "requests.cpu": "4", "limits.memory": "16Gi", pods: "50", "services.loadbalancers": "0" });
    const limits = recorder.inputsOf(inNamespace(recorder, T.limits, "payments")[0]);
    expect(limits.spec.limits[0]).toMatchObject({ type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" } });
  });

  test("default ServiceAccount patched to mount no token", async () => {
    const recorder = shared;
    const patch = recorder.inputsOf(recorder.one(T.saPatch));
    expect(patch.metadata).toMatchObject({ name: "default", namespace: "payments", annotations: { "pulumi.com/patchForce": "true" } });
    expect(patch.automountServiceAccountToken).toBe(false);
  });

  test("team roles: STANDARD access entry in the tenant group, bound to a namespaced Role without wildcards", async () => {
    const recorder = shared;
    const entry = recorder.one(T.entry);
    expect(recorder.inputsOf(entry)).toMatchObject({
      clusterName: "euw1-cluster",
      principalArn: TEAM_ROLE,
      kubernetesGroups: ["tenant-payments-edit"],
      type: "STANDARD",
    });
    expect(recorder.regionOf(entry)).toBe("eu-west-1");
    expect(recorder.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")).toEqual([]);

    const role = recorder.inputsOf(recorder.one(T.role));
    expect(ruleFindings(role.rules)).toEqual([]);
    expect(JSON.stringify(role.rules)).not.toContain("*");
    const binding = recorder.inputsOf(recorder.one(T.binding));
    expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "tenant-payments-edit" });
    expect(binding.subjects).toEqual([{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "tenant-payments-edit" }]);
    expect(recorder.ofType(T.crb)).toEqual([]);
  });

  test("Kubernetes objects use the cluster provider, AWS resources the regional provider", async () => {
    const recorder = await deploy(preview, { kms: true });
    for (const r of recorder.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
      expect(recorder.providerOf(r)?.type).toBe("pulumi:providers:kubernetes");
    }
    for (const r of recorder.resources.filter((r) => r.type.startsWith("aws:"))) {
      expect(recorder.regionOf(r)).toBe("eu-west-1");
    }
  });

  test("several namespaces each get the full set of guardrails", async () => {
    const recorder = await deploy(preview, { namespaces: ["payments-api", "payments-batch"] });
    for (const ns of ["payments-api", "payments-batch"]) {
      expect(recorder.ofType(T.ns).map((r) => recorder.inputsOf(r).metadata.name)).toContain(ns);
      expect(inNamespace(recorder, T.np, ns).map((r) => recorder.inputsOf(r).metadata.name)).toContain("default-deny-all");
      expect(inNamespace(recorder, T.quota, ns)).toHaveLength(1);
      expect(inNamespace(recorder, T.limits, ns)).toHaveLength(1);
      expect(inNamespace(recorder, T.role, ns)).toHaveLength(1);
      expect(inNamespace(recorder, T.binding, ns)).toHaveLength(1);
      expect(inNamespace(recorder, T.saPatch, ns)).toHaveLength(1);
    }
  });

  test("secrets and exec only when asked for", async () => {
    const recorder = await deploy(preview, { allowSecretsRead: true, allowPodExec: true });
    const resources = recorder.inputsOf(recorder.one(T.role)).rules.flatMap((r: any) => r.resources);
    expect(resources).toEqual(expect.arrayContaining(["secrets", "pods/exec"]));
  });

  test("declared egress becomes its own policy; same-namespace can be turned off", async () => {
    const recorder = await deploy(preview, {
      allowSameNamespace: false,
      egress: [{ name: "aurora", cidr: "10.20.0.0/16", ports: [{ port: 5432 }] }],
    });
    const names = inNamespace(recorder, T.np, "payments").map((r) => recorder.inputsOf(r).metadata.name);
    expect(names).toContain("allow-egress-aurora");
    expect(names).not.toContain("allow-same-namespace");
  });

  test("relaxation is explicit: enforce baseline with a reason, audit/warn stay restricted", async () => {
    const recorder = await deploy(preview, { podSecurityLevel: "baseline", podSecurityReason: "legacy image runs as root (JIRA-123)" });
    const meta = recorder.inputsOf(recorder.one(T.ns)).metadata;
    expect(meta.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
    expect(meta.labels["pod-security.kubernetes.io/audit"]).toBe("restricted");
    expect(meta.annotations["production-platform/pod-security-reason"]).toMatch(/JIRA-123/);
  });

  test("IRSA: role trust scoped to the one service account and audience; SA annotated, no token automount", async () => {
    const recorder = await deploy(preview, {
      oidcProviderArn: OIDC_ARN,
      oidcIssuer: ISSUER,
      serviceAccounts: [{ name: "ledger", policyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"] }],
      kms: true,
    });
    const role = recorder.one(T.iamRole);
    const trust = JSON.parse(recorder.inputsOf(role).assumeRolePolicy);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]).toMatchObject({
      Effect: "Allow",
      Action: "sts:AssumeRoleWithWebIdentity",
      Principal: { Federated: OIDC_ARN },
      Condition: {
        StringEquals: {
          "oidc.eks.eu-west-1.amazonaws.com/id/ABC123:sub": "system:serviceaccount:payments:ledger",
          "oidc.eks.eu-west-1.amazonaws.com/id/ABC123:aud": "sts.amazonaws.com",
        },
      },
    });
    const sa = recorder.inputsOf(recorder.one(T.sa));
    expect(sa.metadata).toMatchObject({ name: "ledger", namespace: "payments" });
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(Object.keys(sa.metadata.annotations)).toEqual(["eks.amazonaws.com/role-arn"]);
    expect(recorder.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toHaveLength(1);
    expect(recorder.ofType("aws:iam/rolePolicy:RolePolicy").map((r) => r.name)).toEqual(["euw1-payments-sa-payments-ledger-kms"]);
  });

  test("per-tenant KMS key: rotation on, alias includes the stack", async () => {
    const recorder = await deploy(preview, { kms: true });
    expect(recorder.inputsOf(recorder.one(T.key))).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(recorder.inputsOf(recorder.one(T.alias)).name).toBe("alias/platform/prod-eu/tenant/payments");
  });

  test("no KMS key unless asked", async () => {
    const recorder = shared;
    expect(recorder.ofType(T.key)).toEqual([]);
  });

  test("prod protects namespaces and the key", async () => {
    const recorder = await deploy(preview, { environment: "prod", kms: true });
    expect(recorder.one(T.ns).options.protect).toBe(true);
    expect(recorder.one(T.key).options.protect).toBe(true);
  });
});

describe("Tenant validation", () => {
  test("valid arguments have no problems", () => {
    expect(tenantProblems(BASE)).toEqual([]);
    expect(() => validateTenantArgs("t", BASE)).not.toThrow();
  });

  test.each<[string, Partial<TenantArgs>, RegExp]>([
    ["tenant name", { tenant: "Payments!" }, /tenant: got "Payments!"; expected a DNS label.*Fix: name the tenant/],
    ["kubernetes version", { kubernetesVersion: "v1.33" }, /kubernetesVersion: got "v1.33"/],
    ["reserved namespace", { namespaces: ["kube-system"] }, /namespaces\[0\]: got "kube-system"; expected not a system or platform namespace/],
    ["default namespace", { namespaces: ["default"] }, /namespaces\[0\]: got "default"/],
    ["duplicate namespace", { namespaces: ["a", "a"] }, /namespaces\[1\]: got "a"; expected listed once/],
    ["relaxation without reason", { podSecurityLevel: "privileged" }, /podSecurityReason: got undefined; expected a written reason .*"privileged"/],
    ["unknown level", { podSecurityLevel: "open" as any }, /podSecurityLevel: got "open"/],
    ["user ARN", { teamRoleArns: ["arn:aws:iam::123456789012:user/alice"] }, /teamRoleArns\[0\]: got .*expected an IAM role ARN/],
    ["root ARN", { teamRoleArns: ["arn:aws:iam::123456789012:root"] }, /teamRoleArns\[0\]/],
    ["service accounts without OIDC", { serviceAccounts: [{ name: "api" }] }, /oidcProviderArn: got undefined; expected set, with oidcIssuer/],
    ["default service account", { serviceAccounts: [{ name: "default" }], oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER }, /serviceAccounts\[0\]\.name: got "default"/],
    ["service account elsewhere", { serviceAccounts: [{ name: "api", namespace: "orders" }], oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER }, /serviceAccounts\[0\]\.namespace: got "orders"/],
    ["admin policy", { serviceAccounts: [{ name: "api", policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }], oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER }, /policyArns\[0\]: .*expected not AdministratorAccess/],
    ["admin policy, named", { serviceAccounts: [{ name: "api", policies: [{ name: "admin", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }] }], oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER }, /policies\[0\]: .*expected not AdministratorAccess/],
    ["attachment name only digits (an old index name)", { serviceAccounts: [{ name: "api", policies: [{ name: "1", policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }] }], oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER }, /policies\[0\]\.name: got "1"/],
    ["attachment name twice", { serviceAccounts: [{ name: "api", policies: [{ name: "AmazonS3ReadOnlyAccess", policyArn: "arn:aws:iam::123456789012:policy/x" }], policyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"] }], oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER }, /policyArns\[0\]: got "AmazonS3ReadOnlyAccess"; expected each attachment name once/],
    ["bad quota", { quota: { pods: 1.5 } }, /quota\.pods: got 1.5/],
    ["open egress", { egress: [{ name: "internet", cidr: "0.0.0.0/0" }] }, /egress\[0\]\.ports/],
  ])("%s", (_label, args, expected) => {
    expect(() => validateTenantArgs("t", { ...BASE, ...args })).toThrow(expected);
    expect(() => validateTenantArgs("t", { ...BASE, ...args })).toThrow(ValidationError);
  });

  test("every problem is reported at once, before anything is registered", async () => {
    const recorder = installMockRuntime({ preview: true });
    expect(() => new Tenant("t", { ...BASE, tenant: "X", kubernetesVersion: "1" })).toThrow(/2 problems/);
    await settle();
    expect(recorder.resources).toEqual([]);
  });
});

describe("Tenant service-account policy attachments are named by key, never by position", () => {
  const S3 = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
  const SQS = "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess";
  const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
  const base = "euw1-payments-sa-payments-ledger";
  const attachments = (recorder: ResourceRecorder) =>
    Object.fromEntries(recorder.ofType(ATTACHMENT).map((r) => [r.urn, recorder.inputsOf(r).policyArn]));
  const aliasNames = (recorder: ResourceRecorder, name: string) =>
    recorder.ofType(ATTACHMENT).find((r) => r.name === name)!.options.aliases.map((a) => (typeof a === "string" ? a.split("::").pop() : (a as { name?: string }).name));

  async function withPolicies(serviceAccount: Record<string, unknown>): Promise<ResourceRecorder> {
    return deploy(true, { oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER, serviceAccounts: [{ name: "ledger", ...serviceAccount }] });
  }

  test("removing the first of several policies (one of them an output) renames nothing else", async () => {
    // The real idiom: a policy created in the same program, whose ARN is unknown until it is created.
    const before = await (async () => {
      const recorder = installMockRuntime({ preview: true, stack: "prod-eu" });
      const awsProvider = new aws.Provider("euw1", { region: "eu-west-1" });
      const k8sProvider = new k8s.Provider("cluster", { kubeconfig: "{}" });
      const table = new aws.iam.Policy("orders-table", { policy: "{}" }, { provider: awsProvider });
      const policies = [{ name: "s3-read", policyArn: S3 }, { name: "orders-table", policyArn: table.arn }, { name: "sqs-read", policyArn: SQS }];
      new Tenant("euw1-payments", { ...BASE, oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER, serviceAccounts: [{ name: "ledger", policies }] }, { providers: [awsProvider, k8sProvider] });
      await settle();
      return recorder;
    })();
    const after = await withPolicies({ policies: [{ name: "sqs-read", policyArn: SQS }] });
    const kept = Object.keys(attachments(after));
    expect(kept).toHaveLength(1);
    expect(Object.keys(attachments(before))).toEqual(expect.arrayContaining(kept));
    expect(attachments(after)[kept[0]]).toBe(SQS);
    expect(after.ofType(ATTACHMENT).map((r) => r.name)).toEqual([`${base}-policy-sqs-read`]);
  });

  test("deprecated policyArns: named after the policy, aliased from the old index name, stable when the first goes", async () => {
    const two = await withPolicies({ policyArns: [S3, SQS] });
    expect(two.ofType(ATTACHMENT).map((r) => r.name).sort()).toEqual([`${base}-policy-AmazonS3ReadOnlyAccess`, `${base}-policy-AmazonSQSReadOnlyAccess`]);
    expect(aliasNames(two, `${base}-policy-AmazonS3ReadOnlyAccess`)).toEqual([`${base}-policy-0`]);
    expect(aliasNames(two, `${base}-policy-AmazonSQSReadOnlyAccess`)).toEqual([`${base}-policy-1`]);
    const one = await withPolicies({ policyArns: [SQS] });
    const sqs = one.ofType(ATTACHMENT).map((r) => r.urn);
    expect(two.ofType(ATTACHMENT).map((r) => r.urn)).toEqual(expect.arrayContaining(sqs));
  });

  test("moving from policyArns to policies keeps the attachment through formerIndex; policyArns and policies name alike", async () => {
    const legacy = await withPolicies({ policyArns: [S3] });
    const moved = await withPolicies({ policies: [{ name: "AmazonS3ReadOnlyAccess", policyArn: S3, formerIndex: 0 }] });
    expect(moved.ofType(ATTACHMENT).map((r) => r.urn)).toEqual(legacy.ofType(ATTACHMENT).map((r) => r.urn));
    expect(aliasNames(moved, `${base}-policy-AmazonS3ReadOnlyAccess`)).toEqual([`${base}-policy-0`]);
    const renamed = await withPolicies({ policies: [{ name: "s3-read", policyArn: S3, formerIndex: 0 }] });
    expect(aliasNames(renamed, `${base}-policy-s3-read`)).toEqual([`${base}-policy-0`]);
  });

  test("an output in policyArns is refused before anything registers, naming the fix", async () => {
    const recorder = installMockRuntime({ preview: true });
    const arn = new aws.iam.Policy("p", { policy: "{}" }).arn;
    await settle();
    const count = recorder.resources.length;
    const args: TenantArgs = { ...BASE, oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER, serviceAccounts: [{ name: "ledger", policyArns: [S3, arn] }] };
    expect(() => new Tenant("t", args)).toThrow(/serviceAccounts\[0\]\.policyArns\[1\]: got "<output>".*move it to serviceAccounts\[0\]\.policies as \{ name: .*formerIndex: 1 \}/s);
    await settle();
    expect(recorder.resources).toHaveLength(count);
  });
});

describe("tenantProblems never throws on odd input", () => {
  test.each<[string, unknown]>([
    ["undefined", undefined],
    ["null", null],
    ["a string", "payments"],
    ["an empty object", {}],
    ["lists that are not lists", { ...BASE, namespaces: "payments", teamRoleArns: 1, egress: {}, serviceAccounts: "ledger" }],
    ["service accounts of odd shapes", { ...BASE, oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER, serviceAccounts: [null, { name: "a", policies: [null, {}], policyArns: [7] }] }],
  ])("%s", (_label, args) => {
    const problems = tenantProblems(args as TenantArgs);
    expect(Array.isArray(problems)).toBe(true);
    expect(problems.length).toBeGreaterThan(0);
    expect(() => validateTenantArgs("t", args as TenantArgs)).toThrow(ValidationError);
  });
});
