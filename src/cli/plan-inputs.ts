/**
 * Everything `plan` reads before it runs anything, validated up front so that a mistake exits 2 before a resource
 * is registered or a pack is started: the stack's environment, each pack's `--policy-pack-config`, the exemptions.
 */
import * as fs from "fs";
import * as path from "path";
import { Environment, Environments } from "../../policy/common/finding";
import { ExemptionConfigError, loadExemptions } from "../../policy/common/exemptions";
import { PackConfigFileError, readPackConfigFile } from "../testing/pack-config";
import type { PackSpec } from "./policy-run";
import { packConfigFor } from "./policy-run";
import { LoadedProject, UsageError } from "./project";

/** The stack config key that names the environment, whatever the program's project is called. */
export const ENVIRONMENT_KEY = "production-platform:environment";

export interface ResolvedEnvironment {
  readonly environment: Environment;
  /** True when no environment was named: every pack runs with its prod config (fail closed). */
  readonly failClosed: boolean;
  /** Where the environment came from, or why none was found, for the log and the report. */
  readonly source: string;
  /**
   * The pack config file name when it is not the environment's: `account` for an account-level stack
   * (`production-platform:stackKind: account`), whose `config/account.json` is as strict as prod and tells the packs
   * that this stack owns the account's singletons. A pack without that file uses its prod config.
   */
  readonly configName?: string;
}

export const STACK_KIND_KEY = "production-platform:stackKind";

function checkEnvironment(value: string, where: string): Environment {
  if ((Environments as readonly string[]).includes(value)) return value as Environment;
  throw new UsageError(`${where}: got ${JSON.stringify(value)}; the environment must be one of ${Environments.join(", ")}`);
}

/**
 * The environment enforcement follows: `--environment`, else `production-platform:environment` in the stack's
 * config, never the stack's name (a stack `prod-eu` with environment prod is prod). Without either, fail closed.
 */
export function resolveEnvironment(project: LoadedProject, flag?: string): ResolvedEnvironment {
  if (flag !== undefined) return { environment: checkEnvironment(flag, "--environment"), failClosed: false, source: "--environment" };
  const configured = project.config[ENVIRONMENT_KEY];
  const stackFile = project.stackFile ? path.basename(project.stackFile) : `Pulumi.${project.stack}.yaml`;
  if (configured === undefined && project.config[STACK_KIND_KEY] === "account") {
    return { environment: "prod", failClosed: false, configName: "account", source: `${STACK_KIND_KEY} account in ${stackFile} (the account stack: config/account.json, mandatory like prod)` };
  }
  if (configured !== undefined && (Environments as readonly string[]).includes(configured)) {
    return { environment: configured as Environment, failClosed: false, source: `${ENVIRONMENT_KEY} in ${stackFile}` };
  }
  // A value that is not an environment is an unknown environment: fail closed and say so (the program, if it reads
  // the key, rejects it with the rest of its config problems).
  const missing =
    configured !== undefined
      ? `${ENVIRONMENT_KEY} in ${stackFile} is ${JSON.stringify(configured)}, not dev, staging or prod,`
      : project.stackFile
        ? `${stackFile} sets no ${ENVIRONMENT_KEY}`
        : `there is no ${stackFile} in ${project.dir}`;
  return {
    environment: "prod",
    failClosed: true,
    source:
      `stack "${project.stack}": ${missing} and no --environment was given, so every pack runs with its prod config ` +
      `(mandatory; fail closed). Set ${ENVIRONMENT_KEY} to dev, staging or prod in ${stackFile}, or pass --environment <dev|staging|prod>.`,
  };
}

/** `environment` set on a policy in a pack config must be an environment: a typo must not turn prod into dev. */
function environmentProblems(config: Record<string, unknown>, file: string): string[] {
  const problems: string[] = [];
  for (const [policy, entry] of Object.entries(config)) {
    const env = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>).environment : undefined;
    if (env !== undefined && !(Environments as readonly unknown[]).includes(env)) {
      problems.push(`${file}: key "${policy}.environment": got ${JSON.stringify(env)}; use one of ${Environments.join(", ")}`);
    }
  }
  return problems;
}

function readConfig(file: string): Record<string, unknown> {
  try {
    return readPackConfigFile(file);
  } catch (err) {
    if (err instanceof PackConfigFileError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * Each pack with its config: the `--policy-pack-config` files (one per `--policy-pack`, same order, as the Pulumi
 * CLI requires), else the pack's own `config/<environment>.json`.
 */
export function packSpecs(packDirs: readonly string[], explicitPacks: boolean, configFiles: readonly string[], environment: Environment, configName?: string): PackSpec[] {
  if (configFiles.length > 0 && (!explicitPacks || configFiles.length !== packDirs.length)) {
    throw new UsageError(
      `${configFiles.length} --policy-pack-config file(s) for ${explicitPacks ? packDirs.length : 0} --policy-pack(s): give one --policy-pack-config per --policy-pack, in the same order (the Pulumi CLI refuses a mismatch too)`,
    );
  }
  const specs = packDirs.map((dir, i): PackSpec => {
    if (configFiles.length > 0) {
      const file = path.resolve(configFiles[i]);
      return { dir, config: readConfig(file), configFile: file };
    }
    const named = configName !== undefined ? packConfigFor(dir, configName) : undefined;
    const { file, config } = named?.file ? named : packConfigFor(dir, environment);
    return { dir, config, configFile: file };
  });
  const problems = specs.flatMap((s) => environmentProblems(s.config, s.configFile ?? s.dir));
  if (problems.length > 0) throw new UsageError(`policy pack config is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return specs;
}

function checkExemptions(file: string): void {
  try {
    loadExemptions(file);
  } catch (err) {
    if (err instanceof ExemptionConfigError) throw new UsageError(`${err.message}\n  Fix the named entries (each needs policy, resource, reason, owner and expires: YYYY-MM-DD), or pass another --exemptions file.`);
    throw err;
  }
}

/**
 * The exemptions every pack applies: `--exemptions <file>` (set as `exemptionsFile` on every policy), else each
 * pack's own `../exemptions.yaml`. Either is validated now, so a bad file is a usage error, not a pack failure.
 */
export function exemptionsFor(packDirs: readonly string[], flag?: string): Record<string, unknown> | undefined {
  if (flag !== undefined) {
    const file = path.resolve(flag);
    if (!fs.existsSync(file)) throw new UsageError(`--exemptions ${flag}: no such file; pass the path of an exemptions YAML file`);
    checkExemptions(file);
    return { exemptionsFile: file };
  }
  for (const file of new Set(packDirs.map((d) => path.join(d, "..", "exemptions.yaml")))) if (fs.existsSync(file)) checkExemptions(file);
  return undefined;
}
