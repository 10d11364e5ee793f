/**
 * The bridge in front of the real pulumi-language-nodejs v3.68.0 (tools/engine/language-host/bridge.ts), driven
 * over gRPC as the engine drives it, against an upstream that answers as v3.68.0's main.go does: GetPluginInfo with
 * its version, About with its own answer, methods it predates with UNIMPLEMENTED, and RunPlugin with the error
 * "not supported". The bridge must pass all of that through unchanged, and start a policy pack itself only for
 * that exact refusal of an analyzer, the way v3.68.0's engine did (`pulumi-analyzer-policy <engine> .` in the
 * pack's directory).
 */
import * as grpc from "@grpc/grpc-js";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { analyzerArgs, environmentOf, LanguageHostBridge, REAL_HOST_RUNPLUGIN_REFUSAL } from "../../tools/engine/language-host/bridge";

const languageRpc = require("@pulumi/pulumi/proto/language_grpc_pb.js");
const languagePb = require("@pulumi/pulumi/proto/language_pb.js");
const pluginPb = require("@pulumi/pulumi/proto/plugin_pb.js");
const structPb = require("google-protobuf/google/protobuf/struct_pb.js");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb.js");

const PACK = path.resolve(__dirname, "..", "fixtures", "noop-pack");

test("the pack's arguments are v3.68.0's: engine address, '.', then -option=value (empty values left out)", () => {
  expect(analyzerArgs(["127.0.0.1:7"], {})).toEqual(["127.0.0.1:7", "."]);
  expect(analyzerArgs(["127.0.0.1:7"], { typescript: true, nodeargs: "", tsconfig: "tsconfig.policy.json" })).toEqual([
    "127.0.0.1:7",
    ".",
    "-typescript=true",
    "-tsconfig=tsconfig.policy.json",
  ]);
  // Not the shape the v3.274 engine sends (one argument, its address): refused, never guessed.
  expect(() => analyzerArgs([], {})).toThrow(/exactly one argument/);
  expect(() => analyzerArgs(["127.0.0.1:7", "--extra"], {})).toThrow(/exactly one argument/);
});

test("the request's KEY=VALUE environment splits on the first '=' only", () => {
  expect(environmentOf(["A=1", "B=x=y", "C=", "=bad", "noequals"])).toEqual({ A: "1", B: "x=y", C: "" });
});

/** An upstream with v3.68.0's answers; `runPluginError` is what its RunPlugin fails with. */
function upstreamHandlers(runPluginError: string): grpc.UntypedServiceImplementation {
  const unimplemented = (_call: any, cb: any) => cb({ code: grpc.status.UNIMPLEMENTED, details: "unknown method" });
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const name of Object.keys(languageRpc.LanguageRuntimeService)) handlers[name] = unimplemented;
  handlers.getPluginInfo = (_call: any, cb: any) => cb(null, new pluginPb.PluginInfo().setVersion("3.68.0"));
  handlers.about = (_call: any, cb: any) => cb(null, new languagePb.AboutResponse().setExecutable("/usr/bin/node").setVersion("v20.0.0"));
  handlers.runPlugin = (call: any) => call.emit("error", { code: grpc.status.UNKNOWN, details: runPluginError });
  handlers.installDependencies = (call: any) => {
    call.write(new languagePb.InstallDependenciesResponse().setStdout(Buffer.from("added 1 package\n")));
    call.end();
  };
  return handlers;
}

async function serve(service: grpc.ServiceDefinition, handlers: grpc.UntypedServiceImplementation): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server();
  server.addService(service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, address: `127.0.0.1:${port}` };
}

/** A stand-in for the release's pulumi-analyzer-policy that records how it was started and prints a port. */
function recordingLauncher(dir: string): string {
  const record = path.join(dir, "started.json");
  fs.writeFileSync(
    path.join(dir, "pulumi-analyzer-policy"),
    `#!/usr/bin/env node\nrequire("fs").writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), marker: process.env.BRIDGE_TEST_MARKER }));\nconsole.log("54321");\nprocess.stderr.write("pack log line\\n");\nprocess.exit(3);\n`,
    { mode: 0o755 },
  );
  return record;
}

interface Streamed {
  stdout: string;
  stderr: string;
  exit?: number;
  error?: grpc.ServiceError;
}

function collect(stream: any): Promise<Streamed> {
  const got: Streamed = { stdout: "", stderr: "" };
  return new Promise((resolve) => {
    stream.on("data", (msg: any) => {
      const which = msg.getOutputCase();
      if (which === languagePb.RunPluginResponse.OutputCase.STDOUT) got.stdout += Buffer.from(msg.getStdout_asU8()).toString();
      if (which === languagePb.RunPluginResponse.OutputCase.STDERR) got.stderr += Buffer.from(msg.getStderr_asU8()).toString();
      if (which === languagePb.RunPluginResponse.OutputCase.EXITCODE) got.exit = msg.getExitcode();
    });
    stream.on("error", (error: grpc.ServiceError) => resolve({ ...got, error }));
    stream.on("end", () => setImmediate(() => resolve(got)));
  });
}

function runPluginRequest(kind: string, args: string[]): any {
  const info = new languagePb.ProgramInfo().setRootDirectory(PACK).setProgramDirectory(PACK).setEntryPoint(".").setOptions(structPb.Struct.fromJavaScript({}));
  return new languagePb.RunPluginRequest()
    .setPwd(os.tmpdir())
    .setKind(kind)
    .setArgsList(args)
    .setInfo(info)
    .setEnvList([`PATH=${process.env.PATH}`, "BRIDGE_TEST_MARKER=from-the-engine"]);
}

describe.each([
  ["v3.68.0's refusal", REAL_HOST_RUNPLUGIN_REFUSAL],
  ["another error", "language host crashed"],
])("bridge over gRPC, upstream RunPlugin fails with %s", (_label, runPluginError) => {
  let upstream: grpc.Server;
  let bridgeServer: grpc.Server;
  let bridge: LanguageHostBridge;
  let client: any;
  let hostDir: string;
  let record: string;

  beforeAll(async () => {
    hostDir = fs.mkdtempSync(path.join(os.tmpdir(), "bridge-test-"));
    record = recordingLauncher(hostDir);
    const up = await serve(languageRpc.LanguageRuntimeService, upstreamHandlers(runPluginError));
    upstream = up.server;
    bridge = new LanguageHostBridge(up.address, hostDir);
    const front = await serve(bridge.service(), bridge.handlers());
    bridgeServer = front.server;
    client = new languageRpc.LanguageRuntimeClient(front.address, grpc.credentials.createInsecure());
  });
  afterAll(() => {
    client?.close();
    bridge?.close();
    bridgeServer?.forceShutdown();
    upstream?.forceShutdown();
    fs.rmSync(hostDir, { recursive: true, force: true });
  });
  beforeEach(() => fs.rmSync(record, { force: true }));

  const unary = (method: string, req: any): Promise<any> => new Promise((resolve, reject) => client[method](req, (e: any, r: any) => (e ? reject(e) : resolve(r))));

  test("unary answers and UNIMPLEMENTED come back as the real host gave them", async () => {
    expect((await unary("getPluginInfo", new emptyPb.Empty())).getVersion()).toBe("3.68.0");
    expect((await unary("about", new languagePb.AboutRequest())).getExecutable()).toBe("/usr/bin/node");
    await expect(unary("getRequiredPackages", new languagePb.GetRequiredPackagesRequest())).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  });

  test("a streamed answer (InstallDependencies) is forwarded and ends", async () => {
    const stream = client.installDependencies(new languagePb.InstallDependenciesRequest());
    const stdout = await new Promise<string>((resolve, reject) => {
      let out = "";
      stream.on("data", (msg: any) => (out += Buffer.from(msg.getStdout_asU8()).toString()));
      stream.on("error", reject);
      stream.on("end", () => resolve(out));
    });
    expect(stdout).toBe("added 1 package\n");
  });

  test("RunPlugin of a policy pack: started by the bridge only on the exact refusal, else the error passes", async () => {
    const got = await collect(client.runPlugin(runPluginRequest("analyzer", ["127.0.0.1:9"])));
    if (runPluginError === REAL_HOST_RUNPLUGIN_REFUSAL) {
      expect(got.error).toBeUndefined();
      expect(got.stdout).toBe("54321\n");
      expect(got.stderr).toBe("pack log line\n");
      expect(got.exit).toBe(3);
      // As v3.68.0's engine: in the pack's directory (not the request's pwd), `<engine> .`, the engine's environment.
      expect(JSON.parse(fs.readFileSync(record, "utf8"))).toEqual({ argv: ["127.0.0.1:9", "."], cwd: PACK, marker: "from-the-engine" });
    } else {
      expect(got.error).toMatchObject({ details: runPluginError });
      expect(fs.existsSync(record)).toBe(false);
    }
  });

  test("RunPlugin of a resource plugin is never started by the bridge", async () => {
    const got = await collect(client.runPlugin(runPluginRequest("resource", ["127.0.0.1:9"])));
    expect(got.error).toMatchObject({ details: runPluginError });
    expect(fs.existsSync(record)).toBe(false);
  });

  test("RunPlugin of a pack with arguments the v3.274 engine does not send is an error, not a guess", async () => {
    const got = await collect(client.runPlugin(runPluginRequest("analyzer", [])));
    expect(got.error).toBeDefined();
    expect(fs.existsSync(record)).toBe(false);
  });
});
