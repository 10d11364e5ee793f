/**
 * Renderings of a policy report for machines (SARIF 2.1.0, for code scanning) and for people (Markdown, for a pull
 * request or a CI job summary).
 */
import { PolicyReport, ReportFinding } from "./report";

const SARIF_LEVEL: Record<string, string> = { mandatory: "error", advisory: "warning", remediate: "warning", disabled: "none" };

/**
 * SARIF needs a file location for code scanning to accept a result; resources have none, so results point at the
 * program's entry file and carry the URN as a logical location.
 */
export function toSarif(report: PolicyReport, programFile: string): unknown {
  const byPack = new Map<string, ReportFinding[]>();
  for (const pack of report.packs) byPack.set(pack.name, []);
  for (const f of report.findings) byPack.get(f.pack)?.push(f);
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: report.packs.map((pack) => {
      const findings = byPack.get(pack.name) ?? [];
      const ruleIds = [...new Set(findings.map((f) => f.policy))].sort();
      return {
        tool: {
          driver: {
            name: pack.name,
            version: pack.version,
            informationUri: "https://www.pulumi.com/docs/using-pulumi/crossguard/",
            rules: ruleIds.map((id) => {
              const sample = findings.find((f) => f.policy === id)!;
              return {
                id,
                name: id,
                shortDescription: { text: sample.controlId ? `${sample.framework} ${sample.controlId}: ${id}` : id },
                properties: { framework: sample.framework, controlId: sample.controlId, severity: sample.severity },
              };
            }),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.policy,
          level: f.status === "exempted" ? "note" : (SARIF_LEVEL[f.enforcement] ?? "warning"),
          message: { text: f.message },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: programFile }, region: { startLine: 1 } },
              logicalLocations: [{ fullyQualifiedName: f.urn, kind: "resource" }],
            },
          ],
          partialFingerprints: { urnPolicy: `${f.urn}|${f.policy}` },
          ...(f.status === "exempted" ? { suppressions: [{ kind: "external", justification: f.message }] } : {}),
        })),
      };
    }),
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
    lines.push("", "## Violations", "", "| Enforcement | Policy | Control | Resource | What to change |", "|---|---|---|---|---|");
    const ordered = [...violations].sort((a, b) => (a.enforcement === b.enforcement ? 0 : a.enforcement === "mandatory" ? -1 : 1));
    for (const f of ordered) {
      lines.push(`| ${f.enforcement} | ${f.pack}/${f.policy} | ${cell(f.controlId || "—")} | \`${cell(shortUrn(f.urn))}\` | ${cell(f.message)} |`);
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
