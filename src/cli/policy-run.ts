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
import { marshalForAnalyzer } from "../testing/wire";
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
    // Resource references are sent as ids or URNs, as the engine marshals analyzer properties (see marshalForAnalyzer).
    props: marshalForAnalyzer(useOutputs && r.custom ? r.outputs : r.props) as Record<string, unknown>,
    parent: r.parent,
    provider: provider ? { type: provider.type, name: provider.name, urn: provider.urn, props: marshalForAnalyzer(provider.props) as Record<string, unknown> } : undefined,
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

export interface RunPacksOptions {
  readonly stack: string;
  readonly project: string;
  readonly onProgress?: (message: string) => void;
  /** Config for a pack instead of its `config/<stack>.json` (the test kit's `packConfig`); undefined keeps the file. */
  readonly configFor?: (packDir: string) => PolicyPackConfig | undefined;
}

const ROOT_STACK = "pulumi:pulumi:Stack";
/** Analyze calls in flight per pack; the engine also analyses resources concurrently as steps run. */
const IN_FLIGHT = 16;

/** The resources the engine would analyse: everything but the root stack. */
export function analysableResources(recorder: ResourceRecorder): RecordedResource[] {
  return recorder.resources.filter((r) => r.type !== ROOT_STACK);
}

/** A counting semaphore: at most `limit` tasks run at once, the rest wait in order. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

interface PackState {
  readonly dir: string;
  readonly configFile?: string;
  readonly started: bigint;
  readonly client: Promise<PolicyPackClient>;
  readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  readonly pending: Promise<AnalyzerFinding[]>[];
}

/**
 * Policy packs attached to one program run, driven like the engine drives them during `pulumi preview`: the packs
 * start while the program runs, each resource is sent to `Analyze` as soon as it registers, and `AnalyzeStack` runs
 * once the program has finished.
 */
export class PolicySession {
  private readonly packs: PackState[];

  private constructor(packs: PackState[], private readonly options: RunPacksOptions) {
    this.packs = packs;
  }

  /** Starts every pack (in parallel, without waiting for them to be up). Config files are read first: a bad one is a usage error. */
  static start(packDirs: readonly string[], options: RunPacksOptions): PolicySession {
    const configs = packDirs.map((dir) => {
      const given = options.configFor?.(dir);
      return given ? { dir, file: undefined, config: given } : { dir, ...packConfigFor(dir, options.stack) };
    });
    const packs = configs.map(({ dir, file, config }) => {
      const client = startPolicyPack(dir, { config, stack: { stack: options.stack, project: options.project, dryRun: true } });
      client.then(
        async (c) => {
          const info = await c.info();
          options.onProgress?.(`policy pack ${info.name}@${info.version} started (${info.policies.length} policies${file ? `, config ${path.basename(file)}` : ""})`);
        },
        () => undefined,
      );
      return { dir, configFile: file, started: process.hrtime.bigint(), client, limit: limiter(IN_FLIGHT), pending: [] };
    });
    return new PolicySession(packs, options);
  }

  /** Sends a newly registered resource to every pack's `Analyze`. */
  analyze(resource: RecordedResource, recorder: ResourceRecorder): void {
    if (resource.type === ROOT_STACK) return;
    const request = toAnalyzerResource(resource, recorder, false);
    for (const pack of this.packs) {
      const findings = pack.client.then((client) => pack.limit(() => client.analyze(request)));
      findings.catch(() => undefined); // surfaced by finish()
      pack.pending.push(findings);
    }
  }

  /** Waits for every `Analyze`, runs `AnalyzeStack` over the whole stack and returns each pack's findings. */
  async finish(recorder: ResourceRecorder): Promise<PackRun[]> {
    const forStack = analysableResources(recorder).map((r) => toAnalyzerResource(r, recorder, true));
    try {
      return await Promise.all(
        this.packs.map(async (pack) => {
          const client = await pack.client;
          const perResource = await Promise.all(pack.pending);
          const stackFindings = await client.analyzeStack(forStack);
          const info = await client.info();
          const millis = Number(process.hrtime.bigint() - pack.started) / 1e6;
          this.options.onProgress?.(`policy pack ${info.name}: ${pack.pending.length} resources analysed, stack checked (${(millis / 1000).toFixed(1)} s since start)`);
          return { dir: pack.dir, info, inventory: loadInventory(pack.dir), configFile: pack.configFile, findings: [...perResource.flat(), ...stackFindings], millis };
        }),
      );
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.packs.map((p) => p.client.then((c) => c.close(), () => undefined)));
  }
}

/** Runs packs over an already recorded program (every resource analysed, then the stack). */
export async function runPacks(packDirs: readonly string[], recorder: ResourceRecorder, options: RunPacksOptions): Promise<PackRun[]> {
  const session = PolicySession.start(packDirs, options);
  for (const resource of recorder.resources) session.analyze(resource, recorder);
  return session.finish(recorder);
}
