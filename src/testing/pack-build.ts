/**
 * Compiles a CrossGuard pack of this repository (`policy/<pack>/`, TypeScript importing `../common` and, for
 * kubernetes-cis, `../pod-security`) into a self-contained folder that is the publishable package:
 *
 * ```
 * <out>/package.json        name, version, description, license of the pack; main: index.js; its npm dependencies
 * <out>/PulumiPolicy.yaml   as in the source pack (what `pulumi policy publish` and `run-policy-pack` look for)
 * <out>/config/*.json       the per-environment `--policy-pack-config` files
 * <out>/index.js            require("./lib/<pack>/index.js"): the pack
 * <out>/inventory.js        require("./lib/<pack>/inventory.js"), when the pack has an inventory
 * <out>/lib/<dir>/…js       every module the pack imports, at its path relative to policy/ (relative imports hold)
 * <out>/lib/exemptions.yaml policy/exemptions.yaml: the packs read `<pack dir>/../exemptions.yaml` by default
 * <out>/LICENSE            this repository's license
 * ```
 *
 * Why compiled: `run-policy-pack` (the Pulumi CLI's pack runner) registers ts-node with `typeCheck: true`, so a
 * TypeScript pack type-checks itself at every start (seconds), needs a TypeScript of its own (without one the SDK's
 * vendored 3.8.3 rejects our `target`), and `npm pack` in the pack folder would leave out `../common`. JavaScript
 * starts in a fraction of a second and needs nothing but its dependencies. Type-checking stays in `npm test`
 * (`tsc -p tsconfig.json` covers policy/), so this build only transpiles, file by file.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";

/** Bump when the layout above changes: cached builds of an older layout are then rebuilt. */
const LAYOUT_VERSION = "1";

/** The modules a pack is made of (paths relative to policy/) and the npm packages they import. */
export interface PackClosure {
  readonly policyRoot: string;
  readonly files: readonly string[];
  readonly packages: readonly string[];
}

function typescript(): typeof import("typescript") {
  // Loaded only when a pack is built (in a checkout); an installed package ships its packs compiled.
  return require("typescript");
}

function resolveRelative(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  return [`${base}.ts`, path.join(base, "index.ts"), base].find((f) => f.endsWith(".ts") && fs.existsSync(f));
}

/** Follows the relative imports of the pack's `index.ts` (and `inventory.ts`): every file must stay under policy/. */
export function packClosure(packDir: string): PackClosure {
  const ts = typescript();
  const policyRoot = path.dirname(path.resolve(packDir));
  const entries = ["index.ts", "inventory.ts"].map((f) => path.join(path.resolve(packDir), f)).filter((f) => fs.existsSync(f));
  if (!entries.some((f) => f.endsWith("index.ts"))) throw new Error(`${packDir}: a pack needs an index.ts`);
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const rel = path.relative(policyRoot, file);
    if (rel.startsWith("..")) throw new Error(`${packDir}: ${file} is outside ${policyRoot}; a pack may import only policy/ modules and npm packages`);
    for (const { fileName: spec } of ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles) {
      if (spec.startsWith(".")) {
        const target = resolveRelative(file, spec);
        if (!target) throw new Error(`${file}: cannot resolve import ${JSON.stringify(spec)}`);
        queue.push(target);
      } else if (!builtinModules.includes(spec.replace(/^node:/, ""))) {
        packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
      }
    }
  }
  return { policyRoot, files: [...seen].map((f) => path.relative(policyRoot, f)).sort(), packages: [...packages].sort() };
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** The package.json of the built pack: the source pack's identity, `main: index.js`, exactly the packages it imports. */
function packManifest(packDir: string, closure: PackClosure): Record<string, unknown> {
  const source = readJson(path.join(packDir, "package.json"));
  const declared: Record<string, string> = source.dependencies ?? {};
  // run-policy-pack is @pulumi/pulumi's; the pack's protocol server is @pulumi/policy's: both are needed at start.
  const needed = [...new Set([...closure.packages, "@pulumi/policy", "@pulumi/pulumi"])].sort();
  const missing = needed.filter((p) => !declared[p]);
  if (missing.length > 0) {
    throw new Error(`${path.join(packDir, "package.json")}: the pack imports ${missing.join(", ")} but does not declare ${missing.length > 1 ? "them" : "it"} in dependencies`);
  }
  return {
    name: source.name,
    version: source.version,
    description: source.description,
    license: source.license ?? readJson(path.join(closure.policyRoot, "..", "package.json")).license,
    main: "index.js",
    dependencies: Object.fromEntries(needed.map((p) => [p, declared[p]])),
  };
}

function write(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** Files copied as they are, relative to the pack folder (config/ and the README when present). */
function assetsOf(packDir: string): string[] {
  const config = fs.existsSync(path.join(packDir, "config")) ? fs.readdirSync(path.join(packDir, "config")).filter((f) => f.endsWith(".json")).map((f) => path.join("config", f)) : [];
  return ["PulumiPolicy.yaml", "README.md", ...config.sort()].filter((f) => fs.existsSync(path.join(packDir, f)));
}

/** Compiles `packDir` into `outDir` (replacing it), laid out as described at the top of this file. */
export function buildPack(packDir: string, outDir: string): PackClosure {
  const ts = typescript();
  const dir = path.resolve(packDir);
  const name = path.basename(dir);
  const closure = packClosure(dir);
  const manifest = packManifest(dir, closure);
  const options = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, resolveJsonModule: true, sourceMap: false };
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const rel of closure.files) {
    const file = path.join(closure.policyRoot, rel);
    const out = ts.transpileModule(fs.readFileSync(file, "utf8"), { compilerOptions: options, fileName: file, reportDiagnostics: true });
    const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) throw new Error(`${file}: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")}`);
    write(path.join(outDir, "lib", rel.replace(/\.ts$/, ".js")), out.outputText);
  }
  for (const entry of ["index", "inventory"]) {
    if (closure.files.includes(path.join(name, `${entry}.ts`))) write(path.join(outDir, `${entry}.js`), `"use strict";\nmodule.exports = require("./lib/${name}/${entry}.js");\n`);
  }
  for (const asset of assetsOf(dir)) write(path.join(outDir, asset), fs.readFileSync(path.join(dir, asset)));
  const license = path.join(closure.policyRoot, "..", "LICENSE");
  if (fs.existsSync(license)) write(path.join(outDir, "LICENSE"), fs.readFileSync(license));
  const exemptions = path.join(closure.policyRoot, "exemptions.yaml");
  if (fs.existsSync(exemptions)) write(path.join(outDir, "lib", "exemptions.yaml"), fs.readFileSync(exemptions));
  write(path.join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return closure;
}

/** Every file a build of `packDir` is made from (sources, assets, manifests), absolute paths. */
function digestInputs(dir: string, closure: PackClosure): string[] {
  return [...closure.files.map((f) => path.join(closure.policyRoot, f)), ...assetsOf(dir).map((f) => path.join(dir, f)), path.join(dir, "package.json"), path.join(closure.policyRoot, "exemptions.yaml")];
}

/** A digest of everything a build of `packDir` is made from: any change to a source, asset or manifest rebuilds. */
export function packDigest(packDir: string): string {
  const dir = path.resolve(packDir);
  return digestOf(dir, packClosure(dir));
}

function digestOf(dir: string, closure: PackClosure): string {
  const hash = createHash("sha256").update(`${buildKey()}\0`);
  for (const file of digestInputs(dir, closure)) {
    hash.update(`${path.relative(closure.policyRoot, file)}\0`);
    if (fs.existsSync(file)) hash.update(fs.readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * What a digest was computed from, as `stat` saw it: every input file and every directory holding one (a file added
 * beside them, such as a new config, or an import that now resolves elsewhere, changes its directory's mtime).
 * Checked before {@link packDigest} is recomputed: the digest parses every module's imports with TypeScript
 * (≈ 0.4 s of CPU for the five packs, on the critical path of every plan's pack start), a stat of each input
 * ≈ 5 ms. Size, mtime in nanoseconds and inode: an edit, a `git checkout` (new inode) or a copy changes one of them.
 */
interface DigestStamp {
  readonly key: string;
  readonly digest: string;
  readonly seen: readonly string[];
}

function statLine(file: string): string {
  try {
    const st = fs.statSync(file, { bigint: true });
    return `${file}\0${st.size}\0${st.mtimeNs}\0${st.ino}`;
  } catch {
    return `${file}\0absent`;
  }
}

function stampLines(dir: string, inputs: readonly string[]): string[] {
  const dirs = new Set([dir, ...inputs.map((f) => path.dirname(f))]);
  return [...inputs, ...[...dirs].sort()].map(statLine);
}

/** What every build depends on besides its inputs: the layout and the TypeScript that transpiles (read, not loaded). */
function buildKey(): string {
  return `layout ${LAYOUT_VERSION}\0typescript ${readJson(require.resolve("typescript/package.json")).version}`;
}

/** {@link packDigest}, reused from `<cacheRoot>/<pack>.digest.json` while nothing it was computed from changed. */
export function cachedPackDigest(packDir: string, cacheRoot: string): string {
  const dir = path.resolve(packDir);
  const stampFile = path.join(cacheRoot, `${path.basename(dir)}.digest.json`);
  const key = buildKey();
  let stamp: DigestStamp | undefined;
  try {
    stamp = readJson(stampFile);
  } catch {
    stamp = undefined; // none yet, or torn by a crash: recompute
  }
  if (stamp?.key === key && Array.isArray(stamp.seen) && stamp.seen.every((line) => statLine(line.split("\0")[0]) === line)) return stamp.digest;
  const closure = packClosure(dir);
  const digest = digestOf(dir, closure);
  const fresh: DigestStamp = { key, digest, seen: stampLines(dir, digestInputs(dir, closure)) };
  fs.mkdirSync(cacheRoot, { recursive: true });
  // Written whole and renamed: a concurrent reader sees the old stamp or the new one, never half of one.
  const temp = `${stampFile}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(fresh));
  fs.renameSync(temp, stampFile);
  return digest;
}

/**
 * The compiled build of a source pack, built on first use into `<cacheRoot>/<pack>-<digest>` and reused while the
 * sources are unchanged (so a checkout never runs stale compiled code). Concurrent callers (jest workers, parallel
 * plans) each build into a temporary folder and rename it into place; the first rename wins.
 */
export function compiledPack(packDir: string, cacheRoot: string): string {
  const target = path.join(cacheRoot, `${path.basename(path.resolve(packDir))}-${cachedPackDigest(packDir, cacheRoot)}`);
  if (fs.existsSync(path.join(target, "package.json"))) return target;
  fs.mkdirSync(cacheRoot, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(cacheRoot, ".build-"));
  try {
    buildPack(packDir, path.join(scratch, "pack"));
    try {
      fs.renameSync(path.join(scratch, "pack"), target);
    } catch (err) {
      if (!fs.existsSync(path.join(target, "package.json"))) throw err;
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return target;
}

/**
 * This package's root: the nearest ancestor of `from` holding a `package.json`. Works from the TypeScript sources
 * (`src/testing`) and from the compiled package (`dist/src/testing`).
 */
export function packageRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

/** True when this package runs from an npm install (`…/node_modules/production-platform`), not from a checkout. */
export function isInstalledPackage(root: string = packageRoot()): boolean {
  return path.resolve(root).split(path.sep).includes("node_modules");
}

function packsUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "PulumiPolicy.yaml")))
    .map((d) => path.join(dir, d.name))
    .sort();
}

/**
 * The packs this package ships: compiled (`dist/packs/<pack>`, built by `npm run build:packs`) when installed from
 * npm; the sources (`policy/<pack>`) in a checkout, which {@link runnablePackDir} compiles on first use.
 */
export function bundledPackDirs(root: string = packageRoot()): string[] {
  return isInstalledPackage(root) ? packsUnder(path.join(root, "dist", "packs")) : packsUnder(path.join(root, "policy"));
}

/**
 * The directory to start a pack from. One of this checkout's TypeScript packs (`policy/<pack>` whose `main` is a
 * `.ts` file) runs as its compiled build (see {@link compiledPack}): the same JavaScript `npm run build:packs`
 * publishes, type-checked by `npm test` rather than at every start. Any other pack (JavaScript, or someone else's
 * TypeScript pack) starts from its own directory, exactly as `pulumi preview --policy-pack <dir>` would start it,
 * type-check included.
 */
export function runnablePackDir(packDir: string, root: string = packageRoot()): string {
  const dir = path.resolve(packDir);
  if (isInstalledPackage(root) || path.dirname(dir) !== path.join(path.resolve(root), "policy")) return dir;
  const manifest = path.join(dir, "package.json");
  if (!fs.existsSync(manifest) || !String(readJson(manifest).main ?? "").endsWith(".ts")) return dir;
  return compiledPack(dir, compiledPacksRoot(root));
}

function compiledPacksRoot(root: string): string {
  return path.join(root, "node_modules", ".cache", "production-platform", "packs");
}

/**
 * True for a pack this package compiled: a checkout's build cache (`runnablePackDir`) or the installed package's
 * `dist/packs`. Those hold JavaScript only (buildPack transpiles every module), so they need no TypeScript at start.
 */
export function isCompiledPack(dir: string, root: string = packageRoot()): boolean {
  const parent = path.dirname(path.resolve(dir));
  return parent === path.resolve(isInstalledPackage(root) ? path.join(root, "dist", "packs") : compiledPacksRoot(root));
}
