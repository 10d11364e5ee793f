/**
 * Pulumi's wire format for property values, as the engine and analyzers exchange them.
 *
 * The mock runtime, the analyzer harness and the plan writer all need to recognise secrets, unknowns and resource
 * references in the same way, so the signatures live in one place.
 */

/** Key under which Pulumi marks special values in a serialised property map. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
/** The value the engine sends for a property not known until the resource is created (one definition, shared with the packs). */
import { UNKNOWN } from "../../policy/common/unknown";
export { UNKNOWN };

/** What `resources.json` and reports print in place of a secret; the value itself is never written. */
export const SECRET_PLACEHOLDER = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown]";

export type Wire = unknown;

export function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

export function isResourceRef(value: unknown): value is { urn: string; id?: string } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === RESOURCE_SIG;
}

export function secret(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** True when the value, or anything inside it, is a secret. */
export function containsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
  return false;
}

/**
 * Converts wire values into plain JSON for people and files: secrets become `"[secret]"`, unknowns `"[unknown]"`,
 * resource references their URN, assets their path or a note. Keys are sorted so output is byte-stable.
 */
export function redact(value: unknown): unknown {
  if (value === UNKNOWN) return UNKNOWN_PLACEHOLDER;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(redact);
  const record = value as Record<string, unknown>;
  const sig = record[SIG_KEY];
  if (sig === SECRET_SIG) return SECRET_PLACEHOLDER;
  if (sig === RESOURCE_SIG) return record.urn;
  if (sig === ASSET_SIG || sig === ARCHIVE_SIG) {
    return record.path ?? record.uri ?? (record.text !== undefined ? "[asset text]" : "[archive]");
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) out[key] = redact(record[key]);
  return out;
}

/**
 * Like `redact`, but a secret object or list keeps its shape with every leaf replaced: a Kubernetes Secret's
 * `stringData` stays a map of keys to `"[secret]"`, so the manifest remains a valid object for schema checks.
 */
export function redactLeaves(value: unknown, inSecret = false): unknown {
  if (value === UNKNOWN) return UNKNOWN_PLACEHOLDER;
  if (value === null || typeof value !== "object") return inSecret ? SECRET_PLACEHOLDER : value;
  if (Array.isArray(value)) return value.map((v) => redactLeaves(v, inSecret));
  const record = value as Record<string, unknown>;
  const sig = record[SIG_KEY];
  if (sig === SECRET_SIG) return redactLeaves(record.value, true);
  if (sig !== undefined) return inSecret ? SECRET_PLACEHOLDER : redact(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) out[key] = redactLeaves(record[key], inSecret);
  return out;
}

/**
 * Unwraps secrets (keeping their values) and turns resource references into URNs; unknowns stay as the UNKNOWN
 * marker. For tests and rule functions that want to look at plain values.
 */
export function reveal(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(reveal);
  const record = value as Record<string, unknown>;
  const sig = record[SIG_KEY];
  if (sig === SECRET_SIG) return reveal(record.value);
  if (sig === RESOURCE_SIG) return record.urn;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = reveal(record[key]);
  return out;
}

/**
 * Property values as the engine sends them to an analyzer. Mirrors `plugin.MarshalPropertyValue`
 * (sdk/go/common/resource/plugin/rpc.go) with the options `analyzer_plugin.go` passes for `Analyze` and
 * `AnalyzeStack` (`KeepUnknowns`, `KeepSecrets`, and no `KeepResources`): a resource reference becomes the target's id
 * when it has one (custom resources; an empty or unknown id stays unknown, as the engine unmarshals `id: ""` to a
 * computed value) and its URN otherwise (components, providers without an id). Secrets and unknowns are kept.
 */
export function marshalForAnalyzer(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(marshalForAnalyzer);
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === RESOURCE_SIG) {
    if ("id" in record && record.id !== undefined && record.id !== null) return record.id === "" ? UNKNOWN : marshalForAnalyzer(record.id);
    return record.urn;
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(record)) out[key] = marshalForAnalyzer(inner);
  return out;
}
