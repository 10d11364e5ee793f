/**
 * The test kit with programs written as consumers write them: a program module loaded with `require` (twice, preview
 * then update), pack config given per pack, and report locations at the program's own lines.
 */
import * as fs from "fs";
import * as path from "path";
import { sourceLocator } from "../../src/cli/report";
import { analyzeRecording, runOffline } from "../../src/testing";

const REPO = path.resolve(__dirname, "..", "..");
const SCRATCH = path.join(__dirname, ".kit-program");

/** A consumer program file; returns the 1-based line of each `// @line:<tag>` marker. */
function writeProgram(file: string, source: string): Record<string, number> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, source);
  const lines: Record<string, number> = {};
  source.split("\n").forEach((l, i) => {
    const m = /\/\/ @line:(\w+)/.exec(l);
    if (m) lines[m[1]] = i + 1;
  });
  return lines;
}

const PROGRAM = `import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { HaService } from ${JSON.stringify(path.join(REPO, "index"))};

const provider = new aws.Provider("use1", { region: "us-east-1" });
export const vpc = new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" }, { provider }); // @line:vpc
const cluster = new k8s.Provider("cluster", {});
new HaService("web", { // @line:service
  namespace: "shop",
  environment: "dev",
  image: "ghcr.io/acme/web:1.0.0",
  port: 8080,
  probes: { liveness: { httpPath: "/healthz" }, readiness: { httpPath: "/ready" } },
}, { provider: cluster });
`;

let lines: Record<string, number>;
const programFile = path.join(SCRATCH, "index.ts");
beforeAll(() => {
  lines = writeProgram(programFile, PROGRAM);
});
afterAll(() => fs.rmSync(SCRATCH, { recursive: true, force: true }));

test("for (preview of [true, false]) runOffline(() => require('./index')) finds the resources on both passes", async () => {
  const counts: number[] = [];
  for (const preview of [true, false]) {
    const { recorder } = await runOffline(() => require(programFile), { preview, project: "shop", stack: "dev" });
    counts.push(recorder.ofType("aws:ec2/vpc:Vpc").length);
    expect(recorder.ofType("production-platform:workload:HaService")).toHaveLength(1);
  }
  expect(counts).toEqual([1, 1]);
});

test("report locations: a resource at the line that constructed it, a component's children at the component's line", async () => {
  const { recorder } = await runOffline(() => require(programFile), { preview: true, project: "shop", stack: "dev" });
  const locate = sourceLocator(recorder, SCRATCH);
  expect(locate(recorder.one("aws:ec2/vpc:Vpc").urn)).toMatchObject({ file: "index.ts", line: lines.vpc });
  // The Deployment is created inside HaService (this repository's code, outside the program directory).
  expect(locate(recorder.one("kubernetes:apps/v1:Deployment").urn)).toMatchObject({ file: "index.ts", line: lines.service });
  // The root stack was constructed by no line of the program: no location rather than a made-up one.
  expect(locate(recorder.one("pulumi:pulumi:Stack").urn)).toBeUndefined();
});

describe("analyzeRecording packConfig", () => {
  const awsPack = path.join(REPO, "policy", "aws-baseline");
  const ACCOUNT = ["aws-guardduty-enabled", "cis-aws-4.16-security-hub-enabled"];

  test("account-level checks can be turned off for a stack that does not own the account's services", async () => {
    // The "account" stack's config/account.json expects the account services (the env stacks' configs leave them
    // to that stack), so by default they fire there; packConfig replaces that file.
    const { recorder } = await runOffline(() => require(programFile), { preview: true, project: "shop", stack: "account" });
    const defaults = await analyzeRecording(recorder, { packs: [awsPack], stack: "account", project: "shop" });
    const fired = defaults.filter((f) => ACCOUNT.includes(f.policyName));
    expect(fired.map((f) => [f.policyName, f.enforcementLevel]).sort()).toEqual(ACCOUNT.map((p) => [p, "mandatory"]));

    const off = Object.fromEntries(ACCOUNT.map((p) => [p, { expectAccountServices: false }]));
    const configured = await analyzeRecording(recorder, { packs: [awsPack], stack: "account", project: "shop", packConfig: { "aws-baseline": { all: "mandatory", ...off } } });
    expect(configured.filter((f) => ACCOUNT.includes(f.policyName))).toEqual([]);
    expect(configured.length).toBeGreaterThan(0);
  });

  test("a pack name that is not one of the packs is an error naming the packs", async () => {
    const { recorder } = await runOffline(() => require(programFile), { preview: true, project: "shop", stack: "dev" });
    await expect(analyzeRecording(recorder, { packs: [awsPack], packConfig: { "aws-basline": { all: "advisory" } } })).rejects.toThrow(
      "packConfig names unknown pack(s) aws-basline; the packs are aws-baseline",
    );
  });
});
