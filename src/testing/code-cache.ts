/**
 * A V8 code cache for the CommonJS modules a policy pack process loads (issue 22: pack start cost).
 *
 * Why: a pack's start to `GetAnalyzerInfo` is ≈ 1 s of CPU on an idle machine, and half of it is V8 compiling the
 * ≈ 930 modules (16 MB of JavaScript) that `run-policy-pack` and `@pulumi/policy` load before the pack can serve:
 * TypeScript (run-policy-pack loads it and registers ts-node even for a JavaScript pack), `@pulumi/pulumi`'s root
 * (its automation API pulls in npm's arborist, pacote, sigstore…), grpc and protobuf. None of that is ours to change
 * (it is what `pulumi preview --policy-pack` runs, and what `npm run parity` runs under the real engine), so the
 * plan keeps running exactly that code and only stops compiling it from scratch every time.
 *
 * Node 20 has no `module.enableCompileCache` (22.1), so this mirrors what that does, with `vm.Script` `cachedData`:
 * the cache of a module is written after it has run (`createCachedData` then holds the functions compiled lazily
 * while it ran, which a cache produced at compile time would not), keyed by the module's path and a digest of its
 * source, so an edited or upgraded module is never run from a stale cache; V8 itself rejects data from another V8
 * version or flags (`cachedDataRejected`), and the module is then compiled from its source as usual.
 *
 * What runs is unchanged: the same source, the same wrapper arguments, the same `require` (built as Node's
 * `makeRequireFunction` builds it). Everything else goes to Node's own `_compile`, uncached: ES modules, a module V8
 * refuses to compile as a script, and any module that may call `import()` — on Node 20 a script compiled from cached
 * data loses its dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING; test/testing/code-cache.test.ts),
 * so a module is cached only when its tokens (acorn, which `@pulumi/pulumi` depends on) hold no `import (`; that
 * verdict is taken once per module version and kept beside its cache.
 * Loaded with `node --require` by {@link codeCachePreload}; the plan and the test kit start packs with it, the real
 * engine does not (its figures are printed beside ours by `npm run bench`).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import Module = require("module");
import * as path from "path";
import * as vm from "vm";

/** Environment variable naming the cache directory for the preload (unset: the preload does nothing). */
export const CODE_CACHE_ENV = "PRODUCTION_PLATFORM_CODE_CACHE";

/** Bump when the cache format or key changes. */
const FORMAT = "1";

/** Milliseconds after the last new module before its cache is written (a pack process is usually stopped by SIGTERM, without an exit event). */
const FLUSH_DELAY_MS = 500;

/** Modules compiled in this process: from cached data, from source (then cached), or handed to Node's own loader. */
export const codeCacheStats = { fromCache: 0, compiled: 0, rejected: 0, byNode: 0 };

interface InternalModule {
  exports: unknown;
  filename: string;
  require(id: string): unknown;
  _compile(content: string, filename: string, format?: string): unknown;
}

interface ModuleStatics {
  prototype: InternalModule;
  wrap(content: string): string;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: unknown): string[] | null;
  _extensions: unknown;
  _cache: unknown;
}

/** The `require` given to a module, as Node's `makeRequireFunction` (lib/internal/modules/helpers.js) builds it. */
function requireFor(mod: InternalModule, statics: ModuleStatics): NodeJS.Require {
  const req = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) => statics._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => statics._resolveLookupPaths(request, mod);
  req.resolve = resolve;
  req.main = process.mainModule;
  req.extensions = statics._extensions as NodeJS.Require["extensions"];
  req.cache = statics._cache as NodeJS.Require["cache"];
  return req;
}

/** Writes `data` to `file` atomically (several pack processes share one cache). Failures only cost the cache. */
function writeAtomically(file: string, data: Buffer): void {
  const scratch = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(scratch, data);
    fs.renameSync(scratch, file);
  } catch {
    fs.rmSync(scratch, { force: true });
  }
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Set while the tokenizer is loading or running: modules loaded meanwhile (acorn itself) are left to Node. */
let scanning = false;

/** True unless the module surely never calls `import()`: no `import` keyword token followed by `(`. */
function mayImport(content: string, filename: string): boolean {
  if (!/\bimport\s*\(/.test(content)) return false;
  if (scanning) return true;
  scanning = true;
  try {
    const acorn = require(require.resolve("acorn", { paths: [__dirname, path.dirname(filename)] }));
    let previous: { type: { keyword?: string } } | undefined;
    for (const token of acorn.tokenizer(content, { ecmaVersion: "latest", allowHashBang: true, allowReturnOutsideFunction: true })) {
      if (previous?.type.keyword === "import" && token.type.label === "(") return true;
      previous = token;
    }
    return false;
  } catch {
    return true; // no tokenizer, or source it cannot read: leave the module to Node
  } finally {
    scanning = false;
  }
}

/**
 * Installs the cache in this process: every CommonJS module compiled from now on is compiled with its cached data
 * from `dir` when there is valid data, and its cache is written to `dir` when there was none. Idempotent.
 */
export function installCodeCache(dir: string): void {
  const statics = Module as unknown as ModuleStatics;
  const proto = statics.prototype as InternalModule & { __codeCache?: boolean };
  if (proto.__codeCache) return;
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch {
    return;
  }
  const original = proto._compile;
  const pending: { script: vm.Script; file: string }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    for (const { script, file } of pending.splice(0)) writeAtomically(file, script.createCachedData());
  };
  process.once("exit", flush);
  proto._compile = function compileWithCache(this: InternalModule, content: string, filename: string, format?: string) {
    if (format === "module" || !/\.c?js$/.test(filename)) {
      codeCacheStats.byNode++;
      return original.call(this, content, filename, format);
    }
    const key = createHash("sha256").update(`${FORMAT}\0${process.version}\0${process.arch}\0${filename}\0`).update(content).digest("hex");
    const file = path.join(dir, key.slice(0, 40));
    const cachedData = readOrUndefined(file);
    if (cachedData === undefined && (fs.existsSync(`${file}.node`) || mayImport(content, filename))) {
      if (!fs.existsSync(`${file}.node`)) writeAtomically(`${file}.node`, Buffer.alloc(0));
      codeCacheStats.byNode++;
      return original.call(this, content, filename, format);
    }
    let script: vm.Script;
    try {
      script = new vm.Script(statics.wrap(content), { filename, cachedData });
    } catch {
      // Not a script V8 accepts (ES module syntax, a syntax error): Node's own loader decides and reports.
      codeCacheStats.byNode++;
      return original.call(this, content, filename, format);
    }
    if (cachedData !== undefined && !script.cachedDataRejected) codeCacheStats.fromCache++;
    else codeCacheStats[cachedData === undefined ? "compiled" : "rejected"]++;
    if (cachedData === undefined || script.cachedDataRejected) {
      pending.push({ script, file });
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, FLUSH_DELAY_MS);
      timer.unref();
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return Reflect.apply(wrapper, this.exports, [this.exports, requireFor(this, statics), this, filename, path.dirname(filename)]);
  };
  proto.__codeCache = true;
}
