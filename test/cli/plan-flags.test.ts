/**
 * `plan` as CI runs it: enforcement from the stack's environment (never its name), pack config and exemption files
 * validated like the engine (exit 2 naming the file, pack, policy and key), a crash ending in exit 3, and no policy
 * pack process outliving the plan in any of these cases (counted through a marker in the processes' environment).
 */
import { spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");
const bin = path.join(root, "bin", "production-platform.js");
const twoClusters = path.join(root, "test", "fixtures", "two-clusters");
const podSecurity = path.join(root, "policy", "pod-security");

/** Pids of live processes whose environment carries `marker`: the plan's pack processes inherit it. */
function survivors(marker: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, "latin1").includes(`PLAN_TEST_MARKER=${marker}`)) out.push(Number(pid));
    } catch {
      // gone, or not ours
    }
  }
  return out;
}

function runPlan(args: string[]) {
  const marker = crypto.randomUUID();
  const result = spawnSync(process.execPath, [bin, "plan", ...args], { cwd: root, encoding: "utf8", timeout: 240_000, env: { ...process.env, PLAN_TEST_MARKER: marker } });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout, survivors: survivors(marker) };
}

function tmpFile(name: string, content: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-flags-")), name);
  fs.writeFileSync(file, content);
  return file;
}

const out = () => fs.mkdtempSync(path.join(os.tmpdir(), "plan-flags-out-"));

describe("enforcement follows the environment, not the stack's name", () => {
  test("stack prod-eu with environment prod: the privileged pod in west's restricted namespace is a mandatory finding; east's privileged namespace allows it", () => {
    const r = runPlan(["--stack", "prod-eu", "--program", twoClusters, "--policy-pack", podSecurity, "--out", out(), "--json"]);
    expect(r.stderr).toContain("environment prod (from production-platform:environment in Pulumi.prod-eu.yaml)");
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ stack: "prod-eu", environment: "prod", failClosed: false, exitCode: 1 });
    const report = JSON.parse(fs.readFileSync(path.join(summary.outDir, "policy-report.json"), "utf8"));
    const mandatory = report.findings.filter((f: any) => f.enforcement === "mandatory" && f.status === "violation");
    expect([...new Set(mandatory.map((f: any) => `${f.policy} ${f.urn.split("::").pop()}`))]).toEqual(["privileged west-node-agent"]);
    expect(mandatory[0].message).toContain('from namespace "apps" label pod-security.kubernetes.io/enforce');
    expect(r.survivors).toEqual([]);
  });

  test("the same program as dev-eu (environment dev) is advisory and exits 0", () => {
    const r = runPlan(["--stack", "dev-eu", "--program", twoClusters, "--policy-pack", podSecurity, "--out", out()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/0 mandatory, [1-9]\d* advisory/);
    expect(r.survivors).toEqual([]);
  });

  test("plan --stack prd (no such stack file) fails closed and names the missing environment config", () => {
    const r = runPlan(["--stack", "prd", "--out", out()]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("there is no Pulumi.prd.yaml");
    expect(r.stderr).toContain("every pack runs with its prod config (mandatory; fail closed)");
    expect(r.stderr).toContain("production-platform:environment");
    expect(r.survivors).toEqual([]);
  });

  test("a bad --environment exits 2 before anything runs", () => {
    const r = runPlan(["--stack", "prod-eu", "--program", twoClusters, "--out", out(), "--environment", "production"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--environment: got "production"; the environment must be one of dev, staging, prod/);
    expect(r.stderr).not.toContain("▶ running");
    expect(r.survivors).toEqual([]);
  });

  test("a stack whose environment is not dev, staging or prod fails closed and says why", () => {
    const r = runPlan(["--stack", "typo-eu", "--program", twoClusters, "--policy-pack", podSecurity, "--out", out()]);
    expect(r.stderr).toContain('production-platform:environment in Pulumi.typo-eu.yaml is "production", not dev, staging or prod');
    expect(r.stderr).toContain("fail closed");
    expect(r.code).toBe(1);
    expect(r.survivors).toEqual([]);
  });
});

describe("pack config files, validated like the engine", () => {
  const plan = (configFile: string, extra: string[] = []) =>
    runPlan(["--stack", "prod-eu", "--program", twoClusters, "--policy-pack", podSecurity, "--policy-pack-config", configFile, "--out", out(), ...extra]);

  test("a misspelled policy name exits 2 naming the pack, the file and the policy", () => {
    const r = plan(tmpFile("prod.json", JSON.stringify({ all: "mandatory", privilegd: "advisory" })));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pack pod-security, config .*prod\.json: unknown policy "privilegd"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.survivors).toEqual([]);
  });

  test("a property the policy's schema rejects exits 2 naming pack, policy and key", () => {
    const r = plan(tmpFile("prod.json", JSON.stringify({ privileged: { defaultLevel: "strict" } })));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pack pod-security, policy privileged, key defaultLevel: should be equal to one of the allowed values \("privileged", "baseline", "restricted"\)/);
    expect(r.survivors).toEqual([]);
  });

  test.each([
    ["not JSON", "{ \"all\": \"mandatory\",\n  oops }", /is not valid JSON at line 2/],
    ["a bad level", JSON.stringify({ all: "mandtory" }), /key "all": "mandtory" is not an enforcement level; use one of advisory, mandatory, remediate, disabled/],
    ["a mistyped environment", JSON.stringify({ privileged: { environment: "production" } }), /key "privileged.environment": got "production"; use one of dev, staging, prod/],
  ])("%s exits 2 before any pack starts", (_, content, message) => {
    const r = plan(tmpFile("bad.json", content));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain("▶ running");
    expect(r.survivors).toEqual([]);
  });

  test("one --policy-pack-config per --policy-pack, like the CLI", () => {
    const file = tmpFile("a.json", "{}");
    const r = runPlan(["--stack", "prod-eu", "--program", twoClusters, "--policy-pack", podSecurity, "--policy-pack", podSecurity, "--policy-pack-config", file, "--out", out()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("1 --policy-pack-config file(s) for 2 --policy-pack(s)");
  });
});

describe("exemptions", () => {
  test("a malformed --exemptions file exits 2 with the file, the entry and the fix", () => {
    const file = tmpFile("exemptions.yaml", "exemptions:\n  - policy: privileged\n    resource: { kind: Pod }\n    owner: team\n    expires: 2099-13-01\n");
    const r = runPlan(["--stack", "prod-eu", "--program", twoClusters, "--policy-pack", podSecurity, "--exemptions", file, "--out", out()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`invalid exemptions file ${file}`);
    expect(r.stderr).toMatch(/entry 1/);
    expect(r.stderr).toContain("Fix the named entries");
    expect(r.survivors).toEqual([]);
  });

  test("a valid --exemptions file waives the west finding for every pack", () => {
    const file = tmpFile(
      "exemptions.yaml",
      "exemptions:\n  - policy: privileged\n    resource: { kind: Pod, namespace: apps, name: node-agent }\n    reason: The node agent needs host access; reviewed.\n    owner: team-platform\n    expires: 2099-12-31\n",
    );
    const r = runPlan(["--stack", "prod-eu", "--program", twoClusters, "--policy-pack", podSecurity, "--exemptions", file, "--out", out()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/0 mandatory, \d+ advisory, 1 exempted/);
  });
});

test("a pack process that dies mid-run: exit 3, one paragraph, no stack trace, no pack left running", () => {
  const r = runPlan(["--stack", "prod-eu", "--program", twoClusters, "--policy-pack", podSecurity, "--policy-pack", path.join(root, "test", "fixtures", "crash-pack"), "--out", out()]);
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/error: the plan crashed \(.*\).*every policy pack process was stopped/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.survivors).toEqual([]);
});

test("a plan stopped with SIGTERM once its packs are up leaves no pack process behind", async () => {
  const marker = crypto.randomUUID();
  const child = spawn(process.execPath, [bin, "plan", "--stack", "prod-eu", "--program", twoClusters, "--policy-pack", podSecurity, "--out", out()], {
    cwd: root,
    env: { ...process.env, PLAN_TEST_MARKER: marker },
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no pack became ready:\n${stderr}`)), 200_000);
    child.stderr.on("data", (d) => {
      stderr += d.toString();
      if (/policy pack pod-security@.* ready in/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  expect(survivors(marker).length).toBeGreaterThan(1); // the plan and its pack, so the count below means something
  child.kill("SIGTERM");
  expect(await exited).toBe(143);
  expect(survivors(marker)).toEqual([]);
}, 240_000);
