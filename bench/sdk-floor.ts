/**
 * The floor under the plan's per-resource cost (issue 22): the Pulumi SDK's own mocks (`pulumi.runtime.setMocks` with a
 * trivial `newResource` and `call`) running bench/synthetic, each size in a process of its own as the plan runs. The
 * program gets the same stack config, working directory, root stack component and transpile-only TypeScript as under
 * the plan, and the SDK the same lean promise wrapper (src/testing/sdk-cost.ts; the plan uses it outside `--debug`), so
 * what is left is the SDK's own work per resource; the plan's figure beside it minus this one is ours (recording, the
 * engine emulation, fakes, plan files).
 *
 * Run as a child: `node -r ts-node/register/transpile-only bench/sdk-floor.ts <program dir> <stack>`; prints one JSON
 * line (resources registered, program milliseconds, process CPU milliseconds, peak RSS MiB), measured as the plan's
 * `--json` timings measure them.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { loadProject } from "../src/cli/project";
import { skipPromiseStacks } from "../src/testing/sdk-cost";

export interface FloorFigures {
  readonly resources: number;
  readonly programSeconds: number;
  /** CPU of the whole process (start-up included, as the plan's `cpuMillis`). */
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
}

/** One run of `programDir` at `stack` under the SDK's own mocks, in its own process. */
export function sdkFloor(programDir: string, stack: string): FloorFigures {
  const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", __filename, programDir, stack], {
    cwd: path.resolve(__dirname, ".."),
    // swc, as bin/production-platform.js compiles the plan's own TypeScript, so start-up costs the two alike.
    env: { ...process.env, TS_NODE_SWC: "true" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`SDK mocks run of ${stack} exited ${result.status}: ${(result.stderr ?? "").slice(-2000)}`);
  const t = JSON.parse(result.stdout.trim().split("\n").pop()!);
  return { resources: t.resources, programSeconds: t.programMillis / 1000, cpuSeconds: t.cpuMillis / 1000, peakRssMiB: t.peakRssMiB };
}

async function runUnderSdkMocks(programDir: string, stack: string): Promise<void> {
  const project = loadProject(programDir, stack);
  const sdkRoot = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [project.dir] }));
  const pulumi = require(sdkRoot);
  let resources = 0;
  pulumi.runtime.setAllConfig(project.config, project.secretKeys);
  await pulumi.runtime.setMocks(
    {
      newResource: (args: { name: string; inputs: Record<string, unknown> }) => {
        resources++;
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args: { inputs: Record<string, unknown> }) => args.inputs,
    },
    project.name,
    project.stack,
    true,
  );
  skipPromiseStacks(sdkRoot);
  const started = process.hrtime.bigint();
  process.chdir(project.dir);
  await pulumi.runtime.runInPulumiStack(async () => require(project.main));
  await require(path.join(sdkRoot, "runtime", "settings.js")).waitForRPCs();
  const programMillis = Number(process.hrtime.bigint() - started) / 1e6;
  const usage = process.cpuUsage();
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ resources, programMillis, cpuMillis: Math.round((usage.user + usage.system) / 1000), peakRssMiB })}\n`);
}

if (require.main === module) {
  runUnderSdkMocks(path.resolve(process.argv[2]), process.argv[3]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
