/**
 * Where the pack processes' V8 code cache (code-cache.ts) lives and the JavaScript `node --require` loads to install
 * it: `dist/src/testing/code-cache-preload.js` in the installed package; in a checkout the two TypeScript sources,
 * transpiled on first use into `node_modules/.cache/production-platform/code-cache-<digest>/` (like the packs, see
 * pack-build.ts), so a changed source is never run stale.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { CODE_CACHE_ENV } from "./code-cache";
import { isInstalledPackage, packageRoot } from "./pack-build";

const SOURCES = ["code-cache", "code-cache-preload", "compiled-pack-runner"];

/** `node_modules/.cache/production-platform` of the checkout, or of the project the package is installed in. */
function cacheRoot(root: string): string {
  return isInstalledPackage(root) ? path.join(root, "..", ".cache", "production-platform") : path.join(root, "node_modules", ".cache", "production-platform");
}

function transpiledPreload(cache: string): string {
  const ts: typeof import("typescript") = require("typescript");
  const sources = SOURCES.map((s) => fs.readFileSync(path.join(__dirname, `${s}.ts`), "utf8"));
  const digest = createHash("sha256").update(`typescript ${ts.version}\0${sources.join("\0")}`).digest("hex").slice(0, 16);
  const target = path.join(cache, `code-cache-${digest}`);
  const preload = path.join(target, "code-cache-preload.js");
  if (fs.existsSync(preload)) return preload;
  const scratch = `${target}.${process.pid}.tmp`;
  fs.mkdirSync(scratch, { recursive: true });
  SOURCES.forEach((name, i) => {
    const out = ts.transpileModule(sources[i], { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true } });
    fs.writeFileSync(path.join(scratch, `${name}.js`), out.outputText);
  });
  try {
    fs.renameSync(scratch, target);
  } catch (err) {
    fs.rmSync(scratch, { recursive: true, force: true });
    if (!fs.existsSync(preload)) throw err;
  }
  return preload;
}

/**
 * The `node` arguments and environment that start a pack process with the code cache, and the entry that starts
 * one of this package's compiled packs (compiled-pack-runner.ts), or none when they cannot be set up here (no
 * writable cache directory): the pack then starts exactly as the engine starts it.
 */
export function codeCacheLaunch(root: string = packageRoot()): { execArgv: string[]; env: Record<string, string>; compiledPackRunner: string } | undefined {
  try {
    const cache = cacheRoot(root);
    const compiled = path.join(__dirname, "code-cache-preload.js");
    const preload = fs.existsSync(compiled) ? compiled : transpiledPreload(cache);
    const compiledPackRunner = path.join(path.dirname(preload), "compiled-pack-runner.js");
    return { execArgv: ["--require", preload], env: { [CODE_CACHE_ENV]: path.join(cache, "v8") }, compiledPackRunner };
  } catch {
    return undefined;
  }
}
