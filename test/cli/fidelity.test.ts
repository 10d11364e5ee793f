/**
 * Programs written the way users write them, planned by the real CLI: resource references, YAML manifests, a
 * Kubernetes provider built from an EKS cluster, ES modules, circular imports, data sources, a function with no fake,
 * and a multi-language component that cannot be seen offline.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planFor } from "../support/plans";

const root = path.resolve(__dirname, "..", "..");
const bin = path.join(root, "bin", "production-platform.js");
const programs = path.join(root, "test", "fixtures", "programs");
const echoPack = path.join(root, "test", "fixtures", "echo-pack");

interface Planned {
  readonly code: number | null;
  readonly stderr: string;
  readonly out: string;
  readonly report?: any;
  readonly resources?: any[];
}

/** `plan` on a fixture program; a hang guard only (no speed assertion): a hung plan fails the test instead of jest. */
function plan(program: string, args: string[], env: Record<string, string> = {}): Planned {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `fidelity-${program}-`));
  const result = spawnSync(process.execPath, [bin, "plan", "--program", path.join(programs, program), "--out", out, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 280_000,
    env: { ...process.env, ...env },
  });
  const read = (file: string) => (fs.existsSync(path.join(out, file)) ? JSON.parse(fs.readFileSync(path.join(out, file), "utf8")) : undefined);
  return { code: result.status, stderr: result.stderr, out, report: read("policy-report.json"), resources: read("resources.json") };
}

function echoed(report: any, policy: "echo-inputs" | "echo-outputs", urnSuffix: string): any {
  const finding = report.findings.find((f: any) => f.pack === "echo-pack" && f.policy === policy && f.urn.endsWith(urnSuffix) && f.message.includes("{"));
  return finding ? JSON.parse(finding.message.slice(finding.message.indexOf("{"))) : undefined;
}

describe("a role passed as a resource (`role: role`)", () => {
  const types = { ECHO_PACK_TYPES: "aws:iam/rolePolicyAttachment:RolePolicyAttachment,aws:iam/role:Role" };

  test("after deploy: plans with exit 0 and the attachment's role is the role's name (its id)", () => {
    const run = plan("role-attachment", ["--stack", "dev", "--policy-pack", echoPack, "--after-deploy"], types);
    expect(run.stderr).not.toMatch(/Unrecognized signature/);
    expect(run.code).toBe(0);
    expect(run.report.mode).toBe("after-deploy");
    const roleName = echoed(run.report, "echo-outputs", "aws:iam/role:Role::app").name;
    expect(roleName).toMatch(/^app-[0-9a-f]{7}$/);
    expect(echoed(run.report, "echo-inputs", "RolePolicyAttachment::a")).toEqual({ role: roleName, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
  });

  test("first preview (the default): exit 0, and the role's id is not known yet", () => {
    const run = plan("role-attachment", ["--stack", "dev", "--policy-pack", echoPack], types);
    expect(run.code).toBe(0);
    expect(run.report.mode).toBe("first-preview");
    const attachment = run.report.findings.find((f: any) => f.policy === "echo-inputs" && f.urn.endsWith("RolePolicyAttachment::a"));
    expect(attachment.message).toMatch(/\.role can't be known during preview/);
  });
});

describe("Kubernetes YAML through k8s.yaml.ConfigFile (a file by relative path) and ConfigGroup", () => {
  let run: Planned;
  beforeAll(() => {
    run = plan("yaml-manifests", ["--stack", "prod", "--policy-pack", path.join(root, "policy", "pod-security")]);
  });

  test("registers the decoded objects and writes them as manifests", () => {
    const types = run.resources!.map((r: any) => `${r.type} ${r.name}`);
    expect(types).toEqual(expect.arrayContaining(["kubernetes:core/v1:Namespace shop", "kubernetes:core/v1:Pod shop/debug-shell", "kubernetes:apps/v1:Deployment shop/agent"]));
    expect(fs.existsSync(path.join(run.out, "manifests", "default", "shop", "pod-debug-shell.yaml"))).toBe(true);
  });

  test("pod-security judges both insecure workloads (prod: mandatory, exit 1)", () => {
    const urns = run.report.findings.filter((f: any) => f.pack === "pod-security" && f.enforcement === "mandatory").map((f: any) => f.urn);
    expect(urns.some((u: string) => u.endsWith("Pod::shop/debug-shell"))).toBe(true);
    expect(urns.some((u: string) => u.endsWith("Deployment::shop/agent"))).toBe(true);
    expect(run.code).toBe(1);
  });
});

describe("a Kubernetes provider built from an aws.eks.Cluster's outputs, at first preview", () => {
  let run: Planned;
  beforeAll(() => {
    run = plan("eks-kubeconfig", ["--stack", "prod", "--policy-pack", echoPack, "--policy-pack", path.join(root, "policy", "pod-security")], { ECHO_PACK_TYPES: "kubernetes:core/v1:Pod" });
  });

  // As the real engine does (measured with `npm run parity`): objects under a provider built from a new cluster get no
  // outputs at first preview, so the pod's namespace (the Namespace's metadata, same provider) is unknown in its
  // inputs, and AnalyzeStack sees the pod with no properties at all.
  test("Analyze gets the pod's inputs with its namespace unknown; AnalyzeStack gets no outputs", () => {
    const inputs = run.report.findings.find((f: any) => f.pack === "echo-pack" && f.policy === "echo-inputs" && f.urn.endsWith("Pod::miner"));
    expect(inputs.message).toMatch(/\.metadata\.namespace can't be known during preview/);
    expect(echoed(run.report, "echo-outputs", "Pod::miner")).toEqual({});
    const provider = run.resources!.find((r: any) => r.type === "pulumi:providers:kubernetes");
    expect(provider.props.kubeconfig).toBe("[unknown]");
  });

  test("the privileged pod in the restricted namespace is a mandatory pod-security finding", () => {
    expect(run.report.findings.some((f: any) => f.pack === "pod-security" && f.enforcement === "mandatory" && f.urn.endsWith("Pod::miner"))).toBe(true);
    expect(run.code).toBe(1);
  });
});

describe("programs the language host runs", () => {
  test("an ES module (type: module, top-level await, import.meta) plans", () => {
    const run = plan("esm-program", ["--stack", "dev", "--no-policy"]);
    expect(run.stderr).not.toMatch(/Must use import to load ES Module/);
    expect(run.code).toBe(0);
    expect(run.resources!.find((r: any) => r.type === "aws:s3/bucketV2:BucketV2").props.tags).toEqual({ team: "web", module: "esm", region: "us-east-1" });
  });

  test("a circular import runs as under TypeScript's CommonJS output", () => {
    const run = plan("circular-import", ["--stack", "dev", "--no-policy"]);
    expect(run.stderr).not.toMatch(/before initialization/);
    expect(run.code).toBe(0);
    expect(run.resources!.find((r: any) => r.type === "aws:s3/bucketV2:BucketV2").props.tags.note).toBe("logs (ip read early: not-yet)");
  });

  test("getAmi feeds an instance and getPolicyDocument yields the provider's JSON, which the packs judge", () => {
    const run = plan("data-sources", ["--stack", "dev", "--after-deploy", "--policy-pack", path.join(root, "policy", "aws-baseline")]);
    expect(run.code).toBe(0);
    const instance = run.resources!.find((r: any) => r.type === "aws:ec2/instance:Instance");
    expect(instance.props.ami).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(instance.props.availabilityZone).toBe("us-east-1a");
    const policy = JSON.parse(run.resources!.find((r: any) => r.type === "aws:iam/policy:Policy").props.policy);
    expect(policy.Statement[0]).toEqual({ Sid: "ReadLogs", Effect: "Allow", Action: ["logs:GetLogEvents", "logs:DescribeLogStreams"], Resource: "*" });
    expect(policy.Statement[1]).toMatchObject({ Action: "s3:*", Principal: { AWS: "arn:aws:iam::123456789012:user/offline-plan" }, Condition: { Bool: { "aws:SecureTransport": "true" } } });
    expect(policy.Statement[2]).toEqual({ Sid: "BreakGlass", Effect: "Allow", Action: "*", Resource: "*" });
    // The rendered JSON is what the pack judges: full admin is found in it.
    expect(run.report.findings).toEqual(expect.arrayContaining([expect.objectContaining({ pack: "aws-baseline", policy: expect.stringMatching(/full-admin/), urn: expect.stringMatching(/aws:iam\/policy:Policy::ops$/) })]));
  });

  test("a provider function with no fake fails the plan (exit 3) naming its token and how to add a fake", () => {
    const run = plan("missing-fake", ["--stack", "dev", "--no-policy"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/no fake for provider function aws:ssm\/getParameter:getParameter/);
    expect(run.stderr).toMatch(/src\/testing\/fake-calls\.ts/);
    expect(run.stderr).not.toMatch(/promises were still active/);
  });
});

describe("an eks.Cluster from @pulumi/eks (a multi-language component)", () => {
  test("the report names it as not judged, and in prod that is a mandatory finding: exit 1", () => {
    const run = plan("eks-component", ["--stack", "prod", "--policy-pack", path.join(root, "test", "fixtures", "noop-pack")]);
    expect(run.report.unjudged).toEqual([expect.objectContaining({ type: "eks:index:Cluster", name: "demo", why: expect.stringMatching(/does not run offline/) })]);
    expect(run.report.findings).toEqual(expect.arrayContaining([expect.objectContaining({ pack: "plan", policy: "unjudged-component", enforcement: "mandatory", status: "violation", urn: expect.stringMatching(/eks:index:Cluster::demo$/) })]));
    expect(run.stderr).toMatch(/not judged/);
    expect(run.code).toBe(1);
  });
});

describe.each(["dev", "staging", "prod"])("the committed %s stack", (stack) => {
  test.each(["first-preview", "after-deploy"] as const)("plans with exit 0 at %s", (mode) => {
    const run = planFor(stack, mode);
    expect({ exit: run.exitCode, log: run.exitCode === 0 ? "" : run.log }).toEqual({ exit: 0, log: "" });
    const report = JSON.parse(fs.readFileSync(path.join(run.dir, "policy-report.json"), "utf8"));
    expect(report.mode).toBe(mode);
    // Nothing is unjudged but the Helm releases, each listed with its chart and version and reported as an
    // advisory finding of its own (the score says it does not cover them), and the Gateway API CRD chart
    // (a helm.v4.Chart, one per cluster): listed too, its finding exempted by policy/exemptions.yaml, never dropped.
    const releases = run.resources.filter((r: any) => r.type === "kubernetes:helm.sh/v3:Release").map((r: any) => r.urn).sort();
    const crdCharts = run.resources.filter((r: any) => r.type === "kubernetes:helm.sh/v4:Chart").map((r: any) => r.urn).sort();
    expect(releases.length).toBeGreaterThan(0);
    expect(crdCharts.length).toBeGreaterThan(0);
    for (const u of crdCharts) expect(u).toMatch(/::[a-z0-9]+-mesh-gateway-api-crds$/);
    expect(report.unjudged.map((u: any) => u.urn).sort()).toEqual([...releases, ...crdCharts].sort());
    for (const u of report.unjudged.filter((x: any) => x.type !== "kubernetes:helm.sh/v4:Chart")) {
      expect(u).toMatchObject({ kind: "helm-release", chart: expect.any(String), version: expect.stringMatching(/^v?\d/), why: expect.stringMatching(/not rendered offline, its objects were not judged/) });
    }
    for (const u of report.unjudged.filter((x: any) => x.type === "kubernetes:helm.sh/v4:Chart")) expect(u.why).toMatch(/not rendered offline: its objects were not judged/);
    const notJudged = report.findings.filter((f: any) => f.pack === "plan");
    const byUrn = (a: string[], b: string[]) => a[3].localeCompare(b[3]);
    expect(notJudged.map((f: any) => [f.policy, f.enforcement, f.status, f.urn]).sort(byUrn)).toEqual([
      ...releases.map((u: string) => ["unjudged-helm-release", "advisory", "violation", u]),
      ...crdCharts.map((u: string) => ["unjudged-component", "advisory", "exempted", u]),
    ].sort(byUrn));
    expect(run.log).toMatch(/Helm release\(s\) not judged, so this score does not cover them/);
  });
});

describe("yaml.v2 ConfigFile/ConfigGroup and a helm.v3.Release, as users write them", () => {
  let run: Planned;
  beforeAll(() => {
    run = plan("yaml-v2-helm", ["--stack", "prod", "--environment", "prod", "--policy-pack", path.join(root, "policy", "pod-security")]);
  });

  test("the yaml.v2 objects are registered like the provider's Construct: named <prefix>:<ns>/<name>, parented, under the component's provider, default namespace applied", () => {
    const byName = Object.fromEntries(run.resources!.map((r: any) => [r.name, r]));
    const app = byName["app"].urn;
    expect(byName["app:shop"]).toMatchObject({ type: "kubernetes:core/v1:Namespace", parent: app, provider: expect.stringMatching(/pulumi:providers:kubernetes::cluster$/) });
    expect(byName["app:shop/debug-shell"]).toMatchObject({ type: "kubernetes:core/v1:Pod", parent: app });
    // resourcePrefix "" means no prefix; the provider's namespace is the default; a List is expanded.
    const extras = byName["extras"].urn;
    for (const [name, type] of [["shop/agent", "kubernetes:apps/v1:Deployment"], ["shop/settings", "kubernetes:core/v1:ConfigMap"], ["shop/token", "kubernetes:core/v1:Secret"]]) {
      expect(byName[name]).toMatchObject({ type, parent: extras, props: expect.objectContaining({ metadata: expect.objectContaining({ namespace: "shop" }) }) });
    }
    expect(JSON.stringify(byName["shop/token"].props)).not.toContain("s3cr3t");
    expect(run.report.unjudged.filter((u: any) => u.type.startsWith("kubernetes:yaml/v2:"))).toEqual([]);
  });

  test("pod-security judges them (mandatory in a restricted namespace) and the Helm release is an advisory not-judged finding", () => {
    const mandatory = run.report.findings.filter((f: any) => f.pack === "pod-security" && f.enforcement === "mandatory").map((f: any) => f.urn);
    expect(mandatory.some((u: string) => u.endsWith("Pod::app:shop/debug-shell"))).toBe(true);
    expect(mandatory.some((u: string) => u.endsWith("Deployment::shop/agent"))).toBe(true);
    expect(run.report.unjudged).toEqual([expect.objectContaining({ kind: "helm-release", name: "ingress", chart: "ingress-nginx from https://kubernetes.github.io/ingress-nginx", version: "4.11.3" })]);
    expect(run.report.findings.filter((f: any) => f.pack === "plan")).toEqual([expect.objectContaining({ policy: "unjudged-helm-release", enforcement: "advisory", decidable: "not-offline" })]);
    expect(run.stderr).toMatch(/\[not judged\] kubernetes:helm\.sh\/v3:Release .*ingress-nginx .*version 4\.11\.3: not rendered offline/);
    expect(run.code).toBe(1);
  });
});
