/**
 * The pack processes' V8 code cache (src/testing/code-cache.ts): modules run the same from cached data as from
 * source, an edited module is never run from a stale cache, and the plan's packs actually start with it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startPolicyPack } from "../../src/testing/analyzer";
import { CODE_CACHE_ENV } from "../../src/testing/code-cache";
import { codeCacheLaunch } from "../../src/testing/pack-code-cache";

const launch = codeCacheLaunch();
let work: string;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "pp-code-cache-"));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** A small CommonJS package that uses what a module's wrapper gives it: require, resolve, paths, dirname, import(). */
function writeFixture(version: string): string {
  const dir = path.join(work, "lib");
  fs.mkdirSync(path.join(dir, "node_modules", "dep"), { recursive: true });
  fs.writeFileSync(path.join(dir, "node_modules", "dep", "index.js"), "module.exports = { dep: true };\n");
  fs.writeFileSync(path.join(dir, "esm.mjs"), "export const esm = 'esm';\n");
  // On Node 20 a script from cached data cannot import(): such a module must be left to Node's loader.
  fs.writeFileSync(path.join(dir, "importer.js"), "module.exports = () => import('./esm.mjs');\n");
  fs.writeFileSync(
    path.join(dir, "main.js"),
    [
      '"use strict";',
      `const version = ${JSON.stringify(version)};`,
      "function thrower() { throw new Error('boom'); }",
      "let where = '';",
      "try { thrower(); } catch (e) { where = e.stack.split('\\n')[1]; }",
      "const thisIsExports = this === exports && this === module.exports;",
      "module.exports = async () => ({",
      "  version, thisIsExports, dep: require('dep').dep,",
      "  resolved: require.resolve('dep') === require('path').join(__dirname, 'node_modules', 'dep', 'index.js'),",
      "  paths: Array.isArray(require.resolve.paths('dep')), main: require.main === undefined || typeof require.main === 'object',",
      "  cached: require.cache[__filename] === module, file: __filename.endsWith('main.js'), where,",
      "  esm: (await require('./importer')()).esm,",
      "});",
    ].join("\n"),
  );
  return path.join(dir, "main.js");
}

/** Runs `main` in a fresh node with the cache preloaded; its result and the cache's counters. */
function runWithCache(main: string, cacheDir: string): { result: Record<string, unknown>; stats: Record<string, number> } {
  const script = `require(${JSON.stringify(main)})().then((result) => { const { codeCacheStats } = require(${JSON.stringify(path.join(path.dirname(launch!.execArgv[1]), "code-cache.js"))}); process.stdout.write(JSON.stringify({ result, stats: codeCacheStats })); process.exit(0); });`;
  const out = execFileSync(process.execPath, [...launch!.execArgv, "-e", script], { env: { ...process.env, [CODE_CACHE_ENV]: cacheDir }, encoding: "utf8" });
  return JSON.parse(out);
}

test("a checkout can start packs with the cache (the preload is built and the cache directory named)", () => {
  expect(launch).toBeDefined();
  expect(fs.existsSync(launch!.execArgv[1])).toBe(true);
  expect(launch!.env[CODE_CACHE_ENV]).toMatch(/node_modules[/\\]\.cache[/\\]production-platform[/\\]v8$/);
});

test("a module runs the same compiled from source and from its cached data", () => {
  const main = writeFixture("one");
  const cacheDir = path.join(work, "cache");
  const first = runWithCache(main, cacheDir);
  const second = runWithCache(main, cacheDir);
  const expected = { version: "one", thisIsExports: true, dep: true, resolved: true, paths: true, main: true, cached: true, file: true, esm: "esm" };
  expect(first.result).toMatchObject(expected);
  expect(second.result).toEqual(first.result);
  expect(String(first.result.where)).toContain(`${main}:3:`);
  expect(first.stats).toMatchObject({ compiled: 2, fromCache: 0 }); // main.js and dep
  expect(second.stats).toMatchObject({ compiled: 0, fromCache: 2 });
  // importer.js (and the tokenizer that judged it, on the first run) left to Node, its verdict kept beside the cache.
  expect(second.stats.byNode).toBeGreaterThanOrEqual(1);
  expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith(".node")).length).toBeGreaterThanOrEqual(1);
});

test("an edited module is compiled from its new source, even at the same size and time", () => {
  const main = writeFixture("one");
  const cacheDir = path.join(work, "cache");
  runWithCache(main, cacheDir);
  const { mtime } = fs.statSync(main);
  fs.writeFileSync(main, fs.readFileSync(main, "utf8").replace('"one"', '"two"'));
  fs.utimesSync(main, mtime, mtime);
  const edited = runWithCache(main, cacheDir);
  expect(edited.result.version).toBe("two");
  expect(edited.stats.compiled).toBe(1);
});

test("corrupt cached data is rejected by V8 and the module compiled from source", () => {
  const main = writeFixture("one");
  const cacheDir = path.join(work, "cache");
  runWithCache(main, cacheDir);
  for (const f of fs.readdirSync(cacheDir).filter((n) => !n.endsWith(".node"))) fs.writeFileSync(path.join(cacheDir, f), Buffer.from("not a code cache"));
  const again = runWithCache(main, cacheDir);
  expect(again.result.version).toBe("one");
  expect(again.stats.rejected).toBe(2);
  expect(again.stats.fromCache).toBe(0);
});

test("a pack answers GetAnalyzerInfo and Analyze the same with and without the cache", async () => {
  const dir = path.join(__dirname, "..", "..", "policy", "workload-resilience");
  const resource = { type: "kubernetes:apps/v1:Deployment", name: "web", urn: "urn:pulumi:dev::p::kubernetes:apps/v1:Deployment::web", props: { metadata: { name: "web" }, spec: { replicas: 1, template: { spec: { containers: [{ name: "c", image: "nginx" }] } } } } };
  const answers = [];
  for (const codeCache of [false, true, true]) {
    const pack = await startPolicyPack(dir, { codeCache, config: { all: "mandatory" } });
    try {
      answers.push({ info: await pack.info(), findings: await pack.analyze(resource) });
    } finally {
      await pack.close();
    }
  }
  expect(answers[0].findings.length).toBeGreaterThan(0);
  expect(answers[1]).toEqual(answers[0]);
  expect(answers[2]).toEqual(answers[0]);
});
