/**
 * The stand-in Node.js language host (used while the real one's Go module is not served, docs/parity.md), driven
 * through its gRPC surface as the engine drives it: GetPluginInfo, GetRequiredPackages, Run's command line, and
 * RunPlugin starting a real policy pack through @pulumi/pulumi's run-policy-pack (the port on its stdout).
 */
import * as grpc from "@grpc/grpc-js";
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { requiredPackages, runCommand, runtimeOptions } from "../../tools/engine/language-host/main";

const languageRpc = require("@pulumi/pulumi/proto/language_grpc_pb.js");
const languagePb = require("@pulumi/pulumi/proto/language_pb.js");
const structPb = require("google-protobuf/google/protobuf/struct_pb.js");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb.js");

const ROOT = path.resolve(__dirname, "..", "..");
const LAUNCH = path.join(ROOT, "tools", "engine", "launch.js");

function info(dir: string, entry = ".", options: Record<string, unknown> = { typescript: true }): any {
  return new languagePb.ProgramInfo().setRootDirectory(dir).setProgramDirectory(dir).setEntryPoint(entry).setOptions(structPb.Struct.fromJavaScript(options));
}

test("runtime options default to TypeScript on, as the Go host's", () => {
  expect(runtimeOptions({})).toEqual({ typescript: true, tsconfig: undefined, nodeargs: [] });
  expect(runtimeOptions({ typescript: false, tsconfig: "tsconfig.pulumi.json", nodeargs: "--max-old-space-size=4096 --trace-warnings" })).toEqual({
    typescript: false,
    tsconfig: "tsconfig.pulumi.json",
    nodeargs: ["--max-old-space-size=4096", "--trace-warnings"],
  });
});

test("required packages are the resource plugins node_modules declares, at their pinned versions", () => {
  const names = requiredPackages(ROOT).map((p) => `${p.name}@${p.version}`);
  for (const name of ["aws", "kubernetes", "random"]) {
    expect(names).toContain(`${name}@v${require(`@pulumi/${name}/package.json`).pulumi.version}`);
  }
});

test("Run's command line: SDK run script, monitor, engine, stack identity, pwd, dry run, config in the environment", () => {
  const req = new languagePb.RunRequest()
    .setMonitorAddress("127.0.0.1:5")
    .setProject("production-platform")
    .setStack("prod")
    .setOrganization("organization")
    .setPwd(path.join(ROOT, "stacks"))
    .setDryrun(true)
    .setParallel(16)
    .setInfo(info(ROOT, "index.ts"))
    .setConfigsecretkeysList(["production-platform:pagerDutyRoutingKey"]);
  req.getConfigMap().set("production-platform:environment", "prod");
  const { args, env, cwd } = runCommand(req, "127.0.0.1:9");
  expect(args[0]).toBe(require.resolve("@pulumi/pulumi/cmd/run"));
  expect(args).toEqual(expect.arrayContaining(["--monitor", "127.0.0.1:5", "--engine", "127.0.0.1:9", "--stack", "prod", "--project", "production-platform", "--dry-run"]));
  expect(args.slice(-1)).toEqual(["index.ts"]);
  expect(cwd).toBe(path.join(ROOT, "stacks"));
  expect(JSON.parse(env.PULUMI_CONFIG)).toEqual({ "production-platform:environment": "prod" });
  expect(JSON.parse(env.PULUMI_CONFIG_SECRET_KEYS)).toEqual(["production-platform:pagerDutyRoutingKey"]);
  expect(env.PULUMI_NODEJS_TYPESCRIPT).toBe("true");
});

describe("over gRPC", () => {
  let child: ChildProcess;
  let client: any;

  beforeAll(async () => {
    child = spawn(process.execPath, [LAUNCH, "language-host", "127.0.0.1:1"], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, PULUMI_STANDIN_LANGUAGE_VERSION: "3.274.1" } });
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.on("exit", (code) => reject(new Error(`language host exited ${code}`)));
      child.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("\n")) resolve(out.split("\n")[0]);
      });
    });
    expect(port).toMatch(/^\d+$/);
    client = new languageRpc.LanguageRuntimeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });
  afterAll(() => {
    client?.close();
    child?.kill("SIGTERM");
  });

  const unary = (method: string, req: any): Promise<any> => new Promise((resolve, reject) => client[method](req, (e: any, r: any) => (e ? reject(e) : resolve(r))));

  test("GetPluginInfo reports the engine's version; About is not pretended", async () => {
    expect((await unary("getPluginInfo", new emptyPb.Empty())).getVersion()).toBe("3.274.1");
    await expect(unary("about", new languagePb.AboutRequest())).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  });

  test("GetRequiredPackages lists aws, kubernetes and random for this repository", async () => {
    const res = await unary("getRequiredPackages", new languagePb.GetRequiredPackagesRequest().setInfo(info(ROOT)));
    const names = res.getPackagesList().map((p: any) => p.getName());
    expect(names).toEqual(expect.arrayContaining(["aws", "kubernetes", "random"]));
  });

  test("RunPlugin starts a policy pack through run-policy-pack and streams its port, then stops it on cancel", async () => {
    const pack = path.join(ROOT, "test", "fixtures", "noop-pack");
    // The engine passes the *program's* working directory; the pack must still start in its own directory, since
    // @pulumi/policy reads package.json from the working directory (a pack started in stacks/ dies).
    const req = new languagePb.RunPluginRequest().setPwd(path.join(ROOT, "stacks")).setKind("analyzer").setArgsList(["127.0.0.1:1"]).setInfo(info(pack)).setEnvList(Object.entries(process.env).map(([k, v]) => `${k}=${v}`));
    const stream = client.runPlugin(req);
    const first = await new Promise<string>((resolve, reject) => {
      let out = "";
      let err = "";
      stream.on("data", (msg: any) => {
        if (msg.getOutputCase() === languagePb.RunPluginResponse.OutputCase.STDOUT) out += Buffer.from(msg.getStdout_asU8()).toString();
        if (msg.getOutputCase() === languagePb.RunPluginResponse.OutputCase.STDERR) err += Buffer.from(msg.getStderr_asU8()).toString();
        if (msg.getOutputCase() === languagePb.RunPluginResponse.OutputCase.EXITCODE) reject(new Error(`pack exited ${msg.getExitcode()}: ${err}`));
        if (out.includes("\n")) resolve(out.split("\n")[0]);
      });
      stream.on("error", reject);
    });
    expect(first).toMatch(/^\d+$/);
    stream.cancel();
  });
});
