/**
 * A resource-provider plugin that stands in for `pulumi-resource-aws`, `-kubernetes` and `-random` under the real
 * Pulumi engine, with no cloud behind it. It speaks the provider protocol from the protos that @pulumi/pulumi ships
 * (proto/provider.proto) and answers from src/testing/fakes.ts.
 *
 * What it mirrors, and where it is deliberately stricter than the real providers, is written next to each method.
 * Construct answers for the Kubernetes provider's multi-language components (helm.sh/v4:Chart, yaml/v2) — see
 * `construct` below. Methods not implemented here (Call, Parameterize, GetSchema, List, Attach, GetMapping) answer
 * UNIMPLEMENTED, which is what grpc-js returns for a method without a handler; the engine calls none of them for
 * a program that uses only custom resources, those components and provider functions.
 */
import * as grpc from "@grpc/grpc-js";
import { outputsFor, invoke, fakeId, typeAndName, DEFAULT_ACCOUNT, type ProviderContext } from "./state";
import { UNKNOWN } from "../../../src/testing/wire";

const providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
const resourceRpc = require("@pulumi/pulumi/proto/resource_grpc_pb.js");
const resourcePb = require("@pulumi/pulumi/proto/resource_pb.js");
const providerPb = require("@pulumi/pulumi/proto/provider_pb.js");
const pluginPb = require("@pulumi/pulumi/proto/plugin_pb.js");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb.js");
const structPb = require("google-protobuf/google/protobuf/struct_pb.js");

type Props = Record<string, unknown>;
type Call = grpc.ServerUnaryCall<any, any>;
type Callback = grpc.sendUnaryData<any>;

export function fromStruct(struct: any): Props {
  return struct ? (struct.toJavaScript() as Props) : {};
}

/**
 * A value as protobuf's Struct can carry it. The fakes answer in JavaScript, where an absent optional field is often a
 * key holding `undefined` (`state: inputs.state`); Struct has no encoding for it and throws "Unexpected struct type".
 * On the wire an absent field is simply not there, so such keys are dropped, and an `undefined` array element
 * becomes null (as JSON does). Anything else Struct cannot encode (a function, a symbol, a bigint) is a bug in a fake
 * and fails loudly, naming the path.
 */
export function wireValue(value: unknown, path = "$"): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((v, i) => (v === undefined ? null : wireValue(v, `${path}[${i}]`)));
  if (typeof value === "object") {
    const out: Props = {};
    for (const [k, v] of Object.entries(value as Props)) if (v !== undefined) out[k] = wireValue(v, `${path}.${k}`);
    return out;
  }
  throw new Error(`stand-in provider: ${path} is a ${typeof value}, which a protobuf Struct cannot carry`);
}

export function toStruct(value: Props): any {
  return structPb.Struct.fromJavaScript(wireValue(value) as any);
}

/** Deep equality on wire values (key order ignored): what a `Diff` compares. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  const ka = Object.keys(a as object).filter((k) => (a as Props)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Props)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Props)[k], (b as Props)[k]));
}

/** Top-level keys whose values differ between two property maps (added, removed or changed). */
export function changedKeys(olds: Props, news: Props): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  return [...keys].filter((k) => !sameValue(olds[k], news[k])).sort();
}

/** Which plugin this process pretends to be, and at which version (the one package-lock.json pins). */
export interface PluginIdentity {
  readonly name: "aws" | "kubernetes" | "random";
  readonly version: string;
}

export class StandInProvider {
  private ctx: ProviderContext = { region: "us-east-1", accountId: DEFAULT_ACCOUNT };
  private configured = false;

  constructor(private readonly identity: PluginIdentity) {}

  /** Every handler, keyed as the generated service definition names them. */
  handlers(): grpc.UntypedServiceImplementation {
    const h = (fn: (req: any) => any) => (call: Call, cb: Callback) => {
      try {
        cb(null, fn(call.request));
      } catch (err) {
        cb({ code: grpc.status.UNKNOWN, details: (err as Error).message } as grpc.ServiceError, null);
      }
    };
    return {
      getPluginInfo: h(() => new pluginPb.PluginInfo().setVersion(this.identity.version)),
      checkConfig: h((req) => this.checkConfig(req)),
      diffConfig: h((req) => this.diff(req, [])),
      configure: h((req) => this.configure(req)),
      check: h((req) => this.check(req)),
      diff: h((req) => this.diffResource(req)),
      create: h((req) => this.create(req)),
      read: h((req) => this.read(req)),
      update: h((req) => this.update(req)),
      delete: h(() => new emptyPb.Empty()),
      invoke: h((req) => this.invoke(req)),
      construct: (call: Call, cb: Callback) => {
        this.construct(call.request).then((res) => cb(null, res), (err) => cb({ code: grpc.status.UNKNOWN, details: (err as Error).message } as grpc.ServiceError, null));
      },
      cancel: h(() => new emptyPb.Empty()),
    };
  }

  // CheckConfig: providers validate and return their config; ours accepts it unchanged, like the bridge for keys it
  // knows. Unknown config values (a kubeconfig built from a cluster not yet created) pass through unknown.
  private checkConfig(req: any): any {
    return new providerPb.CheckResponse().setInputs(toStruct(fromStruct(req.getNews())));
  }

  // Configure: mirrors the bridge and pulumi-kubernetes, which accept secrets and resource references and support
  // preview (the engine then calls Create/Update with preview=true instead of skipping them).
  private configure(req: any): any {
    const args = fromStruct(req.getArgs());
    const vars: Record<string, string> = Object.fromEntries(req.getVariablesMap().toArray());
    const region = args.region ?? vars["aws:config:region"] ?? vars["aws:region"];
    if (typeof region === "string" && region !== UNKNOWN) this.ctx = { ...this.ctx, region };
    this.configured = true;
    return new providerPb.ConfigureResponse()
      .setAcceptsecrets(true)
      .setAcceptresources(true)
      .setSupportspreview(true)
      .setAcceptoutputs(false);
  }

  private requireConfigured(method: string): void {
    // The engine always configures a provider before using it; a call before Configure is a protocol error.
    if (!this.configured) throw new Error(`${method} called before Configure (the engine must configure first)`);
  }

  // Check: returns the new inputs as given (no defaults added), so the packs' Analyze sees exactly the program's
  // inputs, as with the offline plan.
  private check(req: any): any {
    this.requireConfigured("Check");
    return new providerPb.CheckResponse().setInputs(toStruct(fromStruct(req.getNews())));
  }

  private diff(req: any, replaceKeys: readonly string[]): any {
    const olds = fromStruct(req.getOldInputs?.() ?? req.getOlds());
    const news = fromStruct(req.getNews());
    const changed = changedKeys(olds, news);
    const res = new providerPb.DiffResponse();
    res.setChanges(changed.length > 0 ? providerPb.DiffResponse.DiffChanges.DIFF_SOME : providerPb.DiffResponse.DiffChanges.DIFF_NONE);
    res.setDiffsList(changed);
    res.setReplacesList(changed.filter((k) => replaceKeys.includes(k)));
    return res;
  }

  // Diff compares the old *inputs* with the new ones (the bridge diffs against prior state, which our outputs echo
  // for every input). A changed input is an update, never a replace: we know no ForceNew schema, so we say so by
  // returning DIFF_SOME without replaces rather than inventing one.
  private diffResource(req: any): any {
    this.requireConfigured("Diff");
    return this.diff(req, []);
  }

  // Create with preview=true returns no id and the inputs plus UNKNOWN for every computed output, as a provider
  // that supports preview does. A real create returns a stable id and the fakes' outputs.
  private create(req: any): any {
    this.requireConfigured("Create");
    const urn: string = req.getUrn();
    const preview: boolean = req.getPreview();
    const id = preview ? "" : fakeId(urn, typeAndName(urn).type);
    const props = outputsFor(urn, id, fromStruct(req.getProperties()), this.ctx, preview);
    return new providerPb.CreateResponse().setId(id).setProperties(toStruct(props));
  }

  // Update: outputs recomputed from the new inputs; computed outputs stay what they were unless the inputs that
  // feed them are unknown (preview of an update whose inputs depend on an unknown).
  private update(req: any): any {
    this.requireConfigured("Update");
    const urn: string = req.getUrn();
    const preview: boolean = req.getPreview();
    const news = fromStruct(req.getNews());
    const props = outputsFor(urn, req.getId(), news, this.ctx, preview);
    return new providerPb.UpdateResponse().setProperties(toStruct(props));
  }

  // Read (refresh, import, `get`): there is no cloud to ask, so the state the engine holds is the answer. An
  // empty state means "not found", which is what a provider returns for a resource that does not exist.
  private read(req: any): any {
    this.requireConfigured("Read");
    const props = fromStruct(req.getProperties());
    const res = new providerPb.ReadResponse();
    if (Object.keys(props).length === 0) return res.setId("");
    return res.setId(req.getId()).setProperties(toStruct(props)).setInputs(toStruct(fromStruct(req.getInputs())));
  }

  // Construct (provider.proto; what pulumi-kubernetes does for helm.sh/v4:Chart and yaml/v2 ConfigFile/ConfigGroup):
  // the provider registers the component itself through the engine's resource monitor, then its children, and
  // returns the component's URN and outputs. With no cluster and no chart repository there is nothing to render, so
  // the stand-in registers the component with no children and `resources: []` — exactly what the offline plan sees
  // (it lists these components as not judged). Only the Kubernetes stand-in answers; any other type is refused.
  private async construct(req: any): Promise<any> {
    const type: string = req.getType();
    if (this.identity.name !== "kubernetes" || !/^kubernetes:(helm\.sh\/v4:Chart|yaml\/v2:ConfigFile|yaml\/v2:ConfigGroup)$/.test(type)) {
      throw new Error(`stand-in provider ${this.identity.name}: Construct of ${type} is not emulated`);
    }
    const monitor = new resourceRpc.ResourceMonitorClient(req.getMonitorendpoint(), grpc.credentials.createInsecure());
    const unary = <T>(method: string, request: any): Promise<T> =>
      new Promise((resolve, reject) => monitor[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
    try {
      const register = new resourcePb.RegisterResourceRequest()
        .setType(type)
        .setName(req.getName())
        .setParent(req.getParent())
        .setCustom(false)
        .setObject(toStruct({}))
        .setDependenciesList(req.getDependenciesList())
        .setProtect(req.getProtect())
        .setAcceptsecrets(true)
        .setAcceptresources(true);
      const registered: any = await unary("registerResource", register);
      const urn: string = registered.getUrn();
      const outputs = toStruct({ resources: [] });
      await unary("registerResourceOutputs", new resourcePb.RegisterResourceOutputsRequest().setUrn(urn).setOutputs(outputs));
      return new providerPb.ConstructResponse().setUrn(urn).setState(outputs);
    } finally {
      monitor.close();
    }
  }

  private invoke(req: any): any {
    this.requireConfigured("Invoke");
    const answer = invoke(req.getTok(), fromStruct(req.getArgs()), this.ctx);
    return new providerPb.InvokeResponse().setReturn(toStruct(answer));
  }
}

/** Starts the provider on 127.0.0.1 with a kernel-chosen port and resolves with the port (the plugin handshake). */
export function serve(identity: PluginIdentity): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(providerRpc.ResourceProviderService, new StandInProvider(identity).handlers());
  return new Promise((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(err);
      else resolve({ port, server });
    });
  });
}
