import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { planFor, readTree } from "../support/plans";

const root = path.resolve(__dirname, "..", "..");
const bin = path.join(root, "bin", "production-platform.js");

function runPlan(args: string[], cwd = root) {
  const result = spawnSync(process.execPath, [bin, "plan", ...args], { cwd, encoding: "utf8", timeout: 240_000 });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}


describe("plan --stack prod", () => {
  let outA: string;
  const outB = tmp("plan-prod-b-");
  let first: { code: number; stderr: string };
  let second: { code: number | null; stdout: string };

  beforeAll(() => {
    const shared = planFor("prod");
    outA = shared.dir;
    first = { code: shared.exitCode, stderr: shared.log };
    second = runPlan(["--stack", "prod", "--out", outB, "--after-deploy", "--json"]);
  });

  test("--json through a pipe is the whole summary, however long (it was cut at 64 KiB when the plan exited first)", () => {
    expect(second.stdout.length).toBeGreaterThan(65536);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({ stack: "prod", exitCode: second.code, outDir: outB });
    expect(summary.packs.map((p: any) => p.name)).toEqual(expect.arrayContaining(["aws-baseline", "kubernetes-cis", "pod-security", "runtime-coherence", "workload-resilience"]));
    expect(summary.timings.packs.map((p: any) => p.name).sort()).toEqual(summary.packs.map((p: any) => p.name).sort());
  });

  test("--json times each pack's own start and says when the packs started: at the program's first resource, not after it", () => {
    const { timings } = JSON.parse(second.stdout);
    expect(timings.packsStartedAtMillis).toBeGreaterThanOrEqual(0);
    expect(timings.packsStartedAtMillis).toBeLessThan(timings.programMillis);
    const packs = timings.packs.filter((p: any) => p.name !== "plan");
    expect(packs).toHaveLength(5);
    for (const p of packs) {
      expect(p).toEqual(expect.objectContaining({ readyAtMillis: expect.any(Number), startMillis: expect.any(Number) }));
      if (process.platform === "linux") expect(p.startCpuMillis).toBeGreaterThan(0);
    }
  });

  test("exits 0 and writes every plan file", () => {
    expect(first.stderr).toContain("program registered");
    expect(first.code).toBe(0);
    for (const file of ["resources.json", "policy-report.json", "policy-report.sarif", "policy-report.junit.xml", "policy-report.md"]) {
      expect(fs.existsSync(path.join(outA, file))).toBe(true);
    }
  });

  test("records the regional providers with their regions", () => {
    const resources = JSON.parse(fs.readFileSync(path.join(outA, "resources.json"), "utf8"));
    const providers = resources.filter((r: any) => r.type === "pulumi:providers:aws");
    expect(providers.map((p: any) => p.props.region).sort()).toEqual(["eu-west-1", "us-east-1", "us-west-2"]);
    for (const r of resources) {
      expect(r).toEqual(expect.objectContaining({ urn: expect.stringMatching(/^urn:pulumi:prod::production-platform::/), type: expect.any(String), name: expect.any(String), props: expect.any(Object), options: expect.any(Object) }));
    }
  });

  test("same input gives byte-identical files", () => {
    const a = readTree(outA);
    const b = readTree(outB);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, content] of a) expect({ file, content: b.get(file) }).toEqual({ file, content });
  });

  test("the SARIF report is SARIF 2.1.0 with one run per pack", () => {
    const sarif = JSON.parse(fs.readFileSync(path.join(outA, "policy-report.sarif"), "utf8"));
    const report = JSON.parse(fs.readFileSync(path.join(outA, "policy-report.json"), "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs.map((r: any) => r.tool.driver.name)).toEqual(report.packs.map((p: any) => p.name));
  });
});

describe("bad configuration", () => {
  test("three mistakes give one error listing all three, exit 2 and no resources.json", () => {
    const project = tmp("plan-bad-");
    const pulumiYaml = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
    pulumiYaml.main = path.join(root, "stacks", "index.ts");
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), YAML.stringify(pulumiYaml));
    const stack = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8"));
    stack.config["production-platform:environment"] = "production";
    stack.config["production-platform:availabilityZones"] = 7;
    stack.config["production-platform:recoveryObjectives"] = { rpoSeconds: -5, rtoSeconds: 300 };
    fs.writeFileSync(path.join(project, "Pulumi.bad.yaml"), YAML.stringify(stack));
    const out = path.join(project, "out");

    const result = runPlan(["--stack", "bad", "--program", project, "--out", out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/stack config is invalid \(3 problems\)/);
    expect(result.stderr).toMatch(/production-platform:environment: got "production"/);
    expect(result.stderr).toMatch(/production-platform:availabilityZones: got 7/);
    expect(result.stderr).toMatch(/production-platform:recoveryObjectives.rpoSeconds: got -5/);
    expect(fs.existsSync(path.join(out, "resources.json"))).toBe(false);
  });
});

describe("plan --program on a program this repository did not write", () => {
  const out = tmp("plan-foreign-");
  let result: ReturnType<typeof runPlan>;
  beforeAll(() => {
    result = runPlan(["--stack", "test", "--program", path.join(root, "test", "fixtures", "foreign-program"), "--out", out]);
  });

  test("runs it, records its resources and keeps its secret config secret", () => {
    expect([0, 1]).toContain(result.code);
    const text = fs.readFileSync(path.join(out, "resources.json"), "utf8");
    const resources = JSON.parse(text);
    expect(resources.map((r: any) => r.type)).toEqual(expect.arrayContaining(["aws:s3/bucket:Bucket", "kubernetes:apps/v1:Deployment", "pulumi:providers:aws"]));
    const version = resources.find((r: any) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
    expect(version.props.secretString).toBe("[secret]");
    expect(text).not.toContain("ZmFrZS1jaXBoZXJ0ZXh0");
  });

  test("writes its Kubernetes objects as kubectl-appliable YAML", () => {
    const manifest = YAML.parse(fs.readFileSync(path.join(out, "manifests", "default", "default", "deployment-shop.yaml"), "utf8"));
    expect(manifest).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "shop", namespace: "default" }, spec: { replicas: 2 } });
  });
});

test.each([
  [["--stack"], /--stack needs a value/],
  [["--stack", "prod", "--bogus"], /unknown option "--bogus"/],
  [[], /--stack is required/],
])("bad usage %j exits 2", (args, message) => {
  const result = runPlan(args as string[]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(message);
});
