/**
 * Compliance score: per framework, how many decidable controls pass, which fail, which pass only thanks to an
 * exemption, and which the benchmark marks Manual (not decidable from code). Pure: the plan command feeds it the
 * packs' inventories and the findings the packs returned, and renders the result.
 */
import { EXEMPTED_PREFIX, parseExemptedMessage } from "./exemptions";
import type { Framework, Severity } from "./metadata";
import { CANNOT_TELL_YET, COULD_NOT_EVALUATE } from "./wiring-messages";

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
  /**
   * Type tokens the control's policies judge. With the program's resource types, a control none of whose types occur
   * in the program is "not applicable" (counted neither passed nor failed). Absent: applicable to every program.
   */
  readonly judges?: (type: string) => boolean;
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
  /** `not-applicable` when the program has nothing any decidable control judges: no score, never 100 %. */
  readonly status: "scored" | "not-applicable";
  /** Decidable controls with no (unexempted) violation and nothing left undecided. Exempted-only controls count as passed. */
  readonly passed: number;
  /** Decidable controls that apply to the program (passed + failing + undecided). */
  readonly applicable: number;
  /** passed / applicable × 100; `null` when nothing is applicable. */
  readonly percent: number | null;
  readonly failing: readonly ControlResult[];
  /** Controls with no violation but a "cannot tell yet" (a value unknown at preview): not passed, not failed. */
  readonly undecided: readonly ControlResult[];
  /** Decidable controls whose resource types the program does not have. */
  readonly notApplicable: readonly { controlId: string; title: string }[];
  readonly exempted: readonly ExemptedControl[];
  readonly notDecidable: readonly { controlId: string; title: string; note: string }[];
  /** Mandatory violations across the framework (what blocks a deployment). */
  readonly mandatoryViolations: number;
}

/** True for a finding that an exemption turned into advice. */
export function isExempted(f: ScoreFinding): boolean {
  return f.message.startsWith(EXEMPTED_PREFIX) && f.enforcementLevel === "advisory";
}

/** True for a "cannot tell yet" finding: the control is undecided for that resource, not passed. */
export function isUndecided(f: ScoreFinding): boolean {
  return f.message.startsWith(CANNOT_TELL_YET);
}

/** True for a finding reporting that a rule threw (it still counts against the control: nothing was proven). */
export function isEvaluationError(f: ScoreFinding): boolean {
  return f.message.startsWith(COULD_NOT_EVALUATE);
}

function compareIds(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/** What one control's findings say: failing, undecided, exempted. */
interface ControlVerdict {
  readonly violations: ScoreFinding[];
  readonly undecided: ScoreFinding[];
  readonly waived: ScoreFinding[];
}

function verdictOf(c: Control, byPolicy: ReadonlyMap<string, ScoreFinding[]>): ControlVerdict {
  const all = c.policies.flatMap((p) => byPolicy.get(p) ?? []);
  return { violations: all.filter((f) => !isExempted(f) && !isUndecided(f)), undecided: all.filter(isUndecided), waived: all.filter(isExempted) };
}

function exemptedOf(c: Control, waived: readonly ScoreFinding[]): ExemptedControl {
  return {
    controlId: c.controlId,
    title: c.title,
    exemptions: waived.map((f) => {
      const parsed = parseExemptedMessage(f.message);
      return { urn: f.urn, policyName: f.policyName, reason: parsed?.reason ?? "", owner: parsed?.owner ?? "", expires: parsed?.expires ?? "" };
    }),
  };
}

/** The controls of one framework, scored. */
function scoreFramework(framework: Framework, controls: readonly Control[], byPolicy: ReadonlyMap<string, ScoreFinding[]>, types?: readonly string[]): FrameworkScore {
  const failing: ControlResult[] = [];
  const undecided: ControlResult[] = [];
  const exempted: ExemptedControl[] = [];
  const notDecidable: { controlId: string; title: string; note: string }[] = [];
  const notApplicable: { controlId: string; title: string }[] = [];
  let applicable = 0;
  let mandatoryViolations = 0;
  for (const c of controls) {
    if (!c.decidable) {
      notDecidable.push({ controlId: c.controlId, title: c.title, note: c.note ?? "not decidable from code" });
      continue;
    }
    const v = verdictOf(c, byPolicy);
    // A control with findings applies whatever the types say (a stack rule may report on any resource).
    if (types && c.judges && v.violations.length + v.undecided.length + v.waived.length === 0 && !types.some(c.judges)) {
      notApplicable.push({ controlId: c.controlId, title: c.title });
      continue;
    }
    applicable++;
    if (v.violations.length > 0) {
      const mandatory = v.violations.filter((f) => f.enforcementLevel === "mandatory").length;
      mandatoryViolations += mandatory;
      failing.push({ controlId: c.controlId, title: c.title, policies: c.policies, violations: v.violations, mandatory });
    } else if (v.undecided.length > 0) {
      undecided.push({ controlId: c.controlId, title: c.title, policies: c.policies, violations: v.undecided, mandatory: 0 });
    }
    if (v.waived.length > 0) exempted.push(exemptedOf(c, v.waived));
  }
  const passed = applicable - failing.length - undecided.length;
  return {
    framework,
    status: applicable === 0 ? "not-applicable" : "scored",
    passed,
    applicable,
    percent: applicable === 0 ? null : Math.round((passed / applicable) * 10000) / 100,
    failing,
    undecided,
    notApplicable,
    exempted,
    notDecidable,
    mandatoryViolations,
  };
}

/**
 * Scores findings against control inventories. `resourceTypes` (the program's resource type tokens) makes controls
 * whose resources the program lacks "not applicable"; a framework with nothing applicable is "not applicable" with no
 * percentage, never 100 %. Findings of policies no control lists are ignored here (they still show in the plan's
 * findings list). Frameworks come out sorted by name, controls by id.
 */
export function scoreCompliance(inventory: readonly Control[], findings: readonly ScoreFinding[], resourceTypes?: readonly string[]): Record<string, FrameworkScore> {
  const byPolicy = new Map<string, ScoreFinding[]>();
  for (const f of findings) {
    const list = byPolicy.get(f.policyName) ?? [];
    list.push(f);
    byPolicy.set(f.policyName, list);
  }
  const types = resourceTypes ? [...new Set(resourceTypes)] : undefined;
  const frameworks = [...new Set(inventory.map((c) => c.framework))].sort();
  const out: Record<string, FrameworkScore> = {};
  for (const framework of frameworks) {
    const controls = inventory.filter((c) => c.framework === framework).sort((a, b) => compareIds(a.controlId, b.controlId));
    out[framework] = scoreFramework(framework, controls, byPolicy, types);
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

type RuleLike = {
  readonly meta: { id: string; framework: Framework; controlId: string; title: string; severity: Severity };
  readonly types?: readonly string[] | ((type: string) => boolean);
  readonly judges?: readonly string[] | ((type: string) => boolean);
};

/** The type predicate of a rule: resource rules' `types`, stack rules' `judges`; undefined when it declares none. */
function judgesOf(rule: RuleLike): ((type: string) => boolean) | undefined {
  const t = rule.types ?? rule.judges;
  if (t === undefined) return undefined;
  return typeof t === "function" ? t : (type: string) => t.includes(type);
}

/** Either predicate; undefined (applies to everything) when either is. */
function either(a: ((t: string) => boolean) | undefined, b: ((t: string) => boolean) | undefined): ((t: string) => boolean) | undefined {
  return a && b ? (t: string) => a(t) || b(t) : undefined;
}

/** Inventory entries for the controls a list of rules decides (one control per rule; rules of a control grouped). */
export function controlsOf(rules: readonly RuleLike[]): Control[] {
  const byKey = new Map<string, Control>();
  for (const rule of rules) {
    const { meta } = rule;
    const key = `${meta.framework} ${meta.controlId}`;
    const existing = byKey.get(key);
    const judges = judgesOf(rule);
    byKey.set(
      key,
      existing
        ? { ...existing, policies: [...existing.policies, meta.id], judges: either(existing.judges, judges) }
        : { framework: meta.framework, controlId: meta.controlId, title: meta.title, policies: [meta.id], decidable: true, severity: meta.severity, ...(judges ? { judges } : {}) },
    );
  }
  return [...byKey.values()];
}

/** An inventory entry for a control that code cannot decide. */
export function manualControl(framework: Framework, controlId: string, title: string, note = "Manual in the benchmark: not decidable from code"): Control {
  return { framework, controlId, title, policies: [], decidable: false, note };
}
