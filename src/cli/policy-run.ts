/**
 * Runs policy packs over a recorded program exactly as `pulumi preview --policy-pack` does: each pack in its own
 * process, configured with the stack's pack config, `Analyze` for every resource (inputs), then one `AnalyzeStack`
 * over the whole stack (outputs).
 */
import * as fs from "fs";
import * as path from "path";
import { AnalyzerFinding, AnalyzerInfo, AnalyzerResource, PolicyPackClient, PolicyPackConfig, startPolicyPack, stopAllPacks } from "../testing/analyzer";
import { processCpuMillis } from "../testing/pack-process";
import { PackConfigFileError, readPackConfigFile } from "../testing/pack-config";
import { RecordedResource, ResourceRecorder } from "../testing/mocks";
import { defaultProviderResources, ROOT_STACK, StackIdentity, toAnalyzerResource } from "./engine-view";
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
  /** Milliseconds the pack took to serve, not counting time the plan's event loop was blocked. */
  readonly startMillis?: number;
  /** CPU milliseconds the pack's process had used when it served its port: the pack's own start cost (Linux). */
  readonly startCpuMillis?: number;
  /** Milliseconds from the plan's session start (the program's first resource) until the pack was configured. */
  readonly readyAtMillis?: number;
  /** CPU milliseconds the pack's process used, where the platform tells (Linux). */
  readonly cpuMillis?: number;
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

/** `<pack>/config/<name>.json` in `--policy-pack-config` format, if the pack ships one under that name. */
export function packConfigFor(packDir: string, name: string): { file?: string; config: PolicyPackConfig } {
  const file = path.join(packDir, "config", `${name}.json`);
  if (!fs.existsSync(file)) return { config: {} };
  try {
    return { file, config: readPackConfigFile(file) };
  } catch (err) {
    if (err instanceof PackConfigFileError) throw new UsageError(err.message);
    throw err;
  }
}

export { toAnalyzerResource };

/** A pack to run and the `--policy-pack-config` document it gets. */
export interface PackSpec {
  readonly dir: string;
  readonly config: PolicyPackConfig;
  /** The file the config came from, for the report and error messages. */
  readonly configFile?: string;
}

export interface RunPacksOptions {
  readonly stack: string;
  readonly project: string;
  /** Stack config (fully qualified keys), sent with ConfigureStack, in PULUMI_CONFIG, and for default providers. */
  readonly config?: Readonly<Record<string, string>>;
  readonly secretKeys?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  /** Properties set on every policy that declares them (`--exemptions`). */
  readonly everyPolicy?: Readonly<Record<string, unknown>>;
  /** Picks `<pack>/config/<name>.json` for packs given as bare directories. @default the stack name */
  readonly configName?: string;
  readonly onProgress?: (message: string) => void;
  /** Called as each `Analyze` call answers (progress output). */
  readonly onAnalysed?: () => void;
  /** Config for a pack instead of its `config/<stack>.json` (the test kit's `packConfig`); undefined keeps the file. */
  readonly configFor?: (packDir: string) => PolicyPackConfig | undefined;
}

/** Analyze calls in flight per pack; the engine also analyses resources concurrently as steps run. */
const IN_FLIGHT = 16;

/** The program's own resources, without the root stack (what rule functions take; see subjectsOf). */
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
  /** Set when the client is up: milliseconds since `started`. */
  readyAtMillis?: number;
}

function specOf(pack: string | PackSpec, configName: string): PackSpec {
  if (typeof pack !== "string") return pack;
  const { file, config } = packConfigFor(pack, configName);
  return { dir: pack, config, configFile: file };
}

/**
 * Policy packs attached to one program run, driven like the engine drives them during `pulumi preview`: the packs
 * start while the program runs, each resource is sent to `Analyze` as soon as it registers (one request, built once,
 * for every pack), and `AnalyzeStack` runs once the program has finished.
 */
export class PolicySession {
  private readonly packs: PackState[];
  private readonly identity: StackIdentity;
  private readonly providersSent = new Set<string>();
  /** Rejects with the first pack that fails to start or to be configured. */
  readonly failure: Promise<never>;

  private constructor(packs: PackState[], private readonly options: RunPacksOptions) {
    this.packs = packs;
    this.identity = { stack: options.stack, project: options.project, config: options.config };
    this.failure = new Promise<never>((_, reject) => {
      for (const p of packs) p.client.catch(reject);
    });
    this.failure.catch(() => undefined); // observed by whoever races it; finish() rethrows the pack's own error
  }

  /** Starts every pack (in parallel, without waiting for them to be up). Config files are read first: a bad one is a usage error. */
  static start(packs: readonly (string | PackSpec)[], options: RunPacksOptions): PolicySession {
    const specs = packs.map((p) => {
      const spec = specOf(p, options.configName ?? options.stack);
      // The test kit's `packConfig` replaces a pack's file config.
      const given = options.configFor?.(spec.dir);
      return given ? { dir: spec.dir, config: given, configFile: undefined } : spec;
    });
    const stack = { stack: options.stack, project: options.project, dryRun: true, config: options.config, secretKeys: options.secretKeys, tags: options.tags };
    const states = specs.map(({ dir, config, configFile }) => {
      const client = startPolicyPack(dir, { config, configSource: configFile ? `config ${configFile}` : undefined, everyPolicy: options.everyPolicy, stack });
      client.then(
        async (c) => {
          const info = await c.info();
          options.onProgress?.(`policy pack ${info.name}@${info.version} ready in ${(c.startMillis / 1000).toFixed(1)} s (${info.policies.length} policies${configFile ? `, config ${path.basename(configFile)}` : ""})`);
        },
        () => undefined,
      );
      const state: PackState = { dir, configFile, started: process.hrtime.bigint(), client, limit: limiter(IN_FLIGHT), pending: [] };
      client.then(
        () => (state.readyAtMillis = Number(process.hrtime.bigint() - state.started) / 1e6),
        () => undefined,
      );
      return state;
    });
    return new PolicySession(states, options);
  }

  private send(request: AnalyzerResource): void {
    for (const pack of this.packs) {
      const findings = pack.client.then((client) => pack.limit(() => client.analyze(request)));
      findings.then(() => this.options.onAnalysed?.(), () => undefined); // failures surfaced by finish()
      pack.pending.push(findings);
    }
  }

  /** Sends a newly registered resource (and, the first time, its default provider) to every pack's `Analyze`. */
  analyze(resource: RecordedResource, recorder: ResourceRecorder): void {
    // Frozen: one protobuf request, built once, for every pack (see analyzer-requests.ts).
    const request = Object.freeze(toAnalyzerResource(resource, recorder, false, this.identity));
    for (const provider of defaultProviderResources([request])) {
      const urn = provider.urn ?? "";
      if (this.providersSent.has(urn)) continue;
      this.providersSent.add(urn);
      this.send(Object.freeze(provider));
    }
    this.send(request);
  }

  /** Waits for every `Analyze`, runs `AnalyzeStack` over the whole stack and returns each pack's findings. */
  async finish(recorder: ResourceRecorder): Promise<PackRun[]> {
    // Like the engine's AnalyzeStack: every resource of the snapshot, the root stack and default providers included.
    const resources = recorder.resources.map((r) => toAnalyzerResource(r, recorder, true, this.identity));
    const root = resources.filter((r) => r.type === ROOT_STACK);
    const forStack = Object.freeze([...root, ...defaultProviderResources(resources), ...resources.filter((r) => r.type !== ROOT_STACK)]);
    try {
      return await Promise.all(
        this.packs.map(async (pack) => {
          const client = await pack.client;
          const perResource = await Promise.all(pack.pending);
          const stackFindings = await client.analyzeStack(forStack);
          const info = await client.info();
          const millis = Number(process.hrtime.bigint() - pack.started) / 1e6;
          this.options.onProgress?.(`policy pack ${info.name}: ${pack.pending.length} resources analysed, stack checked (${(millis / 1000).toFixed(1)} s since start)`);
          const cpuMillis = processCpuMillis(client.pid);
          return { dir: pack.dir, info, inventory: loadInventory(pack.dir), configFile: pack.configFile, findings: [...perResource.flat(), ...stackFindings], millis, startMillis: client.startMillis, startCpuMillis: client.startCpuMillis, readyAtMillis: pack.readyAtMillis, cpuMillis };
        }),
      );
    } finally {
      await this.close();
    }
  }

  /** Stops every pack of this session, started or still starting. */
  async close(): Promise<void> {
    await Promise.all(this.packs.map((p) => p.client.then((c) => c.close(), () => undefined)));
  }
}

/** Runs packs over an already recorded program (every resource analysed, then the stack). */
export async function runPacks(packs: readonly (string | PackSpec)[], recorder: ResourceRecorder, options: RunPacksOptions): Promise<PackRun[]> {
  const session = PolicySession.start(packs, options);
  for (const resource of recorder.resources) session.analyze(resource, recorder);
  return session.finish(recorder);
}

export { stopAllPacks };
