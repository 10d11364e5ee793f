/**
 * Renders the reference pages that must follow the code: `docs/config.md` from `stacks/config.ts` (`CONFIG_KEYS`,
 * the `PlatformConfig` TSDoc) and `Pulumi.yaml`, and `docs/components/<Name>.md` from every component class (type
 * token, class TSDoc, `<Name>Args` with `@default`s, public outputs) plus its hand-written example
 * `docs/examples/<Name>.ts`.
 *
 * `npm run docs` writes them; test/package/docs.test.ts fails when a committed page differs from what this renders.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as YAML from "yaml";

const ROOT = path.resolve(__dirname, "..");

/** A page: path relative to the repository, and its content. */
export interface Page {
  readonly file: string;
  readonly content: string;
}

function sourceFiles(): string[] {
  const out: string[] = [path.join(ROOT, "stacks", "config.ts")];
  const components = path.join(ROOT, "components");
  for (const area of fs.readdirSync(components).sort()) {
    const dir = path.join(components, area);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).sort()) if (f.endsWith(".ts")) out.push(path.join(dir, f));
  }
  return out;
}

function createProgram(): ts.Program {
  return ts.createProgram(sourceFiles(), {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
  });
}

/** Markdown-safe single line for table cells. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|").trim();
}

function docOf(node: ts.Node): { text: string; defaultText?: string } {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const doc = docs[docs.length - 1];
  if (!doc) return { text: "" };
  const text = typeof doc.comment === "string" ? doc.comment : ts.getTextOfJSDocComment(doc.comment) ?? "";
  const tag = doc.tags?.find((t) => t.tagName.text === "default");
  const raw = tag ? (typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment) ?? "") : undefined;
  // Our convention writes defaults as behaviour: "@default — one NAT gateway per zone".
  const links = (t: string) => t.replace(/\{@link\s+([^}\s|]+)(?:\s*\|\s*([^}]+))?\}/g, (_m, target: string, label?: string) => `\`${label ?? target}\``);
  return { text: links(text.trim()), defaultText: raw === undefined ? undefined : links(raw.replace(/^[—–-]\s*/, "").trim()) };
}

interface Field {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  readonly doc: string;
  readonly defaultText?: string;
}

function fieldsOf(checker: ts.TypeChecker, type: ts.Type): Field[] {
  return checker.getPropertiesOfType(type).map((symbol) => {
    const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
    const typeNode = decl && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) ? decl.type : undefined;
    const typeText = typeNode ? typeNode.getText() : decl ? checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, decl)) : "unknown";
    const { text, defaultText } = decl ? docOf(decl) : { text: "" };
    return { name: symbol.name, type: typeText, optional: (symbol.flags & ts.SymbolFlags.Optional) !== 0, doc: text, defaultText };
  });
}

function fieldTable(fields: readonly Field[], withDefault: boolean): string {
  const head = withDefault ? "| property | type | default | description |\n|---|---|---|---|" : "| field | type | description |\n|---|---|---|";
  const rows = fields.map((f) => {
    const type = `\`${cell(f.type)}\``;
    if (!withDefault) return `| \`${f.name}\`${f.optional ? "" : " (required)"} | ${type} | ${cell(f.doc)} |`;
    const dflt = f.optional ? cell(f.defaultText ?? "—") : "**required**";
    return `| \`${f.name}\` | ${type} | ${dflt} | ${cell(f.doc)} |`;
  });
  return [head, ...rows].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Config reference

/** The config namespace the platform program reads its keys from. */
const CONFIG_NAMESPACE = "production-platform";

/** What stacks/config.ts declares: `CONFIG_KEYS` in order, the `PlatformConfig` interface, and every interface by name. */
function configDeclarations(file: ts.SourceFile): { keys: string[]; platformConfig: ts.InterfaceDeclaration; interfaces: Map<string, ts.InterfaceDeclaration> } {
  let keys: string[] = [];
  let platformConfig: ts.InterfaceDeclaration | undefined;
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  ts.forEachChild(file, (node) => {
    if (ts.isInterfaceDeclaration(node)) {
      interfaces.set(node.name.text, node);
      if (node.name.text === "PlatformConfig") platformConfig = node;
    }
    if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === "CONFIG_KEYS" && d.initializer) {
          const init = ts.isAsExpression(d.initializer) ? d.initializer.expression : d.initializer;
          if (ts.isArrayLiteralExpression(init)) keys = init.elements.filter(ts.isStringLiteral).map((e) => e.text);
        }
      }
    }
  });
  if (!platformConfig || keys.length === 0) throw new Error("stacks/config.ts: PlatformConfig or CONFIG_KEYS not found");
  return { keys, platformConfig, interfaces };
}

type DeclaredKey = { type?: string; description?: string; default?: unknown; secret?: boolean };

/** Pulumi.yaml's declared keys, the stacks with a `Pulumi.<stack>.yaml` (sorted) and the config each of them sets. */
function projectConfig(): { declared: Record<string, DeclaredKey>; stacks: string[]; stackValues: Map<string, Record<string, unknown>> } {
  const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) ?? {};
  const declared: Record<string, DeclaredKey> = project.config ?? {};
  const stacks = fs
    .readdirSync(ROOT)
    .map((f) => /^Pulumi\.([\w-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
  const stackValues = new Map(stacks.map((s) => [s, (YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${s}.yaml`), "utf8"))?.config ?? {}) as Record<string, unknown>]));
  return { declared, stacks, stackValues };
}

/** The key table: one row per config key, its type, Pulumi.yaml default, each stack's value and the description. */
function keyTable(keys: readonly string[], fields: ReadonlyMap<string, Field>, project: ReturnType<typeof projectConfig>): string[] {
  const { declared, stacks, stackValues } = project;
  const scalar = (v: unknown) => (v === undefined ? "—" : typeof v === "object" ? "(structured)" : `\`${String(v)}\``);
  const lines = [`| key | type | Pulumi.yaml default | ${stacks.join(" | ")} | description |`, `|---|---|---|${stacks.map(() => "---|").join("")}---|`];
  for (const key of keys) {
    const f = fields.get(key);
    const d = declared[key] ?? {};
    // Pulumi.yaml's description is what `pulumi config` shows users; the TSDoc stands in where there is none.
    const description = d.description ?? f?.doc ?? "";
    const values = stacks.map((s) => scalar(stackValues.get(s)?.[`${CONFIG_NAMESPACE}:${key}`]));
    lines.push(`| \`${key}\` | \`${cell(f?.type ?? d.type ?? "string")}\` | ${d.default === undefined ? "—" : `\`${String(d.default)}\``} | ${values.join(" | ")} | ${cell(description)} |`);
  }
  return lines;
}

/** A section per interface of stacks/config.ts that a PlatformConfig field's type names, with its field table. */
function nestedSections(checker: ts.TypeChecker, interfaces: ReadonlyMap<string, ts.InterfaceDeclaration>, fields: ReadonlyMap<string, Field>): string[] {
  const lines: string[] = [];
  const nested = [...interfaces.keys()].filter((n) => n !== "PlatformConfig" && [...fields.values()].some((f) => new RegExp(`\\b${n}\\b`).test(f.type)));
  for (const name of nested) {
    const decl = interfaces.get(name)!;
    lines.push("", `## \`${name}\``, "");
    const { text } = docOf(decl);
    if (text) lines.push(text, "");
    lines.push(fieldTable(fieldsOf(checker, checker.getTypeAtLocation(decl)), false));
  }
  return lines;
}

function renderConfig(program: ts.Program): Page {
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(path.join(ROOT, "stacks", "config.ts"));
  if (!file) throw new Error("stacks/config.ts not found");
  const { keys, platformConfig, interfaces } = configDeclarations(file);
  const fields = new Map(fieldsOf(checker, checker.getTypeAtLocation(platformConfig)).map((f) => [f.name, f]));
  const lines: string[] = [
    "<!-- Generated by docs/generate.ts from stacks/config.ts and Pulumi.yaml: run `npm run docs`, do not edit. -->",
    "# Stack configuration reference",
    "",
    `The platform program reads these keys from the \`${CONFIG_NAMESPACE}\` config namespace once, validates them all together`,
    "(`parsePlatformConfig` reports every problem at once, naming the key, the value, the rule and the fix) and freezes",
    "the result. Environments differ only by these values (`Pulumi.<stack>.yaml`). Structured values are set with",
    "`pulumi config set --path`, e.g. `pulumi config set --path 'production-platform:regions[0]' us-east-1`.",
    "",
    ...keyTable(keys, fields, projectConfig()),
    ...nestedSections(checker, interfaces, fields),
  ];
  lines.push("", "Defaults that depend on the environment (replica floors, NAT gateways, node counts) are applied by `parsePlatformConfig`; see", "[the platform team guide](platform-team.md).", "");
  return { file: "docs/config.md", content: lines.join("\n") };
}

// ---------------------------------------------------------------------------------------------------------------
// Component pages

interface ComponentInfo {
  readonly name: string;
  readonly area: string;
  readonly token: string;
  readonly file: string;
  readonly doc: string;
  readonly argsName?: string;
  readonly args: readonly Field[];
  readonly outputs: readonly Field[];
}

function componentsOf(program: ts.Program): ComponentInfo[] {
  const checker = program.getTypeChecker();
  const out: ComponentInfo[] = [];
  for (const file of program.getSourceFiles()) {
    const rel = path.relative(ROOT, file.fileName).split(path.sep).join("/");
    const m = /^components\/([^/]+)\/[^/]+\.ts$/.exec(rel);
    if (!m || m[1] === "shared") continue;
    ts.forEachChild(file, (node) => {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const exported = node.modifiers?.some((mod) => mod.kind === ts.SyntaxKind.ExportKeyword);
      const base = node.heritageClauses?.flatMap((h) => h.types.map((t) => t.expression.getText())) ?? [];
      if (!exported || !base.some((b) => /ComponentResource$/.test(b))) return;
      const ctor = node.members.find(ts.isConstructorDeclaration);
      let token = "";
      ctor?.body?.forEachChild(function visit(n: ts.Node): void {
        if (!token && ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
          token = n.arguments[0].text;
        }
        n.forEachChild(visit);
      });
      const argsParam = ctor?.parameters[1];
      const argsType = argsParam ? checker.getTypeAtLocation(argsParam) : undefined;
      const argsName = argsParam?.type?.getText();
      const outputs: Field[] = node.members
        .filter(ts.isPropertyDeclaration)
        .filter((p) => p.modifiers?.some((mod) => mod.kind === ts.SyntaxKind.ReadonlyKeyword) && !p.modifiers?.some((mod) => mod.kind === ts.SyntaxKind.PrivateKeyword || mod.kind === ts.SyntaxKind.ProtectedKeyword))
        .map((p) => ({ name: p.name.getText(), type: p.type?.getText() ?? "", optional: false, doc: docOf(p).text }));
      out.push({
        name: node.name.text,
        area: m[1],
        token,
        file: rel,
        doc: docOf(node).text,
        argsName,
        args: argsType ? fieldsOf(checker, checker.getNonNullableType(argsType)) : [],
        outputs,
      });
    });
  }
  return out.sort((a, b) => a.area.localeCompare(b.area) || a.name.localeCompare(b.name));
}

export function examplePath(component: string): string {
  return path.join(ROOT, "docs", "examples", `${component}.ts`);
}

function renderComponent(c: ComponentInfo): Page {
  const example = fs.existsSync(examplePath(c.name)) ? fs.readFileSync(examplePath(c.name), "utf8").trim() : undefined;
  const lines = [
    "<!-- Generated by docs/generate.ts from the component's TSDoc and docs/examples: run `npm run docs`, do not edit. -->",
    `# ${c.name}`,
    "",
    `\`${c.token}\` · [\`${c.file}\`](../../${c.file}) · \`import { ${c.name} } from "production-platform"\``,
    "",
    c.doc || "_No class documentation yet._",
    "",
    "## Minimal example",
    "",
    example ? "```ts\n" + example + "\n```" : `_No example yet: add \`docs/examples/${c.name}.ts\` and run \`npm run docs\`._`,
    "",
    `## Arguments and defaults${c.argsName ? ` (\`${c.argsName}\`)` : ""}`,
    "",
    c.args.length > 0 ? fieldTable(c.args, true) : "_No arguments._",
    "",
    "## Outputs",
    "",
    c.outputs.length > 0 ? fieldTable(c.outputs, false).replace("| field |", "| output |").replace(/ \(required\)/g, "") : "_None._",
    "",
  ];
  return { file: `docs/components/${c.name}.md`, content: lines.join("\n") };
}

function renderComponentIndex(components: readonly ComponentInfo[]): Page {
  const lines = [
    "<!-- Generated by docs/generate.ts: run `npm run docs`, do not edit. -->",
    "# Components",
    "",
    "Every component is exported from the package root (`import { Network } from \"production-platform\"`).",
    "",
    "| area | component | type token | summary |",
    "|---|---|---|---|",
    ...components.map((c) => `| ${c.area} | [${c.name}](${c.name}.md) | \`${c.token}\` | ${cell(c.doc.split(/(?<=\.)\s/)[0] ?? "")} |`),
    "",
  ];
  return { file: "docs/components/README.md", content: lines.join("\n") };
}

/** Every generated page, rendered in memory. */
export function renderAll(): Page[] {
  const program = createProgram();
  const components = componentsOf(program);
  return [renderConfig(program), renderComponentIndex(components), ...components.map(renderComponent)];
}

/** Pages under docs/components/ that no component renders any more (a component was removed or renamed). */
export function stalePages(pages: readonly Page[]): string[] {
  const dir = path.join(ROOT, "docs", "components");
  if (!fs.existsSync(dir)) return [];
  const expected = new Set(pages.map((p) => p.file));
  return fs.readdirSync(dir).map((f) => `docs/components/${f}`).filter((f) => f.endsWith(".md") && !expected.has(f));
}

if (require.main === module) {
  const pages = renderAll();
  for (const stale of stalePages(pages)) fs.rmSync(path.join(ROOT, stale));
  for (const page of pages) {
    fs.mkdirSync(path.dirname(path.join(ROOT, page.file)), { recursive: true });
    fs.writeFileSync(path.join(ROOT, page.file), page.content);
  }
  process.stdout.write(`wrote ${pages.length} pages\n`);
}
