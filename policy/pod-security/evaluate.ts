/**
 * Pure evaluation: a pod and a level/version in, one outcome per check in force out. Same functions serve the tests,
 * the benchmark and the pack's policies.
 */
import { CheckId, CheckLevel, CheckResult, Fix, Level, Pod, resolveMinor } from "./api";
import { checksFor, ResolvedCheck } from "./registry";
import { containsUnknown, objectsHoldingUnknowns, trackUnknowns, withoutUnknownElements } from "./podspec";
import { sharingContainers } from "./checks/util";

export type OutcomeStatus = "allowed" | "forbidden" | "unknown";

export interface CheckOutcome {
  readonly checkId: CheckId;
  readonly checkLevel: CheckLevel;
  /** `unknown`: the check read a value not known during preview, so its verdict is withheld. */
  readonly status: OutcomeStatus;
  readonly forbiddenReason?: string;
  readonly forbiddenDetail?: string;
  /** Pod-relative field changes that make the check pass (`spec.containers[0].securityContext.privileged`…). */
  readonly fixes: readonly Fix[];
  /** The fixes as one sentence, or the check's general remediation. */
  readonly remediation: string;
  /** Pod-relative paths of the unknown values the check needed. */
  readonly unknownPaths: readonly string[];
}

export function remediationText(fixes: readonly Fix[], fallback: string): string {
  return fixes.length > 0 ? fixes.map((f) => `${f.path}: ${f.change}`).join("; ") : fallback;
}

/** What the checks of one evaluation of a pod with unknowns scan once and share (the pod is not changed meanwhile). */
interface UnknownScan {
  /** Objects of the pod holding an unknown. */
  holding?: WeakSet<object>;
  /** The pod without its elements that hold unknowns (null: none to remove), and its objects holding one. */
  pruned?: Pod | null;
  prunedHolding?: WeakSet<object>;
}

/**
 * Runs one resolved check. `mayHaveUnknowns` routes the pod through the unknown-tracking proxy; pods without
 * placeholders (every pod at update time, most at preview) take the direct path. `scan` is shared by the
 * checks of one evaluation (evaluateChecks).
 */
export function runCheck(resolved: ResolvedCheck, pod: Pod, mayHaveUnknowns: boolean, scan: UnknownScan = {}): CheckOutcome {
  if (!mayHaveUnknowns) {
    let result: CheckResult;
    try {
      result = resolved.check(pod);
    } catch (e) {
      return failed(resolved, e);
    }
    return result.allowed ? allowedOutcome(resolved) : forbidden(resolved, result, NO_PATHS);
  }
  const tracked = trackUnknowns(pod, (scan.holding ??= objectsHoldingUnknowns(pod)));
  let result: CheckResult;
  try {
    result = resolved.check(tracked.pod);
  } catch (e) {
    return failed(resolved, e);
  }
  const unknownPaths = tracked.unknownPaths();
  if (unknownPaths.length > 0) {
    const decided = decidedWithoutUnknowns(resolved, pod, scan);
    if (decided) return forbidden(resolved, decided, unknownPaths);
    return { checkId: resolved.id, checkLevel: resolved.definition.level, status: "unknown", fixes: [], remediation: resolved.definition.remediation, unknownPaths };
  }
  if (result.allowed) return { checkId: resolved.id, checkLevel: resolved.definition.level, status: "allowed", fixes: [], remediation: resolved.definition.remediation, unknownPaths };
  return forbidden(resolved, result, unknownPaths);
}

const NO_PATHS: readonly string[] = Object.freeze([]);
const NO_FIXES: readonly Fix[] = Object.freeze([]);

/**
 * The "allowed" outcome of a check carries nothing of the pod, so each resolved check has one, built on first use and
 * frozen: most checks allow most pods, and an outcome object per check per pod was a large part of a pod's cost.
 */
const ALLOWED_OUTCOMES = new WeakMap<ResolvedCheck, CheckOutcome>();

function allowedOutcome(resolved: ResolvedCheck): CheckOutcome {
  let outcome = ALLOWED_OUTCOMES.get(resolved);
  if (!outcome) {
    outcome = Object.freeze({ checkId: resolved.id, checkLevel: resolved.definition.level, status: "allowed", fixes: NO_FIXES, remediation: resolved.definition.remediation, unknownPaths: NO_PATHS });
    ALLOWED_OUTCOMES.set(resolved, outcome);
  }
  return outcome;
}

/** Checks are written not to throw; if one ever does on some odd input, withhold its verdict rather than fail. */
function failed(resolved: ResolvedCheck, e: unknown): CheckOutcome {
  return { checkId: resolved.id, checkLevel: resolved.definition.level, status: "unknown", fixes: [], remediation: `check failed on this input: ${(e as Error).message}`, unknownPaths: [] };
}

function forbidden(resolved: ResolvedCheck, result: CheckResult, unknownPaths: readonly string[]): CheckOutcome {
  const fixes = result.fixes ?? [];
  return {
    checkId: resolved.id,
    checkLevel: resolved.definition.level,
    status: "forbidden",
    forbiddenReason: result.forbiddenReason ?? "unknown forbidden reason",
    forbiddenDetail: result.forbiddenDetail ?? "",
    fixes,
    remediation: remediationText(fixes, resolved.definition.remediation),
    unknownPaths,
  };
}

/**
 * A verdict that does not depend on the unknown values: the check, run on the pod without its containers and volumes
 * that hold unknowns (see `withoutUnknownElements`), forbids it without reading any other unknown. One privileged
 * container beside a container whose image is not known yet is a violation now, not "cannot tell".
 */
function decidedWithoutUnknowns(resolved: ResolvedCheck, pod: Pod, scan: UnknownScan): CheckResult | undefined {
  if (scan.pruned === undefined) scan.pruned = withoutUnknownElements(pod) ?? null;
  const pruned = scan.pruned;
  if (!pruned) return undefined;
  const tracked = trackUnknowns(pruned, (scan.prunedHolding ??= objectsHoldingUnknowns(pruned)));
  let result: CheckResult;
  try {
    result = resolved.check(tracked.pod);
  } catch {
    return undefined;
  }
  return !result.allowed && tracked.unknownPaths().length === 0 ? result : undefined;
}

/**
 * Evaluates a pod at a level and an already resolved minor version. Privileged yields no outcomes. `mayHaveUnknowns`
 * is for callers that already scanned the pod for unknowns (a workload does, once).
 */
export function evaluatePodAt(pod: Pod, level: Level, minor: number, mayHaveUnknowns: boolean = podHasUnknowns(pod)): CheckOutcome[] {
  return evaluateChecks(pod, checksFor(level, minor), mayHaveUnknowns);
}

/** One outcome per check of `checks`, in its order. */
export function evaluateChecks(pod: Pod, checks: readonly ResolvedCheck[], mayHaveUnknowns: boolean): CheckOutcome[] {
  const scan: UnknownScan = {};
  return sharingContainers(pod, () => checks.map((c) => runCheck(c, pod, mayHaveUnknowns, scan)));
}

/** True when the pod's metadata or spec holds a value not known yet (preview). */
export function podHasUnknowns(pod: Pod): boolean {
  return containsUnknown(pod.metadata) || containsUnknown(pod.spec);
}

/** Evaluates a pod at a level and a version (`latest` or `v1.N`). Throws on a malformed version. */
export function evaluatePod(pod: Pod, policy: { readonly level: Level; readonly version: string }): CheckOutcome[] {
  const minor = resolveMinor(policy.version);
  if (minor === undefined) throw new Error(`policy version ${JSON.stringify(policy.version)} is not "latest" or "v1.N"`);
  return evaluatePodAt(pod, policy.level, minor);
}

/** True when every check in force allows the pod (unknown outcomes count as not allowed). */
export function isAllowed(outcomes: readonly CheckOutcome[]): boolean {
  return outcomes.every((o) => o.status === "allowed");
}
