/**
 * The stand-in resource provider, driven through its gRPC surface exactly as the engine drives a plugin: launched
 * through the same `pulumi-resource-*` launcher script the engine finds on $PATH (port read from stdout), then
 * Configure → Check → Diff → Create(preview) → Create → Update → Read → Invoke → Delete.
 */
import * as grpc from "@grpc/grpc-js";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { UNKNOWN, secret } from "../../src/testing/wire";
import { changedKeys } from "../../tools/engine/provider/server";
import { fakeCall } from "../../src/testing/fake-calls";
import { DEFAULT_ACCOUNT as ENGINE_ACCOUNT } from "../../tools/engine/provider/state";

const providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
const providerPb = require("@pulumi/pulumi/proto/provider_pb.js");
const structPb = require("google-protobuf/google/protobuf/struct_pb.js");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb.js");

const ROOT = path.resolve(__dirname, "..", "..");
const LAUNCH = path.join(ROOT, "tools", "engine", "launch.js");
const STACK = "urn:pulumi:dev::production-platform::";

function start(name: string): Promise<{ child: ChildProcess; client: any }> {
  const child = spawn(process.execPath, [LAUNCH, "provider", name, "127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`provider exited ${code} before printing a port: ${err}`)));
    child.stdout!.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) {
        expect(line).toMatch(/^\d+$/);
        resolve({ child, client: new providerRpc.ResourceProviderClient(`127.0.0.1:${line}`, grpc.credentials.createInsecure()) });
      }
    });
  });
}

function call<T = any>(client: any, method: string, req: any): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, (err: any, res: T) => (err ? reject(err) : resolve(res))));
}

const struct = (v: Record<string, unknown>) => structPb.Struct.fromJavaScript(v);

describe("stand-in provider over gRPC", () => {
  let aws: { child: ChildProcess; client: any };

  beforeAll(async () => {
    aws = await start("aws");
  });
  afterAll(() => {
    aws?.client.close();
    aws?.child.kill("SIGTERM");
  });

  test("reports the plugin version package-lock.json pins for @pulumi/aws", async () => {
    const info = await call(aws.client, "getPluginInfo", new emptyPb.Empty());
    const pinned = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/@pulumi/aws/package.json"), "utf8"));
    expect(info.getVersion()).toBe(pinned.pulumi?.version ?? pinned.version);
  });

  test("refuses resource calls before Configure, then configures with secrets, resources and preview", async () => {
    const check = new providerPb.CheckRequest().setUrn(`${STACK}aws:s3/bucket:Bucket::data`).setNews(struct({}));
    await expect(call(aws.client, "check", check)).rejects.toThrow(/before Configure/);
    const req = new providerPb.ConfigureRequest().setArgs(struct({ region: "eu-west-1" })).setAcceptsecrets(true).setAcceptresources(true);
    const res = await call(aws.client, "configure", req);
    expect([res.getAcceptsecrets(), res.getAcceptresources(), res.getSupportspreview()]).toEqual([true, true, true]);
  });

  const urn = `${STACK}aws:eks/cluster:Cluster::main`;
  const inputs = { name: "main", roleArn: "arn:aws:iam::123456789012:role/eks", vpcConfig: { subnetIds: ["subnet-1"] }, tags: { env: "dev" } };

  test("Check returns the inputs unchanged, secrets included", async () => {
    const news = { ...inputs, password: secret("hunter2") };
    const res = await call(aws.client, "check", new providerPb.CheckRequest().setUrn(urn).setNews(struct(news)));
    expect(res.getInputs().toJavaScript()).toEqual(news);
    expect(res.getFailuresList()).toHaveLength(0);
  });

  test("Create in preview: no id, inputs echoed, every computed output unknown at any depth", async () => {
    const req = new providerPb.CreateRequest().setUrn(urn).setProperties(struct(inputs)).setPreview(true);
    const res = await call(aws.client, "create", req);
    const props = res.getProperties().toJavaScript();
    expect(res.getId()).toBe("");
    expect(props.name).toBe("main");
    expect(props.arn).toBe(UNKNOWN);
    expect(props.endpoint).toBe(UNKNOWN);
    expect(props.vpcConfig).toEqual({ subnetIds: ["subnet-1"], clusterSecurityGroupId: UNKNOWN });
  });

  test("Create for real: stable id and the fakes' outputs in the configured region", async () => {
    const req = new providerPb.CreateRequest().setUrn(urn).setProperties(struct(inputs));
    const [a, b] = [await call(aws.client, "create", req), await call(aws.client, "create", req)];
    expect(a.getId()).not.toBe("");
    expect(a.getId()).toBe(b.getId());
    const props = a.getProperties().toJavaScript();
    expect(props.endpoint).toMatch(/\.eu-west-1\.eks\.amazonaws\.com$/);
    expect(props.vpcConfig.clusterSecurityGroupId).toMatch(/^sg-/);
  });

  test("Diff: same inputs are no change, a changed input is an update without replacement", async () => {
    const same = new providerPb.DiffRequest().setUrn(urn).setOldInputs(struct(inputs)).setOlds(struct(inputs)).setNews(struct(inputs));
    expect((await call(aws.client, "diff", same)).getChanges()).toBe(providerPb.DiffResponse.DiffChanges.DIFF_NONE);
    const changedNews = { ...inputs, tags: { env: "prod" } };
    const changed = new providerPb.DiffRequest().setUrn(urn).setOldInputs(struct(inputs)).setNews(struct(changedNews));
    const res = await call(aws.client, "diff", changed);
    expect(res.getChanges()).toBe(providerPb.DiffResponse.DiffChanges.DIFF_SOME);
    expect(res.getDiffsList()).toEqual(["tags"]);
    expect(res.getReplacesList()).toEqual([]);
  });

  test("Update keeps the id's outputs; in preview an update with unknown inputs has unknown computed outputs", async () => {
    const upd = new providerPb.UpdateRequest().setUrn(urn).setId("main-1").setNews(struct({ ...inputs, name: UNKNOWN })).setPreview(true);
    const props = (await call(aws.client, "update", upd)).getProperties().toJavaScript();
    expect(props.name).toBe(UNKNOWN);
    expect(props.arn).toBe(UNKNOWN);
  });

  test("Read returns the state the engine holds, and an empty state as not found", async () => {
    const found = await call(aws.client, "read", new providerPb.ReadRequest().setUrn(urn).setId("main-1").setProperties(struct({ name: "main" })));
    expect([found.getId(), found.getProperties().toJavaScript()]).toEqual(["main-1", { name: "main" }]);
    const gone = await call(aws.client, "read", new providerPb.ReadRequest().setUrn(urn).setId("main-1").setProperties(struct({})));
    expect(gone.getId()).toBe("");
  });

  test("Invoke answers the fakes' data sources and names an unknown function in its error", async () => {
    const zones = await call(aws.client, "invoke", new providerPb.InvokeRequest().setTok("aws:index/getAvailabilityZones:getAvailabilityZones").setArgs(struct({})));
    // One source of truth with the offline plan (src/testing/fake-calls.ts): eu-west-1 has three zones, and an
    // optional field the fake leaves undefined (`state`) is absent on the wire rather than an encoding error.
    const expected = fakeCall("aws:index/getAvailabilityZones:getAvailabilityZones", {}, { region: "eu-west-1", accountId: ENGINE_ACCOUNT });
    expect(zones.getReturn().toJavaScript()).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(zones.getReturn().toJavaScript().names).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    // getAmi has a fake now; a function with none is still an error that names it.
    const ami = await call(aws.client, "invoke", new providerPb.InvokeRequest().setTok("aws:ec2/getAmi:getAmi").setArgs(struct({ owners: ["amazon"], mostRecent: true })));
    expect(ami.getReturn().toJavaScript().imageId).toMatch(/^ami-[0-9a-f]{17}$/);
    const bad = new providerPb.InvokeRequest().setTok("aws:ec2/getInstance:getInstance").setArgs(struct({}));
    await expect(call(aws.client, "invoke", bad)).rejects.toThrow(/aws:ec2\/getInstance:getInstance/);
  });

  test("Delete succeeds; methods the engine does not need answer UNIMPLEMENTED, not a made-up result", async () => {
    await call(aws.client, "delete", new providerPb.DeleteRequest().setUrn(urn).setId("main-1"));
    await expect(call(aws.client, "getSchema", new providerPb.GetSchemaRequest())).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  });
});

describe("stand-in provider names", () => {
  test.each(["kubernetes", "random"])("%s starts and answers GetPluginInfo at the pinned version", async (name) => {
    const p = await start(name);
    try {
      const info = await call(p.client, "getPluginInfo", new emptyPb.Empty());
      expect(info.getVersion()).toBe(require(`@pulumi/${name}/package.json`).pulumi.version);
    } finally {
      p.client.close();
      p.child.kill("SIGTERM");
    }
  });

  test("an unknown provider name is a clear error with exit 2", async () => {
    const child = spawn(process.execPath, [LAUNCH, "provider", "azure"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).toBe(2);
    expect(err).toMatch(/unknown provider 'azure'.*aws, kubernetes, random/);
  });
});

test("changedKeys ignores key order and undefined, and sees removed keys", () => {
  expect(changedKeys({ a: { x: 1, y: 2 }, b: undefined }, { a: { y: 2, x: 1 } })).toEqual([]);
  expect(changedKeys({ a: 1, gone: true }, { a: 1 })).toEqual(["gone"]);
});

test("outputs a program reads from a real provider exist after create (the re-preview after up depends on it)", () => {
  const { outputsFor } = require("../../tools/engine/provider/state");
  const urnLt = "urn:pulumi:dev::production-platform::production-platform:cluster:HaCluster$aws:ec2/launchTemplate:LaunchTemplate::use1-general";
  const created = outputsFor(urnLt, "lt-1", { namePrefix: "use1-general" }, { region: "us-east-1", accountId: "123456789012" }, false);
  expect(created.latestVersion).toBe(1);
  const previewed = outputsFor(urnLt, "", { namePrefix: "use1-general" }, { region: "us-east-1", accountId: "123456789012" }, true);
  expect(previewed.latestVersion).toBe(UNKNOWN);
});

describe("Construct of the Kubernetes provider's multi-language components (what `pulumi up` of a helm.v4.Chart calls)", () => {
  const resourceRpc = require("@pulumi/pulumi/proto/resource_grpc_pb.js");
  const resourcePb = require("@pulumi/pulumi/proto/resource_pb.js");
  let k8s: { child: ChildProcess; client: any };
  let monitor: grpc.Server;
  let endpoint = "";
  const registered: any[] = [];
  const outputs: any[] = [];

  beforeAll(async () => {
    // A resource monitor like the engine's: the provider registers the component through it, then its outputs.
    monitor = new grpc.Server();
    monitor.addService(resourceRpc.ResourceMonitorService, {
      registerResource: (c: any, cb: any) => {
        registered.push(c.request);
        cb(null, new resourcePb.RegisterResourceResponse().setUrn(`${STACK}${c.request.getType()}::${c.request.getName()}`));
      },
      registerResourceOutputs: (c: any, cb: any) => {
        outputs.push(c.request);
        cb(null, new emptyPb.Empty());
      },
    });
    const port = await new Promise<number>((resolve, reject) => monitor.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    endpoint = `127.0.0.1:${port}`;
    k8s = await start("kubernetes");
    await call(k8s.client, "configure", new providerPb.ConfigureRequest().setArgs(struct({ kubeconfig: "{}" })).setAcceptsecrets(true).setAcceptresources(true));
  });
  afterAll(() => {
    k8s?.client.close();
    k8s?.child.kill("SIGTERM");
    monitor?.forceShutdown();
  });

  test("registers the component (not custom, its parent kept) with no children and returns its URN and resources: []", async () => {
    const parent = `${STACK}production-platform:mesh:ServiceMesh::use1-mesh`;
    const req = new providerPb.ConstructRequest().setType("kubernetes:helm.sh/v4:Chart").setName("use1-mesh-gateway-api-crds")
      .setParent(parent).setMonitorendpoint(endpoint).setInputs(struct({ chart: "gateway-crds-helm" }));
    const res = await call(k8s.client, "construct", req);
    expect(res.getUrn()).toBe(`${STACK}kubernetes:helm.sh/v4:Chart::use1-mesh-gateway-api-crds`);
    expect(res.getState().toJavaScript()).toEqual({ resources: [] });
    expect(registered.map((r) => [r.getType(), r.getName(), r.getCustom(), r.getParent()])).toEqual([["kubernetes:helm.sh/v4:Chart", "use1-mesh-gateway-api-crds", false, parent]]);
    expect(outputs.map((o) => o.getUrn())).toEqual([res.getUrn()]);
  });

  test("refuses a component it does not emulate, naming the type", async () => {
    const req = new providerPb.ConstructRequest().setType("kubernetes:kustomize/v2:Directory").setName("k").setMonitorendpoint(endpoint);
    await expect(call(k8s.client, "construct", req)).rejects.toThrow(/Construct of kubernetes:kustomize\/v2:Directory is not emulated/);
  });
});
