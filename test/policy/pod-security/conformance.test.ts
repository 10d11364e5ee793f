/**
 * Upstream conformance THROUGH THE ANALYZER PROTOCOL: the pack runs under `run-policy-pack` exactly as the Pulumi CLI
 * starts it, gets `Configure` with `{defaultLevel, defaultVersion}` per level and version, and judges every upstream
 * fixture pod of that level and version on its inputs (`Analyze` per pod, as the engine sends them, then `AnalyzeStack`). Every `pass` pod must draw no mandatory finding and
 * every `fail` pod a mandatory finding from its own check (or the restricted check that overrides it).
 */
import * as path from "path";
import { AnalyzerFinding, PolicyPackClient, startPolicyPack } from "../../../src/testing/analyzer";
import { expectedCheck } from "./expectedCheck";
import { fixturesPresent, loadUpstreamFixtures, UpstreamFixture } from "./upstreamFixtures";

const PACK_DIR = path.resolve(__dirname, "../../../policy/pod-security");
const describeIfFixtures = fixturesPresent ? describe : describe.skip;

/** `--policy-pack-config` document setting the same properties on every policy of the pack. */
export async function configFor(pack: PolicyPackClient, properties: Record<string, unknown>): Promise<Record<string, unknown>> {
  const info = await pack.info();
  return Object.fromEntries(info.policies.map((p) => [p.name, { ...properties }]));
}

function podResource(f: UpstreamFixture) {
  return {
    type: "kubernetes:core/v1:Pod",
    name: f.id,
    urn: `urn:pulumi:conformance::pss::kubernetes:core/v1:Pod::${f.id}`,
    props: { apiVersion: "v1", kind: "Pod", metadata: f.doc.metadata ?? {}, spec: f.doc.spec ?? {} },
  };
}

describeIfFixtures("upstream fixtures through the analyzer protocol", () => {
  let pack: PolicyPackClient;
  const fixtures = fixturesPresent ? loadUpstreamFixtures() : [];
  const groups = new Map<string, UpstreamFixture[]>();
  for (const f of fixtures) {
    const key = `${f.level} ${f.version}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }

  beforeAll(async () => {
    pack = await startPolicyPack(PACK_DIR, { stack: { stack: "conformance", project: "pss" } });
  });
  afterAll(async () => pack?.close());

  async function judge(level: string, version: string, batch: UpstreamFixture[]): Promise<Map<string, AnalyzerFinding[]>> {
    await pack.configure(await configFor(pack, { defaultLevel: level, defaultVersion: version }));
    const findings = await pack.analyzeDeployment(batch.map(podResource));
    const byUrn = new Map<string, AnalyzerFinding[]>();
    for (const f of findings) byUrn.set(f.urn ?? "", [...(byUrn.get(f.urn ?? "") ?? []), f]);
    return byUrn;
  }

  function mismatches(batch: UpstreamFixture[], byUrn: Map<string, AnalyzerFinding[]>): string[] {
    const wrong: string[] = [];
    for (const f of batch) {
      const mandatory = (byUrn.get(podResource(f).urn) ?? []).filter((x) => x.enforcementLevel === "mandatory");
      const names = mandatory.map((m) => m.policyName);
      if (f.expect === "pass" && mandatory.length > 0) wrong.push(`${f.id}: expected allowed, got ${names.join(", ")}`);
      if (f.expect === "fail" && !names.includes(expectedCheck(f))) wrong.push(`${f.id}: expected ${expectedCheck(f)}, got [${names.join(", ")}]`);
    }
    return wrong;
  }

  test("v1.0 through v1.36: every pass pod allowed, every fail pod denied at exactly its level and version", async () => {
    const wrong: string[] = [];
    let judged = 0;
    for (const [key, batch] of groups) {
      if (batch[0].minor > 36) continue;
      const [level, version] = key.split(" ");
      wrong.push(...mismatches(batch, await judge(level, version, batch)));
      judged += batch.length;
    }
    expect(wrong).toEqual([]);
    expect(judged).toBe(fixtures.filter((f) => f.minor <= 36).length);
  });

  test("v1.37 (Kubernetes development line) is reported separately", async () => {
    let pass = 0;
    let fail = 0;
    const wrong: string[] = [];
    for (const [key, batch] of groups) {
      if (batch[0].minor !== 37) continue;
      const [level, version] = key.split(" ");
      const bad = mismatches(batch, await judge(level, version, batch));
      wrong.push(...bad);
      fail += bad.length;
      pass += batch.length - bad.length;
    }
    console.log(`v1.37 development line through the protocol: ${pass} fixtures as upstream expects, ${fail} not`);
    // The pack implements v1.37 (two more safe sysctls), so it is held to the same bar.
    expect(wrong).toEqual([]);
  });

  test("findings name the check, the field and the change, with the pack's metadata", async () => {
    const f = fixtures.find((x) => x.id === "baseline/v1.0/fail/privileged0")!;
    const byUrn = await judge("baseline", "v1.0", [f]);
    const [finding] = byUrn.get(podResource(f).urn) ?? [];
    expect(finding).toMatchObject({ policyPackName: "pod-security", policyName: "privileged", enforcementLevel: "mandatory", severity: "critical" });
    expect(finding.message).toMatch(/^privileged: Pod "privileged0" in namespace "default" violates Pod Security "baseline:v1.0"/m);
    expect(finding.message).toMatch(/spec\.(initC|c)ontainers\[0\]\.securityContext\.privileged: remove it or set it to false/);
  });
});

test("the upstream fixtures are present in CI (locally they may be absent, then the suite above is skipped)", () => {
  if (process.env.CI === "true") expect(fixturesPresent).toBe(true);
  else if (!fixturesPresent) console.warn("SKIPPING PSS conformance: ../shared/conformance/pod-security-admission not found");
});
