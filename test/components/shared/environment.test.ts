/**
 * `Environment` is a union in the types and a check at run time: JavaScript callers, `as any` and config read as a
 * string reach components too. Every component example (docs/examples) given `environment: "production"` must stop
 * with a validation error naming the property and the allowed values, before it registers a child.
 */
import * as fs from "fs";
import * as path from "path";
import { setupOfflineRuntime } from "../../../src/testing";

const REPO = path.resolve(__dirname, "..", "..", "..");
const EXAMPLES = path.join(REPO, "docs", "examples");
/** ClusterSecurityBaseline's `environment` is a free DNS label (a path segment of secret names), not the union. */
const LABEL_ONLY = ["ClusterSecurityBaseline.ts"];
const withEnvironment = fs
  .readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".ts") && !LABEL_ONLY.includes(f) && /environment: "prod"/.test(fs.readFileSync(path.join(EXAMPLES, f), "utf8")))
  .sort();

test("the examples cover the components that take an environment", () => {
  expect(withEnvironment.length).toBeGreaterThanOrEqual(14);
});

test.each(withEnvironment)("%s rejects environment \"production\"", async (file) => {
  const source = fs
    .readFileSync(path.join(EXAMPLES, file), "utf8")
    .replace(/from "production-platform"/g, `from ${JSON.stringify(path.join(REPO, "index"))}`)
    .replace(/environment: "prod"/g, 'environment: "production" as any');
  const scratch = path.join(__dirname, `.env-${path.basename(file, ".ts")}.ts`);
  fs.writeFileSync(scratch, source);
  try {
    // Constructors validate synchronously: loading the program throws (as under `pulumi up`, before any child).
    const runtime = setupOfflineRuntime({ preview: true, project: "docs", stack: "prod" });
    expect(() => require(scratch)).toThrow(/environment[^\n]*"production"[^\n]*"dev"/);
    expect(runtime.recorder.resources.filter((r) => r.custom)).toEqual([]);
  } finally {
    fs.rmSync(scratch, { force: true });
  }
});
