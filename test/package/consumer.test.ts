/**
 * SLOW (about a minute): the library as an npm consumer gets it.
 *
 * Builds the package into a temporary directory (never into this repository's `dist/`, which `bin/` would then
 * prefer over the sources), packs it with `npm pack`, installs the tarball into a copy of `examples/consumer/`,
 * type-checks that program with its own TypeScript, runs the installed CLI's offline `plan` on it, and runs the
 * consumer's test-kit checks. Dependencies come from the npm cache (`--prefer-offline`): after `npm ci` the cache holds
 * every pinned package; only missing metadata is fetched from the registry.
 *
 * Set CONSUMER_PEERS=range to install the newest @pulumi/* versions our peer ranges allow instead of the pinned ones
 * (the CI workflow's "newest peers" job).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "./exec";

const REPO = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(REPO, "examples", "consumer");
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));

let work: string;
let tarball: string;
let packed: string[];
let consumer: string;
let outDir: string;
let planStatus: number;
let planLog: string;

/** Copies a directory tree, leaving out what a consumer's checkout would not contain. */
function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, filter: (src) => !/[\\/](node_modules|out|bin)$/.test(src) });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "pp-consumer-"));
  const stage = path.join(work, "package");

  // What `npm pack` would take from the repository (per `files`), minus dist/, which is built fresh below.
  const dryRun = JSON.parse(run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], REPO).stdout);
  for (const file of dryRun[0].files as { path: string }[]) {
    if (file.path.startsWith("dist/")) continue;
    fs.mkdirSync(path.dirname(path.join(stage, file.path)), { recursive: true });
    fs.copyFileSync(path.join(REPO, file.path), path.join(stage, file.path));
  }
  run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(REPO, "tsconfig.build.json"), "--outDir", path.join(stage, "dist")], REPO);
  const packResult = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], stage).stdout);
  tarball = path.join(work, packResult[0].filename);
  packed = (packResult[0].files as { path: string }[]).map((f) => f.path);

  consumer = path.join(work, "consumer");
  copyTree(EXAMPLE, consumer);
  const manifest = JSON.parse(fs.readFileSync(path.join(consumer, "package.json"), "utf8"));
  manifest.dependencies["production-platform"] = `file:${tarball}`;
  if (process.env.CONSUMER_PEERS === "range") {
    for (const name of Object.keys(manifest.dependencies)) {
      if (pkg.peerDependencies[name]) manifest.dependencies[name] = pkg.peerDependencies[name];
    }
  }
  fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify(manifest, null, 2));
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], consumer);

  outDir = path.join(work, "out");
  const plan = run(
    process.execPath,
    [path.join(consumer, "node_modules", "production-platform", "bin", "production-platform.js"), "plan", "--stack", "dev", "--program", consumer, "--out", outDir],
    consumer,
    { allowStatus: [0, 1] },
  );
  planStatus = plan.status;
  planLog = plan.stderr;
}, 300_000);

afterAll(() => {
  if (work && !process.env.KEEP_CONSUMER) fs.rmSync(work, { recursive: true, force: true });
});

describe("npm package (packed, installed into examples/consumer)", () => {
  test("the tarball holds the compiled library, typings, CLI and policy pack sources, and nothing else", () => {
    for (const file of ["package.json", "bin/production-platform.js", "dist/index.js", "dist/index.d.ts", "dist/src/testing/index.d.ts", "dist/src/policies/index.d.ts", "dist/src/cli/main.js", "policy/exemptions.yaml"]) {
      expect(packed).toContain(file);
    }
    const packsInRepo = fs.readdirSync(path.join(REPO, "policy")).filter((d) => fs.existsSync(path.join(REPO, "policy", d, "PulumiPolicy.yaml")));
    expect(packsInRepo.length).toBeGreaterThan(0);
    for (const pack of packsInRepo) {
      expect(packed).toContain(`policy/${pack}/PulumiPolicy.yaml`);
      expect(packed).toContain(`policy/${pack}/index.ts`);
    }
    const leaked = packed.filter((f) => /^(test|stacks|examples|out|bench|node_modules|\.github|\.ci)\//.test(f) || /^(src|components)\/.*\.ts$/.test(f) || f.endsWith(".test.ts"));
    expect(leaked).toEqual([]);
  });

  test("the consumer program type-checks against the installed typings (root, /testing and /policies)", () => {
    run(process.execPath, [path.join(consumer, "node_modules", "typescript", "bin", "tsc"), "-p", consumer, "--noEmit"], consumer);
  });

  test("Node resolves the three entry points through `exports`, and /policies constructs no PolicyPack", () => {
    const script = `
      const root = require("production-platform");
      const testing = require("production-platform/testing");
      const policies = require("production-platform/policies");
      const packIndexes = Object.keys(require.cache).filter((f) => /production-platform[\\\\/]dist[\\\\/]policy[\\\\/][^\\\\/]+[\\\\/]index\\.js$/.test(f) && !/[\\\\/]common[\\\\/]/.test(f));
      console.log(JSON.stringify({
        HaService: typeof root.HaService, Tenant: typeof root.Tenant, Network: typeof root.Network,
        runOffline: typeof testing.runOffline, analyzeRecording: typeof testing.analyzeRecording,
        ruleCount: Object.values(policies.RULE_PACKS).reduce((n, p) => n + p.rules.length, 0),
        packIndexes,
      }));`;
    const seen = JSON.parse(run(process.execPath, ["-e", script], consumer).stdout);
    expect(seen).toMatchObject({ HaService: "function", Tenant: "function", Network: "function", runOffline: "function", analyzeRecording: "function", packIndexes: [] });
    expect(seen.ruleCount).toBeGreaterThan(0);
  });

  test("offline plan of the consumer program records its resources", () => {
    expect({ status: planStatus, log: planLog }).toMatchObject({ status: 0 });
    const doc = JSON.parse(fs.readFileSync(path.join(outDir, "resources.json"), "utf8"));
    const resources: { urn: string; type: string }[] = Array.isArray(doc) ? doc : doc.resources;
    const types = new Set(resources.map((r) => r.type));
    expect(types).toContain("production-platform:workload:HaService");
    expect(types).toContain("production-platform:security:Tenant");
    expect(types).toContain("kubernetes:apps/v1:Deployment");
    expect(resources.every((r) => r.urn.startsWith("urn:pulumi:dev::shop-checkout::"))).toBe(true);
  });

  test("the bundled policy packs ran from the installed package and reported on the consumer's resources", () => {
    const report = JSON.parse(fs.readFileSync(path.join(outDir, "policy-report.json"), "utf8"));
    const packsInRepo = fs.readdirSync(path.join(REPO, "policy")).filter((d) => fs.existsSync(path.join(REPO, "policy", d, "PulumiPolicy.yaml")));
    if (report.packs.length === 0) {
      throw new Error("plan ran no policy pack: src/cli/plan.ts PACKAGE_ROOT must be the package root (where policy/ ships), also from dist/src/cli");
    }
    expect(report.packs.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(packsInRepo));
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.some((f: { urn: string }) => f.urn.includes("::shop-checkout::"))).toBe(true);
  });

  test("the consumer's own checks pass with the test kit and rule functions from the package", () => {
    const out = run(process.execPath, [path.join(consumer, "node_modules", "ts-node", "dist", "bin.js"), "--transpile-only", "checks.ts"], consumer).stdout;
    expect(out).toContain("preview=true");
    expect(out).toContain("preview=false");
  });
});
