/**
 * Renderings of a policy report for machines (SARIF 2.1.0, for code scanning) and for people (Markdown, for a pull
 * request or a CI job summary).
 */
import { DECIDABILITY_TEXT, PolicyReport, ReportFinding } from "./report";

const SARIF_LEVEL: Record<string, string> = { mandatory: "error", advisory: "warning", remediate: "warning", disabled: "none" };

/**
 * GitHub code scanning ranks security alerts by `properties["security-severity"]`, a CVSS-like score as a string:
 * critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. A policy without a severity gets none (unranked).
 */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.0" };

type ReportPack = PolicyReport["packs"][number];

/** Every policy of the pack (fired or not), so code scanning can show rule help and rank results. */
function sarifRules(pack: ReportPack): unknown[] {
  return [...pack.rules]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => ({
      id: p.name,
      name: p.name,
      shortDescription: { text: p.displayName || p.name },
      fullDescription: { text: p.description || p.displayName || p.name },
      help: { text: p.remediation || p.description || p.name, markdown: `**${p.framework ? `${p.framework} ${p.controlId}` : p.name}**: ${p.remediation || p.description}` },
      ...(p.reference ? { helpUri: p.reference } : {}),
      properties: {
        framework: p.framework,
        controlId: p.controlId,
        severity: p.severity,
        tags: ["security", ...(p.framework ? [p.framework] : [])],
        ...(SECURITY_SEVERITY[p.severity] ? { "security-severity": SECURITY_SEVERITY[p.severity] } : {}),
      },
    }));
}

/**
 * A result's file location: the line of the program that constructed the resource (from the SDK's
 * `sourcePosition`, see report.ts sourceLocator). Code scanning needs a file for every result, so a resource with no
 * known line points at the program's entry file, line 1, and says so in its properties.
 */
function sarifLocation(f: ReportFinding, programFile: string): unknown {
  const region = f.location ? { startLine: f.location.line, ...(f.location.column > 0 ? { startColumn: f.location.column } : {}) } : { startLine: 1 };
  return {
    physicalLocation: { artifactLocation: { uri: f.location?.file ?? programFile }, region },
    logicalLocations: [{ fullyQualifiedName: f.urn, kind: "resource" }],
  };
}

/** SARIF 2.1.0: one run per pack, every rule listed, each result at the line that constructed its resource. */
export function toSarif(report: PolicyReport, programFile: string): unknown {
  const byPack = new Map<string, ReportFinding[]>();
  for (const pack of report.packs) byPack.set(pack.name, []);
  for (const f of report.findings) byPack.get(f.pack)?.push(f);
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: report.packs.map((pack) => ({
      tool: {
        driver: { name: pack.name, version: pack.version, informationUri: "https://www.pulumi.com/docs/using-pulumi/crossguard/", rules: sarifRules(pack) },
      },
      results: (byPack.get(pack.name) ?? []).map((f) => ({
        ruleId: f.policy,
        level: f.status === "exempted" ? "note" : (SARIF_LEVEL[f.enforcement] ?? "warning"),
        message: { text: f.message },
        locations: [sarifLocation(f, programFile)],
        partialFingerprints: { urnPolicy: `${f.urn}|${f.policy}` },
        properties: {
          decidable: f.decidable,
          decidableText: DECIDABILITY_TEXT[f.decidable],
          ...(f.location ? {} : { location: "not known: no line of the program constructed this resource" }),
        },
        ...(f.status === "exempted" ? { suppressions: [{ kind: "external", justification: f.message }] } : {}),
      })),
    })),
  };
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n+/g, " ");
}

/** The last segment of a URN (`type::name`), which is what a reviewer recognises. */
function shortUrn(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? `${parts[2].split("$").pop()}::${parts.slice(3).join("::")}` : urn;
}

export function toMarkdown(report: PolicyReport, extra: { graph?: string } = {}): string {
  const lines: string[] = [];
  const { mandatory, advisory, exempted } = report.summary;
  const verdict = mandatory > 0 ? "❌ blocked" : "✅ passes";
  lines.push(`# Policy report: ${report.project} / ${report.stack}`, "");
  lines.push(`**${verdict}** — ${report.resources} resources, ${report.packs.length} policy packs: ${mandatory} mandatory, ${advisory} advisory, ${exempted} exempted.`, "");
  lines.push("| Pack | Version | Policies | Config | Mandatory | Advisory | Exempted |", "|---|---|---|---|---|---|---|");
  for (const pack of report.packs) {
    const mine = report.findings.filter((f) => f.pack === pack.name);
    const count = (pred: (f: ReportFinding) => boolean) => mine.filter(pred).length;
    lines.push(
      `| ${pack.name} | ${pack.version} | ${pack.policies} | ${pack.config ?? "defaults"} | ${count((f) => f.status === "violation" && f.enforcement === "mandatory")} | ` +
        `${count((f) => f.status === "violation" && f.enforcement === "advisory")} | ${count((f) => f.status === "exempted")} |`,
    );
  }
  if (report.compliance.length > 0) {
    lines.push("", "## Compliance", "", "| Framework | Controls passed | Score | Failing | Exempted | Not decidable from code |", "|---|---|---|---|---|---|");
    for (const c of report.compliance) {
      const list = (ids: readonly string[]) => ids.join(", ") || "—";
      const score = c.percent === null ? "not applicable" : `${c.percent}%${c.undecided.length > 0 ? ` (undecided: ${c.undecided.join(", ")})` : ""}`;
      lines.push(`| ${c.framework} | ${c.passed} / ${c.applicable} | ${score} | ${list(c.failing)} | ${list(c.exempted)} | ${list(c.notDecidable)} |`);
    }
  }
  const violations = report.findings.filter((f) => f.status === "violation");
  if (violations.length > 0) {
    lines.push("", "## Violations", "", "| Enforcement | Policy | Control | Resource | Decidable | What to change |", "|---|---|---|---|---|---|");
    const ordered = [...violations].sort((a, b) => (a.enforcement === b.enforcement ? 0 : a.enforcement === "mandatory" ? -1 : 1));
    for (const f of ordered) {
      lines.push(`| ${f.enforcement} | ${f.pack}/${f.policy} | ${cell(f.controlId || "—")} | \`${cell(shortUrn(f.urn))}\` | ${DECIDABILITY_TEXT[f.decidable]} | ${cell(f.message)} |`);
    }
  }
  const exemptions = report.findings.filter((f) => f.status === "exempted");
  if (exemptions.length > 0) {
    lines.push("", "## Exempted", "", "| Policy | Resource | Exemption |", "|---|---|---|");
    for (const f of exemptions) lines.push(`| ${f.pack}/${f.policy} | \`${cell(shortUrn(f.urn))}\` | ${cell(f.message)} |`);
  }
  if (extra.graph) lines.push("", "## Architecture", "", "```mermaid", extra.graph.trimEnd(), "```");
  lines.push("");
  return lines.join("\n");
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The resource type of a URN (`urn:pulumi:stack::project::parent$type::name` → `type`). */
function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts[2].split("$").pop()! : urn;
}

/**
 * JUnit XML for CI systems that read it: one testsuite per pack, one test case per policy per resource type it
 * reported on (failing when a mandatory violation is among them; advisory and exempted findings are listed in the
 * case's output), and one passing case per policy that reported nothing on any resource.
 */
export function toJunit(report: PolicyReport): string {
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  for (const pack of report.packs) {
    const mine = report.findings.filter((f) => f.pack === pack.name);
    const cases: string[] = [];
    let packFailures = 0;
    for (const policy of [...pack.rules].sort((a, b) => a.name.localeCompare(b.name))) {
      const byType = new Map<string, ReportFinding[]>();
      for (const f of mine.filter((x) => x.policy === policy.name)) byType.set(typeOfUrn(f.urn), [...(byType.get(typeOfUrn(f.urn)) ?? []), f]);
      if (byType.size === 0) cases.push(`    <testcase classname="${xml(`${pack.name}.${policy.name}`)}" name="no finding on any resource"/>`);
      for (const [type, found] of [...byType].sort((a, b) => a[0].localeCompare(b[0]))) {
        const mandatory = found.filter((f) => f.status === "violation" && f.enforcement === "mandatory");
        const lines = found.map((f) => `[${f.status === "exempted" ? "exempted" : f.enforcement}] ${f.urn}: ${f.message}`).join("\n");
        const body = mandatory.length > 0
          ? `<failure type="mandatory" message="${xml(`${mandatory.length} mandatory violation(s): ${mandatory[0].message}`)}">${xml(lines)}</failure>`
          : `<system-out>${xml(lines)}</system-out>`;
        if (mandatory.length > 0) packFailures++;
        cases.push(`    <testcase classname="${xml(`${pack.name}.${policy.name}`)}" name="${xml(type)}">${body}</testcase>`);
      }
    }
    total += cases.length;
    failures += packFailures;
    suites.push(`  <testsuite name="${xml(pack.name)}" tests="${cases.length}" failures="${packFailures}" errors="0" skipped="0">\n${cases.join("\n")}\n  </testsuite>`);
  }
  const name = xml(`policy ${report.project}/${report.stack}`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${name}" tests="${total}" failures="${failures}" errors="0">\n${suites.join("\n")}\n</testsuites>\n`;
}

/** ` [3 decidable only after deploy, 1 at first preview]`: how a group of findings splits by {@link Decidability}. */
function decidableNote(list: readonly ReportFinding[]): string {
  const counts = new Map<string, number>();
  for (const f of list) counts.set(DECIDABILITY_TEXT[f.decidable], (counts.get(DECIDABILITY_TEXT[f.decidable]) ?? 0) + 1);
  return ` [${[...counts].map(([text, n]) => `${n} ${text}`).join(", ")}]`;
}

/**
 * What the terminal shows after a plan: violations grouped by enforcement and policy, each group with its count, its
 * first message and resource, at most `cap` groups per enforcement level (the rest counted, not hidden).
 */
export function findingSummary(report: PolicyReport, cap = 20): string[] {
  const lines: string[] = [];
  for (const level of ["mandatory", "advisory"] as const) {
    const found = report.findings.filter((f) => f.status === "violation" && f.enforcement === level);
    if (found.length === 0) continue;
    const groups = new Map<string, ReportFinding[]>();
    for (const f of found) groups.set(`${f.pack}/${f.policy}`, [...(groups.get(`${f.pack}/${f.policy}`) ?? []), f]);
    const ordered = [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
    lines.push(`  ${level} (${found.length} finding(s) in ${groups.size} polic${groups.size === 1 ? "y" : "ies"}):`);
    for (const [policy, list] of ordered.slice(0, cap)) {
      const where = list[0].location ? ` (${list[0].location.file}:${list[0].location.line})` : "";
      lines.push(`    ${policy} ×${list.length}${decidableNote(list)}: ${shortUrn(list[0].urn)}${where}: ${list[0].message}`);
    }
    if (ordered.length > cap) lines.push(`    … and ${ordered.length - cap} more ${level} polic${ordered.length - cap === 1 ? "y" : "ies"} (every finding: policy-report.md)`);
  }
  return lines;
}

/** One line: how the plan's violations split between what a first preview decides and what only a deploy does. */
export function decidabilityLine(report: PolicyReport): string {
  const d = report.decidability;
  if (report.mode === "after-deploy") {
    return `decidability: not assessed in after-deploy mode (${d["not-assessed"]} finding(s)); the default first-preview plan says which a first preview decides`;
  }
  const notOffline = d["not-offline"] > 0 ? `, ${d["not-offline"]} not decidable offline (components not judged)` : "";
  return `decidability: ${d["first-preview"]} finding(s) decidable at first preview, ${d["after-deploy"]} decidable only after deploy ("cannot tell yet")${notOffline}`;
}
