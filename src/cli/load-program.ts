/**
 * Loads a Pulumi program the way the Node.js language host does (`@pulumi/pulumi/cmd/run/run.ts`, `run()`): the
 * working directory is the project folder (`--pwd`), TypeScript goes through ts-node with the TypeScript compiler and
 * the project's own `tsconfig.json` (or `PULUMI_NODEJS_TSCONFIG_PATH`) over the language host's defaults, a package
 * with `"type": "module"` is imported as an ES module (through the SDK's own ts-node ESM hooks), anything else is
 * `require`d as CommonJS, and a default export or an exported function is the program.
 *
 * Where we differ, deliberately: ts-node runs transpile-only unless `PULUMI_NODEJS_TRANSPILE_ONLY=false` or the
 * tsconfig sets `noCheck: false` (the language host type-checks by default; type errors are the program's build's job
 * here, and the repository's own `tsc` gate catches ours).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as url from "url";
import type { TypeScriptToolchain } from "./run-program";

/** `import()` that no TypeScript or swc CommonJS transform rewrites into `require` (as run.ts does). */
const dynamicImport = new Function("u", "return import(u)") as (specifier: string) => Promise<any>;

/** The nearest folder at or above `file`'s folder with a package.json (run.ts `npmPackageRootFromProgramPath`). */
export function packageRootOf(file: string): string | undefined {
  let dir = fs.statSync(file).isDirectory() ? file : path.dirname(file);
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function packageObject(root: string | undefined): Record<string, any> {
  if (!root) return {};
  try {
    return JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  } catch {
    return {};
  }
}

/** `compilerOptions` of a tsconfig (comments allowed), as `tsutils.loadTypeScriptCompilerOptions` reads them. */
function tsconfigCompilerOptions(file: string, typescript: string): Record<string, unknown> {
  if (!fs.existsSync(file)) return {};
  const ts = require(typescript);
  const read = ts.readConfigFile(file, ts.sys.readFile);
  return (read.config?.compilerOptions ?? {}) as Record<string, unknown>;
}

const registeredScopes = new Set<string>();

/** True when the program is an ES module package (`"type": "module"` in its package.json). */
export function isEsmProgram(main: string): boolean {
  return packageObject(packageRootOf(main)).type === "module";
}

/**
 * Registers ts-node for the program's folder only (`scope`), so files elsewhere keep whatever compiles them already.
 * Call with the working directory set to the project folder: the tsconfig is looked up there, as the language host does.
 */
export function registerProgramTypeScript(projectDir: string, main: string, toolchain: TypeScriptToolchain): void {
  const esm = isEsmProgram(main);
  const key = `${projectDir}:${esm}`;
  if (registeredScopes.has(key)) return;
  registeredScopes.add(key);
  const tsConfigPath = path.resolve(projectDir, process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json");
  const userOptions = tsconfigCompilerOptions(tsConfigPath, toolchain.typescript);
  const env = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
  const transpileOnly = env !== undefined ? env === "true" : userOptions.noCheck !== false;
  const defaults = esm
    ? { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", sourceMap: true }
    : { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: true };
  const options = {
    compiler: toolchain.typescript,
    transpileOnly,
    project: tsConfigPath,
    skipProject: !fs.existsSync(tsConfigPath),
    scope: true,
    scopeDir: projectDir,
    compilerOptions: { ...defaults, ...userOptions },
  };
  if (esm) {
    // The SDK's own loader hooks (cmd/run/hooks.js), registered with the same options as run.ts registers them.
    const hooks = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir, __dirname] })), "cmd", "run", "hooks.js");
    require("module").register(url.pathToFileURL(hooks).href, url.pathToFileURL(__filename), { data: options });
  } else {
    const tsNode = require(toolchain.tsNode);
    // ts-node 10 (ours, or the project's) has scoped services; the SDK's vendored ts-node 7 only registers globally,
    // which is what the language host does with it too.
    if (typeof tsNode.create === "function") registerExclusively(cached(tsNode.create(options), JSON.stringify(options), toolchain.version));
    else tsNode.register({ transpileOnly: true, compiler: toolchain.typescript, compilerOptions: { ...defaults, module: "commonjs", ...userOptions } });
  }
}

interface Compiler {
  ignored(file: string): boolean;
  compile(code: string, file: string): string;
}

/**
 * The TypeScript compiler is ~30x slower than swc per file; its output depends only on the source, the file name and
 * the options, so it is kept on disk between plans (a cache miss only costs time, never changes the result).
 */
function cached(service: Compiler, optionsKey: string, version: string): Compiler {
  const dir = path.join(os.tmpdir(), "production-platform-ts-cache");
  return {
    ignored: (file) => service.ignored(file),
    compile(code, file) {
      const key = crypto.createHash("sha256").update(`${version}\0${optionsKey}\0${file}\0${code}`).digest("hex");
      const hit = path.join(dir, `${key}.js`);
      try {
        return fs.readFileSync(hit, "utf8");
      } catch {
        const out = service.compile(code, file);
        try {
          fs.mkdirSync(dir, { recursive: true });
          const tmp = `${hit}.${process.pid}.tmp`;
          fs.writeFileSync(tmp, out);
          fs.renameSync(tmp, hit);
        } catch {
          // A cache that cannot be written is only slower.
        }
        return out;
      }
    },
  };
}

/**
 * Compiles the program's `.ts` files with this service only. `ts-node.register` chains onto any earlier registration
 * (ours, when the CLI runs from sources, uses swc), and the earlier one would then transform the source first: a
 * circular import would run swc's CommonJS output instead of TypeScript's. Files outside the scope fall through to
 * whatever loaded them before.
 */
function registerExclusively(service: Compiler): void {
  const extensions = require.extensions as NodeJS.RequireExtensions;
  const previous = extensions[".ts"];
  extensions[".ts"] = (m: any, filename: string) => {
    if (service.ignored(filename) && previous) return previous(m, filename);
    // What Node's own `.js` loader does (read, strip a BOM, compile), without the wrappers earlier hooks put on it.
    const source = fs.readFileSync(filename, "utf8").replace(/^\uFEFF/, "");
    const code = service.compile(source, filename);
    rememberForStackTraces(filename, code);
    m._compile(code, filename);
  };
}

const compiledFiles = new Map<string, string>();
let stackTraceMapsInstalled = false;

/**
 * Stack traces (and so the `sourcePosition` the SDK sends with every resource, which SARIF locations come from) are
 * mapped back to the TypeScript by source-map-support reading the compiled code with its inline map. ts-node serves
 * that code only for files it compiled itself in this process; a file served from the disk cache is not among them,
 * so it is served from here — otherwise a warm cache would shift every line number and the plan would not be
 * reproducible.
 */
function rememberForStackTraces(file: string, code: string): void {
  compiledFiles.set(path.resolve(file), code);
  if (stackTraceMapsInstalled) return;
  stackTraceMapsInstalled = true;
  try {
    const support = require(require.resolve("@cspotcode/source-map-support", { paths: [__dirname] }));
    support.install({
      environment: "node",
      handleUncaughtExceptions: false,
      hookRequire: false,
      retrieveFile: (where: string) => compiledFiles.get(where.startsWith("file://") ? url.fileURLToPath(where) : path.resolve(where)) ?? null,
    });
  } catch {
    // Without it stack traces keep the compiled line numbers, as with any other compiler.
  }
}

/** Loads the program's entry module and returns what it exports, as run.ts does for ESM and CommonJS. */
export async function importProgram(main: string): Promise<unknown> {
  if (isEsmProgram(main)) {
    const exported = await dynamicImport(url.pathToFileURL(fs.realpathSync(main)).href);
    if (Object.getOwnPropertyDescriptor(exported, "default") !== undefined) {
      if (Object.keys(exported).length !== 1) throw new Error("expected entrypoint module to have either a default export or named exports but not both");
      return exported.default;
    }
    return exported;
  }
  return require(main);
}
