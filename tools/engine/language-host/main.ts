/**
 * A stand-in for `pulumi-language-nodejs`, the Node.js language host, used ONLY because its Go module
 * (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not served by the module proxy this
 * project can reach (see docs/parity.md). Everything the program and the packs run is the real SDK code: the
 * program through @pulumi/pulumi's `cmd/run`, each policy pack through `cmd/run-policy-pack` (which compiles the
 * pack with ts-node, type-checking, with the pack's tsconfig.json: the CLI's own TypeScript settings). What this
 * file does is the Go host's part: turn the engine's LanguageRuntime RPCs into those node processes.
 *
 * Mirrors sdk/nodejs/cmd/pulumi-language-nodejs/main.go: `Run` (flags --monitor/--engine/--project/--stack/
 * --organization/--pwd/--root-directory/--parallel/--dry-run, config in PULUMI_CONFIG and
 * PULUMI_CONFIG_SECRET_KEYS, runtime option `typescript` → PULUMI_NODEJS_TYPESCRIPT, `tsconfig` →
 * PULUMI_NODEJS_TSCONFIG_PATH, `nodeargs`; exit code 32 = "already reported", bail), `RunPlugin` (analyzers via
 * run-policy-pack, streaming stdout/stderr and the exit code), `GetRequiredPackages`/`GetRequiredPlugins` (packages
 * under node_modules whose package.json says `pulumi.resource: true`), `GetPluginInfo`. Anything else answers
 * UNIMPLEMENTED: stricter than the real host, never friendlier.
 */
import * as grpc from "@grpc/grpc-js";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";

const languageRpc = require("@pulumi/pulumi/proto/language_grpc_pb.js");
const languagePb = require("@pulumi/pulumi/proto/language_pb.js");
const pluginPb = require("@pulumi/pulumi/proto/plugin_pb.js");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb.js");

/** The exit code with which the SDK says it already printed an actionable error (nodeJSProcessExitedAfter...). */
export const EXIT_ALREADY_REPORTED = 32;

export interface RuntimeOptions {
  readonly typescript: boolean;
  readonly tsconfig?: string;
  readonly nodeargs: readonly string[];
}

/** Runtime options from Pulumi.yaml / PulumiPolicy.yaml (`runtime.options`), with the Go host's defaults. */
export function runtimeOptions(options: Record<string, unknown>): RuntimeOptions {
  const typescript = options.typescript === undefined ? true : options.typescript === true || options.typescript === "true";
  const tsconfig = typeof options.tsconfig === "string" ? options.tsconfig : undefined;
  const nodeargs = typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [];
  return { typescript, tsconfig, nodeargs };
}

/** Resolves a module the way the Go host does: `require.resolve` run by node from the program's directory. */
export function locateModule(mod: string, fromDir: string): string {
  return require.resolve(mod, { paths: [fromDir] });
}

export interface PackageDependency {
  readonly name: string;
  readonly version: string;
  readonly server?: string;
}

/** Resource plugins the program's node_modules declare (`"pulumi": { "resource": true }`), deduplicated. */
export function requiredPackages(programDir: string): PackageDependency[] {
  const found = new Map<string, PackageDependency>();
  const visit = (nodeModules: string, depth: number) => {
    if (depth > 4 || !fs.existsSync(nodeModules)) return;
    for (const entry of fs.readdirSync(nodeModules)) {
      if (entry.startsWith(".")) continue;
      const dirs = entry.startsWith("@") ? fs.readdirSync(path.join(nodeModules, entry)).map((e) => path.join(entry, e)) : [entry];
      for (const dir of dirs) {
        const pkgDir = path.join(nodeModules, dir);
        const dep = pluginOf(path.join(pkgDir, "package.json"));
        if (dep) found.set(`${dep.name}@${dep.version}`, dep);
        visit(path.join(pkgDir, "node_modules"), depth + 1);
      }
    }
  };
  for (let dir = path.resolve(programDir); ; dir = path.dirname(dir)) {
    visit(path.join(dir, "node_modules"), 0);
    if (path.dirname(dir) === dir) break;
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function pluginOf(manifestPath: string): PackageDependency | undefined {
  if (!fs.existsSync(manifestPath)) return undefined;
  let manifest: any;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  } catch {
    return undefined;
  }
  if (manifest?.pulumi?.resource !== true) return undefined;
  const name = manifest.pulumi.name ?? String(manifest.name ?? "").replace(/^@pulumi\//, "").replace(/^@/, "");
  const raw = String(manifest.pulumi.version ?? manifest.version ?? "");
  return { name, version: raw.startsWith("v") ? raw : `v${raw}`, server: manifest.pulumi.server };
}

function programInfo(req: any): { root: string; programDir: string; entryPoint: string; options: RuntimeOptions } {
  const info = req.getInfo();
  const options = runtimeOptions(info?.getOptions()?.toJavaScript() ?? {});
  return { root: info?.getRootDirectory() ?? req.getPwd(), programDir: info?.getProgramDirectory() ?? req.getPwd(), entryPoint: info?.getEntryPoint() || ".", options };
}

function typescriptEnv(options: RuntimeOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  return env;
}

/** The node command line and environment for `Run`, as the Go host builds them (exported for the tests). */
export function runCommand(req: any, engineAddress: string): { args: string[]; env: Record<string, string>; cwd: string } {
  const { root, programDir, entryPoint, options } = programInfo(req);
  const runPath = locateModule("@pulumi/pulumi/cmd/run", programDir);
  const args = [...options.nodeargs, runPath, "--monitor", req.getMonitorAddress(), "--engine", engineAddress];
  for (const [flag, value] of [["organization", req.getOrganization()], ["project", req.getProject()], ["stack", req.getStack()]]) {
    if (value) args.push(`--${flag}`, value);
  }
  args.push("--pwd", req.getPwd() || programDir, "--root-directory", root);
  if (req.getParallel() > 0) args.push("--parallel", String(req.getParallel()));
  if (req.getDryrun()) args.push("--dry-run");
  args.push(entryPoint, ...req.getArgsList());
  const config = Object.fromEntries(req.getConfigMap().toArray());
  const env = {
    ...typescriptEnv(options),
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
  };
  return { args, env, cwd: req.getPwd() || programDir };
}

export class StandInLanguageHost {
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly engineAddress: string, private readonly version: string) {}

  handlers(): grpc.UntypedServiceImplementation {
    return {
      getPluginInfo: (_call: any, cb: any) => cb(null, new pluginPb.PluginInfo().setVersion(this.version)),
      getRequiredPackages: (call: any, cb: any) => cb(null, this.packagesResponse(call.request)),
      getRequiredPlugins: (call: any, cb: any) => cb(null, this.pluginsResponse(call.request)),
      run: (call: any, cb: any) => this.run(call.request).then((res) => cb(null, res), (err) => cb({ code: grpc.status.UNKNOWN, details: String(err?.message ?? err) }, null)),
      runPlugin: (call: any) => this.runPlugin(call),
      cancel: (_call: any, cb: any) => {
        for (const child of this.children) child.kill("SIGINT");
        cb(null, new emptyPb.Empty());
      },
    };
  }

  private packagesResponse(req: any): any {
    const { programDir } = programInfo(req);
    const packages = requiredPackages(programDir).map((dep) =>
      new pluginPb.PackageDependency().setName(dep.name).setKind("resource").setVersion(dep.version).setServer(dep.server ?? ""),
    );
    return new languagePb.GetRequiredPackagesResponse().setPackagesList(packages);
  }

  private pluginsResponse(req: any): any {
    const { programDir } = programInfo(req);
    const plugins = requiredPackages(programDir).map((dep) =>
      new pluginPb.PluginDependency().setName(dep.name).setKind("resource").setVersion(dep.version).setServer(dep.server ?? ""),
    );
    return new languagePb.GetRequiredPluginsResponse().setPluginsList(plugins);
  }

  private run(req: any): Promise<any> {
    const { args, env, cwd } = runCommand(req, this.engineAddress);
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"] });
    this.children.add(child);
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        this.children.delete(child);
        const res = new languagePb.RunResponse();
        if (code === 0) return resolve(res);
        if (code === EXIT_ALREADY_REPORTED) return resolve(res.setBail(true));
        resolve(res.setError(signal ? `Program exited with signal ${signal}` : `Program exited with non-zero exit code: ${code}`));
      });
    });
  }

  // RunPlugin for a policy pack (kind "analyzer"): `node run-policy-pack [nodeargs] <engine-address> <pack-dir>`,
  // in the pack's directory (the Go host keeps that for backwards compatibility: @pulumi/policy reads the pack's
  // package.json from the working directory) and in exactly the environment the engine passes, streaming the output
  // back; the engine reads the analyzer's port from stdout. Not mirrored: the Go host's policy proxy, which awaits
  // ConfigureStack and adds PULUMI_NODEJS_STACK/PROJECT/ORGANIZATION/DRY_RUN and PULUMI_CONFIG to the pack's
  // environment. A pack that reads those fails here rather than passing (stricter); ours read none of them.
  private runPlugin(call: grpc.ServerWritableStream<any, any>): void {
    const req = call.request;
    const { programDir, options } = programInfo(req);
    const analyzer = (req.getKind() || "analyzer") === "analyzer";
    let runPath: string;
    try {
      runPath = locateModule(analyzer ? "@pulumi/pulumi/cmd/run-policy-pack" : "@pulumi/pulumi/cmd/run-plugin", programDir);
    } catch {
      call.emit("error", { code: grpc.status.FAILED_PRECONDITION, details: `@pulumi/pulumi is not installed for ${programDir}; run npm install` });
      return;
    }
    const env = Object.fromEntries((req.getEnvList() as string[]).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
    const rest = analyzer ? [...req.getArgsList(), programDir] : [programDir, ...req.getArgsList()];
    const args = [runPath, ...options.nodeargs, ...rest];
    const child = spawn(process.execPath, args, { cwd: analyzer ? programDir : req.getPwd() || programDir, env: { ...env, ...typescriptEnv(options) } });
    this.children.add(child);
    child.stdout.on("data", (chunk: Buffer) => call.write(new languagePb.RunPluginResponse().setStdout(chunk)));
    child.stderr.on("data", (chunk: Buffer) => call.write(new languagePb.RunPluginResponse().setStderr(chunk)));
    call.on("cancelled", () => child.kill("SIGTERM"));
    child.on("close", (code) => {
      this.children.delete(child);
      call.write(new languagePb.RunPluginResponse().setExitcode(code ?? 1));
      call.end();
    });
  }

  killAll(): void {
    for (const child of this.children) child.kill("SIGKILL");
  }
}

export async function main(argv: string[]): Promise<void> {
  // Flags as the Go host takes them (-root, -tracing, -typescript); the engine address is the last positional.
  const positional = argv.filter((a) => !a.startsWith("-"));
  const engineAddress = positional[positional.length - 1] ?? "";
  const version = process.env.PULUMI_STANDIN_LANGUAGE_VERSION ?? "0.0.0";
  const host = new StandInLanguageHost(engineAddress, version);
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(languageRpc.LanguageRuntimeService, host.handlers());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  process.stdout.write(`${port}\n`);
  const stop = () => {
    host.killAll();
    server.forceShutdown();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1000).unref();
  setInterval(() => undefined, 1 << 30);
}
