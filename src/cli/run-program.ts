/**
 * Runs a Pulumi program in this process under the offline runtime, as `pulumi preview` would run it under the
 * engine: the program's module is loaded inside the root `pulumi:pulumi:Stack` component, its exports become stack
 * outputs, and every registration is recorded.
 */
import * as path from "path";
import { installMockRuntime, RecordedResource, ResourceRecorder, settle } from "../testing/mocks";
import type { FidelityMode } from "../testing/engine";
import { skipPromiseStacks } from "../testing/sdk-cost";
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

/**
 * Lets Node load this package's own TypeScript (policy inventories) when it runs compiled; the program under test gets
 * its own, language-host-like registration (load-program.ts).
 */
function registerTypeScript(): void {
  if (transpilerRegistered || require.extensions[".ts"]) return;
  transpilerRegistered = true;
  require("ts-node").register({
    transpileOnly: true,
    // swc is much faster; without it (an optional peer for consumers) ts-node's own transpiler does the job.
    swc: canResolve("@swc/core"),
    skipProject: true,
    // Our policy packs ship as TypeScript sources (the CLI's policy runner compiles them); the plan also loads their
    // control inventories in-process, so this package's own files in node_modules are compiled too.
    ignore: ["(?:^|/)node_modules/(?!production-platform/)"],
    compilerOptions: { module: "commonjs", target: "es2022", esModuleInterop: true },
  });
}

function canResolve(module: string): boolean {
  try {
    require.resolve(module);
    return true;
  } catch {
    return false;
  }
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
  registerTypeScript();
  const sdkRoot = sdkRootFor(path.dirname(project.main));
  const recorder = installMockRuntime({
    preview: options.preview ?? true,
    mode: options.mode ?? "first-preview",
    project: project.name,
    stack: project.stack,
    config: project.config,
    secretKeys: project.secretKeys,
    sdkRoot,
  });
  const onResource = options.onResource;
  if (onResource) recorder.onAdd((resource) => onResource(resource, recorder));
  const pulumiSdk = require(sdkRoot);
  if (!options.debug) skipPromiseStacks(sdkRoot);
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
    registerProgramTypeScript(project.dir, project.main);
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
