// Validates GitHub Actions workflow files with GitHub's own parser (@actions/workflow-parser: the workflow schema plus
// expression and job checks), offline. Prints one JSON line: [{ file, errors, jobs }].
//
// The parser imports its JSON schema without an import attribute (it targets bundlers); a load hook adds
// `type: "json"` so Node can load it as it is published.
import { register } from "node:module";
import * as fs from "node:fs";

const hooks = `export async function load(url, context, nextLoad) {
  if (url.endsWith(".json")) return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
  return nextLoad(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");

const results = [];
for (const file of process.argv.slice(2)) {
  const parsed = parseWorkflow({ name: file, content: fs.readFileSync(file, "utf8") }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  let jobs = [];
  if (parsed.value && errors.length === 0) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message ?? e.message ?? String(e)));
    jobs = (template.jobs ?? []).map((j) => (typeof j.id === "string" ? j.id : j.id?.value));
  }
  results.push({ file, errors, jobs });
}
process.stdout.write(`${JSON.stringify(results)}\n`);
