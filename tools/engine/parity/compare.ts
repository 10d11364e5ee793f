/**
 * Pure pieces of `npm run parity`: reading the engine's event log, and comparing what the real engine and the
 * offline plan say about the same program. No process is started here (see run.ts), so every rule is unit-tested.
 */

/** One policy finding, reduced to what both sides must agree on. */
export interface Finding {
  readonly pack: string;
  readonly policy: string;
  readonly urn: string;
  readonly enforcement: string;
  readonly message: string;
}

/** What one engine operation (preview or up) reported, from its `--event-log`. */
export interface EngineRun {
  readonly findings: Finding[];
  /** `<type> <urn>` for every resource step, as test/golden/*.urns lists them. */
  readonly urns: string[];
  /** Steps by operation (`create`, `same`, `update`, ...), from the summary event. */
  readonly changes: Record<string, number>;
  /** Error diagnostics that are not policy violations (a failed program, a plugin that did not start). */
  readonly errors: string[];
  /** Warnings the engine printed (plugin and pack loading), kept for the report. */
  readonly warnings: string[];
  readonly sawSummary: boolean;
}

/**
 * The engine's word for advisory is "warning" (apitype.PolicyEvent.EnforcementLevel: warning, mandatory,
 * remediate, none); the plan's report says "advisory". Nothing else is renamed.
 */
export function normalizeEnforcement(level: string): string {
  return level === "warning" ? "advisory" : level;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Colour codes (ANSI, and the engine's own `<{%bold%}>` markup) are presentation, not part of a message. */
function stripAnsi(text: string): string {
  return text.replace(ANSI, "").replace(/<\{%[a-z]*%\}>/gi, "");
}

/** Parses an `--event-log` file (one JSON engine event per line). A line that is not JSON is an error. */
export function parseEventLog(text: string): EngineRun {
  const run: EngineRun = { findings: [], urns: [], changes: {}, errors: [], warnings: [], sawSummary: false };
  const urns = new Set<string>();
  let summary = false;
  text.split("\n").forEach((line, index) => {
    if (!line.trim()) return;
    let event: any;
    try {
      event = JSON.parse(line);
    } catch {
      throw new Error(`event log line ${index + 1} is not JSON: ${line.slice(0, 120)}`);
    }
    if (event.policyEvent) {
      const p = event.policyEvent;
      run.findings.push({
        pack: p.policyPackName,
        policy: p.policyName,
        urn: p.resourceUrn ?? "",
        enforcement: normalizeEnforcement(p.enforcementLevel),
        message: stripAnsi(String(p.message ?? "")).trim(),
      });
    } else if (event.resourcePreEvent?.metadata) {
      const m = event.resourcePreEvent.metadata;
      if (m.op !== "delete" && m.op !== "discard") urns.add(`${m.type} ${m.urn}`);
    } else if (event.diagnosticEvent) {
      const d = event.diagnosticEvent;
      const message = stripAnsi(String(d.message ?? "")).trim();
      if (d.severity === "error") run.errors.push(message);
      else if (d.severity === "warning") run.warnings.push(message);
    } else if (event.summaryEvent) {
      summary = true;
      Object.assign(run.changes, event.summaryEvent.resourceChanges ?? {});
    }
  });
  return { ...run, urns: [...urns].sort(), sawSummary: summary };
}

/** Steps that would change something: everything but `same` (and the read-only `read`/`refresh`). */
export function changeCount(changes: Record<string, number>): number {
  return Object.entries(changes)
    .filter(([op]) => op !== "same" && op !== "read" && op !== "refresh")
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Default providers are created by the engine for resources without an explicit provider; plan records none. */
export function isDefaultProvider(urnLine: string): boolean {
  return /^pulumi:providers:\S+ \S+::default(_[0-9a-z_-]+)?$/.test(urnLine);
}

export function findingKey(f: Pick<Finding, "pack" | "policy" | "urn" | "enforcement">): string {
  return `${f.pack} ${f.policy} ${f.enforcement} ${f.urn}`;
}

export interface MultisetDiff {
  readonly agree: number;
  /** Keys with how many more times the left side has them than the right. */
  readonly onlyLeft: string[];
  readonly onlyRight: string[];
}

/** Compares two lists as multisets: a finding reported twice on one side and once on the other differs once. */
export function diffMultiset(left: readonly string[], right: readonly string[]): MultisetDiff {
  const counts = new Map<string, number>();
  for (const k of left) counts.set(k, (counts.get(k) ?? 0) + 1);
  let agree = 0;
  const onlyRight: string[] = [];
  for (const k of right) {
    const n = counts.get(k) ?? 0;
    if (n > 0) {
      agree++;
      counts.set(k, n - 1);
    } else onlyRight.push(k);
  }
  const onlyLeft = [...counts.entries()].flatMap(([k, n]) => Array(n).fill(k) as string[]);
  return { agree, onlyLeft: onlyLeft.sort(), onlyRight: onlyRight.sort() };
}

/**
 * Plan's policy-report.json findings in the same shape (exempted findings stay: the engine reports them too). The
 * plan's own pack `plan` (components and Helm releases it could not see into) is no analyzer the engine runs, so
 * its findings have no engine counterpart and are left out of the comparison.
 */
export function planFindings(report: { findings: readonly any[] }): Finding[] {
  return report.findings.filter((f) => f.pack !== "plan").map((f) => ({ pack: f.pack, policy: f.policy, urn: f.urn ?? "", enforcement: f.enforcement, message: String(f.message ?? "").trim() }));
}

/**
 * Every CrossGuard config value made advisory (for `pulumi up` against the stand-in provider, which must not be
 * blocked by mandatory findings); `disabled` stays disabled, other per-policy settings are kept.
 */
export function advisoryConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === "string") out[key] = value === "disabled" ? value : "advisory";
    else if (value && typeof value === "object" && !Array.isArray(value)) {
      const v = value as Record<string, unknown>;
      out[key] = v.enforcementLevel === undefined || v.enforcementLevel === "disabled" ? v : { ...v, enforcementLevel: "advisory" };
    } else out[key] = value;
  }
  if (out.all === undefined) out.all = "advisory";
  return out;
}

/**
 * Diagnostics (warnings and errors) about a policy pack itself: they name a pack (its name or directory) or speak
 * of a "policy pack" / "analyzer" (the engine's words when it loads, configures or loses one, e.g.
 * pkg/resource/plugin/analyzer_plugin.go "policy pack %q failed to start"). The issue asks for none of them; the
 * engine's own "using pulumi-resource-* from $PATH" lines and the program's warnings are not about a pack.
 * `expected` is the bare "preview failed" that mandatory findings end a preview with.
 */
export function packDiagnostics(messages: readonly string[], packs: readonly { name: string; dir: string }[], expected: readonly string[] = []): string[] {
  return messages.filter((m) => {
    if (expected.includes(m)) return false;
    if (/policy pack|analyzer/i.test(m)) return true;
    return packs.some((p) => m.includes(p.dir) || new RegExp(`(^|[^\\w-])${p.name.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&")}([^\\w-]|$)`).test(m));
  });
}
