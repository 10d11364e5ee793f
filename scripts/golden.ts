/**
 * Golden URN lists: `npm run golden:update` rewrites test/golden/<stack>.urns from fresh plans. Updating them is a
 * deliberate act reviewed in the pull request; test/quality/urns.test.ts fails on any unreviewed change.
 */
import * as fs from "fs";
import * as path from "path";

export const GOLDEN_DIR = path.resolve(__dirname, "..", "test", "golden");

/** One line per resource, `<type> <urn>`, sorted: the identity Pulumi uses to decide update vs replace. */
export function urnLines(resources: readonly { type: string; urn: string }[]): string[] {
  return resources.map((r) => `${r.type} ${r.urn}`).sort();
}

export function goldenFile(stack: string): string {
  return path.join(GOLDEN_DIR, `${stack}.urns`);
}

export function readGolden(stack: string): string[] | undefined {
  const file = goldenFile(stack);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : undefined;
}

if (require.main === module) {
  const { spawnSync } = require("child_process") as typeof import("child_process");
  const os = require("os") as typeof import("os");
  for (const stack of ["dev", "staging", "prod", "account"]) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `golden-${stack}-`));
    const result = spawnSync(process.execPath, [path.resolve(__dirname, "..", "bin", "production-platform.js"), "plan", "--stack", stack, "--out", out, "--no-policy"], { stdio: ["ignore", "inherit", "inherit"] });
    if (result.status !== 0) {
      console.error(`plan --stack ${stack} failed (exit ${result.status}); golden files not updated`);
      process.exit(1);
    }
    const lines = urnLines(JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8")));
    fs.mkdirSync(GOLDEN_DIR, { recursive: true });
    fs.writeFileSync(goldenFile(stack), `${lines.join("\n")}\n`);
    console.log(`wrote ${path.relative(process.cwd(), goldenFile(stack))} (${lines.length} resources)`);
  }
}
