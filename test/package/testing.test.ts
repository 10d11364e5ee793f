/**
 * The public test kit (`production-platform/testing`) as consumers use it: one-call runtime, typed queries, the rule
 * functions on recorded resources, and a pack run over a recorded program through the analyzer protocol.
 */
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HaService, Network } from "../../index";
import { contextFor, ruleById, RULE_PACKS, runRule } from "../../src/policies";
import {
  analyzeRecording,
  bundledPolicyPacks,
  componentOf,
  isSecret,
  packageRoot,
  resourcesOfType,
  resourcesWithin,
  runOffline,
  setupOfflineRuntime,
  subjectsOf,
  toPulumiConfig,
} from "../../src/testing";

const REPO = path.resolve(__dirname, "..", "..");

/** A small consumer-style program: a network and a service on an ambient cluster, plus a secret stack output. */
function program() {
  const config = new pulumi.Config();
  const environment = config.require("environment") as "dev" | "staging" | "prod";
  const provider = new aws.Provider("use1", { region: "us-east-1" });
  const network = new Network("app", {
    region: "us-east-1",
    environment,
    cidrBlock: "10.40.0.0/16",
    availabilityZones: ["us-east-1a", "us-east-1b"],
    natGateways: "Single",
  }, { provider });
  const cluster = new k8s.Provider("cluster", {});
  const service = new HaService("web", {
    namespace: "shop",
    environment,
    image: "ghcr.io/acme/web:1.0.0",
    port: 8080,
    probes: { liveness: { httpPath: "/healthz" }, readiness: { httpPath: "/ready" } },
    expose: { ingressControllerNamespace: "ingress-nginx" },
  }, { provider: cluster });
  return { vpcId: network.vpcId, host: service.serviceHost, token: config.requireSecret("apiToken") };
}

/** A resource of a provider nobody knows: the mocks accept any type token. */
class Thing extends pulumi.CustomResource {
  constructor(name: string, props: Record<string, unknown>) {
    super("test:index:Thing", name, props);
  }
}

const CONFIG = { environment: "dev", apiToken: "s3cr3t" };

describe.each([true, false])("test kit (preview=%s)", (preview) => {
  test("runOffline runs a program inside the root stack and returns its recorder and outputs", async () => {
    const { recorder, result } = await runOffline(program, { preview, project: "shop", stack: "dev", config: CONFIG, secretKeys: ["apiToken"] });
    const stack = recorder.one("pulumi:pulumi:Stack");
    expect(stack.urn).toBe("urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev");
    expect(componentOf(recorder, "production-platform:network:Network").parent).toBe(stack.urn);
    const token = await new Promise((resolve) => result.token.apply(resolve));
    expect(token).toBe("s3cr3t");
    expect(await pulumi.isSecret(result.token)).toBe(true);
  });

  test("resourcesOfType narrows to one component's subtree and types the inputs", async () => {
    const { recorder } = await runOffline(program, { preview, project: "shop", stack: "dev", config: CONFIG });
    const service = componentOf(recorder, "production-platform:workload:HaService", "web");
    const deployments = resourcesOfType<k8s.apps.v1.DeploymentArgs>(recorder, "kubernetes:apps/v1:Deployment", service);
    expect(deployments).toHaveLength(1);
    expect(deployments[0].inputs.metadata?.namespace).toBe("shop");
    expect(deployments[0].inputs.spec?.template?.spec?.containers?.[0]?.image).toBe("ghcr.io/acme/web:1.0.0");
    const network = componentOf(recorder, "production-platform:network:Network");
    expect(resourcesWithin(recorder, network, "kubernetes:apps/v1:Deployment")).toEqual([]);
    expect(resourcesWithin(recorder, network.urn, "aws:ec2/vpc:Vpc")).toHaveLength(1);
    expect(recorder.regionOf(resourcesWithin(recorder, network, "aws:ec2/vpc:Vpc")[0])).toBe("us-east-1");
  });

  test("componentOf names what it found when the lookup is ambiguous or not a component", async () => {
    const { recorder } = await runOffline(program, { preview, project: "shop", stack: "dev", config: CONFIG });
    expect(() => componentOf(recorder, "production-platform:workload:HaService", "nope")).toThrow(
      "expected exactly one production-platform:workload:HaService named nope, found 0",
    );
    expect(() => componentOf(recorder, "aws:ec2/vpc:Vpc")).toThrow("is a custom resource, not a component");
  });

  test("ids and outputs are deterministic run after run", async () => {
    const first = await runOffline(program, { preview, project: "shop", stack: "dev", config: CONFIG });
    const second = await runOffline(program, { preview, project: "shop", stack: "dev", config: CONFIG });
    const snapshot = (r: typeof first.recorder) => r.resources.map((x) => ({ urn: x.urn, id: x.id, outputs: x.outputs }));
    expect(snapshot(second.recorder)).toEqual(snapshot(first.recorder));
    expect(first.recorder.resources.length).toBeGreaterThan(10);
  });

  test("rule functions run on recorded resources through subjectsOf", async () => {
    const { recorder } = await runOffline(program, { preview, project: "shop", stack: "dev", config: CONFIG });
    const subjects = subjectsOf(recorder);
    expect(subjects.some((s) => s.type === "pulumi:pulumi:Stack")).toBe(false);
    const probes = ruleById("wr-probes");
    expect(probes).toBeDefined();
    expect(runRule(probes!, subjects, contextFor("prod"))).toEqual([]);
  });
});

describe("test kit helpers", () => {
  test.each([
    [{ environment: "prod" }, { "shop:environment": "prod" }],
    [{ "aws:region": "eu-west-1" }, { "aws:region": "eu-west-1" }],
    [{ zones: 3, tenants: [{ name: "a" }] }, { "shop:zones": "3", "shop:tenants": '[{"name":"a"}]' }],
    [{ skipped: undefined }, {}],
  ])("toPulumiConfig(%j)", (input, expected) => {
    expect(toPulumiConfig("shop", input)).toEqual(expected);
  });

  test("secret config keys given bare are qualified and stay secret", async () => {
    const runtime = setupOfflineRuntime({ preview: true, project: "shop", stack: "dev", config: { apiToken: "x" }, secretKeys: ["apiToken"] });
    const value = await runtime.run(() => new pulumi.Config().requireSecret("apiToken"));
    expect(await pulumi.isSecret(value)).toBe(true);
  });

  test("packageRoot finds this repository from the test kit's directory; bundledPolicyPacks lists its packs", () => {
    expect(packageRoot(path.join(REPO, "src", "testing"))).toBe(REPO);
    const packs = bundledPolicyPacks().map((d) => path.relative(REPO, d));
    expect(packs).toEqual(expect.arrayContaining(["policy/kubernetes-cis", "policy/workload-resilience"]));
  });

  test("every rule pack in /policies has rules with unique ids", () => {
    const ids = Object.values(RULE_PACKS).flatMap((p) => p.rules.map((r) => r.meta.id));
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("analyzeRecording runs a pack over a recorded program through the analyzer protocol", async () => {
    const runtime = setupOfflineRuntime({ preview: true, project: "shop", stack: "dev" });
    await runtime.run(() => {
      new Thing("marked", { flag: true });
      new Thing("plain", { flag: false, password: pulumi.secret("p") });
    });
    expect(isSecret(runtime.recorder.one("test:index:Thing", "plain").props.password)).toBe(true);
    const findings = await analyzeRecording(runtime.recorder, { packs: [path.join(REPO, "test", "fixtures", "noop-pack")], stack: "dev", project: "shop" });
    const marked = findings.filter((f) => f.policyName === "marked-resource");
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatchObject({ policyPackName: "noop-pack", urn: "urn:pulumi:dev::shop::test:index:Thing::marked", enforcementLevel: "advisory" });
    expect(marked[0].packDir).toBe(path.join(REPO, "test", "fixtures", "noop-pack"));
  });
});
