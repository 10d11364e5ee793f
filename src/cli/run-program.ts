/**
 * Runs a Pulumi program in this process under the offline runtime, as `pulumi preview` would run it under the
 * engine: the program's module is loaded inside the root `pulumi:pulumi:Stack` component, its exports become stack
 * outputs, and every registration is recorded.
 */
import * as path from "path";
import { installMockRuntime, RecordedResource, ResourceRecorder, settle } from "../testing/mocks";
import type { FidelityMode } from "../testing/engine";
import { LoadedProject } from "./project";
import { importProgram, registerProgramTypeScript } from "./load-program";

export interface ProgramRun {
  readonly recorder: ResourceRecorder;
  /** Milliseconds spent evaluating the program. */
  readonly millis: number;
}

/** An error thrown by the program itself (bad config, a failed validation, a crash). */
export class ProgramError extends Error {
  constructor(
    readonly cause: unknown,
    /** True when the program rejected its input (a ValidationError), rather than crashing. */
    readonly invalidInput: boolean,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "ProgramError";
  }
}

let transpilerRegistered = false;

/** `module` resolved as the program would resolve it (its own node_modules first), else from this package. */
export function resolveFrom(programDir: string, module: string): string | undefined {
  try {
    return require.resolve(module, { paths: [programDir, __dirname] });
  } catch {
    return undefined;
  }
}

/**
 * The TypeScript compiler and ts-node a program is run with. Mirrors @pulumi/pulumi's
 * `tsutils.typeScriptRequireStrings` (what `pulumi preview` uses): the project's own `typescript` and `ts-node`, else
 * the SDK's vendored typescript@3.8.3 and ts-node@7.0.1. Stricter than the engine in one way: a TypeScript without
 * the compiler JS API (7.x, the native port) is refused with the fix, where ts-node would crash on `fileExists`.
 */
export interface TypeScriptToolchain {
  readonly typescript: string;
  readonly tsNode: string;
  readonly version: string;
}

export function typeScriptToolchain(programDir: string, sdkRoot: string): TypeScriptToolchain {
  const typescript = resolveFrom(programDir, "typescript") ?? path.join(sdkRoot, "vendor", "typescript@3.8.3", "typescript.js");
  const version: string = require(typescript).version ?? "unknown";
  if (!/^[3-6]\./.test(version)) {
    throw new ProgramError(
      new Error(`TypeScript ${version} (${typescript}) has no compiler API for ts-node, so the program cannot be run: install TypeScript 5 in the project (npm install --save-dev typescript@5)`),
      true,
    );
  }
  const tsNode = resolveFrom(programDir, "ts-node") ?? path.join(sdkRoot, "vendor", "ts-node@7.0.1");
  return { typescript, tsNode, version };
}

/**
 * Lets Node load this package's own TypeScript (policy inventories) in a checkout; installed, they ship compiled
 * (dist/packs), so nothing is registered when ts-node is not there. The program under test gets its own,
 * language-host-like registration (load-program.ts).
 */
function registerTypeScript(): void {
  if (transpilerRegistered || require.extensions[".ts"]) return;
  transpilerRegistered = true;
  const tsNode = resolveFrom(__dirname, "ts-node");
  if (!tsNode) return;
  require(tsNode).register({
    transpileOnly: true,
    // swc is much faster; without it (an optional tool for consumers) ts-node's own transpiler does the job.
    swc: resolveFrom(__dirname, "@swc/core") !== undefined,
    skipProject: true,
    ignore: ["(?:^|/)node_modules/"],
    compilerOptions: { module: "commonjs", target: "es2022", esModuleInterop: true },
  });
}

function sdkRootFor(programDir: string): string {
  return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [programDir, __dirname] }));
}

export interface RunProgramOptions {
  readonly preview?: boolean;
  /** `first-preview` (default) or `after-deploy`: see src/testing/engine.ts. */
  readonly mode?: FidelityMode;
  /** Keep the SDK's per-promise stack capture (for tracing leaked promises); off by default, see sdk-cost.ts. */
  readonly debug?: boolean;
  /** Called with each resource as it registers (before the program has finished). */
  readonly onResource?: (resource: RecordedResource, recorder: ResourceRecorder) => void;
}

export async function runProgram(project: LoadedProject, options: RunProgramOptions = {}): Promise<ProgramRun> {
  const sdkRoot = sdkRootFor(path.dirname(project.main));
  registerTypeScript();
  const recorder = installMockRuntime({
    preview: options.preview ?? true,
    mode: options.mode ?? "first-preview",
    project: project.name,
    stack: project.stack,
    config: project.config,
    secretKeys: project.secretKeys,
    sdkRoot,
    debug: options.debug,
  });
  const onResource = options.onResource;
  if (onResource) recorder.onAdd((resource) => onResource(resource, recorder));
  const pulumiSdk = require(sdkRoot);
  const started = process.hrtime.bigint();

  // Failures inside `apply` callbacks surface as unhandled rejections; they fail the run like they fail `pulumi up`.
  const asyncErrors: unknown[] = [];
  const onRejection = (err: unknown) => asyncErrors.push(err);
  process.on("unhandledRejection", onRejection);
  // A call the runtime cannot answer ends the run at once: the program may be waiting on it forever.
  const fatal = new Promise<never>((_resolve, reject) => recorder.onFatal(reject));
  fatal.catch(() => undefined);
  // The language host runs the program with the project folder as working directory (run.ts `--pwd`).
  const cwd = process.cwd();
  process.chdir(project.dir);
  try {
    registerProgramTypeScript(project.dir, project.main, typeScriptToolchain(project.dir, sdkRoot));
    const program = (async () => {
      await pulumiSdk.runtime.runInPulumiStack(async () => {
        const exported: any = await importProgram(project.main);
        const value = typeof exported === "function" ? exported() : exported?.__esModule && typeof exported.default === "function" ? exported.default() : exported;
        return await value;
      });
      await settle(sdkRoot);
    })();
    program.catch(() => undefined);
    await Promise.race([program, fatal]);
  } catch (err) {
    // The listener stays: the SDK re-rejects the same error from the stack's outputs later, and the run is over.
    throw new ProgramError(err, isValidationError(err));
  } finally {
    process.chdir(cwd);
  }
  process.off("unhandledRejection", onRejection);
  if (asyncErrors.length > 0) throw new ProgramError(asyncErrors[0], isValidationError(asyncErrors[0]));
  return { recorder, millis: Number(process.hrtime.bigint() - started) / 1e6 };
}

function isValidationError(err: unknown): boolean {
  return err instanceof Error && (err.name === "ValidationError" || err.name === "ConfigMissingException" || /Missing required configuration/.test(err.message));
}
