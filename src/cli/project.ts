/**
 * Reads a Pulumi project and one stack's config the way the Pulumi CLI does, without a backend: `Pulumi.yaml`
 * (project name, main, declared config with defaults) and `Pulumi.<stack>.yaml` (values; `secure:` values stay
 * encrypted and are handed to the program as secrets, which is all a plan needs).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface LoadedProject {
  readonly dir: string;
  readonly name: string;
  /** Absolute path of the program's entry module. */
  readonly main: string;
  readonly stack: string;
  /** Fully qualified key → string value (structured values as JSON), as the SDK expects. */
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
  /** The stack file read, if there was one. */
  readonly stackFile?: string;
  /**
   * Pulumi ESC environments the stack file imports (`environment:`). Their values come from Pulumi Cloud at deploy
   * time; offline they cannot be resolved, so the plan runs without them and says so.
   */
  readonly escEnvironments: readonly string[];
}

/** `environment: [org/env, …]` or `environment: { imports: [...] }` of a stack file, as names. */
export function escEnvironmentsOf(stackDoc: any): string[] {
  const entry = stackDoc?.environment;
  const list: unknown[] = Array.isArray(entry) ? entry : Array.isArray(entry?.imports) ? entry.imports : entry === undefined || entry === null ? [] : [entry];
  return list.map((e) => (typeof e === "string" ? e : e && typeof e === "object" ? Object.keys(e)[0] ?? JSON.stringify(e) : String(e)));
}

function qualify(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function asConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** True when a structured value holds a `secure:` leaf anywhere (then the whole key is secret, as in the CLI). */
function hasSecure(value: unknown): boolean {
  if (value && typeof value === "object") {
    if (!Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) return true;
    return Object.values(value).some(hasSecure);
  }
  return false;
}

/** Replaces `{secure: ciphertext}` leaves by the ciphertext: the program sees an opaque secret string. */
function stripSecure(value: unknown): unknown {
  if (value && typeof value === "object") {
    if (!Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) return (value as { secure: unknown }).secure;
    if (Array.isArray(value)) return value.map(stripSecure);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripSecure(v)]));
  }
  return value;
}

function readYaml(file: string): any {
  try {
    return YAML.parse(fs.readFileSync(file, "utf8")) ?? {};
  } catch (err) {
    throw new UsageError(`cannot parse ${file}: ${(err as Error).message}`);
  }
}

/** Finds the program entry: `main` from Pulumi.yaml, else package.json `main`, else index.ts / index.js. */
function resolveMain(dir: string, main: unknown): string {
  const candidates: string[] = [];
  const base = typeof main === "string" ? path.resolve(dir, main) : dir;
  if (fs.existsSync(base) && fs.statSync(base).isFile()) return base;
  const pkgFile = path.join(base, "package.json");
  if (fs.existsSync(pkgFile)) {
    const pkgMain = JSON.parse(fs.readFileSync(pkgFile, "utf8")).main;
    if (typeof pkgMain === "string") candidates.push(path.resolve(base, pkgMain));
  }
  candidates.push(path.join(base, "index.ts"), path.join(base, "index.js"));
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new UsageError(`no program entry found in ${base} (looked for ${candidates.map((c) => path.relative(dir, c)).join(", ")})`);
  return found;
}

export function loadProject(dir: string, stack: string): LoadedProject {
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!projectFile) throw new UsageError(`no Pulumi.yaml in ${dir}: pass --program <dir of a Pulumi project>`);
  const project = readYaml(projectFile);
  if (typeof project.name !== "string") throw new UsageError(`${projectFile} has no project name`);
  const runtime = typeof project.runtime === "string" ? project.runtime : project.runtime?.name;
  if (runtime !== "nodejs") throw new UsageError(`${projectFile}: runtime ${JSON.stringify(runtime)} is not supported offline (only nodejs)`);
  const name: string = project.name;

  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [key, decl] of Object.entries<any>(project.config ?? {})) {
    const full = qualify(key, name);
    const declared = decl !== null && typeof decl === "object" && !Array.isArray(decl) ? decl : { value: decl };
    const value = declared.default ?? declared.value;
    if (value !== undefined) config[full] = asConfigString(value);
    if (declared.secret === true) secretKeys.add(full);
  }

  const stackFile = ["yaml", "yml"].map((ext) => path.join(dir, `Pulumi.${stack}.${ext}`)).find((f) => fs.existsSync(f));
  let escEnvironments: string[] = [];
  if (stackFile) {
    const stackDoc = readYaml(stackFile);
    escEnvironments = escEnvironmentsOf(stackDoc);
    for (const [key, value] of Object.entries<unknown>(stackDoc.config ?? {})) {
      const full = qualify(key, name);
      if (hasSecure(value)) secretKeys.add(full);
      config[full] = asConfigString(stripSecure(value));
    }
  }
  return { dir, name, main: resolveMain(dir, project.main), stack, config, secretKeys: [...secretKeys].sort(), stackFile, escEnvironments };
}
