/**
 * Exemptions as code: one reviewed file (`policy/exemptions.yaml`) lists every accepted violation with a reason, an
 * owner and an expiry. A matching finding is reported as exempted (advisory); once the expiry has passed the finding
 * is a violation again. A malformed file is a configuration error that names the entry and the field.
 *
 * ```yaml
 * exemptions:
 *   - policy: cis-eks-4.5.2-default-namespace-not-used
 *     resource: { kind: Deployment, namespace: default, name: legacy-* }   # or { urn: "urn:pulumi:prod::*::legacy" }
 *     reason: Legacy app moves to its own namespace in the Q3 migration.
 *     owner: team-shop
 *     expires: 2026-06-30
 * ```
 */
import * as fs from "fs";
import * as YAML from "yaml";
import type { Subject } from "./finding";
import { kindOf, namespaceOf, objectName } from "./kubernetes";

/** How an exemption picks resources: a URN glob, or Kubernetes kind/namespace/name globs (any subset, at least one). */
export type ResourceMatch = { readonly urn: string } | { readonly kind?: string; readonly namespace?: string; readonly name?: string };

export interface Exemption {
  /** Policy name (glob allowed, e.g. `cis-eks-4.2.*`). */
  readonly policy: string;
  readonly resource: ResourceMatch;
  readonly reason: string;
  readonly owner: string;
  /** Last day (UTC, inclusive) the exemption applies, `YYYY-MM-DD`. */
  readonly expires: string;
  /** Position in the file (1-based), for messages. */
  readonly entry: number;
}

/** The exemptions file is malformed. The message lists every problem, each naming the entry and the field. */
export class ExemptionConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid exemptions file ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ExemptionConfigError";
  }
}

const ENTRY_FIELDS = ["policy", "resource", "reason", "owner", "expires"];
const MATCH_FIELDS = ["urn", "kind", "namespace", "name"];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function dateText(value: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value === "string") return value.trim();
  return undefined;
}

/** The list under `exemptions:` (`undefined`/`null` when empty); throws when the text is not YAML or not that shape. */
function exemptionList(text: string, source: string): { doc: object; list: unknown[] | null | undefined } | undefined {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    throw new ExemptionConfigError(source, [`not valid YAML: ${(err as Error).message.split("\n")[0]}`]);
  }
  if (doc === null || doc === undefined) return undefined;
  const list = typeof doc === "object" && !Array.isArray(doc) ? (doc as Record<string, unknown>).exemptions : undefined;
  if (typeof doc !== "object" || Array.isArray(doc) || !(list === null || list === undefined || Array.isArray(list))) {
    throw new ExemptionConfigError(source, ["top level must be a mapping with a list under `exemptions:`"]);
  }
  return { doc: doc as object, list: list as unknown[] | null | undefined };
}

/** Checks an entry's `resource` into `problems`; the match it gives when it is a mapping (valid or not). */
function resourceOf(at: string, match: unknown, problems: string[]): ResourceMatch | undefined {
  if (match === undefined) {
    problems.push(`${at}: field \`resource\` is missing: give { urn: <glob> } or { kind, namespace, name }`);
    return undefined;
  }
  if (match === null || typeof match !== "object" || Array.isArray(match)) {
    problems.push(`${at}: field \`resource\` is ${JSON.stringify(match)}: give { urn: <glob> } or { kind, namespace, name }`);
    return undefined;
  }
  const m = match as Record<string, unknown>;
  for (const key of Object.keys(m)) {
    if (!MATCH_FIELDS.includes(key)) problems.push(`${at}: unknown field \`resource.${key}\` (allowed: ${MATCH_FIELDS.join(", ")})`);
  }
  for (const key of MATCH_FIELDS) {
    if (m[key] !== undefined && (typeof m[key] !== "string" || (m[key] as string).trim() === "")) {
      problems.push(`${at}: field \`resource.${key}\` is ${JSON.stringify(m[key])}: give a non-empty string (globs with * allowed)`);
    }
  }
  const k8sKeys = ["kind", "namespace", "name"].filter((k) => m[k] !== undefined);
  if (m.urn !== undefined && k8sKeys.length > 0) {
    problems.push(`${at}: field \`resource\` mixes urn with ${k8sKeys.join("/")}: use one way to match`);
  } else if (m.urn === undefined && k8sKeys.length === 0) {
    problems.push(`${at}: field \`resource\` is empty: give { urn: <glob> } or { kind, namespace, name }`);
  } else if (m.urn === "*" || (k8sKeys.length > 0 && k8sKeys.every((k) => m[k] === "*"))) {
    problems.push(`${at}: field \`resource\` matches every resource: name the resources the exemption is for`);
  }
  return m.urn !== undefined ? { urn: m.urn as string } : { kind: m.kind as string, namespace: m.namespace as string, name: m.name as string };
}

/** Checks entry number `entry` into `problems`; the exemption when it has none. */
function entryOf(raw: unknown, entry: number, problems: string[]): Exemption | undefined {
  const label = (e: Record<string, unknown> | undefined) =>
    `entry ${entry}${e && typeof e.policy === "string" && e.policy ? ` (policy ${e.policy})` : ""}`;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    problems.push(`entry ${entry}: must be a mapping with fields ${ENTRY_FIELDS.join(", ")}`);
    return undefined;
  }
  const e = raw as Record<string, unknown>;
  const at = label(e);
  const before = problems.length;
  for (const key of Object.keys(e)) {
    if (!ENTRY_FIELDS.includes(key)) problems.push(`${at}: unknown field \`${key}\` (allowed: ${ENTRY_FIELDS.join(", ")})`);
  }
  for (const field of ["policy", "reason", "owner"]) {
    const v = e[field];
    if (typeof v !== "string" || v.trim() === "") problems.push(`${at}: field \`${field}\` is ${v === undefined ? "missing" : `invalid (${JSON.stringify(v)})`}: give a non-empty string`);
  }
  const expires = dateText(e.expires);
  if (e.expires === undefined) problems.push(`${at}: field \`expires\` is missing: give the last day the exemption applies as YYYY-MM-DD`);
  else if (!expires || !validDate(expires)) problems.push(`${at}: field \`expires\` is ${JSON.stringify(e.expires)}: give a real date as YYYY-MM-DD`);
  const resource = resourceOf(at, e.resource, problems);
  if (problems.length !== before || !resource || !expires) return undefined;
  return { policy: (e.policy as string).trim(), resource, reason: (e.reason as string).trim(), owner: (e.owner as string).trim(), expires, entry };
}

/**
 * Parses and validates the text of an exemptions file. Throws `ExemptionConfigError` with every problem found.
 * An empty file or `exemptions: []` means no exemptions.
 */
export function parseExemptions(text: string, source = "exemptions.yaml"): Exemption[] {
  const parsed = exemptionList(text, source);
  if (parsed === undefined) return [];
  const problems: string[] = [];
  const extraTop = Object.keys(parsed.doc).filter((k) => k !== "exemptions");
  if (extraTop.length > 0) problems.push(`unknown top-level key(s) ${extraTop.join(", ")}: only \`exemptions\` is allowed`);
  const out: Exemption[] = [];
  (parsed.list ?? []).forEach((raw, i) => {
    const exemption = entryOf(raw, i + 1, problems);
    if (exemption) out.push(exemption);
  });
  if (problems.length > 0) throw new ExemptionConfigError(source, problems);
  return out;
}

/** Reads and validates an exemptions file; a missing file means no exemptions. */
export function loadExemptions(file: string): Exemption[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new ExemptionConfigError(file, [`cannot read: ${(err as Error).message}`]);
  }
  return parseExemptions(text, file);
}

/** `*` matches any run of characters (including `:`), everything else literally; whole-string match. */
export function globMatches(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return re.test(value);
}

/** True when the exemption's resource match selects the subject. */
export function resourceMatches(match: ResourceMatch, subject: Subject): boolean {
  if ("urn" in match && match.urn !== undefined) return globMatches(match.urn, subject.urn);
  const m = match as { kind?: string; namespace?: string; name?: string };
  const kind = kindOf(subject.type);
  if (kind === undefined) return false;
  if (m.kind !== undefined && !globMatches(m.kind, kind)) return false;
  if (m.namespace !== undefined) {
    const ns = namespaceOf(subject);
    if (ns === undefined || !globMatches(m.namespace, ns)) return false;
  }
  if (m.name !== undefined && !globMatches(m.name, objectName(subject))) return false;
  return true;
}

/** `YYYY-MM-DD` of a date in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export type ExemptionVerdict = { readonly status: "exempted"; readonly exemption: Exemption } | { readonly status: "expired"; readonly exemption: Exemption };

/**
 * The exemption that applies to a finding of `policy` on `subject` as of `today`: an active one wins over an expired
 * one; `undefined` when none matches. The expiry day itself is still covered.
 */
export function findExemption(exemptions: readonly Exemption[], policy: string, subject: Subject, today: Date): ExemptionVerdict | undefined {
  const day = isoDay(today);
  let expired: Exemption | undefined;
  for (const e of exemptions) {
    if (!globMatches(e.policy, policy) || !resourceMatches(e.resource, subject)) continue;
    if (e.expires >= day) return { status: "exempted", exemption: e };
    expired ??= e;
  }
  return expired ? { status: "expired", exemption: expired } : undefined;
}

/** Message prefix of an exempted finding; the plan report classifies findings by it. */
export const EXEMPTED_PREFIX = "[exempted: ";

export function exemptedMessage(message: string, e: Exemption): string {
  return `${EXEMPTED_PREFIX}${e.reason}, owner ${e.owner}, expires ${e.expires}] ${message}`;
}

export function expiredMessage(message: string, e: Exemption): string {
  return `${message} (exemption expired ${e.expires}, owner ${e.owner}: fix the resource or renew the entry in policy/exemptions.yaml with a new review)`;
}

/** Parses an exempted finding's message back into its parts; `undefined` for any other message. */
export function parseExemptedMessage(message: string): { reason: string; owner: string; expires: string; message: string } | undefined {
  const m = /^\[exempted: (.*), owner (.*), expires (\d{4}-\d{2}-\d{2})\] ([\s\S]*)$/.exec(message);
  return m ? { reason: m[1], owner: m[2], expires: m[3], message: m[4] } : undefined;
}
