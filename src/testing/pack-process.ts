/**
 * The pack's process: its environment as the engine sets it, its start-up, and stopping it (and every other pack
 * process this process started) so none outlives a plan.
 */
import { ChildProcess } from "child_process";
import type { StackContext } from "./analyzer";

/**
 * The environment the engine gives a policy pack process (pulumi/pulumi pkg/resource/plugin/analyzer_plugin.go,
 * `constructEnv`): the stack config as JSON in PULUMI_CONFIG and the stack's identity in PULUMI_NODEJS_* and PULUMI_*.
 * Offline, `secure:` values stay ciphertext (the engine decrypts them; we have no key).
 */
export function packEnvironment(stack: StackContext | undefined): Record<string, string> {
  const env: Record<string, string> = { PULUMI_NODEJS_SKIP_COMPONENT_INPUTS: "true" };
  if (!stack) return env;
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== "") env[key] = value;
  };
  set("PULUMI_CONFIG", stack.config ? JSON.stringify(stack.config) : undefined);
  const dryRun = String(stack.dryRun ?? true);
  for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
    set(`${prefix}ORGANIZATION`, stack.organization ?? "organization");
    set(`${prefix}PROJECT`, stack.project);
    set(`${prefix}STACK`, stack.stack);
    set(`${prefix}DRY_RUN`, dryRun);
  }
  return env;
}

/**
 * Waits for the pack to print its port. The budget only runs while this event loop is responsive: each tick adds at
 * most twice its interval, so seconds the loop spent blocked (by the program under the plan) are not charged to the
 * pack. Resolves with the port, the responsive milliseconds it took and the CPU the pack process had used by then
 * (its own start cost, whatever this process was doing meanwhile).
 */
export function waitForPort(child: ChildProcess, dir: string, timeoutMs: number, stderrOf: () => string): Promise<{ port: number; millis: number; cpuMillis?: number }> {
  const TICK = 100;
  return new Promise((resolve, reject) => {
    let stdout = "";
    let charged = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      charged += Math.min(now - last, 2 * TICK);
      last = now;
      if (charged < timeoutMs) return;
      clearInterval(timer);
      child.kill();
      reject(new Error(`policy pack ${dir} did not start within ${timeoutMs} ms\n${stderrOf()}`));
    }, TICK);
    child.stdout?.on("data", (d) => {
      stdout += d.toString();
      const line = stdout.split("\n").find((l) => /^\d+$/.test(l.trim()));
      if (!line) return;
      clearInterval(timer);
      resolve({ port: Number(line.trim()), millis: charged + Math.min(Date.now() - last, 2 * TICK), cpuMillis: processCpuMillis(child.pid) });
    });
    child.on("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`policy pack ${dir} exited with code ${code} before serving:\n${stderrOf()}${stdout}`));
    });
  });
}

/**
 * CPU milliseconds (user + system) a running process has used so far, from Linux's /proc/<pid>/stat (utime and
 * stime, in clock ticks of 100 Hz, the kernel's USER_HZ); undefined elsewhere or once it has exited. For the plan's
 * `--json` timings and `npm run bench`, never for a decision.
 */
export function processCpuMillis(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== "linux") return undefined;
  try {
    const stat = require("fs").readFileSync(`/proc/${pid}/stat`, "utf8") as string;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Every pack process this process started that has not exited yet. */
const running = new Set<ChildProcess>();
// Last line of defence: whatever way this process ends, no pack process outlives it.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Pids of the pack processes still running (for tests and crash reports). */
export function runningPackPids(): number[] {
  return [...running].map((c) => c.pid).filter((p): p is number => p !== undefined);
}

/** Stops every pack process still running (a crash path: the clients may be unreachable). */
export async function stopAllPacks(): Promise<void> {
  await Promise.all([...running].map(stopProcess));
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Registers a started pack process so that stopAllPacks and process exit reach it. */
export function track(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
}
