/**
 * Docs that must follow the code: generated reference pages are current, component examples compile against the
 * package entry and construct offline, and the architecture diagram is valid Mermaid.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { renderAll, stalePages } from "../../docs/generate";
import { runOffline } from "../../src/testing";
import { flowchartProblems, mermaidBlocks } from "./mermaid";

const REPO = path.resolve(__dirname, "..", "..");
const EXAMPLES = path.join(REPO, "docs", "examples");
const examples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith(".ts")).sort();

describe("generated reference docs", () => {
  const pages = renderAll();

  test.each(pages.map((p) => [p.file, p] as const))("%s is up to date (run `npm run docs`)", (file, page) => {
    const committed = fs.existsSync(path.join(REPO, file)) ? fs.readFileSync(path.join(REPO, file), "utf8") : "(missing)";
    expect(committed).toBe(page.content);
  });

  test("no page is left for a component that no longer exists", () => {
    expect(stalePages(pages)).toEqual([]);
  });

  test("the config reference lists every key the program reads", () => {
    const config = pages.find((p) => p.file === "docs/config.md")!.content;
    for (const key of ["environment", "regions", "availabilityZones", "vpcCidrs", "services", "platformAdminRoleArns"]) {
      expect(config).toContain(`| \`${key}\` |`);
    }
  });
});

describe("component examples (docs/examples)", () => {
  // `npm test`'s tsc type-checks them, strict, against the package entry (tsconfig.json `paths`), in the same program
  // as the library: a second TypeScript program here cost ≈ 15 s of CPU per run for the same verdict.
  test("every example is in the type-checked tree, importing the package entry as a consumer does", () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(REPO, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    const checked = new Set(parsed!.fileNames.map((f) => path.resolve(f)));
    expect(examples.filter((f) => !checked.has(path.join(EXAMPLES, f)))).toEqual([]);
    expect(parsed!.options.strict).toBe(true);
    expect(parsed!.options.paths).toEqual({ "production-platform": ["./index.ts"] });
    for (const f of examples) expect(fs.readFileSync(path.join(EXAMPLES, f), "utf8")).toMatch(/from "production-platform"/);
  });

  test.each(examples)("%s constructs offline without validation errors", async (file) => {
    // Each example imports "production-platform"; point it at this repository's entry and run it as a program.
    const source = fs.readFileSync(path.join(EXAMPLES, file), "utf8").replace(/from "production-platform"/g, `from ${JSON.stringify(path.join(REPO, "index"))}`);
    const scratch = path.join(__dirname, `.example-${path.basename(file, ".ts")}.ts`);
    fs.writeFileSync(scratch, source);
    try {
      const { recorder } = await runOffline(() => require(scratch), { preview: true, project: "docs", stack: "prod" });
      const component = path.basename(file, ".ts");
      expect(recorder.resources.some((r) => !r.custom && r.type.endsWith(`:${component}`))).toBe(true);
    } finally {
      fs.rmSync(scratch, { force: true });
    }
  });
});

describe("architecture diagram", () => {
  const markdown = fs.readFileSync(path.join(REPO, "docs", "architecture.md"), "utf8");

  test("docs/architecture.md has a Mermaid flowchart that parses", () => {
    const blocks = mermaidBlocks(markdown);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(flowchartProblems(block)).toEqual([]);
  });

  test.each([
    ["flowchart LR\n  a --> b\n", "edge to undeclared node"],
    ["flowchart LR\n  subgraph s\n  a[\"A\"]\n", "without \"end\""],
    ["flowchart LR\n  a[\"A\"] -->\n", "edge without an end"],
    ["graph sideways\n", "first line"],
    ["flowchart LR\n  end[\"x\"]\n", "reserved id end"],
    ["flowchart LR\n  end\n", "\"end\" without"],
  ])("the checker rejects %j", (source, problem) => {
    expect(flowchartProblems(source).join("\n")).toContain(problem);
  });
});
