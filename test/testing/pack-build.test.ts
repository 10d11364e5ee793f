/**
 * A checkout's packs run as their compiled build, cached by a digest of their sources (src/testing/pack-build.ts).
 * The digest itself is reused while `stat` sees none of its inputs change; these tests hold that a reused digest is
 * never a stale one: an edit anywhere in the pack's closure, a new asset beside it, or a broken stamp rebuilds.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cachedPackDigest, packDigest, runnablePackDir } from "../../src/testing/pack-build";

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** A package root holding policy/demo (a TypeScript pack importing ../common/rule) and policy/common. */
function checkout(): { root: string; pack: string; cache: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pack-build-"));
  write(path.join(root, "package.json"), JSON.stringify({ name: "checkout", license: "Apache-2.0" }));
  const pack = path.join(root, "policy", "demo");
  write(path.join(pack, "package.json"), JSON.stringify({ name: "demo", version: "1.0.0", main: "index.ts", dependencies: { "@pulumi/policy": "1.21.0", "@pulumi/pulumi": "3.248.0" } }));
  write(path.join(pack, "PulumiPolicy.yaml"), "runtime: nodejs\n");
  write(path.join(pack, "index.ts"), 'import { rule } from "../common/rule";\nexport const rules = [rule];\n');
  write(path.join(pack, "config", "dev.json"), "{}\n");
  write(path.join(root, "policy", "common", "rule.ts"), "export const rule = 1;\n");
  return { root, pack, cache: path.join(root, "node_modules", ".cache", "production-platform", "packs") };
}

describe("compiled packs are rebuilt whenever their sources change, and only then", () => {
  let c: ReturnType<typeof checkout>;
  beforeEach(() => (c = checkout()));
  afterEach(() => fs.rmSync(c.root, { recursive: true, force: true }));

  const stampOf = () => path.join(c.cache, "demo.digest.json");

  it("reuses the build and its stamp while nothing changed", () => {
    const built = runnablePackDir(c.pack, c.root);
    expect(fs.readFileSync(path.join(built, "lib", "common", "rule.js"), "utf8")).toContain("exports.rule = 1");
    const before = fs.statSync(stampOf(), { bigint: true });
    expect(runnablePackDir(c.pack, c.root)).toBe(built);
    const after = fs.statSync(stampOf(), { bigint: true });
    // Not rewritten: the digest came from the stamp, not from parsing the sources again.
    expect([after.ino, after.mtimeNs]).toEqual([before.ino, before.mtimeNs]);
    expect(cachedPackDigest(c.pack, c.cache)).toBe(packDigest(c.pack));
  });

  it("rebuilds after an edit to a module the pack imports, even one of the same size", () => {
    const built = runnablePackDir(c.pack, c.root);
    write(path.join(c.root, "policy", "common", "rule.ts"), "export const rule = 2;\n");
    const rebuilt = runnablePackDir(c.pack, c.root);
    expect(rebuilt).not.toBe(built);
    expect(fs.readFileSync(path.join(rebuilt, "lib", "common", "rule.js"), "utf8")).toContain("exports.rule = 2");
    expect(cachedPackDigest(c.pack, c.cache)).toBe(packDigest(c.pack));
  });

  it("rebuilds when a config file is added beside the others (no stamped file changed)", () => {
    const built = runnablePackDir(c.pack, c.root);
    write(path.join(c.pack, "config", "prod.json"), '{"all":"mandatory"}\n');
    const rebuilt = runnablePackDir(c.pack, c.root);
    expect(rebuilt).not.toBe(built);
    expect(fs.existsSync(path.join(rebuilt, "config", "prod.json"))).toBe(true);
  });

  it("rebuilds when a new import is added, and follows it", () => {
    runnablePackDir(c.pack, c.root);
    write(path.join(c.root, "policy", "common", "extra.ts"), "export const extra = 3;\n");
    write(path.join(c.pack, "index.ts"), 'import { rule } from "../common/rule";\nimport { extra } from "../common/extra";\nexport const rules = [rule, extra];\n');
    const rebuilt = runnablePackDir(c.pack, c.root);
    expect(fs.existsSync(path.join(rebuilt, "lib", "common", "extra.js"))).toBe(true);
  });

  it("recomputes from a torn or foreign stamp instead of trusting it", () => {
    const built = runnablePackDir(c.pack, c.root);
    fs.writeFileSync(stampOf(), '{"key": "layout 1 typ');
    expect(runnablePackDir(c.pack, c.root)).toBe(built);
    fs.writeFileSync(stampOf(), JSON.stringify({ ...JSON.parse(fs.readFileSync(stampOf(), "utf8")), digest: "0000000000000000" }).replace(/"key":"[^"]*"/, '"key":"layout 0"'));
    expect(runnablePackDir(c.pack, c.root)).toBe(built);
  });
});
