/**
 * SLOW (a minute or two): each policy pack as `pulumi policy publish` ships it. The pack is compiled with the same
 * builder `npm run build:packs` uses, packed with `npm pack` in its own folder, unpacked into an empty temporary
 * directory and installed there with `npm install` (what the Pulumi service does with a published pack), then started
 * under `run-policy-pack` from that directory alone: nothing from this repository is on its module path.
 *
 * It must answer GetAnalyzerInfo with the same full policy list as the pack in this checkout, and Analyze /
 * AnalyzeStack with the same findings on a stack that violates something in every pack.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnalyzerFinding, AnalyzerResource, PolicyPackClient, startPolicyPack } from "../../src/testing/analyzer";
import { bundledPackDirs, runnablePackDir } from "../../src/testing/pack-build";
import { analyzeAll, res } from "../policy/common/packs";
import { run } from "./exec";

const PACKS = bundledPackDirs();

/**
 * One resource per pack family that a pack of each kind must flag: privileged single-replica pod, admin IAM policy,
 * and an HPA scaling on CPU (metrics.k8s.io) in a cluster where nothing serves that API (runtime-coherence RC-1).
 */
function violatingStack(): AnalyzerResource[] {
  const labels = { app: "web" };
  return [
    res("kubernetes:core/v1:Namespace", "web", { apiVersion: "v1", kind: "Namespace", metadata: { name: "web" } }),
    res("kubernetes:apps/v1:Deployment", "web", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "web" },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { hostNetwork: true, containers: [{ name: "web", image: "nginx:latest", securityContext: { privileged: true } }] },
        },
      },
    }),
    res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web", {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", namespace: "web" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
      },
    }),
    res("aws:iam/policy:Policy", "admin", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }),
  ];
}

const key = (f: AnalyzerFinding) => `${f.policyName}|${f.urn}|${f.enforcementLevel}|${f.message}`;

/**
 * Installed packs by their exact `dependencies` (name → version, sorted). npm resolves the same pinned dependencies to
 * the same tree, so a pack whose dependencies equal an earlier pack's starts from a hard-linked copy of that pack's
 * `node_modules`; the `npm install` that follows still runs in the pack's own folder against its own manifest (it adds,
 * replaces or prunes whatever differs) but no longer re-extracts 200 packages. A pack with any other dependency set is
 * installed from nothing. Saves ~12 s of CPU per pack.
 */
const installedByDependencies = new Map<string, string>();

function dependencyKey(dir: string): string {
  const deps: Record<string, string> = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).dependencies ?? {};
  return JSON.stringify(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
}

function seedFromTwin(installed: string): void {
  const key = dependencyKey(installed);
  const twin = installedByDependencies.get(key);
  if (twin) run("cp", ["-al", path.join(twin, "node_modules"), path.join(installed, "node_modules")], work);
  else installedByDependencies.set(key, installed);
}

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "pp-packs-"));
});
afterAll(() => {
  if (work && !process.env.KEEP_PACKS) fs.rmSync(work, { recursive: true, force: true });
});

test("every pack under policy/ is found (a directory with PulumiPolicy.yaml)", () => {
  expect(PACKS.map((d) => path.basename(d))).toEqual(expect.arrayContaining(["aws-baseline", "kubernetes-cis", "pod-security", "runtime-coherence", "workload-resilience"]));
});

describe.each(PACKS.map((d) => [path.basename(d), d] as const))("%s, packed alone and installed from its tarball", (name, sourceDir) => {
  let installed: string;
  let packedFiles: string[];
  let packed: PolicyPackClient;
  let checkout: PolicyPackClient;

  beforeAll(async () => {
    const built = path.join(work, "build", name);
    // The build the checkout runs (src/testing/pack-build.ts compiledPack: buildPack, cached by source digest), copied
    // so npm pack works in a folder of its own; packed in this test, it is also what the plan's packs run from.
    fs.cpSync(runnablePackDir(sourceDir), built, { recursive: true });
    const result = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], built).stdout)[0];
    packedFiles = (result.files as { path: string }[]).map((f) => f.path).sort();
    installed = path.join(work, "installed", name);
    fs.mkdirSync(installed, { recursive: true });
    run("tar", ["-xzf", path.join(work, result.filename), "-C", installed, "--strip-components=1"], work);
    seedFromTwin(installed);
    run("npm", ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], installed);
    [packed, checkout] = await Promise.all([startPolicyPack(installed), startPolicyPack(sourceDir)]);
  }, 600_000);

  afterAll(async () => {
    await Promise.all([packed?.close(), checkout?.close()]);
  });

  test("the tarball is JavaScript with its manifest, PulumiPolicy.yaml and config: no TypeScript, nothing from outside", () => {
    expect(packedFiles).toEqual(expect.arrayContaining(["package.json", "PulumiPolicy.yaml", "index.js", "LICENSE", `lib/${name}/index.js`, "lib/common/wiring.js"]));
    expect(packedFiles.filter((f) => /\.ts$|tsconfig/.test(f))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
    expect(manifest.main).toBe("index.js");
    expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(["@pulumi/policy", "@pulumi/pulumi"]));
  });

  test("it starts from its own install: the SDK and @pulumi/policy it loads are its own copies", () => {
    expect(packed.dir).toBe(installed);
    expect(fs.existsSync(path.join(installed, "node_modules", "@pulumi", "policy", "package.json"))).toBe(true);
    expect(fs.existsSync(path.join(installed, "node_modules", "@pulumi", "pulumi", "package.json"))).toBe(true);
  });

  test("GetAnalyzerInfo lists the full policy list, as the pack in this checkout", async () => {
    const [mine, theirs] = await Promise.all([packed.info(), checkout.info()]);
    expect(mine.name).toBe(theirs.name);
    expect(mine.policies.length).toBeGreaterThan(0);
    expect(mine.policies.map((p) => p.name)).toEqual(theirs.policies.map((p) => p.name));
  });

  test("Analyze and AnalyzeStack return findings, the same as the pack in this checkout", async () => {
    const [mine, theirs] = await Promise.all([analyzeAll(packed, violatingStack()), analyzeAll(checkout, violatingStack())]);
    if (mine.length === 0) throw new Error(`${name} reports nothing on violatingStack(): add a resource it must flag there`);
    expect(mine.map(key).sort()).toEqual(theirs.map(key).sort());
  });
});
