/**
 * SLOW (minutes): the library as an npm consumer gets it, from an empty folder.
 *
 * Builds the package into a temporary directory (never into this repository's `dist/`; the tsc output is reused
 * between runs while its inputs are unchanged, see ./library-build.ts), packs it with `npm pack`,
 * then in an empty folder runs exactly what the README tells a new user to run:
 * `npm install <tarball> @pulumi/pulumi @pulumi/aws @pulumi/kubernetes @pulumi/random` (npm's defaults: no
 * --legacy-peer-deps, no --force; only --prefer-offline and quiet flags). The installed CLI's `plan` runs the program
 * right away (no TypeScript in the project yet: the SDK's vendored compiler, as `pulumi preview` would use). Then the
 * project adds its own dev tools (`npm install --save-dev typescript@5 jest …`, as examples/consumer/package.json
 * lists them), type-checks with `tsc`, runs its jest tests on the test kit (the jest config is only the TypeScript
 * transform), and plans again. Dependencies come from the npm cache where it has them.
 *
 * Set CONSUMER_PEERS=range to install the newest @pulumi/* versions (no version named, as a user types it) instead of
 * the versions this repository pins.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundledPackDirs, runnablePackDir } from "../../src/testing/pack-build";
import { run } from "./exec";
import { builtLibrary } from "./library-build";

const REPO = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(REPO, "examples", "consumer");
const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "package.json"), "utf8"));
const QUIET = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
const PEERS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/kubernetes", "@pulumi/random"];

let work: string;
let tarball: string;
let packed: string[];
let consumer: string;
let outDir: string;
let firstPlan: { status: number; log: string };
let planStatus: number;
let planLog: string;
/** The line of the consumer's index.ts that constructs the resource the SARIF test looks for. */
let adminPolicyLine: number;

/** A consumer file from examples/consumer; index.ts gains one resource the aws-baseline pack must flag. */
function copyExampleSources(): void {
  for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml", "tsconfig.json", "checks.ts", "checks.test.ts"]) fs.copyFileSync(path.join(EXAMPLE, file), path.join(consumer, file));
  const index = fs.readFileSync(path.join(EXAMPLE, "index.ts"), "utf8").trimEnd().split("\n");
  index.push("", "// A policy any reviewer would reject: the plan's SARIF must point at this line.");
  index.push(`export const admin = new aws.iam.Policy("admin", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }, { provider: aws_ });`);
  adminPolicyLine = index.length;
  fs.writeFileSync(path.join(consumer, "index.ts"), `${index.join("\n")}\n`);
}

function planConsumer(): { status: number; log: string } {
  const result = run(
    process.execPath,
    [path.join(consumer, "node_modules", "production-platform", "bin", "production-platform.js"), "plan", "--stack", "dev", "--program", consumer, "--out", outDir],
    consumer,
    { allowStatus: [0, 1, 2, 3] },
  );
  return { status: result.status, log: result.stderr };
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
  fs.cpSync(builtLibrary(REPO), path.join(stage, "dist"), { recursive: true });
  // As `npm run build:packs` lays them out (buildPack), taken from the per-source-digest build cache the checkout's
  // plans already run from (src/testing/pack-build.ts compiledPack) instead of transpiling every pack again.
  for (const dir of bundledPackDirs()) fs.cpSync(runnablePackDir(dir), path.join(stage, "dist", "packs", path.basename(dir)), { recursive: true });
  const packResult = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], stage).stdout);
  tarball = path.join(work, packResult[0].filename);
  packed = (packResult[0].files as { path: string }[]).map((f) => f.path);

  consumer = path.join(work, "consumer");
  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: example.name, version: "1.0.0", private: true, main: "index.ts" }, null, 2));
  const peers = PEERS.map((p) => (process.env.CONSUMER_PEERS === "range" ? p : `${p}@${example.dependencies[p]}`));
  run("npm", ["install", ...QUIET, tarball, ...peers], consumer);
  copyExampleSources();
  outDir = path.join(work, "out");
  firstPlan = planConsumer();

  const devTools = Object.entries(example.devDependencies as Record<string, string>).map(([name, version]) => `${name}@${version}`);
  run("npm", ["install", "--save-dev", ...QUIET, ...devTools], consumer);
  const manifest = JSON.parse(fs.readFileSync(path.join(consumer, "package.json"), "utf8"));
  fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ ...manifest, jest: example.jest }, null, 2));
  ({ status: planStatus, log: planLog } = planConsumer());
}, 900_000);

afterAll(() => {
  if (work && !process.env.KEEP_CONSUMER) fs.rmSync(work, { recursive: true, force: true });
});

describe("npm package (packed, installed into an empty folder with plain npm install)", () => {
  test("the plain install resolved: one @pulumi/pulumi, and no TypeScript forced on the project", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(consumer, "package-lock.json"), "utf8"));
    const copies = Object.keys(lock.packages).filter((k) => k.endsWith("node_modules/@pulumi/pulumi"));
    expect(copies).toEqual(["node_modules/@pulumi/pulumi"]);
    const installed = JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", "typescript", "package.json"), "utf8"));
    expect(installed.version).toMatch(/^5\./); // the project's own, added with its dev tools
  });

  test("plan runs right after the plain install, before the project has a TypeScript of its own", () => {
    expect(firstPlan).toMatchObject({ status: 0 });
  });

  test("the tarball holds the compiled library, typings, CLI and compiled policy packs, and nothing else", () => {
    for (const file of ["package.json", "LICENSE", "bin/production-platform.js", "dist/index.js", "dist/index.d.ts", "dist/src/testing/index.d.ts", "dist/src/policies/index.d.ts", "dist/src/cli/main.js"]) {
      expect(packed).toContain(file);
    }
    const packsInRepo = fs.readdirSync(path.join(REPO, "policy")).filter((d) => fs.existsSync(path.join(REPO, "policy", d, "PulumiPolicy.yaml")));
    expect(packsInRepo.length).toBeGreaterThan(0);
    for (const pack of packsInRepo) {
      expect(packed).toContain(`dist/packs/${pack}/PulumiPolicy.yaml`);
      expect(packed).toContain(`dist/packs/${pack}/index.js`);
    }
    const leaked = packed.filter((f) => /^(test|stacks|examples|out|bench|node_modules|policy|\.github|\.ci)\//.test(f) || (f.endsWith(".ts") && !f.endsWith(".d.ts")));
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

  test("SARIF: the result for the resource constructed on line N of the consumer's index.ts points at line N", () => {
    const sarif = JSON.parse(fs.readFileSync(path.join(outDir, "policy-report.sarif"), "utf8"));
    const results = sarif.runs.flatMap((r: any) => r.results);
    const admin = results.filter((r: any) => r.locations[0].logicalLocations[0].fullyQualifiedName.endsWith("aws:iam/policy:Policy::admin"));
    expect(admin.length).toBeGreaterThan(0);
    for (const r of admin) expect(r.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "index.ts" }, region: { startLine: adminPolicyLine, startColumn: expect.any(Number) } });
    const rules = sarif.runs.flatMap((r: any) => r.tool.driver.rules);
    const report = JSON.parse(fs.readFileSync(path.join(outDir, "policy-report.json"), "utf8"));
    expect(rules.length).toBe(report.packs.reduce((n: number, p: { policies: number }) => n + p.policies, 0));
    for (const rule of rules) expect(rule.properties["security-severity"]).toMatch(/^\d+\.\d$/);
  });

  test("the consumer's jest tests pass on the test kit with the package's compiled packs (jest config: the TS transform only)", () => {
    const out = run(process.execPath, [path.join(consumer, "node_modules", "jest", "bin", "jest.js"), "--ci"], consumer);
    expect(out.stderr).toMatch(/Tests:\s+3 passed, 3 total/);
  });

  test("the consumer's own checks pass with the test kit and rule functions from the package", () => {
    const out = run(process.execPath, [path.join(consumer, "node_modules", "ts-node", "dist", "bin.js"), "--transpile-only", "checks.ts"], consumer).stdout;
    expect(out).toContain("preview=true");
    expect(out).toContain("preview=false");
  });
});
