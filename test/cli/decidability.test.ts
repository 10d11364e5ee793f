/**
 * Issue 13: every finding the after-deploy plan reports must already be reported at first preview, either as the same
 * verdict (same pack, policy, resource and enforcement) or as "cannot tell yet" (marked "decidable only after
 * deploy"). A finding that appears only after deploy means a pack passed silently on an unknown at first preview.
 * Planned by the real CLI in both modes, in prod (so enforcement matters), on the insecure fixture and on a program
 * whose Kubernetes provider is built from a new EKS cluster's kubeconfig (the engine gives its objects no outputs).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planFor, STACKS } from "../support/plans";

const root = path.resolve(__dirname, "..", "..");
const bin = path.join(root, "bin", "production-platform.js");

interface Finding {
  readonly pack: string;
  readonly policy: string;
  readonly urn: string;
  readonly enforcement: string;
  readonly status: string;
  readonly message: string;
  readonly decidable: string;
}

function planReport(program: string, mode: "first-preview" | "after-deploy"): { code: number | null; stderr: string; report: any } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `decidability-${path.basename(program)}-`));
  // A hang guard only (no speed assertion).
  const result = spawnSync(process.execPath, [bin, "plan", "--program", program, "--stack", "dev", "--environment", "prod", "--mode", mode, "--out", out], {
    cwd: root,
    encoding: "utf8",
    timeout: 280_000,
  });
  const file = path.join(out, "policy-report.json");
  return { code: result.status, stderr: result.stderr, report: fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined };
}

const key = (f: Finding) => `${f.pack} ${f.policy} ${f.urn}`;

/** After-deploy findings with neither the same verdict nor a "decidable only after deploy" entry at first preview. */
export function firstPreviewGaps(firstPreview: readonly Finding[], afterDeploy: readonly Finding[]): string[] {
  const verdicts = new Set(firstPreview.filter((f) => f.decidable === "first-preview").map((f) => `${key(f)} ${f.enforcement} ${f.status}`));
  const pending = new Set(firstPreview.filter((f) => f.decidable === "after-deploy").map(key));
  return afterDeploy
    .filter((f) => !verdicts.has(`${key(f)} ${f.enforcement} ${f.status}`) && !pending.has(key(f)))
    .map((f) => `${key(f)} (${f.enforcement}, ${f.status}): ${f.message}`);
}

describe("firstPreviewGaps", () => {
  const f = (policy: string, extra: Partial<Finding> = {}): Finding => ({ pack: "p", policy, urn: "urn:x", enforcement: "mandatory", status: "violation", message: "m", decidable: "first-preview", ...extra });

  test("finds a verdict missing at first preview, and one silently downgraded to advisory", () => {
    expect(firstPreviewGaps([f("a")], [f("a"), f("b")])).toEqual(["p b urn:x (mandatory, violation): m"]);
    expect(firstPreviewGaps([f("a", { enforcement: "advisory" })], [f("a")])).toHaveLength(1);
  });

  test("accepts a cannot-tell-yet at first preview for a verdict after deploy", () => {
    expect(firstPreviewGaps([f("a", { enforcement: "advisory", decidable: "after-deploy" })], [f("a", { decidable: "not-assessed" })])).toEqual([]);
  });
});

describe.each([
  ["the insecure fixture", path.join(root, "test", "fixtures", "insecure-program")],
  ["a Kubernetes provider from a new EKS cluster's kubeconfig", path.join(root, "test", "fixtures", "programs", "eks-kubeconfig")],
])("%s in prod", (_label, program) => {
  const firstPreview = planReport(program, "first-preview");
  const afterDeploy = planReport(program, "after-deploy");

  test("both plans ran and judged something", () => {
    expect({ stderr: firstPreview.report ? "" : firstPreview.stderr, after: afterDeploy.report ? "" : afterDeploy.stderr }).toEqual({ stderr: "", after: "" });
    expect(afterDeploy.report.findings.length).toBeGreaterThan(0);
  });

  test("every after-deploy finding is reported at first preview, as the same verdict or as decidable only after deploy", () => {
    expect(firstPreviewGaps(firstPreview.report.findings, afterDeploy.report.findings)).toEqual([]);
  });

  test("each first-preview finding is marked, and only cannot-tell-yet ones are decidable only after deploy", () => {
    for (const f of firstPreview.report.findings as Finding[]) {
      const body = f.message.replace(/^\[exempted[^\]]*\] /, "");
      expect({ f: key(f), decidable: f.decidable }).toEqual({ f: key(f), decidable: f.pack === "plan" ? "not-offline" : body.startsWith("cannot tell yet:") ? "after-deploy" : "first-preview" });
    }
    const counted = firstPreview.report.decidability;
    const violations = (firstPreview.report.findings as Finding[]).filter((f) => f.status === "violation");
    expect(counted["first-preview"] + counted["after-deploy"] + counted["not-offline"]).toBe(violations.length);
    expect(firstPreview.stderr).toMatch(/decidability: \d+ finding\(s\) decidable at first preview, \d+ decidable only after deploy/);
  });
});

// Our own stacks too (the plans are shared with the other suites): a gap here is a pack passing silently on an
// object the first preview cannot see yet (this caught RC-3 on quotas under a new cluster's provider).
describe.each(STACKS)("the committed %s stack", (stack) => {
  test("every after-deploy finding is reported at first preview, as the same verdict or as not decidable yet", () => {
    const read = (mode: "first-preview" | "after-deploy") => JSON.parse(fs.readFileSync(path.join(planFor(stack, mode).dir, "policy-report.json"), "utf8"));
    const firstPreview = read("first-preview").findings.map((f: Finding) => (f.decidable === "not-offline" ? { ...f, decidable: "after-deploy" } : f));
    expect(firstPreviewGaps(firstPreview, read("after-deploy").findings)).toEqual([]);
  });
});
