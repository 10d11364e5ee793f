/**
 * Compliance score: per framework, how many decidable controls pass, which fail, which pass only thanks to an
 * exemption, and which the benchmark marks Manual (not decidable from code). Pure: the plan command feeds it the
 * packs' inventories and the findings the packs returned, and renders the result.
 */
import { EXEMPTED_PREFIX, parseExemptedMessage } from "./exemptions";
import type { Framework, Severity } from "./metadata";
import { COULD_NOT_EVALUATE } from "./wiring-messages";

/** One control of a framework, and the policies that decide it (none when it is not decidable from code). */
export interface Control {
  readonly framework: Framework;
  readonly controlId: string;
  readonly title: string;
  /** Policy names deciding the control; empty for Manual controls. */
  readonly policies: readonly string[];
  /** False for controls the benchmark marks Manual or that need runtime/account state, not code. */
  readonly decidable: boolean;
  /** Why a control is not decidable from code. */
  readonly note?: string;
  readonly severity?: Severity;
}

/** A finding as a pack returned it over the analyzer protocol (the fields the score needs). */
export interface ScoreFinding {
  readonly policyName: string;
  readonly message: string;
  readonly enforcementLevel: string;
  readonly urn?: string;
  readonly policyPackName?: string;
}

export interface ControlResult {
  readonly controlId: string;
  readonly title: string;
  readonly policies: readonly string[];
  /** Findings that count against the control (exempted ones excluded). */
  readonly violations: readonly ScoreFinding[];
  /** How many of `violations` were mandatory. */
  readonly mandatory: number;
}

export interface ExemptedControl {
  readonly controlId: string;
  readonly title: string;
  readonly exemptions: readonly { urn?: string; policyName: string; reason: string; owner: string; expires: string }[];
}

export interface FrameworkScore {
  readonly framework: Framework;
  /** Decidable controls with no (unexempted) violation. Controls passing only through exemptions count as passed. */
  readonly passed: number;
  /** Decidable controls. */
  readonly applicable: number;
  /** passed / applicable × 100, 100 when nothing is applicable. */
  readonly percent: number;
  readonly failing: readonly ControlResult[];
  readonly exempted: readonly ExemptedControl[];
  readonly notDecidable: readonly { controlId: string; title: string; note: string }[];
  /** Mandatory violations across the framework (what blocks a deployment). */
  readonly mandatoryViolations: number;
}

/** True for a finding that an exemption turned into advice. */
export function isExempted(f: ScoreFinding): boolean {
  return f.message.startsWith(EXEMPTED_PREFIX) && f.enforcementLevel === "advisory";
}

/** True for a finding reporting that a rule threw (it still counts against the control: nothing was proven). */
export function isEvaluationError(f: ScoreFinding): boolean {
  return f.message.startsWith(COULD_NOT_EVALUATE);
}

function compareIds(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/**
 * Scores findings against control inventories. Findings of policies no control lists are ignored here (they still
 * show in the plan's findings list). Frameworks come out sorted by name, controls by id.
 */
export function scoreCompliance(inventory: readonly Control[], findings: readonly ScoreFinding[]): Record<string, FrameworkScore> {
  const byPolicy = new Map<string, ScoreFinding[]>();
  for (const f of findings) {
    const list = byPolicy.get(f.policyName) ?? [];
    list.push(f);
    byPolicy.set(f.policyName, list);
  }
  const frameworks = [...new Set(inventory.map((c) => c.framework))].sort();
  const out: Record<string, FrameworkScore> = {};
  for (const framework of frameworks) {
    const controls = inventory.filter((c) => c.framework === framework).sort((a, b) => compareIds(a.controlId, b.controlId));
    const failing: ControlResult[] = [];
    const exempted: ExemptedControl[] = [];
    const notDecidable: { controlId: string; title: string; note: string }[] = [];
    let applicable = 0;
    let mandatoryViolations = 0;
    for (const c of controls) {
      if (!c.decidable) {
        notDecidable.push({ controlId: c.controlId, title: c.title, note: c.note ?? "not decidable from code" });
        continue;
      }
      applicable++;
      const all = c.policies.flatMap((p) => byPolicy.get(p) ?? []);
      const violations = all.filter((f) => !isExempted(f));
      const waived = all.filter(isExempted);
      if (violations.length > 0) {
        const mandatory = violations.filter((f) => f.enforcementLevel === "mandatory").length;
        mandatoryViolations += mandatory;
        failing.push({ controlId: c.controlId, title: c.title, policies: c.policies, violations, mandatory });
      }
      if (waived.length > 0) {
        exempted.push({
          controlId: c.controlId,
          title: c.title,
          exemptions: waived.map((f) => {
            const parsed = parseExemptedMessage(f.message);
            return { urn: f.urn, policyName: f.policyName, reason: parsed?.reason ?? "", owner: parsed?.owner ?? "", expires: parsed?.expires ?? "" };
          }),
        });
      }
    }
    const passed = applicable - failing.length;
    out[framework] = {
      framework: framework as Framework,
      passed,
      applicable,
      percent: applicable === 0 ? 100 : Math.round((passed / applicable) * 10000) / 100,
      failing,
      exempted,
      notDecidable,
      mandatoryViolations,
    };
  }
  return out;
}

/** Checks an inventory against a pack's policy list: every policy mapped to a control, every listed policy real. */
export function inventoryProblems(inventory: readonly Control[], policyNames: readonly string[]): string[] {
  const problems: string[] = [];
  const mapped = new Set(inventory.flatMap((c) => c.policies));
  for (const p of policyNames) if (!mapped.has(p)) problems.push(`policy ${p} is not mapped to any control`);
  for (const c of inventory) {
    for (const p of c.policies) if (!policyNames.includes(p)) problems.push(`control ${c.framework} ${c.controlId} lists unknown policy ${p}`);
    if (c.decidable && c.policies.length === 0) problems.push(`control ${c.framework} ${c.controlId} is decidable but no policy decides it`);
    if (!c.decidable && c.policies.length > 0) problems.push(`control ${c.framework} ${c.controlId} is marked not decidable but lists policies`);
  }
  const seen = new Set<string>();
  for (const c of inventory) {
    const key = `${c.framework} ${c.controlId}`;
    if (seen.has(key)) problems.push(`control ${key} is listed twice`);
    seen.add(key);
  }
  return problems;
}

/** Inventory entries for the controls a list of rules decides (one control per rule; rules of a control grouped). */
export function controlsOf(rules: readonly { meta: { id: string; framework: Framework; controlId: string; title: string; severity: Severity } }[]): Control[] {
  const byKey = new Map<string, Control>();
  for (const { meta } of rules) {
    const key = `${meta.framework} ${meta.controlId}`;
    const existing = byKey.get(key);
    byKey.set(
      key,
      existing
        ? { ...existing, policies: [...existing.policies, meta.id] }
        : { framework: meta.framework, controlId: meta.controlId, title: meta.title, policies: [meta.id], decidable: true, severity: meta.severity },
    );
  }
  return [...byKey.values()];
}

/** An inventory entry for a control that code cannot decide. */
export function manualControl(framework: Framework, controlId: string, title: string, note = "Manual in the benchmark: not decidable from code"): Control {
  return { framework, controlId, title, policies: [], decidable: false, note };
}
