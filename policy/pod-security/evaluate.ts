/**
 * Pure evaluation: a pod and a level/version in, one outcome per check in force out. Same functions serve the tests,
 * the benchmark and the pack's policies.
 */
import { CheckId, CheckLevel, CheckResult, Fix, Level, Pod, resolveMinor } from "./api";
import { checksFor, ResolvedCheck } from "./registry";
import { containsUnknown, trackUnknowns, withoutUnknownElements } from "./podspec";
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

/**
 * Runs one resolved check. `mayHaveUnknowns` routes the pod through the unknown-tracking proxy; pods without
 * placeholders (every pod at update time, most at preview) take the direct path.
 */
export function runCheck(resolved: ResolvedCheck, pod: Pod, mayHaveUnknowns: boolean): CheckOutcome {
  const base = { checkId: resolved.id, checkLevel: resolved.definition.level };
  let tracked: ReturnType<typeof trackUnknowns> | undefined;
  let result;
  try {
    if (mayHaveUnknowns) {
      tracked = trackUnknowns(pod);
      result = resolved.check(tracked.pod);
    } else {
      result = resolved.check(pod);
    }
  } catch (e) {
    // Checks are written not to throw; if one ever does on some odd input, withhold its verdict rather than fail.
    return { ...base, status: "unknown", fixes: [], remediation: `check failed on this input: ${(e as Error).message}`, unknownPaths: [] };
  }
  const unknownPaths = tracked?.unknownPaths() ?? [];
  if (unknownPaths.length > 0) {
    const decided = decidedWithoutUnknowns(resolved, pod);
    if (decided) return forbidden(base, resolved, decided, unknownPaths);
    return { ...base, status: "unknown", fixes: [], remediation: resolved.definition.remediation, unknownPaths };
  }
  if (result.allowed) return { ...base, status: "allowed", fixes: [], remediation: resolved.definition.remediation, unknownPaths };
  return forbidden(base, resolved, result, unknownPaths);
}

function forbidden(base: Pick<CheckOutcome, "checkId" | "checkLevel">, resolved: ResolvedCheck, result: CheckResult, unknownPaths: readonly string[]): CheckOutcome {
  const fixes = result.fixes ?? [];
  return {
    ...base,
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
function decidedWithoutUnknowns(resolved: ResolvedCheck, pod: Pod): CheckResult | undefined {
  const pruned = withoutUnknownElements(pod);
  if (!pruned) return undefined;
  const tracked = trackUnknowns(pruned);
  let result: CheckResult;
  try {
    result = resolved.check(tracked.pod);
  } catch {
    return undefined;
  }
  return !result.allowed && tracked.unknownPaths().length === 0 ? result : undefined;
}

/** Evaluates a pod at a level and an already resolved minor version. Privileged yields no outcomes. */
export function evaluatePodAt(pod: Pod, level: Level, minor: number): CheckOutcome[] {
  const unknowns = containsUnknown(pod.metadata) || containsUnknown(pod.spec);
  return sharingContainers(pod, () => checksFor(level, minor).map((c) => runCheck(c, pod, unknowns)));
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
