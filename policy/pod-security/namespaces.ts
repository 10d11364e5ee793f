/**
 * Which level and version apply to a namespace: its `pod-security.kubernetes.io/*` labels when the Namespace is in
 * the stack, the pack config's defaults otherwise — the same precedence as the admission controller (labels over
 * the AdmissionConfiguration defaults), including its handling of malformed labels.
 */
import { isLevel, Level, LEVELS, LevelVersion, levelVersion, resolveMinor } from "./api";
import { obj } from "./checks/util";
import { isUnknown } from "./podspec";

export const LABEL_PREFIX = "pod-security.kubernetes.io/";
export const MODES = ["enforce", "warn", "audit"] as const;
export type Mode = (typeof MODES)[number];

/** One mode's level and version plus where they came from, for messages. */
export interface ModePolicy extends LevelVersion {
  readonly source: string;
}

export interface NamespacePolicy {
  readonly enforce: ModePolicy;
  readonly warn: ModePolicy;
  readonly audit: ModePolicy;
  /** Malformed or unknown labels, each one sentence naming the label, the value and what was used instead. */
  readonly problems: readonly string[];
}

export interface Defaults {
  readonly level: Level;
  readonly version: string;
}

const RANK: Record<Level, number> = { privileged: 0, baseline: 1, restricted: 2 };

/**
 * The default policies built so far, per level and version: a pure function of two config values, asked for every
 * workload whose Namespace is not in the stack. Frozen, as every caller shares them; bounded, as versions are open.
 */
const DEFAULT_POLICIES: ReadonlyMap<Level, Map<string, NamespacePolicy>> = new Map(LEVELS.map((l) => [l, new Map()]));

/** Policy for a namespace not in the stack (or without labels): enforce at the defaults; warn/audit follow upstream. */
export function defaultPolicy(defaults: Defaults): NamespacePolicy {
  const byVersion = DEFAULT_POLICIES.get(defaults.level);
  const known = byVersion?.get(defaults.version);
  if (known) return known;
  const enforce: ModePolicy = Object.freeze({ ...levelVersion(defaults.level, defaults.version), source: "pack config defaultLevel/defaultVersion" });
  const none: ModePolicy = Object.freeze({ ...levelVersion("privileged", defaults.version), source: "not set" });
  const policy: NamespacePolicy = Object.freeze({ enforce, warn: none, audit: none, problems: Object.freeze([]) });
  if (byVersion && byVersion.size < 64) byVersion.set(defaults.version, policy);
  return policy;
}

/**
 * Resolves a namespace's labels like upstream `PolicyToEvaluate`: a malformed level fails closed to `restricted`
 * (warn falls back to `privileged` to avoid noise), a malformed version to `latest`; warn defaults to the enforce
 * level and version when enforce is set and warn is not. A label whose value is not known yet (preview) is treated
 * as absent and reported.
 */
export function resolveNamespacePolicy(namespace: string, labels: unknown, defaults: Defaults): NamespacePolicy {
  const base = defaultPolicy(defaults);
  const problems: string[] = [];
  if (isUnknown(labels)) {
    problems.push(`labels of namespace "${namespace}" are not known yet, so it is judged at the pack defaults ${defaults.level}@${defaults.version}`);
    return { ...base, problems };
  }
  const l = obj(labels) ?? {};
  const read = (key: string): string | undefined => {
    const full = LABEL_PREFIX + key;
    if (!(full in l)) return undefined;
    const value = l[full];
    if (isUnknown(value)) {
      problems.push(`label ${full} of namespace "${namespace}" is not known yet, so it is treated as not set`);
      return undefined;
    }
    return typeof value === "string" ? value : String(value);
  };
  const modes: Record<Mode, { level: Level; version: string; source: string }> = {
    enforce: { level: base.enforce.level, version: base.enforce.version, source: base.enforce.source },
    warn: { level: "privileged", version: defaults.version, source: "not set" },
    audit: { level: "privileged", version: defaults.version, source: "not set" },
  };
  let enforceLevelSet = false;
  let warnLevelSet = false;
  let warnVersionSet = false;
  for (const mode of MODES) {
    const labelSource = `namespace "${namespace}" label ${LABEL_PREFIX}${mode}`;
    const level = read(mode);
    if (level !== undefined) {
      if (mode === "warn") warnLevelSet = true;
      if (isLevel(level)) {
        modes[mode] = { ...modes[mode], level, source: labelSource };
        if (mode === "enforce") enforceLevelSet = true;
      } else {
        const fallback: Level = mode === "warn" ? "privileged" : "restricted";
        problems.push(`label ${LABEL_PREFIX}${mode}=${JSON.stringify(level)} of namespace "${namespace}" is not one of privileged, baseline, restricted; ${mode} uses ${fallback} as the admission controller does`);
        modes[mode] = { ...modes[mode], level: fallback, source: `${labelSource} (malformed, ${fallback})` };
      }
    }
    const version = read(`${mode}-version`);
    if (version !== undefined) {
      if (mode === "warn") warnVersionSet = true;
      if (resolveMinor(version) !== undefined) {
        modes[mode] = { ...modes[mode], version };
      } else {
        problems.push(`label ${LABEL_PREFIX}${mode}-version=${JSON.stringify(version)} of namespace "${namespace}" is not "latest" or "v1.N"; ${mode} uses latest as the admission controller does`);
        modes[mode] = { ...modes[mode], version: "latest" };
      }
    }
  }
  if (!warnLevelSet && enforceLevelSet && RANK[modes.enforce.level] > RANK[modes.warn.level]) {
    modes.warn = { level: modes.enforce.level, version: warnVersionSet ? modes.warn.version : modes.enforce.version, source: modes.enforce.source };
  }
  const build = (m: Mode): ModePolicy => ({ ...levelVersion(modes[m].level, modes[m].version), source: modes[m].source });
  return { enforce: build("enforce"), warn: build("warn"), audit: build("audit"), problems };
}

export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && (a.level === "privileged" || a.minor === b.minor);
}
