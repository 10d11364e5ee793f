import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { installMockRuntime, settle } from "../../src/testing/mocks";
import { firstPreviewState, providerConfigKnown } from "../../src/testing/engine";
import { availabilityZones, decodeKubernetesYaml, fakeCall, zoneIdPrefix } from "../../src/testing/fake-calls";
import { renderPolicyDocument } from "../../src/testing/policy-document";
import { marshalForAnalyzer, RESOURCE_SIG, SIG_KEY, UNKNOWN } from "../../src/testing/wire";
import { unjudgedRun } from "../../src/cli/unjudged";

const ref = (urn: string, id?: string) => ({ [SIG_KEY]: RESOURCE_SIG, urn, ...(id !== undefined ? { id } : {}) });
const resolve = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply((v) => r(v)));

describe("resource references as the engine sends them to analyzers (MarshalPropertyValue without KeepResources)", () => {
  test.each([
    ["a custom resource becomes its id", ref("urn:a", "role-name"), "role-name"],
    ["an id not known yet stays unknown", ref("urn:a", ""), UNKNOWN],
    ["a component becomes its URN", ref("urn:pulumi:s::p::my:index:Comp::c"), "urn:pulumi:s::p::my:index:Comp::c"],
  ])("%s", (_label, value, expected) => {
    expect(marshalForAnalyzer({ role: value, nested: [{ r: value }] })).toEqual({ role: expected, nested: [{ r: expected }] });
  });
});

describe("first-preview state", () => {
  test("inputs stay, computed outputs are unknown, Check-time names stay known", () => {
    const state = firstPreviewState(
      { metadata: { namespace: "a" }, spec: { x: 1 } },
      { metadata: { namespace: "a", name: "auto-1234", uid: "u" }, spec: { x: 1 }, arn: "arn:x" },
      ["metadata.name"],
    );
    expect(state).toEqual({ metadata: { namespace: "a", name: "auto-1234", uid: UNKNOWN }, spec: { x: 1 }, arn: UNKNOWN });
  });

  test("a provider whose config holds an unknown is not configured", () => {
    expect(providerConfigKnown({ kubeconfig: UNKNOWN })).toBe(false);
    expect(providerConfigKnown({ kubeconfig: "{}", context: "a" })).toBe(true);
  });
});

describe("data-source fakes", () => {
  test("zones carry AZ ids: us-east-1 has a..f over use1-az1..6, mapped per account as AWS maps its oldest regions", () => {
    const mine = availabilityZones("us-east-1", "123456789012");
    const theirs = availabilityZones("us-east-1", "210987654321");
    expect(mine.names).toEqual(["a", "b", "c", "d", "e", "f"].map((l) => `us-east-1${l}`));
    expect([...mine.zoneIds].sort()).toEqual([1, 2, 3, 4, 5, 6].map((i) => `use1-az${i}`));
    // Another account sees the same physical zones under other letters; a region opened since 2012 maps uniformly.
    expect(theirs.zoneIds).not.toEqual(mine.zoneIds);
    expect([...theirs.zoneIds].sort()).toEqual([...mine.zoneIds].sort());
    expect(availabilityZones("eu-central-1", "1")).toEqual(availabilityZones("eu-central-1", "2"));
    // Letters that skip where a zone is not offered to new accounts (apne1-az3, cac1-az3).
    expect(availabilityZones("ca-central-1")).toEqual({ names: ["ca-central-1a", "ca-central-1b", "ca-central-1d"], zoneIds: ["cac1-az1", "cac1-az2", "cac1-az4"] });
    expect(["eu-central-1", "ap-southeast-2", "us-gov-west-1"].map(zoneIdPrefix)).toEqual(["euc1", "apse2", "usgw1"]);
  });

  test("getAvailabilityZones applies state, filters and exclusions, and refuses a filter it cannot answer", () => {
    const ctx = { region: "us-west-1", accountId: "123456789012" };
    const call = (inputs: Record<string, unknown>) => fakeCall("aws:index/getAvailabilityZones:getAvailabilityZones", inputs, ctx) as { names: string[]; zoneIds: string[] };
    const all = call({});
    expect(all.zoneIds).toContain("usw1-az2");
    const usable = call({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }], excludeZoneIds: ["usw1-az2"] });
    expect(usable.zoneIds.sort()).toEqual(["usw1-az1", "usw1-az3"]);
    expect(call({ state: "impaired" }).names).toEqual([]);
    expect(call({ region: "eu-west-1" }).names).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    expect(() => call({ filters: [{ name: "network-border-group", values: ["us-west-1"] }] })).toThrow(/no filter "network-border-group"/);
  });

  test("getPolicyDocument renders the provider's JSON: defaults, reverse-sorted sets, single values as strings, sorted maps", () => {
    const { json, minifiedJson, id } = renderPolicyDocument({
      statements: [
        { sid: "Read", actions: ["s3:GetObject", "s3:ListBucket", "s3:GetObject"], resources: ["arn:aws:s3:::b/&{aws:username}/*"] },
        { effect: "Deny", notActions: ["iam:*"], resources: ["*"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"] }, { type: "Service", identifiers: ["ec2.amazonaws.com"] }], conditions: [{ test: "StringEquals", variable: "aws:RequestedRegion", values: ["eu-west-1"] }] },
      ],
    });
    expect(JSON.parse(json)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Read", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetObject"], Resource: "arn:aws:s3:::b/${aws:username}/*" },
        { Effect: "Deny", NotAction: "iam:*", Resource: "*", Principal: { AWS: ["arn:aws:iam::2:root", "arn:aws:iam::1:root"], Service: "ec2.amazonaws.com" }, Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } },
      ],
    });
    expect(json.split("\n")[1]).toBe('  "Version": "2012-10-17",');
    expect(minifiedJson).toBe(JSON.stringify(JSON.parse(json)));
    expect(id).toMatch(/^\d+$/);
  });

  test("getPolicyDocument merges source and override documents by Sid", () => {
    const source = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "A", Effect: "Allow", Action: "s3:*", Resource: "*" }] });
    const override = JSON.stringify({ Statement: [{ Sid: "A", Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" }] });
    const doc = JSON.parse(renderPolicyDocument({ sourcePolicyDocuments: [source], overridePolicyDocuments: [override], statements: [{ actions: ["sqs:SendMessage"], resources: ["*"] }] }).json);
    expect(doc.Statement).toEqual([{ Sid: "A", Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" }, { Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" }]);
  });

  test("kubernetes:yaml:decode decodes every document and names the one that does not parse", () => {
    expect(decodeKubernetesYaml("a: 1\n---\n---\nb: [2]\n")).toEqual([{ a: 1 }, { b: [2] }]);
    expect(() => decodeKubernetesYaml("a: 1\n---\nb: [\n")).toThrow(/YAML document 2 does not parse/);
  });
});

describe("the mock runtime at first preview", () => {
  test("ids and computed outputs are unknown; getPolicyDocument and getCallerIdentity still answer", async () => {
    const recorder = installMockRuntime({ preview: true, mode: "first-preview", project: "p", stack: "s" });
    const role = new aws.iam.Role("app", { assumeRolePolicy: "{}" });
    const doc = aws.iam.getPolicyDocumentOutput({ statements: [{ actions: ["s3:GetObject"], resources: ["*"] }] });
    const identity = aws.getCallerIdentityOutput({});
    await settle();
    expect(recorder.one("aws:iam/role:Role").outputs.arn).toBe(UNKNOWN);
    expect(await (role.arn as any).isKnown).toBe(false);
    expect(JSON.parse(await resolve(doc.json)).Statement[0]).toEqual({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
    expect(await resolve(identity.accountId)).toBe("123456789012");
  });

  test("under a provider built from unknown outputs, objects get no outputs (as the real engine gives them) and invokes return nothing", async () => {
    const recorder = installMockRuntime({ preview: true, mode: "first-preview", project: "p", stack: "s" });
    const cluster = new aws.eks.Cluster("c", { roleArn: "arn:aws:iam::1:role/r", vpcConfig: { subnetIds: ["subnet-1"] } });
    const provider = new k8s.Provider("c", { kubeconfig: cluster.endpoint });
    new k8s.core.v1.ConfigMap("cm", { data: { a: "b" } }, { provider });
    await settle();
    const cm = recorder.one("kubernetes:core/v1:ConfigMap");
    // Measured under the real engine with `npm run parity`: nothing comes back, so every output is unknown to the
    // program; the inputs still reach Analyze.
    expect(cm.outputs).toEqual({});
    expect(cm.props).toMatchObject({ kind: "ConfigMap", data: { a: "b" } });
  });

  test("a provider function with no fake fails with its token and how to add one, and ends the run at once", async () => {
    const recorder = installMockRuntime({ preview: true, mode: "first-preview", project: "p", stack: "s" });
    // The program sees the error with its message (the SDK reads `details`), and the run is told to stop now.
    await expect(aws.ssm.getParameter({ name: "/x" })).rejects.toThrow(/no fake for provider function aws:ssm\/getParameter:getParameter/);
    expect(recorder.fatal?.message).toMatch(/calls: \{ "aws:ssm\/getParameter:getParameter"/);
  });

  test("a fake passed by the caller answers the function", async () => {
    installMockRuntime({ preview: true, mode: "first-preview", project: "p", stack: "s", calls: { "aws:ssm/getParameter:getParameter": (i) => ({ name: i.name, value: "ami-123", type: "String" }) } });
    expect(await resolve(aws.ssm.getParameterOutput({ name: "/x" }).value)).toBe("ami-123");
  });
});

describe("unjudged components become findings of pack plan", () => {
  const component = { urn: "urn:pulumi:prod::p::eks:index:Cluster::demo", type: "eks:index:Cluster", name: "demo", why: "invisible", howToCheck: "preview for real" };

  test("mandatory in prod, advisory elsewhere, naming how to check it", () => {
    const prod = unjudgedRun([component], { environment: "prod" });
    expect(prod.findings).toEqual([expect.objectContaining({ policyName: "unjudged-component", enforcementLevel: "mandatory", urn: component.urn, message: expect.stringMatching(/not judged: invisible\. To check it: preview for real/) })]);
    expect(unjudgedRun([component], { environment: "dev" }).findings[0].enforcementLevel).toBe("advisory");
  });

  test("an exemption in exemptions.yaml applies like for any pack; an expired one does not", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unjudged-"));
    const file = path.join(dir, "exemptions.yaml");
    const entry = (expires: string) => `exemptions:\n  - policy: unjudged-component\n    resource: { urn: "urn:pulumi:prod::p::eks:index:Cluster::*" }\n    reason: Checked by pulumi preview in the deploy pipeline.\n    owner: team-platform\n    expires: ${expires}\n`;
    fs.writeFileSync(file, entry("2099-12-31"));
    const exempted = unjudgedRun([component], { environment: "prod", exemptionsFile: file }).findings[0];
    expect(exempted).toMatchObject({ enforcementLevel: "advisory", message: expect.stringMatching(/^\[exempted: Checked by pulumi preview/) });
    fs.writeFileSync(file, entry("2020-01-01"));
    expect(unjudgedRun([component], { environment: "prod", exemptionsFile: file }).findings[0].enforcementLevel).toBe("mandatory");
  });
});
