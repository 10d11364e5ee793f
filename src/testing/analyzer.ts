/**
 * Drives a CrossGuard policy pack the way the Pulumi CLI does: the pack runs in its own process under
 * `@pulumi/pulumi/cmd/run-policy-pack`, prints the port of its analyzer gRPC server, and is sent `GetAnalyzerInfo`,
 * `Configure`, `Analyze` per resource and `AnalyzeStack` once.
 *
 * Going through the protocol (rather than calling the pack's functions) is what proves a pack works under the CLI:
 * serialisation of secrets and unknowns, config normalisation, enforcement levels and process start-up all count.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { UNKNOWN } from "./wire";

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

export interface StartOptions {
  /** Applied with `Configure` right after start, as the CLI does with `--policy-pack-config` (default: `{}`). */
  readonly config?: PolicyPackConfig;
  /** Stack context sent with `ConfigureStack`. */
  readonly stack?: { readonly stack: string; readonly project: string; readonly organization?: string; readonly dryRun?: boolean };
  /** Milliseconds to wait for the pack to print its port. */
  readonly startTimeoutMs?: number;
}

export interface PolicyPackClient {
  readonly name: string;
  readonly dir: string;
  /** Process id of the pack's analyzer process. */
  readonly pid: number | undefined;
  info(): Promise<AnalyzerInfo>;
  configure(config: PolicyPackConfig): Promise<void>;
  analyze(resource: AnalyzerResource): Promise<AnalyzerFinding[]>;
  analyzeStack(resources: readonly AnalyzerResource[]): Promise<AnalyzerFinding[]>;
  close(): Promise<void>;
}

const ENFORCEMENT: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const SEVERITY: Severity[] = ["", "low", "medium", "high", "critical"];

function sdk(packDir: string): { root: string; req: (m: string) => any } {
  // Resolve the SDK the pack itself would load, so the protocol classes match the server's.
  const pkg = require.resolve("@pulumi/pulumi/package.json", { paths: [packDir, __dirname] });
  const root = path.dirname(pkg);
  return { root, req: (m: string) => require(path.join(root, m)) };
}

/** Replaces `undefined` (not representable in a protobuf Struct) by the unknown marker, recursively. */
function toStructValue(value: unknown): unknown {
  if (value === undefined) return UNKNOWN;
  if (value === null || typeof value !== "object") return value;
  // Array.from visits holes of sparse arrays too (map would leave them, and protobuf rejects them).
  if (Array.isArray(value)) return Array.from(value, toStructValue);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = toStructValue(v);
  }
  return out;
}

/** Expands a `--policy-pack-config` document into per-policy config, as the CLI does before `Configure`. */
export function normalizePackConfig(config: PolicyPackConfig, info: AnalyzerInfo): Map<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> {
  const readLevel = (entry: unknown): EnforcementLevel | undefined => {
    if (typeof entry === "string") return entry as EnforcementLevel;
    if (entry && typeof entry === "object" && typeof (entry as any).enforcementLevel === "string") return (entry as any).enforcementLevel;
    return undefined;
  };
  for (const key of Object.keys(config)) {
    if (key !== "all" && !info.policies.some((p) => p.name === key)) {
      throw new Error(`policy pack ${info.name}: config names unknown policy ${JSON.stringify(key)}`);
    }
  }
  const allLevel = readLevel(config.all);
  const out = new Map<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>();
  for (const policy of info.policies) {
    const entry = config[policy.name];
    const properties: Record<string, unknown> = {};
    for (const [prop, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if (schema && typeof schema === "object" && "default" in schema) properties[prop] = (schema as any).default;
    }
    if (entry && typeof entry === "object") {
      for (const [k, v] of Object.entries(entry)) if (k !== "enforcementLevel") properties[k] = v;
    }
    const level = readLevel(entry) ?? allLevel ?? policy.enforcementLevel ?? info.enforcementLevel ?? "advisory";
    if (!ENFORCEMENT.includes(level)) {
      throw new Error(`policy pack ${info.name}: enforcement level ${JSON.stringify(level)} for ${policy.name} is not one of ${ENFORCEMENT.join(", ")}`);
    }
    out.set(policy.name, { enforcementLevel: level, properties });
  }
  return out;
}

/** Starts a policy pack in its own process exactly as the Pulumi CLI's policy analyzer plugin does. */
export async function startPolicyPack(packDir: string, options: StartOptions = {}): Promise<PolicyPackClient> {
  const dir = path.resolve(packDir);
  const { root, req } = sdk(dir);
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [root] }));
  const analyzerRpc = req("proto/analyzer_grpc_pb.js");
  const analyzerProto = req("proto/analyzer_pb.js");
  const structProto = require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [root] }));
  const emptyProto = require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [root] }));

  const child: ChildProcess = spawn(process.execPath, [path.join(root, "cmd", "run-policy-pack"), "127.0.0.1:0", dir], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PULUMI_NODEJS_SKIP_COMPONENT_INPUTS: "true" },
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d.toString()));

  const port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    let served = false;
    // The program runs in this process: while it keeps the event loop busy, the pack's port can sit unread in the
    // pipe when the timer comes due. Decide after the pending I/O is read (setImmediate runs after the poll phase),
    // so a pack that did start in time is not reported as not started.
    const timer = setTimeout(() => setImmediate(() => {
      if (served) return;
      child.kill();
      reject(new Error(`policy pack ${dir} did not start within ${options.startTimeoutMs ?? 120000} ms\n${stderr}`));
    }), options.startTimeoutMs ?? 120000);
    child.stdout?.on("data", (d) => {
      stdout += d.toString();
      const line = stdout.split("\n").find((l) => /^\d+$/.test(l.trim()));
      if (line) {
        served = true;
        clearTimeout(timer);
        resolve(Number(line.trim()));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`policy pack ${dir} exited with code ${code} before serving:\n${stderr}${stdout}`));
    });
  });
  child.removeAllListeners("exit");
  child.stdout?.removeAllListeners("data");
  child.stdout?.resume();

  const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      client[method](request, (err: Error | null, resp: T) => (err ? reject(new Error(`${method} on ${dir}: ${err.message}\n${stderr}`)) : resolve(resp))),
    );

  const toFindings = (resp: any): AnalyzerFinding[] =>
    resp.getDiagnosticsList().map((d: any) => ({
      policyPackName: d.getPolicypackname(),
      policyPackVersion: d.getPolicypackversion(),
      policyName: d.getPolicyname(),
      description: d.getDescription(),
      message: d.getMessage(),
      enforcementLevel: ENFORCEMENT[d.getEnforcementlevel()] ?? "advisory",
      urn: d.getUrn() || undefined,
      severity: SEVERITY[d.getSeverity()] ?? "",
    }));

  const options_ = (r: AnalyzerResource) => {
    const o = new analyzerProto.AnalyzerResourceOptions();
    o.setProtect(r.options?.protect ?? false);
    o.setIgnorechangesList([...(r.options?.ignoreChanges ?? [])]);
    o.setDeletebeforereplace(r.options?.deleteBeforeReplace ?? false);
    o.setDeletebeforereplacedefined(r.options?.deleteBeforeReplace !== undefined);
    o.setAdditionalsecretoutputsList([...(r.options?.additionalSecretOutputs ?? [])]);
    o.setAliasesList([...(r.options?.aliases ?? [])]);
    if (r.parent) o.setParent(r.parent);
    return o;
  };
  const provider_ = (r: AnalyzerResource) => {
    if (!r.provider) return undefined;
    const p = new analyzerProto.AnalyzerProviderResource();
    p.setType(r.provider.type);
    p.setName(r.provider.name);
    p.setUrn(r.provider.urn);
    p.setProperties(structProto.Struct.fromJavaScript(toStructValue(r.provider.props)));
    return p;
  };
  const urnOf = (r: AnalyzerResource) => r.urn ?? `urn:pulumi:stack::project::${r.type}::${r.name}`;

  let cachedInfo: AnalyzerInfo | undefined;
  const info = async (): Promise<AnalyzerInfo> => {
    if (cachedInfo) return cachedInfo;
    const resp: any = await call("getAnalyzerInfo", new emptyProto.Empty());
    cachedInfo = {
      name: resp.getName(),
      version: resp.getVersion(),
      policies: resp.getPoliciesList().map((p: any) => {
        const schema = p.getConfigschema();
        const framework = p.getFramework?.();
        return {
          name: p.getName(),
          displayName: p.getDisplayname(),
          description: p.getDescription(),
          enforcementLevel: ENFORCEMENT[p.getEnforcementlevel()] ?? "advisory",
          severity: SEVERITY[p.getSeverity?.() ?? 0] ?? "",
          configSchema: schema ? { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } : undefined,
          framework: framework
            ? { name: framework.getName(), version: framework.getVersion(), reference: framework.getReference(), specification: framework.getSpecification() }
            : undefined,
          tags: p.getTagsList?.() ?? [],
          remediationSteps: p.getRemediationSteps?.() ?? "",
        } satisfies PolicyInfo;
      }),
    };
    return cachedInfo;
  };

  const configure = async (config: PolicyPackConfig): Promise<void> => {
    const normalized = normalizePackConfig(config, await info());
    const request = new analyzerProto.ConfigureAnalyzerRequest();
    const map = request.getPolicyconfigMap();
    for (const [name, entry] of normalized) {
      const pc = new analyzerProto.PolicyConfig();
      pc.setEnforcementlevel(ENFORCEMENT.indexOf(entry.enforcementLevel));
      pc.setProperties(structProto.Struct.fromJavaScript(toStructValue(entry.properties)));
      map.set(name, pc);
    }
    await call("configure", request);
  };

  const packInfo = await info();
  if (options.stack && analyzerProto.AnalyzerStackConfigureRequest) {
    const sc = new analyzerProto.AnalyzerStackConfigureRequest();
    sc.setStack(options.stack.stack);
    sc.setProject(options.stack.project);
    sc.setOrganization(options.stack.organization ?? "organization");
    sc.setDryRun(options.stack.dryRun ?? true);
    await call("configureStack", sc).catch(() => undefined);
  }
  // The CLI always configures a pack (schema defaults included), even without a config file.
  await configure(options.config ?? {});

  return {
    name: packInfo.name,
    dir,
    pid: child.pid,
    info,
    configure,
    async analyze(resource) {
      const request = new analyzerProto.AnalyzeRequest();
      request.setType(resource.type);
      request.setName(resource.name);
      request.setUrn(urnOf(resource));
      request.setProperties(structProto.Struct.fromJavaScript(toStructValue(resource.props)));
      request.setOptions(options_(resource));
      const provider = provider_(resource);
      if (provider) request.setProvider(provider);
      // The engine attributes a resource policy's diagnostic to the resource it analysed.
      return toFindings(await call("analyze", request)).map((f) => ({ ...f, urn: f.urn ?? urnOf(resource) }));
    },
    async analyzeStack(resources) {
      const request = new analyzerProto.AnalyzeStackRequest();
      request.setResourcesList(
        resources.map((r) => {
          const ar = new analyzerProto.AnalyzerResource();
          ar.setType(r.type);
          ar.setName(r.name);
          ar.setUrn(urnOf(r));
          ar.setProperties(structProto.Struct.fromJavaScript(toStructValue(r.props)));
          ar.setOptions(options_(r));
          const provider = provider_(r);
          if (provider) ar.setProvider(provider);
          if (r.parent) ar.setParent(r.parent);
          ar.setDependenciesList([...(r.dependencies ?? [])]);
          const deps = ar.getPropertydependenciesMap();
          for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
            const pd = new analyzerProto.AnalyzerPropertyDependencies();
            pd.setUrnsList([...urns]);
            deps.set(key, pd);
          }
          return ar;
        }),
      );
      return toFindings(await call("analyzeStack", request));
    },
    async close() {
      client.close();
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        });
      }
    },
  };
}
