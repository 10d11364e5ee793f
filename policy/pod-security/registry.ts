/**
 * Level + version → the checks that apply, with upstream's resolution rules:
 * - each check contributes the revision with the highest `minMinor` at or below the version (none before its first);
 * - baseline = all baseline checks; restricted = all restricted checks plus the baseline checks not overridden by a
 *   restricted revision in force at that version (overrides only count where the restricted revision exists);
 * - `privileged` has no checks; versions above the newest known one are clamped to it.
 */
import { CheckDefinition, CheckFn, CheckId, CheckLevel, Level, NEWEST_POLICY_MINOR, VersionedCheck } from "./api";
import { CHECKS } from "./checks";

export interface ResolvedCheck {
  readonly id: CheckId;
  readonly definition: CheckDefinition;
  /** First minor of the revision in force. */
  readonly revision: number;
  readonly check: CheckFn;
}

function revisionAt(def: CheckDefinition, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of def.versions) if (v.minMinor <= minor) found = v;
  return found;
}

function build(level: CheckLevel, minor: number): ResolvedCheck[] {
  const resolve = (def: CheckDefinition): ResolvedCheck | undefined => {
    const v = revisionAt(def, minor);
    return v ? { id: def.id, definition: def, revision: v.minMinor, check: v.check } : undefined;
  };
  const baseline = CHECKS.filter((d) => d.level === "baseline").map(resolve).filter((r): r is ResolvedCheck => !!r);
  if (level === "baseline") return baseline;
  const restricted = CHECKS.filter((d) => d.level === "restricted").map(resolve).filter((r): r is ResolvedCheck => !!r);
  const overridden = new Set<CheckId>();
  for (const r of restricted) for (const id of revisionAt(r.definition, minor)?.overrides ?? []) overridden.add(id);
  return [...baseline.filter((b) => !overridden.has(b.id)), ...restricted];
}

/** Nothing is in force at `privileged`; one shared empty list, so it is one key of a workload's evaluations too. */
const NONE: readonly ResolvedCheck[] = Object.freeze([]);

/**
 * Every (level, minor) resolved once at load, indexed by minor, each list with its checks by id: the pack asks for
 * one check of a pod's level 19 times per pod (once per check policy), so that lookup must not build a key or scan.
 */
const TABLE: Readonly<Record<CheckLevel, readonly (readonly ResolvedCheck[])[]>> = (() => {
  const perMinor = (level: CheckLevel) => Array.from({ length: NEWEST_POLICY_MINOR + 1 }, (_, minor) => Object.freeze(build(level, minor)));
  return { baseline: perMinor("baseline"), restricted: perMinor("restricted") };
})();

const POSITIONS: ReadonlyMap<readonly ResolvedCheck[], ReadonlyMap<CheckId, number>> = new Map(
  [...TABLE.baseline, ...TABLE.restricted].map((checks) => [checks, new Map(checks.map((c, at) => [c.id, at]))]),
);

/** The checks in force at a level and (resolved) minor version, in upstream's order; the same list for the same pair. */
export function checksFor(level: Level, minor: number): readonly ResolvedCheck[] {
  if (level === "privileged") return NONE;
  const clamped = Math.max(0, Math.min(Math.floor(minor), NEWEST_POLICY_MINOR));
  return TABLE[level]?.[clamped] ?? NONE;
}

/** Where a check is in a list of `checksFor` (so in an evaluation of that list), or -1 when it is not in force there. */
export function positionOf(checks: readonly ResolvedCheck[], id: CheckId): number {
  return POSITIONS.get(checks)?.get(id) ?? -1;
}

/** The revision of one check in force at a level and version, or undefined when the check does not apply there. */
export function checkFor(id: CheckId, level: Level, minor: number): ResolvedCheck | undefined {
  const checks = checksFor(level, minor);
  const at = positionOf(checks, id);
  return at < 0 ? undefined : checks[at];
}
