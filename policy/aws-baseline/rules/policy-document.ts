/** Reading IAM/S3 policy documents that arrive as JSON strings, objects, or unknowns. */
import { isUnknown, mentionsUnknown, objectOf } from "../../common/unknown";

export interface Statement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** Statements of a policy document; `"unknown"` when the document (or its JSON) is not known yet. */
export function statementsOf(policy: unknown): Statement[] | "unknown" {
  if (policy === undefined || policy === null || policy === "") return [];
  if (isUnknown(policy)) return "unknown";
  let doc: unknown = policy;
  if (typeof policy === "string") {
    if (mentionsUnknown(policy)) return "unknown";
    try {
      doc = JSON.parse(policy);
    } catch {
      return [];
    }
  }
  if (doc === null || typeof doc !== "object") return [];
  const s = (doc as Record<string, unknown>).Statement;
  const list = Array.isArray(s) ? s : s && typeof s === "object" ? [s] : [];
  return list.filter((x): x is Statement => x !== null && typeof x === "object");
}

/** A statement field as a list of strings (`"*"` stays `"*"`). */
export function listOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** True when a statement's principal is everyone (`"*"` or `{ AWS: "*" }`). */
export function everyone(principal: unknown): boolean {
  if (principal === "*") return true;
  const aws = objectOf(principal)?.AWS;
  return listOf(aws).includes("*");
}
