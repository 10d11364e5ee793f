/**
 * The pack as the Pulumi CLI runs it: started by run-policy-pack, configured with CLI-format config, judging stacks
 * of Kubernetes resources over the analyzer protocol.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CHECK_IDS } from "../../../policy/pod-security/api";
import { AnalyzerFinding, AnalyzerResource, PolicyPackClient, startPolicyPack } from "../../../src/testing/analyzer";
import { UNKNOWN } from "../../../src/testing/wire";
import { asKind, CONTROLLER_KINDS, podWith, restrictedPod } from "./podBuilders";

const PACK_DIR = path.resolve(__dirname, "../../../policy/pod-security");
let pack: PolicyPackClient;

beforeAll(async () => {
  pack = await startPolicyPack(PACK_DIR, { stack: { stack: "dev", project: "pss" } });
});
afterAll(async () => pack?.close());

/**
 * Each test is its own deployment (the engine analyses a resource once per deployment): its URNs carry a stack name
 * of their own, so nothing the pack remembers from an earlier test's Namespaces applies.
 */
let deployment = 0;

/** CLI-format config setting the same properties on every policy (the CLI's "all" key carries only a level). */
async function configure(properties: Record<string, unknown> = {}, levels: Record<string, unknown> = {}): Promise<void> {
  deployment++;
  const info = await pack.info();
  await pack.configure({ ...levels, ...Object.fromEntries(info.policies.map((p) => [p.name, { ...properties }])) });
}

function resource(kind: string, pod: ReturnType<typeof restrictedPod> | ReturnType<typeof podWith>, namespace?: string, name = kind): AnalyzerResource {
  const { type, props } = asKind(kind, pod, namespace);
  return { type, name, urn: `urn:pulumi:dev${deployment}::pss::${type}::${name}`, props };
}

function namespace(name: string, labels: Record<string, string>): AnalyzerResource {
  const type = "kubernetes:core/v1:Namespace";
  const full = Object.fromEntries(Object.entries(labels).map(([k, v]) => [`pod-security.kubernetes.io/${k}`, v]));
  return { type, name, urn: `urn:pulumi:dev${deployment}::pss::${type}::${name}`, props: { metadata: { name, labels: full } } };
}

const brief = (fs_: AnalyzerFinding[]) => fs_.map((f) => `${f.enforcementLevel} ${f.policyName} ${f.urn?.split("::").pop()}`).sort();

test("inventory: one pack, the 19 upstream checks (resource policies) plus the advisory and namespace policies, each with PSS metadata", async () => {
  const info = await pack.info();
  expect(info.name).toBe("pod-security");
  expect(info.version).toBe(JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")).version);
  expect(info.policies.map((p) => p.name).sort()).toEqual([...CHECK_IDS, "pod-security-advisory", "pod-security-namespace"].sort());
  for (const p of info.policies) {
    expect(p.framework?.name).toBe("Kubernetes Pod Security Standards");
    expect(p.description).toMatch(/^PSS /);
    expect(p.severity).not.toBe("");
    expect(p.remediationSteps).not.toBe("");
    expect(p.configSchema?.properties.defaultLevel).toMatchObject({ default: "restricted", enum: ["privileged", "baseline", "restricted"] });
    expect(p.configSchema?.properties.defaultVersion).toMatchObject({ default: "latest" });
    if ((CHECK_IDS as readonly string[]).includes(p.name)) {
      expect(p.enforcementLevel).toBe("mandatory");
      expect(p.framework?.specification).toContain(p.name);
    }
  }
  expect(info.policies.find((p) => p.name === "pod-security-advisory")?.enforcementLevel).toBe("advisory");
});

test("per-resource Analyze judges the inputs: on a first preview AnalyzeStack sees Kubernetes objects empty", async () => {
  await configure();
  const pod = resource("Pod", podWith((p) => (p.spec.hostNetwork = true)));
  const findings = await pack.analyze(pod);
  expect(brief(findings)).toEqual(["mandatory hostNamespaces Pod"]);
  expect(findings[0].message).toContain('(enforce, from pack config defaultLevel/defaultVersion; Namespace "default" of this cluster and its labels are not known to the pack)');
  // What the engine's AnalyzeStack holds when the provider's config was unknown: no properties at all.
  expect(await pack.analyzeStack([{ ...pod, props: {} }])).toEqual([]);
});

test("a Namespace analysed after its workload: the stack check re-judges the workload at the Namespace's labels", async () => {
  await configure({ defaultLevel: "baseline" });
  const runsAsRoot = resource("Deployment", podWith((p) => delete p.spec.securityContext.runAsNonRoot), "late");
  const findings = await pack.analyzeDeployment([runsAsRoot, namespace("late", { enforce: "restricted" })]);
  expect(brief(findings)).toEqual(["mandatory pod-security-namespace Deployment"]);
  expect(findings[0].message).toMatch(/^runAsNonRoot: .*its Namespace was analysed after it/);
});

describe("every pod-bearing kind", () => {
  test.each(CONTROLLER_KINDS)("%s: a privileged container is named by the path in the resource", async (kind) => {
    await configure({ defaultLevel: "baseline" });
    const bad = podWith((p) => (p.spec.containers[0].securityContext.privileged = true));
    const findings = await pack.analyzeDeployment([resource(kind, bad), resource(kind, restrictedPod(), undefined, `${kind}-ok`)]);
    expect(brief(findings)).toEqual([`mandatory privileged ${kind}`]);
    const prefix = { Pod: "", PodTemplate: "template.", CronJob: "spec.jobTemplate.spec.template." }[kind as string] ?? "spec.template.";
    expect(findings[0].message).toContain(`Change ${prefix}spec.containers[0].securityContext.privileged: remove it or set it to false`);
  });

  test("other kinds, patches and unrelated resources are not judged", async () => {
    await configure();
    const pod = podWith((p) => (p.spec.containers[0].securityContext.privileged = true));
    const findings = await pack.analyzeDeployment([
      { type: "kubernetes:apps/v1:DeploymentPatch", name: "patch", props: { spec: { template: pod } } },
      { type: "kubernetes:core/v1:ConfigMap", name: "cm", props: { data: {} } },
      { type: "aws:s3/bucket:Bucket", name: "b", props: {} },
    ]);
    expect(findings).toEqual([]);
  });
});

describe("level and version per namespace", () => {
  const runsAsRoot = podWith((p) => delete p.spec.securityContext.runAsNonRoot);

  test("a namespace outside the stack gets the config defaults (restricted, latest)", async () => {
    await configure();
    expect(brief(await pack.analyzeDeployment([resource("Deployment", runsAsRoot, "elsewhere")]))).toEqual(["mandatory runAsNonRoot Deployment"]);
  });

  test("enforce label only: exactly the enforce level's findings", async () => {
    await configure();
    const stack = [namespace("team", { enforce: "baseline" }), resource("Deployment", runsAsRoot, "team")];
    expect(await pack.analyzeDeployment(stack)).toEqual([]);
    const privileged = podWith((p) => (p.spec.initContainers[0].securityContext.privileged = true));
    expect(brief(await pack.analyzeDeployment([namespace("team", { enforce: "baseline" }), resource("Deployment", privileged, "team")]))).toEqual(["mandatory privileged Deployment"]);
  });

  test("warn and audit labels give advisory findings that enforce does not already give", async () => {
    await configure();
    const pod = podWith((p) => {
      delete p.spec.securityContext.runAsNonRoot;
      p.spec.containers[0].securityContext.privileged = true;
    });
    const stack = [namespace("team", { enforce: "baseline", warn: "restricted", audit: "restricted" }), resource("StatefulSet", pod, "team")];
    const findings = await pack.analyzeDeployment(stack);
    expect(brief(findings)).toEqual(["advisory pod-security-advisory StatefulSet", "mandatory privileged StatefulSet"]);
    expect(findings.find((f) => f.enforcementLevel === "advisory")?.message).toMatch(/runAsNonRoot: StatefulSet "w-statefulset" in namespace "team" violates Pod Security "restricted:latest" \(warn\+audit/);
  });

  test("enforce-version pins the rules: runAsUser=0 is judged from v1.23", async () => {
    await configure();
    const root = podWith((p) => (p.spec.securityContext.runAsUser = 0));
    expect(await pack.analyzeDeployment([namespace("old", { enforce: "restricted", "enforce-version": "v1.22" }), resource("Job", root, "old")])).toEqual([]);
    expect(brief(await pack.analyzeDeployment([namespace("new", { enforce: "restricted", "enforce-version": "v1.23" }), resource("Job", root, "new")]))).toEqual(["mandatory runAsUser Job"]);
  });

  test("a privileged namespace allows everything; a malformed label fails closed and is reported", async () => {
    await configure();
    const pod = podWith((p) => (p.spec.hostNetwork = true));
    expect(await pack.analyzeDeployment([namespace("infra", { enforce: "privileged" }), resource("DaemonSet", pod, "infra")])).toEqual([]);
    const findings = await pack.analyzeDeployment([namespace("typo", { enforce: "Baseline" }), resource("DaemonSet", pod, "typo")]);
    expect(brief(findings)).toEqual(["advisory pod-security-advisory typo", "mandatory hostNamespaces DaemonSet"]);
  });

  test("the namespace comes from the resource, else its provider's default namespace", async () => {
    await configure();
    const r = resource("Deployment", runsAsRoot);
    const provider = { type: "pulumi:providers:kubernetes", name: "k8s", urn: "urn:pulumi:dev::pss::pulumi:providers:kubernetes::k8s", props: { namespace: "team" } };
    expect(await pack.analyzeDeployment([{ ...namespace("team", { enforce: "baseline" }), provider }, { ...r, provider }])).toEqual([]);
  });

  test("namespaces join per cluster: the same name in another cluster does not lend its labels", async () => {
    await configure();
    const clusterA = { type: "pulumi:providers:kubernetes", name: "a", urn: "urn:pulumi:dev::pss::pulumi:providers:kubernetes::a", props: {} };
    const clusterB = { ...clusterA, name: "b", urn: "urn:pulumi:dev::pss::pulumi:providers:kubernetes::b" };
    const privileged = podWith((p) => (p.spec.containers[0].securityContext.privileged = true));
    const findings = await pack.analyzeDeployment([
      { ...namespace("apps", { enforce: "privileged" }), provider: clusterA },
      { ...resource("Deployment", privileged, "apps", "in-a"), provider: clusterA },
      { ...resource("Deployment", privileged, "apps", "in-b"), provider: clusterB },
    ]);
    expect(brief(findings)).toEqual(["mandatory privileged in-b"]);
  });
});

describe("config", () => {
  test("defaultLevel/defaultVersion apply to namespaces outside the stack", async () => {
    await configure({ defaultLevel: "privileged" });
    expect(await pack.analyzeDeployment([resource("Pod", podWith((p) => (p.spec.hostPID = true)))])).toEqual([]);
    await configure({ defaultLevel: "baseline", defaultVersion: "v1.33" });
    const probe = podWith((p) => (p.spec.containers[0].livenessProbe = { httpGet: { host: "1.2.3.4", port: 80 } }));
    expect(await pack.analyzeDeployment([resource("Pod", probe)])).toEqual([]);
    await configure({ defaultLevel: "baseline", defaultVersion: "v1.34" });
    expect(brief(await pack.analyzeDeployment([resource("Pod", probe)]))).toEqual(["mandatory hostProbesAndHostLifecycle Pod"]);
  });

  test("exempt namespaces and runtime classes are not judged", async () => {
    const bad = podWith((p) => (p.spec.hostIPC = true));
    await configure({ exemptNamespaces: ["kube-system"], exemptRuntimeClasses: ["kata"] });
    expect(await pack.analyzeDeployment([resource("Deployment", bad, "kube-system")])).toEqual([]);
    const kata = podWith((p) => ((p.spec.hostIPC = true), (p.spec.runtimeClassName = "kata")));
    expect(await pack.analyzeDeployment([resource("Deployment", kata, "apps")])).toEqual([]);
    expect(brief(await pack.analyzeDeployment([resource("Deployment", bad, "apps")]))).toEqual(["mandatory hostNamespaces Deployment"]);
  });

  test("policies configured differently judge the same object each at its own settings", async () => {
    // One evaluation per object is shared by the check policies only while their settings agree: whichever policy
    // runs first, the other must not reuse its verdict.
    deployment++;
    const info = await pack.info();
    await pack.configure(Object.fromEntries(info.policies.map((p) => [p.name, p.name === "hostNamespaces" ? { exemptNamespaces: ["apps"] } : {}])));
    const bad = podWith((p) => ((p.spec.hostIPC = true), (p.spec.containers[0].securityContext.privileged = true)));
    expect(brief(await pack.analyzeDeployment([resource("Deployment", bad, "apps")]))).toEqual(["mandatory privileged Deployment"]);
    expect(brief(await pack.analyzeDeployment([resource("Deployment", bad, "shop", "other")]))).toEqual(["mandatory hostNamespaces other", "mandatory privileged other"]);
  });

  test("exemptions-as-code (policy/common) waive a check for one workload, with owner and expiry", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pss-")), "exemptions.yaml");
    fs.writeFileSync(
      file,
      [
        "exemptions:",
        "  - policy: hostNamespaces",
        "    resource: { kind: DaemonSet, namespace: monitoring, name: node-exporter }",
        "    reason: node-exporter reads host network statistics; scoped to the monitoring namespace.",
        "    owner: team-observability",
        "    expires: 2099-12-31",
      ].join("\n"),
    );
    await configure({ exemptionsFile: file });
    const pod = podWith((p) => (p.spec.hostNetwork = true));
    const exporter = resource("DaemonSet", pod, "monitoring");
    const findings = await pack.analyzeDeployment([{ ...exporter, props: { ...exporter.props, metadata: { name: "node-exporter", namespace: "monitoring" } } }, resource("Deployment", pod, "apps")]);
    expect(brief(findings)).toEqual(["advisory hostNamespaces DaemonSet", "mandatory hostNamespaces Deployment"]);
    expect(findings.find((f) => f.enforcementLevel === "advisory")?.message).toMatch(/^\[exempted: node-exporter reads host network statistics/);
  });

  test.each([
    ["dev", "advisory"],
    ["staging", "advisory"],
    ["prod", "mandatory"],
  ])("config/%s.json is accepted and makes findings %s", async (env, level) => {
    const file = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "config", `${env}.json`), "utf8"));
    await pack.configure(file);
    const findings = await pack.analyzeDeployment([resource("Pod", podWith((p) => (p.spec.hostNetwork = true)))]);
    expect(findings.map((f) => `${f.enforcementLevel} ${f.policyName}`)).toEqual([`${level} hostNamespaces`]);
  });
});

describe("values unknown during preview", () => {
  test("a check that needs an unknown value says so (advisory) and the pack does not throw", async () => {
    await configure();
    const pod = podWith((p) => {
      p.spec.containers[0].securityContext.allowPrivilegeEscalation = UNKNOWN;
      p.spec.containers[0].image = UNKNOWN;
    });
    const findings = await pack.analyzeDeployment([resource("Deployment", pod)]);
    expect(brief(findings)).toEqual(["advisory pod-security-advisory Deployment"]);
    expect(findings[0].message).toContain("allowPrivilegeEscalation: cannot judge Deployment");
    expect(findings[0].message).toContain("spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation is not known yet");
  });

  test("one privileged container beside a container not known yet is a mandatory violation, not 'cannot tell'", async () => {
    await configure();
    const pod = podWith((p) => {
      p.spec.containers[0].securityContext.privileged = true;
      p.spec.containers.push({ name: "sidecar", image: "x", securityContext: UNKNOWN });
    });
    const findings = await pack.analyzeDeployment([resource("Deployment", pod)]);
    const privileged = findings.filter((f) => f.policyName === "privileged");
    expect(privileged.map((f) => f.enforcementLevel)).toEqual(["mandatory"]);
    expect(privileged[0].message).toContain("spec.template.spec.containers[1].securityContext, not known yet");
    // Whether the unknown container drops capabilities cannot be told: that stays an advisory "cannot judge".
    expect(findings.filter((f) => f.enforcementLevel === "mandatory").map((f) => f.policyName)).not.toContain("capabilities_restricted");
  });

  test("a definite violation next to an unknown value is still mandatory", async () => {
    await configure();
    const pod = podWith((p) => {
      p.spec.hostPID = true;
      p.spec.containers[0].securityContext.runAsUser = UNKNOWN;
    });
    expect(brief(await pack.analyzeDeployment([resource("Pod", pod)]))).toEqual(["advisory pod-security-advisory Pod", "mandatory hostNamespaces Pod"]);
  });

  test("unknown template, namespace or labels are reported, never thrown", async () => {
    await configure();
    const findings = await pack.analyzeDeployment([
      { type: "kubernetes:apps/v1:Deployment", name: "a", props: { metadata: { name: "a" }, spec: { template: UNKNOWN } } },
      { type: "kubernetes:apps/v1:Deployment", name: "b", props: { metadata: { name: "b", namespace: UNKNOWN }, spec: { template: restrictedPod() } } },
      { type: "kubernetes:core/v1:Namespace", name: "c", props: { metadata: { name: "c", labels: UNKNOWN } } },
      { type: "kubernetes:core/v1:Pod", name: "d", props: { metadata: UNKNOWN, spec: UNKNOWN } },
      { type: "kubernetes:core/v1:Pod", name: "e", props: {} },
      { type: "kubernetes:batch/v1:CronJob", name: "f", props: { spec: { jobTemplate: { spec: UNKNOWN } } } },
    ]);
    expect(findings.every((f) => f.enforcementLevel === "advisory")).toBe(true);
    expect(brief(findings)).toEqual(["a", "b", "c", "d", "f"].map((n) => `advisory pod-security-advisory ${n}`));
  });
});
