/** Runs commands for the packaging tests: fails with the command's output, never with a bare exit code. */
import { spawnSync } from "child_process";

export interface Ran {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment without the `npm_*` variables `npm test` sets: a nested `npm install` must act on its own
 * directory, not inherit the outer run's prefix or config.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export function run(command: string, args: readonly string[], cwd: string, options: { allowStatus?: readonly number[]; env?: NodeJS.ProcessEnv } = {}): Ran {
  const result = spawnSync(command, [...args], { cwd, env: options.env ?? cleanEnv(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ran = { status: result.status ?? -1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
  if (result.error || !(options.allowStatus ?? [0]).includes(ran.status)) {
    throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${ran.status}${result.error ? ` (${result.error.message})` : ""}\n--- stdout\n${ran.stdout.slice(-4000)}\n--- stderr\n${ran.stderr.slice(-4000)}`);
  }
  return ran;
}
