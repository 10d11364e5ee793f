/**
 * The bridge in front of the REAL Node.js language host (pulumi-language-nodejs v3.68.0, built from the sdk/v3
 * module by tools/engine/build.sh; the newest release the module proxy here serves, docs/parity.md).
 *
 * The v3.274 engine uses one `nodejs` language plugin for two jobs: running the program (`Run`) and starting every
 * Node.js policy pack (`RunPlugin`, sdk/go/common/resource/plugin/plugin.go `newPlugin`: a plugin directory with a
 * PulumiPolicy.yaml is run "via runtime"; analyzer_plugin.go `NewPolicyAnalyzer` takes that path whenever a nodejs
 * language plugin is found). The v3.68.0 host does the first and answers the second with the error "not supported"
 * (its main.go `RunPlugin`), because in its day the engine started packs itself, through the
 * `pulumi-analyzer-policy` script shipped in the same release (sdk/nodejs/dist).
 *
 * So this bridge forwards EVERY LanguageRuntime RPC, byte for byte, to the real host and returns its answer
 * unchanged (UNIMPLEMENTED included). Only when the real host answers a `RunPlugin` of kind "analyzer" with exactly
 * "not supported" does it start the pack the way v3.68.0's engine did (analyzer_plugin.go `NewPolicyAnalyzer` at
 * v3.68.0): that release's `pulumi-analyzer-policy`, in the pack's directory, with arguments
 * `<engine address> . [-<option>=<value>...]`, and the environment the v3.274 engine passed in the request; its
 * stdout, stderr and exit code go back as RunPluginResponse messages. Any other error, kind or argument shape is
 * passed back as an error: stricter than a newer host, never friendlier.
 */
import * as grpc from "@grpc/grpc-js";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";

const languageRpc = require("@pulumi/pulumi/proto/language_grpc_pb.js");
const languagePb = require("@pulumi/pulumi/proto/language_pb.js");

/** v3.68.0 main.go: `func (host *nodeLanguageHost) RunPlugin(...) error { return errors.New("not supported") }`. */
export const REAL_HOST_RUNPLUGIN_REFUSAL = "not supported";

type Raw = Buffer;
const identity = (b: Raw): Raw => b;

/** The LanguageRuntime service with every message left as bytes: what the bridge forwards it does not re-encode. */
function rawService(): grpc.ServiceDefinition {
  const service: Record<string, grpc.MethodDefinition<Raw, Raw>> = {};
  for (const [name, method] of Object.entries(languageRpc.LanguageRuntimeService as grpc.ServiceDefinition)) {
    service[name] = { ...method, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
  }
  return service;
}

/** Arguments v3.68.0's engine gave `pulumi-analyzer-policy`: engine address, ".", then `-k=v` per runtime option. */
export function analyzerArgs(requestArgs: readonly string[], options: Record<string, unknown>): string[] {
  if (requestArgs.length !== 1 || !requestArgs[0]) {
    throw new Error(`RunPlugin for a policy pack: expected exactly one argument (the engine address), got ${JSON.stringify(requestArgs)}`);
  }
  const args = [requestArgs[0], "."];
  // Go formats each value with %v and skips empty ones; Object.keys order stands in for Go's map order.
  for (const [k, v] of Object.entries(options)) {
    const text = v === null || v === undefined ? "" : String(v);
    if (text !== "") args.push(`-${k}=${text}`);
  }
  return args;
}

/** `KEY=VALUE` strings (the request's env) to an environment object; the first `=` splits. */
export function environmentOf(pairs: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const kv of pairs) {
    const at = kv.indexOf("=");
    if (at > 0) env[kv.slice(0, at)] = kv.slice(at + 1);
  }
  return env;
}

export class LanguageHostBridge {
  private readonly children = new Set<ChildProcess>();
  private readonly upstream: grpc.Client & Record<string, any>;

  /** `realHostAddress`: where the real host listens; `hostDir`: its directory, holding pulumi-analyzer-policy. */
  constructor(realHostAddress: string, private readonly hostDir: string) {
    const Client = grpc.makeGenericClientConstructor(rawService(), "LanguageRuntime");
    this.upstream = new Client(realHostAddress, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
    }) as grpc.Client & Record<string, any>;
  }

  service(): grpc.ServiceDefinition {
    return rawService();
  }

  handlers(): grpc.UntypedServiceImplementation {
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const [name, method] of Object.entries(rawService())) {
      if (name === "runPlugin") handlers[name] = (call: grpc.ServerWritableStream<Raw, Raw>) => this.runPlugin(call);
      else if (method.responseStream) handlers[name] = (call: grpc.ServerWritableStream<Raw, Raw>) => this.forwardStream(name, call, () => undefined);
      else handlers[name] = (call: grpc.ServerUnaryCall<Raw, Raw>, cb: grpc.sendUnaryData<Raw>) => this.upstream[name](call.request, cb);
    }
    return handlers;
  }

  /** Server-streaming forward; `onRefusal` gets the real host's error when it came before any message. */
  private forwardStream(name: string, call: grpc.ServerWritableStream<Raw, Raw>, onRefusal: (err: grpc.ServiceError) => boolean | void): void {
    const up: grpc.ClientReadableStream<Raw> = this.upstream[name](call.request);
    let sent = false;
    let failed = false;
    up.on("data", (chunk: Raw) => {
      sent = true;
      call.write(chunk);
    });
    // grpc-js ends the client stream (push(null)) before it emits the error of a non-OK status: only an OK stream
    // ends the call here; an error is either handed to `onRefusal` or passed on.
    up.on("error", (err: grpc.ServiceError) => {
      failed = true;
      if (!sent && onRefusal(err) === true) return;
      call.emit("error", err);
    });
    up.on("end", () => setImmediate(() => failed || call.end()));
    call.on("cancelled", () => up.cancel());
  }

  private runPlugin(call: grpc.ServerWritableStream<Raw, Raw>): void {
    this.forwardStream("runPlugin", call, (err) => {
      const req = languagePb.RunPluginRequest.deserializeBinary(call.request);
      if (err.details !== REAL_HOST_RUNPLUGIN_REFUSAL || req.getKind() !== "analyzer") return false;
      try {
        this.startPack(call, req);
      } catch (e) {
        call.emit("error", { code: grpc.status.FAILED_PRECONDITION, details: (e as Error).message });
      }
      return true;
    });
  }

  private startPack(call: grpc.ServerWritableStream<Raw, Raw>, req: any): void {
    const packDir: string = req.getInfo()?.getProgramDirectory() ?? "";
    if (!packDir || !fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
      throw new Error(`RunPlugin for a policy pack: no PulumiPolicy.yaml in '${packDir}'`);
    }
    const args = analyzerArgs(req.getArgsList(), req.getInfo()?.getOptions()?.toJavaScript() ?? {});
    const script = path.join(this.hostDir, "pulumi-analyzer-policy");
    const child = spawn(script, args, { cwd: packDir, env: environmentOf(req.getEnvList()), stdio: ["ignore", "pipe", "pipe"] });
    this.children.add(child);
    const send = (msg: any) => call.write(Buffer.from(msg.serializeBinary()));
    child.stdout.on("data", (chunk: Buffer) => send(new languagePb.RunPluginResponse().setStdout(chunk)));
    child.stderr.on("data", (chunk: Buffer) => send(new languagePb.RunPluginResponse().setStderr(chunk)));
    child.on("error", (e) => send(new languagePb.RunPluginResponse().setStderr(Buffer.from(`bridge: ${script}: ${e.message}\n`))));
    call.on("cancelled", () => child.kill("SIGTERM"));
    child.on("close", (code) => {
      this.children.delete(child);
      send(new languagePb.RunPluginResponse().setExitcode(code ?? 1));
      call.end();
    });
  }

  close(): void {
    for (const child of this.children) child.kill("SIGKILL");
    this.upstream.close();
  }
}

/** Starts the real host with the engine's arguments and reads the port it prints, as the engine would. */
export function startRealHost(binary: string, argv: readonly string[]): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, argv, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const onData = (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const line = out.split("\n")[0];
      if (out.includes("\n")) {
        child.stdout!.off("data", onData);
        child.stdout!.on("data", (c: Buffer) => process.stderr.write(c));
        const port = Number(line.trim());
        if (Number.isInteger(port) && port > 0) resolve({ child, port });
        else reject(new Error(`${binary} printed '${line}' instead of a port`));
      }
    };
    child.stdout!.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`${binary} exited ${code} before printing its port`)));
  });
}

export async function main(argv: string[]): Promise<void> {
  const [hostDir, ...engineArgs] = argv;
  const binary = path.join(hostDir ?? "", "pulumi-language-nodejs");
  if (!hostDir || !fs.existsSync(binary)) throw new Error(`the real language host is not built at '${binary}'; run tools/engine/build.sh`);
  const real = await startRealHost(binary, engineArgs);
  const bridge = new LanguageHostBridge(`127.0.0.1:${real.port}`, hostDir);
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(bridge.service(), bridge.handlers());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  process.stdout.write(`${port}\n`);
  const stop = (code: number) => {
    bridge.close();
    real.child.kill("SIGTERM");
    server.forceShutdown();
    process.exit(code);
  };
  // The real host stops when the engine goes (its health check); the bridge stops with it, or with the engine.
  real.child.removeAllListeners("exit");
  real.child.on("exit", (code) => stop(code ?? 0));
  process.on("SIGTERM", () => stop(0));
  process.on("SIGINT", () => stop(0));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop(0);
  }, 1000).unref();
}
