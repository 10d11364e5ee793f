/**
 * `aws.iam.getPolicyDocument` computed offline, byte for byte as the AWS provider renders it, because policies judge
 * that JSON (wildcard actions, public principals). Mirrors the provider's `dataSourcePolicyDocumentRead`
 * (internal/service/iam/policy_document_data_source.go) and its JSON model (policy_model.go): statements merged by
 * Sid (source documents, then this one, then override documents), one-element lists written as strings, action,
 * resource and identifier lists deduplicated and sorted in reverse, `&{` turned into `${`, `MarshalIndent` with two
 * spaces and Go's HTML-safe escaping, and the id being the CRC-32 of the JSON.
 */
import * as zlib from "zlib";

type Strings = string | string[];

interface Principal {
  readonly type: string;
  readonly identifiers: Strings;
}

interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: string[];
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: Strings;
  NotAction?: Strings;
  Resource?: Strings;
  NotResource?: Strings;
  Principal?: Principal[];
  NotPrincipal?: Principal[];
  Condition?: Condition[];
}

interface PolicyDoc {
  Version?: string;
  Id?: string;
  Statement?: Statement[];
}

/** `policyDecodeConfigStringList` over a schema set: one value stays a string, more are deduplicated and reverse-sorted. */
function stringSet(values: unknown, version: string): Strings | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  const unique = [...new Set(values.map((v) => replaceVars(String(v), version)))];
  return unique.length === 1 ? unique[0] : unique.sort().reverse();
}

function replaceVars(value: string, version: string): string {
  if (version === "2008-10-17") {
    if (value.includes("&{")) throw new Error(`found &{ sequence in (${value}), which is not supported in document version 2008-10-17`);
    return value;
  }
  return value.split("&{").join("${");
}

function principals(list: unknown, version: string): Principal[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return list.map((p: any) => ({ type: String(p.type), identifiers: stringSet(p.identifiers, version) ?? [] }));
}

function statementFromInputs(input: any, version: string): Statement {
  const stmt: Statement = { Effect: input.effect ?? "Allow" };
  if (typeof input.sid === "string" && input.sid !== "") stmt.Sid = input.sid;
  stmt.Action = stringSet(input.actions, version);
  stmt.NotAction = stringSet(input.notActions, version);
  stmt.Resource = stringSet(input.resources, version);
  stmt.NotResource = stringSet(input.notResources, version);
  stmt.Principal = principals(input.principals, version);
  stmt.NotPrincipal = principals(input.notPrincipals, version);
  if (Array.isArray(input.conditions) && input.conditions.length > 0) {
    stmt.Condition = input.conditions.map((c: any) => ({ test: String(c.test), variable: String(c.variable), values: (c.values ?? []).map((v: unknown) => replaceVars(String(v), version)) }));
  }
  return stmt;
}

/** A JSON policy document (source or override) read back into the model, as `json.Unmarshal` into IAMPolicyDoc. */
function parseDocument(text: string, label: string): PolicyDoc {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`writing IAM Policy Document: merging ${label}: ${(err as Error).message}`);
  }
  const statements = Array.isArray(raw.Statement) ? raw.Statement : raw.Statement ? [raw.Statement] : [];
  const readPrincipals = (p: unknown): Principal[] | undefined => {
    if (p === undefined) return undefined;
    if (typeof p === "string") return [{ type: "*", identifiers: ["*"] }];
    return Object.entries(p as Record<string, unknown>).map(([type, ids]) => ({ type, identifiers: Array.isArray(ids) ? ids.map(String).sort() : String(ids) }));
  };
  const readConditions = (c: unknown): Condition[] | undefined => {
    if (!c || typeof c !== "object") return undefined;
    return Object.entries(c as Record<string, Record<string, unknown>>).flatMap(([test, vars]) =>
      Object.entries(vars).map(([variable, values]) => ({ test, variable, values: Array.isArray(values) ? values.map(String) : [String(values)] })));
  };
  return {
    Version: raw.Version,
    Id: raw.Id,
    Statement: statements.map((s: any) => ({
      Sid: s.Sid, Effect: s.Effect, Action: s.Action, NotAction: s.NotAction, Resource: s.Resource, NotResource: s.NotResource,
      Principal: readPrincipals(s.Principal), NotPrincipal: readPrincipals(s.NotPrincipal), Condition: readConditions(s.Condition),
    })),
  };
}

/** `IAMPolicyDoc.Merge`: a newer Id and Version win; a statement with a known Sid replaces the old one in place. */
function merge(into: PolicyDoc, next: PolicyDoc): void {
  if (next.Id) into.Id = next.Id;
  if ((next.Version ?? "") > (into.Version ?? "")) into.Version = next.Version;
  const statements = (into.Statement ??= []);
  for (const stmt of next.Statement ?? []) {
    const at = stmt.Sid ? statements.findIndex((s) => s.Sid === stmt.Sid) : -1;
    if (at >= 0) statements[at] = stmt;
    else statements.push(stmt);
  }
}

/** `IAMPolicyStatementPrincipalSet.MarshalJSON`. */
function principalJson(set: Principal[]): unknown {
  if (set.length === 1 && set[0].type === "*") {
    const ids = set[0].identifiers;
    if (ids === "*" || (Array.isArray(ids) && ids.length === 1 && ids[0] === "*")) return "*";
  }
  const raw: Record<string, Strings> = {};
  for (const p of set) {
    const prior = raw[p.type];
    if (Array.isArray(p.identifiers)) {
      const ids = [...p.identifiers].sort().reverse();
      raw[p.type] = prior === undefined ? ids : [...(Array.isArray(prior) ? prior : [prior]), ...ids];
    } else {
      raw[p.type] = prior === undefined ? p.identifiers : [...(Array.isArray(prior) ? prior : [prior]), p.identifiers];
    }
  }
  return sortKeys(raw);
}

/** `IAMPolicyStatementConditionSet.MarshalJSON`: test → variable → values, single values flattened, keys sorted. */
function conditionJson(set: Condition[]): unknown {
  const raw: Record<string, Record<string, string[] | string>> = {};
  for (const c of set) {
    const byVar = (raw[c.test] ??= {});
    byVar[c.variable] = [...((byVar[c.variable] as string[] | undefined) ?? []), ...c.values];
  }
  for (const byVar of Object.values(raw)) {
    for (const [key, values] of Object.entries(byVar)) if (values.length === 1) byVar[key] = values[0];
  }
  return sortKeys(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, sortKeys(v)])));
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));
}

/** The document in Go's struct field order, with `omitempty` applied. */
function toJsonModel(doc: PolicyDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (doc.Version) out.Version = doc.Version;
  if (doc.Id) out.Id = doc.Id;
  if (doc.Statement && doc.Statement.length > 0) {
    out.Statement = doc.Statement.map((s) => {
      const o: Record<string, unknown> = {};
      for (const key of ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource"] as const) {
        const v = s[key];
        if (v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0)) o[key] = v;
      }
      if (s.Principal?.length) o.Principal = principalJson(s.Principal);
      if (s.NotPrincipal?.length) o.NotPrincipal = principalJson(s.NotPrincipal);
      if (s.Condition?.length) o.Condition = conditionJson(s.Condition);
      return o;
    });
  }
  return out;
}

/** Go's encoding/json escapes <, > and & (and U+2028/2029) even inside MarshalIndent. */
function goEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export interface PolicyDocumentResult {
  readonly json: string;
  readonly minifiedJson: string;
  readonly id: string;
}

/** Renders `aws.iam.getPolicyDocument` inputs (the SDK's camelCase names) into the provider's JSON. */
export function renderPolicyDocument(inputs: Record<string, any>): PolicyDocumentResult {
  const merged: PolicyDoc = {};
  const sids = new Set<string>();
  (inputs.sourcePolicyDocuments ?? []).forEach((text: unknown, index: number) => {
    if (typeof text !== "string") return;
    const source = parseDocument(text, `source document ${index}`);
    for (const s of source.Statement ?? []) {
      if (s.Sid && sids.has(s.Sid)) throw new Error(`writing IAM Policy Document: merging source document ${index}: duplicate Sid (${s.Sid}) in source_policy_documents. Remove the Sid or ensure Sids are unique.`);
      if (s.Sid) sids.add(s.Sid);
    }
    merge(merged, source);
  });
  const version: string = inputs.version ?? "2012-10-17";
  const doc: PolicyDoc = { Version: version, Id: inputs.policyId };
  if (Array.isArray(inputs.statements) && inputs.statements.length > 0) {
    const own = new Set<string>();
    doc.Statement = inputs.statements.map((s: any) => {
      if (typeof s.sid === "string" && s.sid !== "") {
        if (own.has(s.sid)) throw new Error(`writing IAM Policy Document: duplicate Sid (${s.sid}). Remove the Sid or ensure the Sid is unique.`);
        own.add(s.sid);
      }
      return statementFromInputs(s, version);
    });
  }
  merge(merged, doc);
  (inputs.overridePolicyDocuments ?? []).forEach((text: unknown, index: number) => {
    if (typeof text === "string") merge(merged, parseDocument(text, `override document ${index}`));
  });
  const model = toJsonModel(merged);
  const json = goEscape(JSON.stringify(model, null, 2));
  return { json, minifiedJson: goEscape(JSON.stringify(model)), id: String(zlib.crc32(json)) };
}
