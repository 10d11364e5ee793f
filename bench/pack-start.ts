/**
 * Each pack's start for `npm run bench` (issue 22), measured alone so the plan's own work does not blur it: spawn to
 * `GetAnalyzerInfo` answered (wall) and the CPU the pack process used by then, as the engine starts it (no code
 * cache) and as the plan starts it (src/testing/code-cache.ts), interleaved, after one warm-up of each.
 */
import * as path from "path";
import { startPolicyPack } from "../src/testing/analyzer";
import { processCpuMillis } from "../src/testing/pack-process";
import { median, Table } from "./plans";

async function oneStart(dir: string, codeCache: boolean): Promise<{ wall: number; cpu: number }> {
  const started = process.hrtime.bigint();
  const pack = await startPolicyPack(dir, { codeCache });
  try {
    await pack.info();
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    return { wall, cpu: processCpuMillis(pack.pid) ?? NaN };
  } finally {
    await pack.close();
  }
}

/** One row per pack: median wall and CPU to GetAnalyzerInfo, engine-like and with the cache, over `rounds` runs. */
export async function packStartRows(root: string, packs: readonly string[], rounds: number): Promise<Table> {
  const rows: Table = [["pack", "as the engine starts it: wall s (CPU s)", "as the plan starts it, code cache: wall s (CPU s)", "goal"]];
  for (const name of packs) {
    const dir = path.join(root, "policy", name);
    await oneStart(dir, false);
    await oneStart(dir, true);
    const runs: Record<"engine" | "cached", { wall: number; cpu: number }[]> = { engine: [], cached: [] };
    for (let i = 0; i < rounds; i++) {
      runs.engine.push(await oneStart(dir, false));
      runs.cached.push(await oneStart(dir, true));
    }
    const cell = (r: { wall: number; cpu: number }[]) => `${(median(r.map((x) => x.wall)) / 1000).toFixed(2)} (${(median(r.map((x) => x.cpu)) / 1000).toFixed(2)})`;
    rows.push([name, cell(runs.engine), cell(runs.cached), "≤ 0.3 s"]);
  }
  return rows;
}
