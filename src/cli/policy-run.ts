/**
 * Runs policy packs over a recorded program exactly as `pulumi preview --policy-pack` does: each pack in its own
 * process, configured with the stack's pack config, `Analyze` for every resource (inputs), then one `AnalyzeStack`
 * over the whole stack (outputs).
 */
import * as fs from "fs";
import * as path from "path";
import { AnalyzerFinding, AnalyzerInfo, AnalyzerResource, PolicyPackClient, PolicyPackConfig, startPolicyPack } from "../testing/analyzer";
import { RecordedResource, ResourceRecorder } from "../testing/mocks";
import { UsageError } from "./project";
import type { Control } from "../../policy/common/score";

/** A pack may ship `inventory.ts|js` exporting `INVENTORY`: every control it covers, decidable or not. */
function loadInventory(packDir: string): readonly Control[] | undefined {
  const file = ["inventory.ts", "inventory.js"].map((f) => path.join(packDir, f)).find((f) => fs.existsSync(f));
  return file ? (require(file).INVENTORY as readonly Control[] | undefined) : undefined;
}

export interface PackRun {
  readonly dir: string;
  readonly info: AnalyzerInfo;
  /** The pack's control inventory, when it ships an `inventory` module (see policy/common/score.ts). */
  readonly inventory?: readonly Control[];
  /** Path of the config file applied, if any. */
  readonly configFile?: string;
  readonly findings: readonly AnalyzerFinding[];
  readonly millis: number;
}

/** Every directory under `policyRoot` holding a `PulumiPolicy.yaml`, sorted. */
export function discoverPacks(policyRoot: string): string[] {
  if (!fs.existsSync(policyRoot)) return [];
  return fs
    .readdirSync(policyRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(policyRoot, d.name, "PulumiPolicy.yaml")))
    .map((d) => path.join(policyRoot, d.name))
    .sort();
}

/** `<pack>/config/<stack>.json` in `--policy-pack-config` format, if the pack ships one for this stack. */
export function packConfigFor(packDir: string, stack: string): { file?: string; config: PolicyPackConfig } {
  const file = path.join(packDir, "config", `${stack}.json`);
  if (!fs.existsSync(file)) return { config: {} };
  try {
    return { file, config: JSON.parse(fs.readFileSync(file, "utf8")) };
  } catch (err) {
    throw new UsageError(`cannot parse policy pack config ${file}: ${(err as Error).message}`);
  }
}

export function toAnalyzerResource(r: RecordedResource, recorder: ResourceRecorder, useOutputs: boolean): AnalyzerResource {
  const provider = recorder.providerOf(r);
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: useOutputs && r.custom ? r.outputs : r.props,
    parent: r.parent,
    provider: provider ? { type: provider.type, name: provider.name, urn: provider.urn, props: provider.props } : undefined,
    options: {
      protect: r.options.protect,
      ignoreChanges: r.options.ignoreChanges,
      deleteBeforeReplace: r.options.deleteBeforeReplace,
      additionalSecretOutputs: r.options.additionalSecretOutputs,
      aliases: r.options.aliases.filter((a): a is string => typeof a === "string"),
    },
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  };
}

/** Runs `fn` over items with at most `limit` in flight: the CLI analyses resources concurrently, so do we. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}

export interface RunPacksOptions {
  readonly stack: string;
  readonly project: string;
  readonly onProgress?: (message: string) => void;
}

/** The resources the engine would analyse: everything but the root stack. */
export function analysableResources(recorder: ResourceRecorder): RecordedResource[] {
  return recorder.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
}

export async function runPacks(packDirs: readonly string[], recorder: ResourceRecorder, options: RunPacksOptions): Promise<PackRun[]> {
  const resources = analysableResources(recorder);
  const forAnalyze = resources.map((r) => toAnalyzerResource(r, recorder, false));
  const forStack = resources.map((r) => toAnalyzerResource(r, recorder, true));
  const clients: PolicyPackClient[] = [];
  try {
    return await Promise.all(
      packDirs.map(async (dir) => {
        const started = process.hrtime.bigint();
        const { file, config } = packConfigFor(dir, options.stack);
        const client = await startPolicyPack(dir, { config, stack: { stack: options.stack, project: options.project, dryRun: true } });
        clients.push(client);
        const info = await client.info();
        options.onProgress?.(`policy pack ${info.name}@${info.version} started (${info.policies.length} policies${file ? `, config ${path.basename(file)}` : ""})`);
        let done = 0;
        const perResource = await mapLimit(forAnalyze, 16, async (resource) => {
          const findings = await client.analyze(resource);
          done++;
          if (done % 250 === 0) options.onProgress?.(`policy pack ${info.name}: analysed ${done}/${forAnalyze.length} resources`);
          return findings;
        });
        const stackFindings = await client.analyzeStack(forStack);
        const millis = Number(process.hrtime.bigint() - started) / 1e6;
        options.onProgress?.(`policy pack ${info.name}: ${forAnalyze.length} resources analysed in ${(millis / 1000).toFixed(1)} s`);
        return { dir, info, inventory: loadInventory(dir), configFile: file, findings: [...perResource.flat(), ...stackFindings], millis };
      }),
    );
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
