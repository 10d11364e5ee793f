/**
 * Secrets never reach plan files in plaintext: a plan of the prod stack with canary secret config, plus the
 * generated passwords and tokens its components create, is searched for every canary.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { fakeRandomString } from "../../src/testing/fakes";
import { readTree, ROOT } from "../support/plans";

const CANARY_PAGERDUTY = "v1:CANARYpagerdutyAAAA:Y2FuYXJ5LXBhZ2VyZHV0eS1yb3V0aW5nLWtleQ==";

describe("a prod plan with canary secrets", () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "plan-secrets-"));
  const out = path.join(project, "out");
  let files: Map<string, string>;
  let exitCode: number | null;

  beforeAll(() => {
    const pulumiYaml = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    pulumiYaml.main = path.join(ROOT, "stacks", "index.ts");
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), YAML.stringify(pulumiYaml));
    const stack = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"));
    stack.config["production-platform:pagerDutyRoutingKey"] = { secure: CANARY_PAGERDUTY };
    fs.writeFileSync(path.join(project, "Pulumi.canary.yaml"), YAML.stringify(stack));
    const result = spawnSync(process.execPath, [path.join(ROOT, "bin", "production-platform.js"), "plan", "--stack", "canary", "--after-deploy", "--program", project, "--out", out], { encoding: "utf8", timeout: 300_000 });
    exitCode = result.status;
    files = readTree(out);
  });

  test("runs", () => {
    expect(exitCode).toBe(0);
    expect(files.has("resources.json")).toBe(true);
  });

  test("the secret config value appears in no file, and the resources that use it show [secret]", () => {
    const leaks = [...files].filter(([, content]) => content.includes("CANARYpagerduty")).map(([file]) => file);
    expect(leaks).toEqual([]);
    const alertmanager = [...files.keys()].filter((f) => f.endsWith("secret-alertmanager-config.yaml"));
    expect(alertmanager.length).toBe(3);
    for (const f of alertmanager) expect(YAML.parse(files.get(f)!).stringData).toEqual({ "alertmanager.yaml": "[secret]" });
  });

  test("no generated password or auth token appears in any file, and each is a secret output", () => {
    const resources = JSON.parse(files.get("resources.json")!);
    const generated = resources.filter((r: any) => r.type === "random:index/randomPassword:RandomPassword" || r.type === "random:index/randomString:RandomString");
    expect(generated.length).toBeGreaterThanOrEqual(3);
    for (const r of generated) {
      const value = fakeRandomString(r.urn, r.props.length ?? 32);
      const leaks = [...files].filter(([, content]) => content.includes(value)).map(([file]) => file);
      expect({ urn: r.urn, leaks }).toEqual({ urn: r.urn, leaks: [] });
    }
  });

  test("stack outputs carry no secret in plaintext", () => {
    const resources = JSON.parse(files.get("resources.json")!);
    const stackResource = resources.find((r: any) => r.type === "pulumi:pulumi:Stack");
    expect(stackResource.outputs).toBeDefined();
    expect(JSON.stringify(stackResource.outputs)).not.toMatch(/CANARY/);
  });
});
