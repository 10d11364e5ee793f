/** Stack files that import Pulumi ESC environments: read, named, and reported as not resolvable offline. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { escEnvironmentsOf, loadProject } from "../../src/cli/project";

test.each([
  [{ environment: ["acme/aws-dev", "acme/k8s"] }, ["acme/aws-dev", "acme/k8s"]],
  [{ environment: { imports: ["acme/aws-dev"] } }, ["acme/aws-dev"]],
  [{ environment: "acme/aws-dev" }, ["acme/aws-dev"]],
  [{ config: {} }, []],
])("escEnvironmentsOf(%j)", (doc, expected) => {
  expect(escEnvironmentsOf(doc)).toEqual(expected);
});

test("loadProject lists the ESC environments a stack file imports", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-esc-"));
  try {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: app\nruntime: nodejs\nmain: index.ts\n");
    fs.writeFileSync(path.join(dir, "index.ts"), "export {};\n");
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "environment:\n  - acme/aws-dev\nconfig:\n  app:size: small\n");
    const project = loadProject(dir, "dev");
    expect(project.escEnvironments).toEqual(["acme/aws-dev"]);
    expect(project.config["app:size"]).toBe("small");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
