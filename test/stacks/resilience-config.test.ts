/**
 * The `resilience` config key: a drill without a stop condition, a restore window longer than the RTO and an
 * unpinned or non-ECR prod image are rejected with the key, the value and the fix — and the plan exits 2 before any
 * resource is registered.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ValidationError } from "../../components/shared/validation";
import { parsePlatformConfig } from "../../stacks/config";

const root = path.resolve(__dirname, "..", "..");
const prodYaml = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8"));
const prodConfig: Record<string, unknown> = Object.fromEntries(Object.entries<unknown>(prodYaml.config).map(([k, v]) => [k.replace(/^production-platform:/, ""), v]));

const mirror = (prodConfig.resilience as { supplyChain: { mirror: { credentials: Record<string, string> } } }).supplyChain.mirror;

function problemsOf(raw: Record<string, unknown>): string {
  try {
    parsePlatformConfig(raw);
    return "";
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
}

test("the committed prod config is valid and defaults the drills and restore tests", () => {
  const config = parsePlatformConfig(prodConfig);
  expect(config.resilience.drills).toEqual({});
  expect(config.resilience.restoreTesting).toEqual({});
  expect(Object.keys(config.resilience.supplyChain.mirror?.credentials ?? {}).sort()).toEqual(["docker-hub", "github-container-registry"]);
});

test.each<[string, Record<string, unknown>, string]>([
  ["a drill without a stop condition", { resilience: { drills: { stopOn: [] } } }, "production-platform:resilience.drills.stopOn: got []"],
  ["a restore window longer than the RTO", { resilience: { restoreTesting: { restoreWindowSeconds: 3600 } } }, "production-platform:resilience.restoreTesting.restoreWindowSeconds: got 3600; expected at most the RTO (300 s)"],
  ["an Inspector severity that does not exist", { resilience: { supplyChain: { alertSeverity: "SEVERE" } } }, "production-platform:resilience.supplyChain.alertSeverity: got \"SEVERE\""],
  ["an upstream registry ECR pull-through cache does not serve", { resilience: { supplyChain: { mirror: { ...mirror, upstreams: ["gcr"] } } } }, "production-platform:resilience.supplyChain.mirror.upstreams[0]: got \"gcr\"; expected an upstream ECR pull-through cache supports: ecr-public, quay, k8s, docker-hub, github-container-registry, gitlab-container-registry"],
  ["Docker Hub cached without its credential secret", { resilience: { supplyChain: { mirror: { credentials: { "github-container-registry": mirror.credentials["github-container-registry"] } } } } }, "production-platform:resilience.supplyChain.mirror.credentials.docker-hub: got undefined"],
  ["a credential that is not an ecr-pullthroughcache/ secret", { resilience: { supplyChain: { mirror: { credentials: { ...mirror.credentials, "docker-hub": "arn:aws:secretsmanager:us-east-1:111122223333:secret:dockerhub-Ab12Cd" } } } } }, "production-platform:resilience.supplyChain.mirror.credentials.docker-hub: got \"arn:aws:secretsmanager:us-east-1:111122223333:secret:dockerhub-Ab12Cd\""],
  ["a credential for an upstream that takes none", { resilience: { supplyChain: { mirror: { credentials: { ...mirror.credentials, quay: mirror.credentials["docker-hub"] } } } } }, "production-platform:resilience.supplyChain.mirror.credentials.quay: got \"quay\"; expected an upstream that needs a credential"],
  ["a prod image by tag from a public registry", { services: [{ ...(prodConfig.services as object[])[0], image: "ghcr.io/acme/checkout:1.4.2" }] }, "production-platform:services[0].image: got \"ghcr.io/acme/checkout:1.4.2\"; expected in prod, an image in the account's ECR pinned by digest"],
])("%s is rejected with the key and the fix", (_label, change, expected) => {
  expect(problemsOf({ ...prodConfig, ...change })).toContain(expected);
});

test("the plan exits 2 on all three, listing them, before any resource is registered", () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "plan-resilience-"));
  const pulumiYaml = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
  pulumiYaml.main = path.join(root, "stacks", "index.ts");
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), YAML.stringify(pulumiYaml));
  const stack = YAML.parse(YAML.stringify(prodYaml));
  stack.config["production-platform:resilience"] = { drills: { stopOn: [] }, restoreTesting: { restoreWindowSeconds: 3600 }, supplyChain: { mirror: { ...mirror, upstreams: ["gcr"] } } };
  fs.writeFileSync(path.join(project, "Pulumi.bad.yaml"), YAML.stringify(stack));
  const out = path.join(project, "out");
  const result = spawnSync(process.execPath, [path.join(root, "bin", "production-platform.js"), "plan", "--stack", "bad", "--program", project, "--out", out], { cwd: root, encoding: "utf8", timeout: 240_000 });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/stack config is invalid \(3 problems\)/);
  expect(result.stderr).toContain("resilience.drills.stopOn");
  expect(result.stderr).toContain("resilience.restoreTesting.restoreWindowSeconds");
  expect(result.stderr).toContain("resilience.supplyChain.mirror.upstreams[0]");
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(fs.existsSync(path.join(out, "resources.json"))).toBe(false);
});
