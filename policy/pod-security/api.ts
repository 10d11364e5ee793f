/**
 * Levels, policy versions and check results of the Pod Security Standards, as the upstream admission controller
 * (k8s.io/pod-security-admission) defines them. Everything here is plain data: no Pulumi imports.
 */

/** The three Pod Security Standards levels, most permissive first. */
export const Levels = { Privileged: "privileged", Baseline: "baseline", Restricted: "restricted" } as const;
export type Level = (typeof Levels)[keyof typeof Levels];
export const LEVELS: readonly Level[] = [Levels.Privileged, Levels.Baseline, Levels.Restricted];

/** Levels a check can belong to (privileged has no checks). */
export type CheckLevel = typeof Levels.Baseline | typeof Levels.Restricted;

/**
 * Newest policy version (minor of 1.x) whose rules the pack knows. `latest` resolves to it and pinned versions above
 * it are clamped to it, exactly as upstream's registry clamps to its highest `MinimumVersion`.
 * v1.37 is the Kubernetes development line: its only change is two more safe sysctls.
 */
export const NEWEST_POLICY_MINOR = 37;
/** Newest minor released as a Kubernetes version when the pack was aligned (v0.36.x of pod-security-admission). */
export const NEWEST_RELEASED_MINOR = 36;

/** A policy version: `latest` or a pinned `v1.N`. */
export type PolicyVersion = "latest" | `v1.${number}`;

/** Level plus version, the unit a namespace label pair or the pack config names. */
export interface LevelVersion {
  readonly level: Level;
  /** Minor version the rules are taken from, already resolved (`latest` and clamping applied). */
  readonly minor: number;
  /** The version as written (`latest`, `v1.25`), for messages. */
  readonly version: string;
}

const VERSION_RE = /^v1\.(0|[1-9][0-9]*)$/;

export function isLevel(value: unknown): value is Level {
  return typeof value === "string" && (LEVELS as readonly string[]).includes(value);
}

export function isPolicyVersion(value: unknown): value is PolicyVersion {
  return value === "latest" || (typeof value === "string" && VERSION_RE.test(value));
}

/** Resolves `latest` / `v1.N` to the minor whose rules apply; undefined for anything else. */
export function resolveMinor(version: string): number | undefined {
  if (version === "latest") return NEWEST_POLICY_MINOR;
  const m = VERSION_RE.exec(version);
  if (!m) return undefined;
  return Math.min(Number(m[1]), NEWEST_POLICY_MINOR);
}

/** Builds a LevelVersion; throws on values a caller should have validated (config schema, label parsing). */
export function levelVersion(level: Level, version: string): LevelVersion {
  const minor = resolveMinor(version);
  if (minor === undefined) throw new Error(`policy version ${JSON.stringify(version)} is not "latest" or "v1.N"`);
  return { level, minor, version };
}

/** A fix the user can apply: a field path (relative to the pod: `spec.…` or `metadata.…`) and what to set it to. */
export interface Fix {
  readonly path: string;
  readonly change: string;
}

/** Outcome of one check against one pod. */
export interface CheckResult {
  readonly allowed: boolean;
  /** Short reason, upstream wording ("host namespaces", "privileged"). Set when not allowed. */
  readonly forbiddenReason?: string;
  /** Which containers/values offend, upstream wording. Set when not allowed. */
  readonly forbiddenDetail?: string;
  /** Field-level changes that make the check pass. Set when not allowed. */
  readonly fixes?: readonly Fix[];
}

export const ALLOWED: CheckResult = Object.freeze({ allowed: true });

/** The pod as a check sees it: metadata and spec of the pod (or of a controller's pod template). */
export interface Pod {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly spec: Readonly<Record<string, unknown>>;
}

export type CheckFn = (pod: Pod) => CheckResult;

/** The upstream check ids, in upstream's order (baseline first). */
export const CHECK_IDS = [
  "hostNamespaces",
  "privileged",
  "capabilities_baseline",
  "hostPathVolumes",
  "hostPorts",
  "appArmorProfile",
  "seLinuxOptions",
  "procMount",
  "seccompProfile_baseline",
  "sysctls",
  "windowsHostProcess",
  "hostProbesAndHostLifecycle",
  "restrictedVolumes",
  "allowPrivilegeEscalation",
  "capabilities_restricted",
  "runAsNonRoot",
  "runAsUser",
  "seccompProfile_restricted",
  "procMount_restricted",
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export type Severity = "low" | "medium" | "high" | "critical";

/** One implementation of a check, in force from `minMinor` until the next revision's `minMinor`. */
export interface VersionedCheck {
  readonly minMinor: number;
  readonly check: CheckFn;
  /** Baseline checks this restricted revision replaces while it is in force (upstream `OverrideCheckIDs`). */
  readonly overrides?: readonly CheckId[];
}

/** A check with its metadata, registered in one file per check under `checks/`. */
export interface CheckDefinition {
  readonly id: CheckId;
  readonly level: CheckLevel;
  /** The control's name in the Pod Security Standards document. */
  readonly control: string;
  readonly severity: Severity;
  /** One sentence: what the check forbids. */
  readonly description: string;
  /** One sentence: how to comply, in general (findings carry the exact fields). */
  readonly remediation: string;
  /** Revisions, strictly increasing `minMinor`. */
  readonly versions: readonly VersionedCheck[];
}
