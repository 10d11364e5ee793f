/**
 * Policy pack configuration as the Pulumi engine reads, reconciles and validates it, but stricter where the engine
 * is lenient (an unknown policy name is an error here; the engine ignores it). Mirrors
 * pulumi/pulumi sdk/go/common/resource/analyzer/config.go:
 * - `parsePolicyPackConfig` (a `--policy-pack-config` file: each key a level string or an object whose
 *   `enforcementLevel`, if any, is a valid level) → `readPackConfigFile`;
 * - `ReconcilePolicyPackConfig` (schema defaults → `initialConfig` → the file's `all` level → per policy; then
 *   `validatePolicyPackConfig`, JSON-schema validation of every policy's properties) → `reconcilePackConfig`.
 */
import * as fs from "fs";
import Ajv from "ajv";
import type { AnalyzerInfo, EnforcementLevel, PolicyPackConfig } from "./analyzer";

/** A config file that cannot be used as it is: the message names the file, the line or key, and the fix. */
export class PackConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PackConfigFileError";
  }
}

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface PolicyConfigEntry {
  readonly enforcementLevel: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

function isLevel(value: unknown): value is EnforcementLevel {
  return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

/** Line and column of a JSON.parse error position, for messages a person can act on. */
function position(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return "";
  const before = text.slice(0, Number(m[1]));
  const line = before.split("\n").length;
  return ` at line ${line}, column ${Number(m[1]) - before.lastIndexOf("\n")}`;
}

/** Shape problems of a config document (engine `parsePolicyPackConfig`), each naming the key and the fix. */
export function packConfigProblems(doc: unknown): string[] {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return ['the document must be a JSON object such as {"all": "mandatory"}'];
  const problems: string[] = [];
  const levels = ENFORCEMENT_LEVELS.join(", ");
  for (const [key, value] of Object.entries(doc)) {
    if (typeof value === "string") {
      if (!isLevel(value)) problems.push(`key "${key}": ${JSON.stringify(value)} is not an enforcement level; use one of ${levels}`);
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const level = (value as Record<string, unknown>).enforcementLevel;
      if (level !== undefined && !isLevel(level)) problems.push(`key "${key}.enforcementLevel": ${JSON.stringify(level)} is not an enforcement level; use one of ${levels}`);
      if (key === "all" && Object.keys(value).some((k) => k !== "enforcementLevel")) {
        problems.push(`key "all": only "enforcementLevel" applies to every policy (the engine ignores other properties there); set properties per policy name`);
      }
    } else {
      problems.push(`key "${key}": ${JSON.stringify(value)} is not valid; use an enforcement level string or an object {"enforcementLevel": ..., "<property>": ...}`);
    }
  }
  return problems;
}

/** Reads a `--policy-pack-config` file; a usage error (exit 2) names the file, the line or key, and the fix. */
export function readPackConfigFile(file: string): PolicyPackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new PackConfigFileError(`cannot read policy pack config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; pass the path of a JSON file`);
  }
  // The engine accepts an empty file as "no config".
  if (text.trim() === "") return {};
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    throw new PackConfigFileError(`policy pack config ${file} is not valid JSON${position(text, message)}: ${message}`);
  }
  const problems = packConfigProblems(doc);
  if (problems.length > 0) throw new PackConfigFileError(`policy pack config ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return doc as PolicyPackConfig;
}

function levelOf(entry: unknown): EnforcementLevel | undefined {
  if (isLevel(entry)) return entry;
  const level = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>).enforcementLevel : undefined;
  return isLevel(level) ? level : undefined;
}

function propertiesOf(entry: unknown): Record<string, unknown> {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return {};
  return Object.fromEntries(Object.entries(entry).filter(([k]) => k !== "enforcementLevel"));
}

/** Engine `applyConfig`: the `all` level for every policy, then each policy's own level and properties on top. */
function apply(result: Map<string, PolicyConfigEntry>, config: PolicyPackConfig): void {
  const all = levelOf(config.all);
  if (all) for (const [name, entry] of result) result.set(name, { ...entry, enforcementLevel: all });
  for (const [name, given] of Object.entries(config)) {
    const current = result.get(name);
    if (name === "all" || !current) continue;
    result.set(name, { enforcementLevel: levelOf(given) ?? current.enforcementLevel, properties: { ...current.properties, ...propertiesOf(given) } });
  }
}

/** Thrown when a pack's config does not fit its policies; every problem names the pack, the policy and the key. */
export class PackConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`policy pack configuration is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PackConfigError";
  }
}

const ajv = new Ajv({ allErrors: true });

/**
 * Engine `ReconcilePolicyPackConfig` + `validatePolicyPackConfig`: the config every policy of the pack gets, or a
 * `PackConfigError` listing every unknown policy name (`source` says which file) and every schema violation.
 */
export function reconcilePackConfig(info: AnalyzerInfo, initialConfig: PolicyPackConfig, config: PolicyPackConfig, source = "config"): Map<string, PolicyConfigEntry> {
  const problems: string[] = [];
  const known = new Set(info.policies.map((p) => p.name));
  for (const [doc, from] of [[initialConfig, "initial config"], [config, source]] as const) {
    for (const key of Object.keys(doc)) {
      if (key !== "all" && !known.has(key)) problems.push(`pack ${info.name}, ${from}: unknown policy "${key}"; the pack's policies are ${[...known].sort().join(", ")}`);
    }
  }
  const result = new Map<string, PolicyConfigEntry>();
  for (const p of info.policies) {
    const defaults: Record<string, unknown> = {};
    for (const [prop, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if (schema && typeof schema === "object" && "default" in schema) defaults[prop] = (schema as { default: unknown }).default;
    }
    result.set(p.name, { enforcementLevel: p.enforcementLevel ?? info.enforcementLevel ?? "advisory", properties: defaults });
  }
  apply(result, initialConfig);
  apply(result, config);
  for (const p of info.policies) {
    if (!p.configSchema) continue;
    const schema = { type: "object", properties: p.configSchema.properties, ...(p.configSchema.required.length > 0 ? { required: p.configSchema.required } : {}) };
    const validate = ajv.compile(schema);
    if (validate(result.get(p.name)!.properties)) continue;
    for (const e of validate.errors ?? []) {
      const key = e.dataPath.replace(/^\./, "") || (e.params as { missingProperty?: string }).missingProperty || "(properties)";
      problems.push(`pack ${info.name}, policy ${p.name}, key ${key}: ${e.message}${"allowedValues" in e.params ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")})` : ""}`);
    }
  }
  if (problems.length > 0) throw new PackConfigError(problems);
  return result;
}
