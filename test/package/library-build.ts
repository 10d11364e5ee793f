/**
 * `tsc -p tsconfig.build.json` for the packaging tests, reused between jest runs while nothing it read has changed.
 *
 * The build takes ~18 s of CPU and is deterministic, so its output is kept under
 * `node_modules/.cache/production-platform/library-build/<digest>`. The digest covers the TypeScript version, both
 * tsconfig files, package-lock.json (every declaration file tsc reads from node_modules comes from a locked version)
 * and the content of every repository file tsc read in the build that produced the entry (`--listFiles`), plus the
 * current root file names, so a new, removed or edited source is a miss. A miss builds into a scratch folder and
 * renames it into place (concurrent runs: the first rename wins), exactly as src/testing/pack-build.ts caches packs.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { run } from "./exec";

const CONFIG = "tsconfig.build.json";

function rootFiles(repo: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(repo, CONFIG), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!parsed) throw new Error(`${CONFIG}: cannot be parsed`);
  return parsed.fileNames.map((f) => path.relative(repo, f)).sort();
}

function digestOf(repo: string, readFiles: readonly string[]): string {
  const hash = createHash("sha256").update(`typescript ${ts.version}\0`);
  const inputs = [...new Set(["tsconfig.json", CONFIG, "package-lock.json", ...readFiles])].sort();
  for (const rel of [...rootFiles(repo).map((f) => `root:${f}`), ...inputs]) hash.update(`${rel}\0`);
  for (const rel of inputs) {
    const file = path.join(repo, rel);
    hash.update(fs.existsSync(file) ? fs.readFileSync(file) : "(missing)").update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** The repository files (outside node_modules) that the last build read, as `--listFiles` printed them. */
function lastReadFiles(cache: string): string[] {
  const list = path.join(cache, "read-files.json");
  return fs.existsSync(list) ? JSON.parse(fs.readFileSync(list, "utf8")) : [];
}

function cacheOf(repo: string): string {
  return path.join(repo, "node_modules", ".cache", "production-platform", "library-build");
}

/** The cache key the next {@link builtLibrary} call looks up (exported for its test). */
export function libraryDigest(repo: string): string {
  return digestOf(repo, lastReadFiles(cacheOf(repo)));
}

/** The compiled library (what `dist/` would hold after `tsc -p tsconfig.build.json`), built or reused. */
export function builtLibrary(repo: string): string {
  const cache = cacheOf(repo);
  const hit = path.join(cache, libraryDigest(repo));
  if (fs.existsSync(path.join(hit, "index.js"))) return hit;
  fs.mkdirSync(cache, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(cache, ".build-"));
  try {
    const out = path.join(scratch, "dist");
    const tsc = run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(repo, CONFIG), "--outDir", out, "--listFiles"], repo, { allowStatus: [0, 1, 2] });
    const lines = tsc.stdout.split("\n").map((l) => l.trim()).filter((l) => l);
    // The diagnostics, without the thousands of file names --listFiles prints after them.
    if (tsc.status !== 0) throw new Error(`tsc -p ${CONFIG} exited ${tsc.status}:\n${lines.filter((l) => !path.isAbsolute(l)).join("\n")}\n${tsc.stderr}`);
    const read = lines.filter((l) => path.isAbsolute(l)).map((l) => path.relative(repo, l)).filter((r) => !r.startsWith("..") && !r.split(path.sep).includes("node_modules"));
    fs.writeFileSync(path.join(cache, "read-files.json"), JSON.stringify(read.sort()));
    const target = path.join(cache, digestOf(repo, read));
    try {
      fs.renameSync(out, target);
    } catch (err) {
      if (!fs.existsSync(path.join(target, "index.js"))) throw err;
    }
    // Older builds are of sources that no longer exist here: keep only this one.
    for (const entry of fs.readdirSync(cache)) if (/^[0-9a-f]{16}$/.test(entry) && entry !== path.basename(target)) fs.rmSync(path.join(cache, entry), { recursive: true, force: true });
    return target;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
