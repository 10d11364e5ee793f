/**
 * Drives a CrossGuard policy pack the way the Pulumi CLI does: the pack runs in its own process under
 * `@pulumi/pulumi/cmd/run-policy-pack`, prints the port of its analyzer gRPC server, and is sent `GetAnalyzerInfo`,
 * `Configure`, `Analyze` per resource and `AnalyzeStack` once.
 *
 * Going through the protocol (rather than calling the pack's functions) is what proves a pack works under the CLI:
 * serialisation of secrets and unknowns, config normalisation, enforcement levels and process start-up all count.
 */
import * as path from "path";
import { runnablePackDir } from "./pack-build";
import { RequestBuilder, requestsFor, urnOf } from "./analyzer-requests";
import { analyzerInfoOf, configureRequest, connectPack, packProtocol, PackConnection, PackProcess, PackProtocol, spawnPack, stackConfigureRequest, toFindings } from "./analyzer-protocol";
import { packEnvironment, runningPackPids, stopAllPacks, stopProcess } from "./pack-process";

export { packEnvironment, runningPackPids, stopAllPacks };
import { PackConfigError, packConfigProblems, PolicyConfigEntry, reconcilePackConfig } from "./pack-config";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type Severity = "" | "low" | "medium" | "high" | "critical";

/** A resource as an analyzer sees it. `props` may be plain JSON or Pulumi's wire format (secrets, unknowns). */
export interface AnalyzerResource {
  readonly type: string;
  readonly name: string;
  readonly urn?: string;
  readonly props: Record<string, unknown>;
  readonly parent?: string;
  readonly provider?: { readonly type: string; readonly name: string; readonly urn: string; readonly props: Record<string, unknown> };
  readonly options?: {
    readonly protect?: boolean;
    readonly ignoreChanges?: readonly string[];
    readonly deleteBeforeReplace?: boolean;
    readonly additionalSecretOutputs?: readonly string[];
    readonly aliases?: readonly string[];
  };
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** One diagnostic as the pack returned it. */
export interface AnalyzerFinding {
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly policyName: string;
  readonly description: string;
  readonly message: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly urn?: string;
  readonly severity: Severity;
}

export interface PolicyInfo {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: Severity;
  readonly configSchema?: { properties: Record<string, any>; required: string[] };
  readonly framework?: { name: string; version: string; reference: string; specification: string };
  readonly tags: readonly string[];
  readonly remediationSteps: string;
}

export interface AnalyzerInfo {
  readonly name: string;
  readonly version: string;
  readonly enforcementLevel?: EnforcementLevel;
  readonly policies: readonly PolicyInfo[];
}

/**
 * Pack config in the format of a `--policy-pack-config` file: `{"all": "mandatory"}`,
 * `{"all": {"enforcementLevel": "advisory"}, "<policy>": {"enforcementLevel": "...", "<prop>": value}}`.
 */
export type PolicyPackConfig = Record<string, unknown>;

/** The stack a pack analyses, as the engine describes it to the pack (ConfigureStack and the pack's environment). */
export interface StackContext {
  readonly stack: string;
  readonly project: string;
  readonly organization?: string;
  readonly dryRun?: boolean;
  /** Stack config, fully qualified key → value as the engine holds it (`PULUMI_CONFIG`, ConfigureStack `config`). */
  readonly config?: Readonly<Record<string, string>>;
  readonly secretKeys?: readonly string[];
  /** Stack tags (`pulumi:project`, `pulumi:runtime`, …). */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface StartOptions {
  /** Applied with `Configure` right after start, as the CLI does with `--policy-pack-config` (default: `{}`). */
  readonly config?: PolicyPackConfig;
  /** Applied before `config`, as the engine applies a pack's programmatic `initialConfig` (default: `{}`). */
  readonly initialConfig?: PolicyPackConfig;
  /** Names the config's source (a file) in error messages. */
  readonly configSource?: string;
  /**
   * Properties set on every policy whose config schema declares them, before `initialConfig` (the plan's
   * `--exemptions <file>` sets `exemptionsFile` this way; the engine has no such option).
   */
  readonly everyPolicy?: Readonly<Record<string, unknown>>;
  /** Stack context sent with `ConfigureStack` and set in the pack's environment. */
  readonly stack?: StackContext;
  /**
   * Milliseconds the pack may take to print its port, counted only while this process's event loop is responsive
   * (a plan busy running the program must not make a healthy pack look slow). @default 120000
   */
  readonly startTimeoutMs?: number;
  /**
   * Load the pack's modules through the V8 code cache (code-cache.ts): the same code, compiled once rather than at
   * every start. `false` starts the pack exactly as the engine does (what `npm run bench` compares). @default true
   */
  readonly codeCache?: boolean;
}

export interface PolicyPackClient {
  readonly name: string;
  readonly dir: string;
  /** Process id of the pack's analyzer process. */
  readonly pid: number | undefined;
  /** Milliseconds from spawn until the pack served its port, not counting time this process was blocked. */
  readonly startMillis: number;
  /** CPU milliseconds the pack process had used when it served its port (Linux; undefined elsewhere). */
  readonly startCpuMillis?: number;
  info(): Promise<AnalyzerInfo>;
  configure(config: PolicyPackConfig): Promise<void>;
  analyze(resource: AnalyzerResource): Promise<AnalyzerFinding[]>;
  analyzeStack(resources: readonly AnalyzerResource[]): Promise<AnalyzerFinding[]>;
  /**
   * One deployment as the engine runs it: `Analyze` for every resource in registration order (a few in flight, as
   * steps run concurrently), then one `AnalyzeStack`; every finding, per-resource ones first.
   */
  analyzeDeployment(resources: readonly AnalyzerResource[], stackResources?: readonly AnalyzerResource[]): Promise<AnalyzerFinding[]>;
  close(): Promise<void>;
}

/** Analyze calls in flight per pack; sent in order, so a Namespace is analysed before the objects after it. */
const IN_FLIGHT = 16;

function sdk(packDir: string): { root: string; req: (m: string) => any } {
  // Resolve the SDK the pack itself would load, so the protocol classes match the server's.
  const pkg = require.resolve("@pulumi/pulumi/package.json", { paths: [packDir, __dirname] });
  const root = path.dirname(pkg);
  return { root, req: (m: string) => require(path.join(root, m)) };
}

/**
 * Expands a `--policy-pack-config` document into per-policy config as the engine does before `Configure`
 * (see pack-config.ts: schema defaults, `initialConfig`, `all`, per policy, then JSON-schema validation).
 */
export function normalizePackConfig(config: PolicyPackConfig, info: AnalyzerInfo, initialConfig: PolicyPackConfig = {}): Map<string, PolicyConfigEntry> {
  return reconcile(config, info, initialConfig);
}

function reconcile(config: PolicyPackConfig, info: AnalyzerInfo, initialConfig: PolicyPackConfig, source?: string): Map<string, PolicyConfigEntry> {
  const problems = packConfigProblems(config);
  if (problems.length > 0) throw new PackConfigError(problems.map((p) => `pack ${info.name}${source ? `, ${source}` : ""}: ${p}`));
  return reconcilePackConfig(info, initialConfig, config, source);
}

function everyPolicyConfig(info: AnalyzerInfo, properties: Readonly<Record<string, unknown>>): PolicyPackConfig {
  const out: PolicyPackConfig = {};
  for (const p of info.policies) {
    const declared = Object.entries(properties).filter(([k]) => k in (p.configSchema?.properties ?? {}));
    if (declared.length > 0) out[p.name] = Object.fromEntries(declared);
  }
  return out;
}

/** The engine's start-up exchange with a pack (ConfigureStack, GetAnalyzerInfo, Configure); returns the pack's info. */
async function configureAtStart(
  protocol: PackProtocol,
  conn: PackConnection,
  pack: PackProcess,
  options: StartOptions,
  info: () => Promise<AnalyzerInfo>,
  sendConfigure: (normalized: Map<string, PolicyConfigEntry>) => Promise<void>,
): Promise<AnalyzerInfo> {
  let packInfo: AnalyzerInfo;
  try {
    // The engine's order: ConfigureStack first (stack identity, config and tags), then GetAnalyzerInfo, then Configure
    // with the reconciled config (pulumi/pulumi pkg/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer).
    if (options.stack && protocol.analyzerProto.AnalyzerStackConfigureRequest) {
      await conn.call("configureStack", stackConfigureRequest(protocol.analyzerProto, options.stack)).catch((err: Error) => {
        // An older policy SDK does not implement ConfigureStack; the engine goes on without it, so do we.
        if (!/UNIMPLEMENTED/i.test(err.message)) throw err;
      });
    }
    packInfo = await info();
    // The CLI always configures a pack (schema defaults included), even without a config file.
    const initial = { ...everyPolicyConfig(packInfo, options.everyPolicy ?? {}), ...(options.initialConfig ?? {}) };
    await sendConfigure(reconcile(options.config ?? {}, packInfo, initial, options.configSource));
  } catch (err) {
    // A pack that cannot be configured is stopped here: no caller holds a client to close it.
    conn.close();
    await stopProcess(pack.child);
    throw err;
  }
  return packInfo;
}

/** The client of a started, configured pack. */
function packClientOf(
  parts: { dir: string; pack: PackProcess; conn: PackConnection; requests: RequestBuilder; packInfo: AnalyzerInfo },
  info: () => Promise<AnalyzerInfo>,
  configure: (config: PolicyPackConfig) => Promise<void>,
): PolicyPackClient {
  const { dir, pack, conn, requests, packInfo } = parts;
  const packClient: PolicyPackClient = {
    name: packInfo.name,
    dir,
    pid: pack.child.pid,
    startMillis: pack.startMillis,
    startCpuMillis: pack.startCpuMillis,
    info,
    configure,
    async analyze(resource) {
      // The engine attributes a resource policy's diagnostic to the resource it analysed.
      return toFindings(await conn.callSerialized("analyze", requests.analyze(resource))).map((f) => ({ ...f, urn: f.urn ?? urnOf(resource) }));
    },
    async analyzeStack(resources) {
      return toFindings(await conn.callSerialized("analyzeStack", requests.analyzeStack(resources)));
    },
    async analyzeDeployment(resources, stackResources) {
      const perResource: AnalyzerFinding[][] = new Array(resources.length);
      let next = 0;
      const worker = async () => {
        while (next < resources.length) {
          const i = next++;
          perResource[i] = await packClient.analyze(resources[i]);
        }
      };
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, resources.length) }, worker));
      return [...perResource.flat(), ...(await packClient.analyzeStack(stackResources ?? resources))];
    },
    async close() {
      conn.close();
      await stopProcess(pack.child);
    },
  };
  return packClient;
}

/** Starts a policy pack in its own process exactly as the Pulumi CLI's policy analyzer plugin does. */
export async function startPolicyPack(packDir: string, options: StartOptions = {}): Promise<PolicyPackClient> {
  // This checkout's TypeScript packs start as their compiled build (pack-build.ts runnablePackDir); others as given.
  const dir = runnablePackDir(packDir);
  const { root, req } = sdk(dir);
  const protocol = packProtocol(root, req);
  const requests = requestsFor(root);
  const pack = await spawnPack(protocol, dir, options);
  const conn = connectPack(protocol, dir, pack);

  let cachedInfo: AnalyzerInfo | undefined;
  const info = async (): Promise<AnalyzerInfo> => {
    if (cachedInfo) return cachedInfo;
    const resp: any = await conn.call("getAnalyzerInfo", new protocol.emptyProto.Empty());
    cachedInfo = analyzerInfoOf(resp);
    return cachedInfo;
  };
  const sendConfigure = async (normalized: Map<string, PolicyConfigEntry>): Promise<void> => {
    await conn.call("configure", configureRequest(protocol, normalized));
  };
  const configure = async (config: PolicyPackConfig): Promise<void> => sendConfigure(normalizePackConfig(config, await info()));

  const packInfo = await configureAtStart(protocol, conn, pack, options, info, sendConfigure);
  return packClientOf({ dir, pack, conn, requests, packInfo }, info, configure);
}
