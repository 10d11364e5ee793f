/**
 * Drives the real Pulumi CLI (tools/engine/bin/pulumi) on a local file backend for `npm run parity`.
 *
 * Environment, as issue 14 settles it: `pulumi login file://<tmp>` with its own PULUMI_HOME, a passphrase secrets
 * provider, no automatic plugin download, no update check, and NOT PULUMI_IGNORE_AMBIENT_PLUGINS: the stand-in
 * providers are found on $PATH (sdk/go/common/workspace/plugins.go `getPluginInfoAndPath`).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseEventLog, type EngineRun } from "./compare";

export const ENGINE_BIN = path.resolve(__dirname, "..", "bin");
export const PULUMI = path.join(ENGINE_BIN, "pulumi");

export interface Workspace {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
}

/** A fresh backend and PULUMI_HOME under `root`; the caller removes `root`. */
export function workspace(root: string): Workspace {
  const home = path.join(root, "home");
  const state = path.join(root, "state");
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(state, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.PULUMI_IGNORE_AMBIENT_PLUGINS;
  delete env.PULUMI_ACCESS_TOKEN;
  Object.assign(env, {
    PATH: `${ENGINE_BIN}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: "parity-only-not-a-secret",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    // `--event-log` is registered only with debug commands on (pkg/cmd/pulumi/operations/preview.go), as in
    // Pulumi's own integration tests.
    PULUMI_DEBUG_COMMANDS: "true",
    NO_COLOR: "1",
  });
  return { root, env };
}

export interface CommandResult {
  readonly code: number;
  readonly output: string;
}

/** Runs `pulumi <args>`, output to `logFile` (and returned); never inherits stdin, always waits for exit. */
export function pulumi(ws: Workspace, args: readonly string[], cwd: string, logFile: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PULUMI, [...args, "--non-interactive", "--color", "never"], { cwd, env: ws.env, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      const output = Buffer.concat(chunks).toString("utf8");
      fs.writeFileSync(logFile, `$ pulumi ${args.join(" ")}\n${output}\n[exit ${code}]\n`);
      resolve({ code: code ?? 1, output });
    });
  });
}

export interface PackArg {
  readonly dir: string;
  readonly config: string;
}

/** `--policy-pack <dir> --policy-pack-config <file>` pairs, in the same order (the CLI refuses a mismatch). */
export function policyArgs(packs: readonly PackArg[]): string[] {
  return packs.flatMap((p) => ["--policy-pack", p.dir, "--policy-pack-config", p.config]);
}

/** One engine operation with an event log; the log is parsed whatever the exit code (mandatory findings fail it). */
export async function operation(
  ws: Workspace,
  name: string,
  args: readonly string[],
  cwd: string,
): Promise<{ result: CommandResult; run: EngineRun; logFile: string }> {
  const events = path.join(ws.root, `${name}.events.jsonl`);
  const logFile = path.join(ws.root, `${name}.log`);
  const result = await pulumi(ws, [...args, "--event-log", events], cwd, logFile);
  const run = parseEventLog(fs.existsSync(events) ? fs.readFileSync(events, "utf8") : "");
  return { result, run, logFile };
}

/**
 * Which Node.js language host the engine will start (bin/pulumi-language-nodejs, found next to `pulumi`): the
 * bridge in front of the real host that build.sh built, or nothing parity accepts.
 */
export function languageHost(bin: string = ENGINE_BIN): { real: boolean; description: string } {
  const launcher = path.join(bin, "pulumi-language-nodejs");
  if (!fs.existsSync(launcher)) return { real: false, description: `${launcher} is missing` };
  const match = /host-bridge\s+(\S+)/.exec(fs.readFileSync(launcher, "utf8"));
  const binary = match ? path.join(match[1], "pulumi-language-nodejs") : "";
  if (!match || !fs.existsSync(binary)) return { real: false, description: `${launcher} does not start the real language host` };
  const version = /nodejs-host-(v[0-9.]+)$/.exec(match[1])?.[1] ?? "unknown version";
  return { real: true, description: `real pulumi-language-nodejs ${version} (${binary}) behind language-host/bridge.ts` };
}
