/** The reused tsc build of the packaging tests (./library-build.ts) is never stale: any input it read changes the entry. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { builtLibrary, libraryDigest } from "./library-build";

let repo: string;
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  fs.writeFileSync(path.join(repo, rel), text);
};
const helperOf = (dir: string) => fs.readFileSync(path.join(dir, "lib", "helper.js"), "utf8");
const compilerOptions = { target: "ES2022", module: "commonjs", strict: true, rootDir: ".", types: [] };

beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), "library-build-"));
  write("tsconfig.json", JSON.stringify({ compilerOptions }));
  // Only index.ts is a root: lib/helper.ts is read because index.ts imports it (what `--listFiles` must catch).
  write("tsconfig.build.json", JSON.stringify({ extends: "./tsconfig.json", include: ["index.ts"] }));
  write("package-lock.json", JSON.stringify({ lockfileVersion: 3, packages: {} }));
  write("index.ts", 'import { greet } from "./lib/helper";\nexport const hello = greet("a");\n');
  write("lib/helper.ts", 'export const greet = (n: string) => `one ${n}`;\n');
});
afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

test("unchanged inputs reuse the build; an edited import builds again and the old entry goes", () => {
  const first = builtLibrary(repo);
  expect(helperOf(first)).toContain("one ");
  expect(builtLibrary(repo)).toBe(first);

  write("lib/helper.ts", 'export const greet = (n: string) => `two ${n}`;\n');
  const second = builtLibrary(repo);
  expect(second).not.toBe(first);
  expect(helperOf(second)).toContain("two ");
  expect(fs.existsSync(first)).toBe(false);
});

test("the tsconfig files, the lockfile and a new root file each change the key", () => {
  builtLibrary(repo);
  const keys = [libraryDigest(repo)];
  write("tsconfig.json", JSON.stringify({ compilerOptions: { ...compilerOptions, removeComments: true } }));
  keys.push(libraryDigest(repo));
  write("tsconfig.build.json", JSON.stringify({ extends: "./tsconfig.json", include: ["index.ts", "extra.ts"] }));
  keys.push(libraryDigest(repo));
  write("extra.ts", "export const extra = 1;\n");
  keys.push(libraryDigest(repo));
  write("package-lock.json", JSON.stringify({ lockfileVersion: 3, packages: { "node_modules/x": { version: "1.0.0" } } }));
  keys.push(libraryDigest(repo));
  expect(new Set(keys).size).toBe(keys.length);
});

test("a failing build throws with tsc's diagnostics, not the file list", () => {
  write("extra.ts", "export const extra: number = 'not a number';\n");
  let message = "";
  try {
    builtLibrary(repo);
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toMatch(/extra\.ts.*TS2322/);
  expect(message).not.toMatch(/lib\.es2022\.d\.ts/);
});
