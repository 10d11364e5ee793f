/**
 * Values Pulumi cannot know at preview time. The engine sends a sentinel string in place of any property computed
 * from another resource's output; typed SDK inputs arrive as `undefined`. Rules must decide deliberately what an
 * unknown means (usually: "cannot tell yet", so no finding), never crash on it and never treat the sentinel as text.
 */
import type { Finding, Subject } from "./finding";
import { CANNOT_TELL_YET } from "./wiring-messages";

/** The engine's marker for an unknown value of any type in raw property maps. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The typed markers @pulumi/policy uses after deserialising (boolean, number, array, asset, archive, object). */
const TYPED_UNKNOWNS: ReadonlySet<string> = new Set([
  UNKNOWN,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/**
 * The explicit "cannot tell yet" result: the rule needs `field` of the resource and it is unknown at preview (an
 * output of another resource). Advisory and scored as undecided; the message names the field and when it is decided.
 */
export function cannotTellYet(what: string, field: string, policy: string, subject?: Subject): Finding {
  return {
    undecided: true,
    subject,
    message: `${CANNOT_TELL_YET} ${what} ${field} is unknown until the resources it comes from exist; ${policy} is decided on the next preview after deploy (plan --after-deploy), or set ${field} to a literal value.`,
  };
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** Every marker is a UUID: a string of another length is known without hashing it (rules ask this of most values). */
const MARKER_LENGTH = UNKNOWN.length;
for (const marker of TYPED_UNKNOWNS) if (marker.length !== MARKER_LENGTH) throw new Error(`unknown marker ${marker} is not ${MARKER_LENGTH} characters`);

/** True for an unknown marker. `undefined` is not unknown: it means "not set" in a raw property map. */
export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && value.length === MARKER_LENGTH && TYPED_UNKNOWNS.has(value);
}

/**
 * True when a text embeds an unknown marker: a string interpolated from an output not known yet (a JSON policy
 * document or container definitions built with `pulumi.interpolate`/`apply`) carries the marker inside it.
 */
export function mentionsUnknown(value: unknown): boolean {
  // A text shorter than a marker cannot embed one (most image references and names are).
  if (typeof value !== "string" || value.length < MARKER_LENGTH) return false;
  for (const marker of TYPED_UNKNOWNS) if (value.includes(marker)) return true;
  return false;
}

/**
 * True when the value or anything inside it is unknown. Plain loops that test leaves in place: every pod-bearing
 * object is scanned whole, and `Object.values(...).some(...)` allocated an array per nested object.
 */
export function containsUnknown(value: unknown): boolean {
  return typeof value === "string" ? isUnknown(value) : holdsUnknown(value);
}

/** `containsUnknown` for a value that is not a string. */
function holdsUnknown(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === "string" ? isUnknown(v) : holdsUnknown(v)) return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const v = record[key];
    if (typeof v === "string" ? isUnknown(v) : holdsUnknown(v)) return true;
  }
  return false;
}

/** The value, or `undefined` when it is unknown. For "absent or unknown: cannot decide" checks. */
export function known<T>(value: T): T | undefined {
  return isUnknown(value) ? undefined : value;
}

/** Three-valued boolean: `true`/`false` when set to a boolean (or "true"/"false"), `"unknown"` at preview, else `undefined`. */
export function boolOf(value: unknown): boolean | "unknown" | undefined {
  if (isUnknown(value)) return "unknown";
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

/** A finite number (numeric strings accepted), `"unknown"` at preview, else `undefined`. */
export function numberOf(value: unknown): number | "unknown" | undefined {
  if (isUnknown(value)) return "unknown";
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** A non-empty string, `"unknown"` at preview, else `undefined`. */
export function stringOf(value: unknown): string | "unknown" | undefined {
  if (isUnknown(value)) return "unknown";
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** True when a value is set: present, not null, not "" (an unknown counts as set: something will be there). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/** The value when it is a plain object (not an unknown, array or null), else `undefined`. */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The value when it is an array, else `[]` (unknown arrays included: nothing to judge yet). */
export function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Plain JSON from Pulumi's wire format: secrets unwrapped, resource references as their URN. Rules read secrets'
 * values only to decide (never to print); @pulumi/policy already unwraps them, tests may hand in wire format.
 */
export function plain(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(plain);
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === SECRET_SIG) return plain(record.value);
  if (record[SIG_KEY] === RESOURCE_SIG) return record.urn;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = plain(v);
  return out;
}

/**
 * True when the engine handed back no properties at all for a resource. At a first preview, objects whose Kubernetes
 * provider has unknown config (a kubeconfig built from a cluster not created yet) reach `AnalyzeStack` as an empty
 * map (pkg/resource/plugin/provider_plugin.go `Create` with `!pcfg.known`): nothing about them can be told yet, and a
 * stack rule that finds nothing to judge in them must say "cannot tell yet", never pass.
 */
export function isUnseen(subject: Subject): boolean {
  return Object.keys(subject.props).length === 0;
}
