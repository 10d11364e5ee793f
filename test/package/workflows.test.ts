/**
 * The CI examples under .github/workflows: valid for GitHub (schema, expressions, job graph, via GitHub's own
 * workflow parser, offline), and doing what the docs promise.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { run } from "./exec";

const REPO = path.resolve(__dirname, "..", "..");
const DIR = path.join(REPO, ".github", "workflows");
const LINT = path.join(__dirname, "lint-workflows.mjs");
const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

function lint(paths: readonly string[]): { file: string; errors: string[]; jobs: string[] }[] {
  return JSON.parse(run(process.execPath, [LINT, ...paths], REPO).stdout);
}

function workflow(name: string): any {
  return YAML.parse(fs.readFileSync(path.join(DIR, name), "utf8"));
}

const steps = (wf: any) => Object.values<any>(wf.jobs).flatMap((j) => j.steps ?? []);
const scripts = (wf: any) => steps(wf).map((s: any) => String(s.run ?? "")).join("\n");
const packs = fs.readdirSync(path.join(REPO, "policy")).filter((d) => fs.existsSync(path.join(REPO, "policy", d, "PulumiPolicy.yaml")));

describe("GitHub workflows", () => {
  test("there are workflow files and GitHub's parser accepts every one", () => {
    expect(files).toEqual(expect.arrayContaining(["ci.yml", "preview.yml"]));
    for (const result of lint(files.map((f) => path.join(DIR, f)))) {
      expect({ file: path.basename(result.file), errors: result.errors }).toEqual({ file: path.basename(result.file), errors: [] });
      expect(result.jobs.length).toBeGreaterThan(0);
    }
  });

  test("the linter rejects a broken workflow (unknown key, bad expression)", () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "wf-")), "bad.yml");
    fs.writeFileSync(bad, "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n    steps:\n      - run: echo ${{ secrets. }}\n");
    const [result] = lint([bad]);
    expect(result.errors.join("\n")).toMatch(/Unexpected value 'stepz'/);
    expect(result.errors.length).toBe(2);
  });

  test("ci runs the tests and the offline plan, uploads SARIF and writes the Markdown report as job summary", () => {
    const ci = workflow("ci.yml");
    expect(scripts(ci)).toMatch(/npm test/);
    // The npm round trips that npm test leaves out (test/support/suites.js) still gate the pull request.
    expect(scripts(ci)).toMatch(/npm run test:package/);
    expect(scripts(ci)).toMatch(/npm run plan -- --stack \$\{\{ matrix\.stack \}\}/);
    expect(ci.jobs.plan.strategy.matrix.stack).toEqual(expect.arrayContaining(["dev", "prod"]));
    const upload = steps(ci).find((s: any) => String(s.uses ?? "").startsWith("github/codeql-action/upload-sarif@"));
    expect(upload?.with?.sarif_file).toMatch(/policy-report\.sarif$/);
    expect(ci.jobs.plan.permissions["security-events"]).toBe("write");
    expect(scripts(ci)).toMatch(/policy-report\.md >> "\$GITHUB_STEP_SUMMARY"/);
  });

  test("preview builds the compiled packs and runs pulumi preview with every one and its per-stack config, gated on the secrets", () => {
    const preview = workflow("preview.yml");
    const script = scripts(preview);
    // The compiled packs (what `pulumi policy publish` ships), built before the CLI uses them.
    expect(script.indexOf("npm run build:packs")).toBeGreaterThanOrEqual(0);
    expect(script.indexOf("npm run build:packs")).toBeLessThan(script.indexOf("pulumi preview"));
    expect(script).not.toMatch(/--policy-pack policy\//);
    for (const pack of packs) {
      expect(script).toContain(`--policy-pack dist/packs/${pack} --policy-pack-config "dist/packs/${pack}/config/$STACK.json"`);
      for (const stack of ["dev", "staging", "prod"]) expect(fs.existsSync(path.join(REPO, "policy", pack, "config", `${stack}.json`))).toBe(true);
    }
    const gate = steps(preview).find((s: any) => s.id === "gate");
    expect(gate.run).toMatch(/PULUMI_ACCESS_TOKEN/);
    const ungated = steps(preview).filter((s: any) => s !== gate && s.if !== "steps.gate.outputs.enabled == 'true'");
    expect(ungated).toEqual([]);
  });
});

describe("release workflow", () => {
  const release = workflow("release.yml");
  const script = scripts(release);

  test("publishes to npm with provenance from a tag, with the OIDC token provenance needs", () => {
    expect(Object.keys(release.on)).toEqual(["push"]);
    expect(release.on.push.tags).toEqual(["v*.*.*"]);
    expect(script).toMatch(/npm publish --provenance --access public/);
    expect(release.jobs.publish.permissions["id-token"]).toBe("write");
  });

  test("tests and builds (library and compiled packs) before publishing", () => {
    const order = ["npm ci", "npm test", "npm run test:package", "npm run build", "npm publish"].map((c) => script.indexOf(c));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(script).toMatch(/for dir in dist\/packs\/\*\/; do \(cd "\$dir" && npm pack/);
  });
});

describe("the split between npm test and npm run test:package (test/support/suites.js)", () => {
  const { PACKAGE_ROUND_TRIPS } = require("../support/suites") as { PACKAGE_ROUND_TRIPS: string[] };
  const scriptsOf = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).scripts;

  test("every round trip left out of npm test exists, so a renamed suite is not silently dropped from both", () => {
    expect(PACKAGE_ROUND_TRIPS.length).toBeGreaterThan(0);
    for (const file of PACKAGE_ROUND_TRIPS) expect({ file, exists: fs.existsSync(path.join(REPO, file)) }).toEqual({ file, exists: true });
    expect(scriptsOf["test:package"]).toBe("jest -c jest.package.config.js");
  });

  test(".ci/run runs npm test, then npm run test:package, before the plans", () => {
    const ci = fs.readFileSync(path.join(REPO, ".ci", "run"), "utf8").split("\n").map((l) => l.trim());
    const at = (command: string) => ci.indexOf(command);
    expect(at("npm test")).toBeGreaterThan(0);
    expect(at("npm run test:package")).toBeGreaterThan(at("npm test"));
    expect(at("npm run plan -- --stack prod")).toBeGreaterThan(at("npm run test:package"));
  });
});
