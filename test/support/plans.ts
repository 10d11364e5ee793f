/**
 * Plans of the committed stacks, produced once per jest run and shared by every test file that reads them
 * (schema validation, golden URNs, secrets, policy cleanliness). Produced by the real CLI, as users run it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
const CACHE = path.join(ROOT, "out", ".jest-plans");

export interface StackPlan {
  readonly dir: string;
  readonly exitCode: number;
  readonly log: string;
  readonly resources: any[];
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `plan` for a stack unless this jest run already did; safe across parallel test workers.
 * `after-deploy` (default here): every output known, which is what the content tests (ARNs, schema-valid manifests,
 * golden URNs) assert on. `first-preview` is the plan command's default; tests that need it ask for it.
 */
export function planFor(stack: string, mode: "after-deploy" | "first-preview" = "after-deploy"): StackPlan {
  const runId = process.env.PLAN_RUN_ID ?? `solo-${process.pid}`;
  const key = mode === "after-deploy" ? stack : `${stack}-${mode}`;
  const dir = path.join(CACHE, key);
  const marker = path.join(CACHE, `${key}.done`);
  const lock = path.join(CACHE, `${key}.lock`);
  fs.mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (fs.existsSync(marker) && JSON.parse(fs.readFileSync(marker, "utf8")).runId === runId) break;
    try {
      fs.mkdirSync(lock);
    } catch {
      const holder = fs.existsSync(path.join(lock, "run")) ? fs.readFileSync(path.join(lock, "run"), "utf8") : runId;
      if (holder !== runId) fs.rmSync(lock, { recursive: true, force: true }); // left over from an interrupted run
      else sleep(250);
      continue;
    }
    try {
      fs.writeFileSync(path.join(lock, "run"), runId);
      const result = spawnSync(process.execPath, [path.join(ROOT, "bin", "production-platform.js"), "plan", "--stack", stack, "--out", dir, "--mode", mode], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 300_000,
      });
      fs.writeFileSync(marker, JSON.stringify({ runId, exitCode: result.status, log: `${result.stderr}${result.stdout}` }));
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
  const { exitCode, log } = JSON.parse(fs.readFileSync(marker, "utf8"));
  const resourcesFile = path.join(dir, "resources.json");
  const resources = fs.existsSync(resourcesFile) ? JSON.parse(fs.readFileSync(resourcesFile, "utf8")) : [];
  return { dir, exitCode, log, resources };
}

/** Every file under a directory, relative path → content. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), fs.readFileSync(full, "utf8"));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return files;
}

export const STACKS = ["dev", "staging", "prod"] as const;
