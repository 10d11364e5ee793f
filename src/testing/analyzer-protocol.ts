/**
 * One policy pack's side of the analyzer protocol (analyzer.ts startPolicyPack): its process, started as the Pulumi
 * CLI's policy analyzer plugin starts it, the gRPC client that talks to it, and the protocol's messages built and
 * decoded (pack info, findings, `Configure` and `ConfigureStack` requests).
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import type { AnalyzerFinding, AnalyzerInfo, EnforcementLevel, PolicyInfo, Severity, StackContext, StartOptions } from "./analyzer";
import { toStructValue } from "./analyzer-requests";
import { isCompiledPack } from "./pack-build";
import { codeCacheLaunch } from "./pack-code-cache";
import type { PolicyConfigEntry } from "./pack-config";
import { unaryChannel } from "./grpc-unary";
import { packEnvironment, track, waitForPort } from "./pack-process";

export const ENFORCEMENT: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
export const SEVERITY: Severity[] = ["", "low", "medium", "high", "critical"];

/** The protocol modules of the SDK copy the pack loads (so the protocol classes match the server's). */
export interface PackProtocol {
  readonly root: string;
  readonly analyzerRpc: any;
  readonly analyzerProto: any;
  readonly structProto: any;
  readonly emptyProto: any;
  /** google-protobuf's wire reader (`BinaryReader`), the one the generated messages decode with. */
  readonly binaryReader: any;
}

export function packProtocol(root: string, req: (m: string) => any): PackProtocol {
  return {
    root,
    analyzerRpc: req("proto/analyzer_grpc_pb.js"),
    analyzerProto: req("proto/analyzer_pb.js"),
    structProto: require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [root] })),
    emptyProto: require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [root] })),
    binaryReader: require(require.resolve("google-protobuf", { paths: [root] })).BinaryReader,
  };
}

/** A started pack process that served its port. */
export interface PackProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly startMillis: number;
  readonly startCpuMillis?: number;
  /** Everything the pack wrote to stderr so far. */
  stderr(): string;
}

/** Spawns the pack under `@pulumi/pulumi/cmd/run-policy-pack` and waits for the port it prints. */
export async function spawnPack(protocol: PackProtocol, dir: string, options: StartOptions): Promise<PackProcess> {
  const { root } = protocol;
  const cache = options.codeCache === false ? undefined : codeCacheLaunch();
  // This package's compiled packs skip the SDK runner's TypeScript set-up (compiled-pack-runner.ts); any other pack
  // starts under the SDK's own runner, as `pulumi preview --policy-pack` starts it.
  const entry = cache && isCompiledPack(dir) ? cache.compiledPackRunner : path.join(root, "cmd", "run-policy-pack");
  const child: ChildProcess = spawn(process.execPath, [...(cache?.execArgv ?? []), entry, "127.0.0.1:0", dir], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...cache?.env, ...packEnvironment(options.stack) },
  });
  track(child);
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d.toString()));
  const { port, millis: startMillis, cpuMillis: startCpuMillis } = await waitForPort(child, dir, options.startTimeoutMs ?? 120000, () => stderr);
  child.removeAllListeners("exit");
  child.stdout?.removeAllListeners("data");
  child.stdout?.resume();
  return { child, port, startMillis, startCpuMillis, stderr: () => stderr };
}

/** The gRPC client of a started pack; failed calls name the method, the pack and what it wrote to stderr. */
export interface PackConnection {
  call<T>(method: string, request: unknown): Promise<T>;
  callSerialized<T>(method: "analyze" | "analyzeStack", bytes: Uint8Array): Promise<T>;
  close(): void;
}

/**
 * One HTTP/2 session to the pack, every call unary on it (grpc-unary.ts), as the engine's analyzer plugin calls
 * its pack. Method paths and message (de)serialisers are the generated service definition's, so a call carries the
 * bytes the generated grpc-js client would send.
 */
export function connectPack(protocol: PackProtocol, dir: string, pack: PackProcess): PackConnection {
  const service = protocol.analyzerRpc.AnalyzerService;
  const channel = unaryChannel(pack.port);
  const failed = (method: string) => (err: Error) => {
    throw new Error(`${method} on ${dir}: ${err.message}\n${pack.stderr()}`);
  };
  const call = async <T>(method: string, request: unknown): Promise<T> => {
    const def = service[method];
    const bytes = await channel.call(def.path, def.requestSerialize(request)).catch(failed(method));
    return def.responseDeserialize(bytes);
  };
  // Analyze and AnalyzeStack go out as the bytes requestsFor serialised once for every pack (see analyzer-requests.ts);
  // the response is decoded for its diagnostics (diagnosticsOnly).
  const decode = diagnosticsOnly(protocol);
  const callSerialized = async <T>(method: "analyze" | "analyzeStack", bytes: Uint8Array): Promise<T> =>
    decode(await channel.call(service[method].path, bytes).catch(failed(method))) as T;
  return { call, callSerialized, close: () => channel.close() };
}

/** Field numbers of `pulumirpc.AnalyzeResponse` (proto/analyzer.proto). */
const DIAGNOSTICS_FIELD = 2;

/**
 * A decoder of `AnalyzeResponse` bytes for what the plan reads, its diagnostics, each decoded by the generated
 * `AnalyzeDiagnostic` deserialiser as `AnalyzeResponse.deserializeBinary` decodes it. Every other field is passed
 * over with the reader's `skipField`, which walks its wire structure (a truncated or malformed field still fails
 * the call) without building it: `notApplicable` (field 3) holds one entry per policy of another type, for every
 * resource and pack, most of a response's messages, and the plan never reads it (the engine records it for its
 * policy summary; the plan's report derives applicability from the rules' declared types).
 */
export function diagnosticsOnly(protocol: PackProtocol): (bytes: Uint8Array) => unknown {
  const { AnalyzeResponse, AnalyzeDiagnostic } = protocol.analyzerProto;
  return (bytes) => {
    const message = new AnalyzeResponse();
    const reader = new protocol.binaryReader(bytes);
    while (reader.nextField()) {
      if (reader.isEndGroup()) break;
      if (reader.getFieldNumber() !== DIAGNOSTICS_FIELD) {
        reader.skipField();
        continue;
      }
      const diagnostic = new AnalyzeDiagnostic();
      reader.readMessage(diagnostic, AnalyzeDiagnostic.deserializeBinaryFromReader);
      message.addDiagnostics(diagnostic);
    }
    return message;
  };
}

/** The diagnostics of an `Analyze` or `AnalyzeStack` response. */
export function toFindings(resp: any): AnalyzerFinding[] {
  return resp.getDiagnosticsList().map((d: any) => ({
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    policyName: d.getPolicyname(),
    description: d.getDescription(),
    message: d.getMessage(),
    enforcementLevel: ENFORCEMENT[d.getEnforcementlevel()] ?? "advisory",
    urn: d.getUrn() || undefined,
    severity: SEVERITY[d.getSeverity()] ?? "",
  }));
}

/** The `GetAnalyzerInfo` response: the pack and its policies. */
export function analyzerInfoOf(resp: any): AnalyzerInfo {
  return {
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
}

/** The `Configure` request carrying per-policy config already reconciled (pack-config.ts). */
export function configureRequest({ analyzerProto, structProto }: PackProtocol, normalized: Map<string, PolicyConfigEntry>): unknown {
  const request = new analyzerProto.ConfigureAnalyzerRequest();
  const map = request.getPolicyconfigMap();
  for (const [name, entry] of normalized) {
    const pc = new analyzerProto.PolicyConfig();
    pc.setEnforcementlevel(ENFORCEMENT.indexOf(entry.enforcementLevel));
    pc.setProperties(structProto.Struct.fromJavaScript(toStructValue(entry.properties)));
    map.set(name, pc);
  }
  return request;
}

export function stackConfigureRequest(analyzerProto: any, stack: StackContext): unknown {
  const sc = new analyzerProto.AnalyzerStackConfigureRequest();
  sc.setStack(stack.stack);
  sc.setProject(stack.project);
  sc.setOrganization(stack.organization ?? "organization");
  sc.setDryRun(stack.dryRun ?? true);
  const config = sc.getConfigMap();
  for (const [k, v] of Object.entries(stack.config ?? {})) config.set(k, v);
  sc.setConfigSecretKeysList([...(stack.secretKeys ?? [])]);
  const tags = sc.getTagsMap();
  for (const [k, v] of Object.entries(stack.tags ?? {})) tags.set(k, v);
  return sc;
}
