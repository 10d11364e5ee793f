/** The machine-readable reports on a small hand-made policy report: SARIF rules and locations, JUnit cases, terminal summary. */
import { decidabilityLine, findingSummary, toJunit, toSarif } from "../../src/cli/formats";
import { decidabilityOf } from "../../src/cli/report";
import type { PolicyReport, ReportFinding, ReportPolicy } from "../../src/cli/report";

const policy = (name: string, severity: string): ReportPolicy => ({
  name, displayName: `X.1 ${name}`, description: `FW X.1: ${name}`, severity, remediation: `Fix ${name}.`, framework: "FW 1.0", controlId: "X.1", reference: "https://example.com/fw",
});

const finding = (policyName: string, urn: string, enforcement: "mandatory" | "advisory", extra: Partial<ReportFinding> = {}): ReportFinding => ({
  pack: "pack-a", packVersion: "1.0.0", policy: policyName, framework: "FW 1.0", controlId: "X.1", severity: "high", enforcement, status: "violation", urn, message: `${policyName} on ${urn}; change it.`, decidable: "first-preview", ...extra,
});

const BUCKET = "urn:pulumi:dev::app::aws:s3/bucket:Bucket::logs";
const DEPLOY = "urn:pulumi:dev::app::production-platform:workload:HaService$kubernetes:apps/v1:Deployment::web";

function report(findings: ReportFinding[], rules = [policy("p-critical", "critical"), policy("p-high", "high"), policy("p-quiet", "low"), policy("p-none", "")]): PolicyReport {
  const violations = findings.filter((f) => f.status === "violation");
  return {
    project: "app", stack: "dev", mode: "first-preview", unjudged: [], resources: 3,
    packs: [{ name: "pack-a", version: "1.0.0", policies: rules.length, rules }],
    summary: { mandatory: violations.filter((f) => f.enforcement === "mandatory").length, advisory: violations.filter((f) => f.enforcement === "advisory").length, exempted: findings.length - violations.length },
    decidability: {
      "first-preview": violations.filter((f) => f.decidable === "first-preview").length,
      "after-deploy": violations.filter((f) => f.decidable === "after-deploy").length,
      "not-offline": violations.filter((f) => f.decidable === "not-offline").length,
      "not-assessed": violations.filter((f) => f.decidable === "not-assessed").length,
    },
    compliance: [],
    findings,
  };
}

describe("SARIF", () => {
  const sarif: any = toSarif(report([
    finding("p-critical", BUCKET, "mandatory", { location: { file: "index.ts", line: 12, column: 5 } }),
    finding("p-high", DEPLOY, "advisory", { decidable: "after-deploy", message: "cannot tell yet: spec of x is unknown" }),
  ]), "index.ts");
  const run = sarif.runs[0];

  test("rules list every policy of the pack, fired or not, with help text and GitHub's security-severity", () => {
    expect(run.tool.driver.rules.map((r: any) => r.id)).toEqual(["p-critical", "p-high", "p-none", "p-quiet"]);
    const byId = Object.fromEntries(run.tool.driver.rules.map((r: any) => [r.id, r]));
    expect(byId["p-critical"].properties["security-severity"]).toBe("9.5");
    expect(byId["p-high"].properties["security-severity"]).toBe("8.0");
    expect(byId["p-quiet"].properties["security-severity"]).toBe("2.0");
    expect(byId["p-none"].properties["security-severity"]).toBeUndefined();
    expect(byId["p-high"]).toMatchObject({ help: { text: "Fix p-high." }, helpUri: "https://example.com/fw", fullDescription: { text: "FW X.1: p-high" } });
  });

  test("a located result points at its program line; an unlocated one at the entry file, line 1, saying so", () => {
    expect(run.results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "index.ts" }, region: { startLine: 12, startColumn: 5 } });
    expect(run.results[0].properties.location).toBeUndefined();
    expect(run.results[1].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "index.ts" }, region: { startLine: 1 } });
    expect(run.results[1].properties.location).toMatch(/^not known/);
  });

  test("every result says whether a first preview decides it", () => {
    expect(run.results.map((r: any) => r.properties.decidable)).toEqual(["first-preview", "after-deploy"]);
    expect(run.results.map((r: any) => r.properties.decidableText)).toEqual(["decidable at first preview", "decidable only after deploy"]);
  });
});

describe("decidability", () => {
  test("a cannot-tell-yet finding at first preview is decidable only after deploy, also once exempted or expired", () => {
    expect(decidabilityOf("aws-baseline", "S3 bucket x has no encryption; set it.", "first-preview")).toBe("first-preview");
    expect(decidabilityOf("aws-baseline", "cannot tell yet: kmsKeyId of x is unknown", "first-preview")).toBe("after-deploy");
    expect(decidabilityOf("aws-baseline", "[exempted: reason, owner a, expires 2027-01-01] cannot tell yet: y", "first-preview")).toBe("after-deploy");
    expect(decidabilityOf("aws-baseline", "cannot tell yet: y (exemption expired 2026-01-01, owner a: fix it)", "first-preview")).toBe("after-deploy");
    // "cannot tell yet" only counts as the marker at the start: a message quoting it is an ordinary verdict.
    expect(decidabilityOf("aws-baseline", "x is wrong (it used to say cannot tell yet: y)", "first-preview")).toBe("first-preview");
  });

  test("the plan's own not-judged findings are not decidable offline; an after-deploy run does not assess", () => {
    expect(decidabilityOf("plan", "eks:index:Cluster \"demo\" was not judged", "first-preview")).toBe("not-offline");
    expect(decidabilityOf("aws-baseline", "cannot tell yet: y", "after-deploy")).toBe("not-assessed");
  });

  test("terminal: each group and the summary line split by decidability", () => {
    const r = report([
      finding("p-high", BUCKET, "advisory"),
      finding("p-high", DEPLOY, "advisory", { decidable: "after-deploy" }),
      finding("p-quiet", DEPLOY, "advisory", { decidable: "after-deploy" }),
    ]);
    expect(findingSummary(r)[1]).toMatch(/^ {4}pack-a\/p-high ×2 \[1 decidable at first preview, 1 decidable only after deploy\]: /);
    expect(decidabilityLine(r)).toBe('decidability: 1 finding(s) decidable at first preview, 2 decidable only after deploy ("cannot tell yet")');
    expect(decidabilityLine({ ...r, mode: "after-deploy" })).toMatch(/not assessed in after-deploy mode/);
  });
});

describe("JUnit", () => {
  const xml = toJunit(report([
    finding("p-critical", BUCKET, "mandatory"),
    finding("p-critical", DEPLOY, "advisory"),
    finding("p-high", BUCKET, "advisory", { message: "a <b> & \"c\"" }),
  ]));
  const cases = [...xml.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => `${m[1]} :: ${m[2]}`);

  test("one case per policy per resource type it reported on, one passing case per silent policy", () => {
    expect(cases).toEqual([
      "pack-a.p-critical :: aws:s3/bucket:Bucket",
      "pack-a.p-critical :: kubernetes:apps/v1:Deployment",
      "pack-a.p-high :: aws:s3/bucket:Bucket",
      "pack-a.p-none :: no finding on any resource",
      "pack-a.p-quiet :: no finding on any resource",
    ]);
    expect(xml).toContain('<testsuite name="pack-a" tests="5" failures="1"');
    expect(xml).toContain('<testsuites name="policy app/dev" tests="5" failures="1" errors="0">');
  });

  test("mandatory violations fail their case; advisory ones are listed in its output; text is escaped", () => {
    expect(xml).toMatch(/name="aws:s3\/bucket:Bucket"><failure type="mandatory"/);
    expect(xml).toMatch(/name="kubernetes:apps\/v1:Deployment"><system-out>\[advisory\]/);
    expect(xml).toContain("a &lt;b&gt; &amp; &quot;c&quot;");
    expect(xml).not.toContain("a <b>");
  });
});

describe("terminal summary", () => {
  test("groups by enforcement and policy with counts; advisory findings are listed too", () => {
    const lines = findingSummary(report([
      finding("p-critical", BUCKET, "mandatory", { location: { file: "index.ts", line: 3, column: 1 } }),
      finding("p-high", BUCKET, "advisory"),
      finding("p-high", DEPLOY, "advisory"),
    ]));
    expect(lines[0]).toBe("  mandatory (1 finding(s) in 1 policy):");
    expect(lines[1]).toMatch(/^ {4}pack-a\/p-critical ×1 \[1 decidable at first preview\]: aws:s3\/bucket:Bucket::logs \(index.ts:3\): /);
    expect(lines[2]).toBe("  advisory (2 finding(s) in 1 policy):");
    expect(lines[3]).toMatch(/^ {4}pack-a\/p-high ×2 \[2 decidable at first preview\]: /);
  });

  test("at most `cap` policies per level, the rest counted", () => {
    const many = Array.from({ length: 5 }, (_, i) => finding(`p-${i}`, BUCKET, "advisory"));
    const lines = findingSummary(report(many), 2);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe("    … and 3 more advisory policies (every finding: policy-report.md)");
  });
});
