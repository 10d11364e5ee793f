// Validates Kubernetes objects against model packages that ship only as ES modules (jest runs tests as CommonJS).
// Input on stdin: [{ file, package, object }]. Output on stdout: JSON list of failure strings.
import { readFileSync } from "node:fs";

const items = JSON.parse(readFileSync(0, "utf8"));
const failures = [];
for (const { file, package: pkg, object } of items) {
  try {
    const module = await import(`${pkg}/${object.apiVersion}`);
    const Model = module[object.kind];
    if (!Model) {
      failures.push(`${file}: no schema model for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    new Model(object).validate();
  } catch (err) {
    failures.push(`${file}: ${err.message}`);
  }
}
process.stdout.write(JSON.stringify(failures));
