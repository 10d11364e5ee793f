/**
 * Helpers for running Prometheus' own tools (promtool, amtool) on generated configuration.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

/** Absolute path of a tool on PATH, or undefined. */
export function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, tool);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Decides whether a tool-backed suite runs. Locally a missing tool skips with a visible warning; in CI it is a
 * failure, because a proof that silently does not run proves nothing.
 */
export function toolAvailability(tool: string, debianPackage: string): { path?: string; skipReason?: string } {
  const found = which(tool);
  if (found) return { path: found };
  const message = `${tool} not found on PATH: install it with \`apt-get install -y ${debianPackage}\``;
  if (process.env.CI === "true") throw new Error(`${message}. CI must run the ${tool} checks, refusing to skip.`);
  console.warn(`SKIPPING ${tool} checks: ${message}.`);
  return { skipReason: message };
}

export interface ToolResult {
  readonly status: number | null;
  readonly output: string;
  readonly stdout: string;
}

export function run(tool: string, args: readonly string[], cwd: string): ToolResult {
  const result = spawnSync(tool, [...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout ?? "", output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}` };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** YAML without anchors (promtool's parser handles them, but a reader should not have to). */
export function writeYaml(dir: string, file: string, value: unknown): string {
  const target = path.join(dir, file);
  fs.writeFileSync(target, YAML.stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 }));
  return target;
}

/**
 * A counter sampled once per interval, as promtool's explicit `values` list: `perStep[i]` is the increase during
 * step i. Lets a test say "60 minutes at 100 req/min, then 30 minutes at 90" without hand-writing expanding notation.
 */
export function counterSeries(perStep: readonly number[]): string {
  const values = [0];
  for (const inc of perStep) values.push(values[values.length - 1] + inc);
  return values.map((v) => String(Math.round(v * 1000) / 1000)).join(" ");
}

/** `n` repetitions of a per-step increase. */
export function steps(n: number, increase: number): number[] {
  return Array.from({ length: n }, () => increase);
}
