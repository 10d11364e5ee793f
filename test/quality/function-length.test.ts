/**
 * Issue 17's size rule, kept: no function over 60 lines and no file over 400 lines in the code we ship and run
 * (components, packs, stacks, the CLI and test kit, tools, scripts, bench, docs generator). Test files and fixtures
 * are exempt (a fixture is data; a test reads best as one case). Measured with TypeScript's own parser, so an arrow
 * function in an object literal counts as much as a method; the measure itself is tested on a synthetic source.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
const MAX_FUNCTION_LINES = 60;
const MAX_FILE_LINES = 400;
const DIRS = ["components", "policy", "stacks", "src", "tools", "bin", "scripts", "bench", "docs"];

interface LongFunction {
  readonly where: string;
  readonly name: string;
  readonly lines: number;
}

function nameOf(node: ts.SignatureDeclaration, sf: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return `${node.parent.name?.text ?? "class"}.constructor`;
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  return "<anonymous>";
}

/** Functions (declarations, methods, constructors, accessors, arrows, expressions) longer than `max` lines. */
export function longFunctions(file: string, text: string, max: number): LongFunction[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 > max) out.push({ where: `${file}:${start + 1}`, name: nameOf(node, sf), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function shippedSources(): string[] {
  const listed = execFileSync("git", ["ls-files", "-co", "--exclude-standard", ...DIRS], { cwd: ROOT, encoding: "utf8" });
  return listed
    .split("\n")
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith(".d.ts") && !/(^|\/)fixtures?\//.test(f))
    .filter((f) => fs.existsSync(path.join(ROOT, f)));
}

test("the measure finds a long arrow, method and constructor and ignores short ones", () => {
  const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join("\n");
  const source = [
    `const arrow = () => {\n${body(60)}\n};`,
    `class C {\n  constructor() {\n${body(3)}\n  }\n  method() {\n${body(59)}\n  }\n}`,
    `function fits() {\n${body(58)}\n}`,
  ].join("\n");
  expect(longFunctions("x.ts", source, 60).map((f) => [f.name, f.lines])).toEqual([["arrow", 62], ["method", 61]]);
});

test("no shipped function is longer than 60 lines and no file longer than 400", () => {
  const files = shippedSources();
  expect(files.length).toBeGreaterThan(200);
  const long: string[] = [];
  const big: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(ROOT, f), "utf8");
    const lines = text.split("\n").length;
    if (lines > MAX_FILE_LINES) big.push(`${f} (${lines} lines)`);
    for (const fn of longFunctions(f, text, MAX_FUNCTION_LINES)) long.push(`${fn.where} ${fn.name} (${fn.lines} lines)`);
  }
  expect({ long, big }).toEqual({ long: [], big: [] });
});
