/**
 * A strict subset of Mermaid's flowchart grammar, enough to catch what breaks rendering on GitHub: an unknown
 * statement, an unbalanced `subgraph`/`end`, a malformed node or edge, a reserved id, or an edge to a node that was
 * never declared (Mermaid would silently draw a new box: almost always a typo).
 */
const RESERVED = new Set(["end", "graph", "flowchart", "subgraph", "style", "class", "classDef", "click", "linkStyle"]);
const NODE = /^([A-Za-z_][\w-]*)(\["[^"]*"\]|\[[^\]"]*\]|\("[^"]*"\)|\([^)"]*\)|\{"[^"]*"\}|\{[^}"]*\}|\(\["[^"]*"\]\)|\[\("[^"]*"\)\])?$/;
const EDGE = /\s*(?:-->|---|-\.->|==>|--o|--x|~~~)(?:\|[^|]*\|)?\s*/;

export function flowchartProblems(source: string): string[] {
  const lines = source.split("\n").map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith("%%"));
  const problems: string[] = [];
  if (!/^(flowchart|graph) (LR|RL|TB|TD|BT)$/.test(lines[0] ?? "")) problems.push(`first line must be "flowchart <direction>", got ${JSON.stringify(lines[0])}`);
  const declared = new Set<string>();
  const referenced: { id: string; line: number }[] = [];
  let depth = 0;
  const node = (token: string, line: number, isEdge: boolean) => {
    const m = NODE.exec(token);
    if (!m) {
      problems.push(`line ${line}: malformed node ${JSON.stringify(token)}`);
      return;
    }
    if (RESERVED.has(m[1])) problems.push(`line ${line}: reserved id ${m[1]}`);
    if (m[2] || !isEdge) declared.add(m[1]);
    else referenced.push({ id: m[1], line });
  };
  lines.slice(1).forEach((text, i) => {
    const line = i + 2;
    const sub = /^subgraph ([A-Za-z_][\w-]*)(\["[^"]*"\])?$/.exec(text);
    if (sub) {
      depth++;
      declared.add(sub[1]);
      return;
    }
    if (text === "end") {
      if (--depth < 0) problems.push(`line ${line}: "end" without "subgraph"`);
      return;
    }
    if (/^(classDef|class|style|linkStyle|click) /.test(text)) return;
    const groups = text.split(EDGE);
    const isEdge = groups.length > 1;
    for (const group of groups) {
      if (group.trim() === "") problems.push(`line ${line}: edge without an end in ${JSON.stringify(text)}`);
      else for (const token of group.split(/\s*&\s*/)) node(token.trim(), line, isEdge);
    }
  });
  if (depth > 0) problems.push(`${depth} subgraph(s) without "end"`);
  for (const r of referenced) if (!declared.has(r.id)) problems.push(`line ${r.line}: edge to undeclared node ${r.id}`);
  return problems;
}

/** The ```mermaid blocks of a Markdown document. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
}
