/**
 * Offline Pulumi runtime: the SDK's own mock monitor, extended to record every registration the way the engine
 * sees it (parent, provider, options, dependencies) and to behave like the engine where the SDK's mocks do not
 * (additional secret outputs, URNs of children of the root stack).
 *
 * Used by our tests, by the `plan` command, and by consumers through `production-platform/testing`.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { fakeId, fakeState } from "./fakes";
import { FakeCall, fakeCall, MissingFakeError } from "./fake-calls";
import { FidelityMode, firstPreviewState, grpcError, KUBERNETES_KNOWN_AT_CHECK, providerConfigKnown } from "./engine";
import { unjudgedFor } from "./unjudged";
import { YAML_V2_TYPES, yamlV2Children } from "./yaml-v2";
import { ResourceRecorder, SourcePosition } from "./recorder";
export * from "./recorder";
import { isResourceRef, marshalForAnalyzer, reveal, secret } from "./wire";

export interface MockRuntimeOptions {
  /** Run as `pulumi preview` (true) or `pulumi up` (false). Always set this explicitly in tests: both modes matter. */
  readonly preview: boolean;
  readonly project?: string;
  readonly stack?: string;
  readonly organization?: string;
  /** Config as `pulumi config` would hold it: fully qualified keys (`project:key`), string values. */
  readonly config?: Record<string, string>;
  /** Fully qualified keys whose values are secret. */
  readonly secretKeys?: readonly string[];
  /** Account id used in fake ARNs. */
  readonly accountId?: string;
  /**
   * Directory of the `@pulumi/pulumi` copy the program under test loads (default: the one this module resolves).
   * The plan command passes the program's own copy.
   */
  readonly sdkRoot?: string;
  /**
   * What the engine knows about outputs (see engine.ts). `first-preview`: every computed output is unknown and
   * providers configured with unknowns return empty outputs, as in a new stack's first `pulumi preview` (requires
   * `preview: true`). `after-deploy`: every output known. Default: `after-deploy`, which is what the component tests
   * were written against; the plan command defaults to `first-preview`.
   */
  readonly mode?: FidelityMode;
  /** Fakes for provider functions, by token; they take precedence over the built-in ones in fake-calls.ts. */
  readonly calls?: Readonly<Record<string, FakeCall>>;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The pieces of one copy of the Pulumi SDK the offline runtime needs. A program outside this repository may load its
 * own copy of `@pulumi/pulumi`; the runtime must be installed into the copy the program uses.
 */
interface Sdk {
  readonly pulumi: typeof pulumi;
  readonly MockMonitor: new (mocks: pulumi.runtime.Mocks) => any;
  readonly settings: any;
  readonly state: any;
  readonly resproto: any;
  readonly provproto: any;
  readonly structproto: any;
}

function loadSdk(root?: string): Sdk {
  const base = root ?? path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const req = (m: string) => require(path.join(base, m));
  return {
    pulumi: req("index.js"),
    MockMonitor: req("runtime/mocks.js").MockMonitor,
    settings: req("runtime/settings.js"),
    state: req("runtime/state.js"),
    resproto: req("proto/resource_pb.js"),
    provproto: req("proto/provider_pb.js"),
    structproto: require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [base] })),
  };
}

function sourcePositionOf(req: any): SourcePosition | undefined {
  const pos = req.getSourceposition?.();
  return pos && pos.getUri() ? { uri: pos.getUri(), line: pos.getLine(), column: pos.getColumn() } : undefined;
}

/**
 * The Kubernetes provider a remote yaml/v2 component hands its children: its `providers` map entry for the
 * `kubernetes` package (how the SDK sends `provider`/`providers` for a remote component), else its own provider.
 */
function yamlProviderRef(req: any): string {
  const fromMap: string | undefined = req.getProvidersMap?.()?.get?.("kubernetes");
  return fromMap || req.getProvider() || "";
}

function providerUrnOf(ref: string): string | undefined {
  if (!ref) return undefined;
  const at = ref.lastIndexOf("::");
  return at > 0 ? ref.slice(0, at) : ref;
}

function aliasOf(alias: any): unknown {
  if (alias.hasUrn && alias.hasUrn()) return alias.getUrn();
  const spec = alias.getSpec?.();
  if (!spec) return undefined;
  const out: Record<string, unknown> = {};
  if (spec.getName()) out.name = spec.getName();
  if (spec.getType()) out.type = spec.getType();
  if (spec.getStack()) out.stack = spec.getStack();
  if (spec.getProject()) out.project = spec.getProject();
  if (spec.getParenturn?.()) out.parent = spec.getParenturn();
  if (spec.getNoparent?.()) out.noParent = true;
  return out;
}

/**
 * The SDK's mock monitor with the engine's behaviour where tests and plans depend on it.
 */
interface MonitorOptions {
  readonly accountId: string;
  readonly mode: FidelityMode;
  readonly calls: Readonly<Record<string, FakeCall>>;
}

function createRecordingMonitor(sdk: Sdk, recorder: ResourceRecorder, options: MonitorOptions): any {
  const MockMonitor = sdk.MockMonitor;
  const firstPreview = options.mode === "first-preview";
  class RecordingMonitor extends MockMonitor {
    private readonly regionByProvider = new Map<string, string>();
    /** Provider URN → whether its config is fully known (first preview only; see providerConfigKnown). */
    private readonly providerKnown = new Map<string, boolean>();
    private readonly recorder = recorder;
    private readonly accountId = options.accountId;

    constructor() {
      super({
        newResource: async () => ({ id: undefined, state: {} }),
        call: async () => ({}),
      });
    }

    /** Like the engine: children of the root stack do not carry the stack's type in their URN. */
    newUrn(parent: string, type: string, name: string): string {
      const parentType = parent ? parent.split("::")[2].split("$").pop() : undefined;
      const qualified = parent && parentType !== ROOT_STACK_TYPE ? `${parent.split("::")[2]}$${type}` : type;
      return `urn:pulumi:${sdk.pulumi.getStack()}::${sdk.pulumi.getProject()}::${qualified}::${name}`;
    }

    async registerResource(req: any, callback: (err: any, resp?: any) => void): Promise<void> {
      try {
        const type: string = req.getType();
        const name: string = req.getName();
        const custom: boolean = req.getCustom();
        const parent: string = req.getParent();
        const urn = this.newUrn(parent, type, name);
        const props = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
        const providerRef: string = req.getProvider();
        const region = this.regionFor(type, props, providerRef);
        const secretOutputs: string[] = req.getAdditionalsecretoutputsList();

        const unjudged = unjudgedFor({ urn, type, name, remote: req.getRemote?.() === true, custom, props });
        if (unjudged) this.recorder.unjudged.push(unjudged);
        if (type.startsWith("pulumi:providers:")) {
          if (typeof props.region === "string") this.regionByProvider.set(urn, props.region);
          this.providerKnown.set(urn, !firstPreview || providerConfigKnown(props));
        }
        const { id, state } = this.outputsFor({ type, name, urn, props, custom, region, providerRef });
        for (const key of secretOutputs) {
          if (key in state) state[key] = secret(state[key]);
        }

        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
          propertyDependencies[key] = deps.getUrnsList();
        });
        const explicitDeps: string[] = req.getDependenciesList();
        const allDeps = new Set<string>(explicitDeps);
        for (const deps of Object.values(propertyDependencies)) deps.forEach((d) => allDeps.add(d));

        const aliases: unknown[] = [
          ...req.getAliasurnsList(),
          ...req.getAliasesList().map(aliasOf).filter((a: unknown) => a !== undefined),
        ];

        this.recorder.add({
          urn,
          type,
          name,
          custom,
          parent: parent || undefined,
          provider: providerUrnOf(providerRef),
          id,
          props,
          outputs: custom ? (serializeState(state) as Record<string, unknown>) : {},
          options: {
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            deleteBeforeReplace: req.getDeletebeforereplace() === true,
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            additionalSecretOutputs: secretOutputs,
            dependsOn: explicitDeps,
            aliases,
          },
          dependencies: [...allDeps],
          propertyDependencies,
          sourcePosition: sourcePositionOf(req),
        });

        if (YAML_V2_TYPES.has(type) && !custom) this.addYamlV2Children({ urn, type, name, props, providerRef: yamlProviderRef(req) });

        const { resproto, structproto } = sdk;
        const serialized = serializeState(state);
        (this as any).resources.set(urn, { urn, id: id ?? null, state: serialized });
        const response = new resproto.RegisterResourceResponse();
        response.setUrn(urn);
        // An empty id is how a preview says "not known yet" (the SDK resolves it as unknown).
        response.setId(id ?? "");
        response.setObject(structproto.Struct.fromJavaScript(serialized));
        // The engine answers RegisterResource over gRPC: the SDK sees the response in a later I/O callback, never in
        // the same turn as the request (pulumi/pulumi sdk/nodejs/runtime/resource.ts registerResource awaits the
        // monitor's callback). Answering on the next macrotask keeps that shape, and with it the plan's event loop
        // serving its pack processes while the program runs (issue 22: packs analyse as resources register).
        setImmediate(() => callback(null, response));
      } catch (err) {
        const error = grpcError(`registering ${req.getType()} ${req.getName()}: ${(err as Error)?.message ?? String(err)}`);
        setImmediate(() => callback(error));
      }
    }

    /**
     * What the Kubernetes provider's yaml/v2 `Construct` registers under the component (see yaml-v2.ts): one custom
     * resource per object, parent the component, under the component's Kubernetes provider; or, when its objects
     * cannot be known offline, an unjudged entry saying why.
     */
    private addYamlV2Children(c: { urn: string; type: string; name: string; props: Record<string, unknown>; providerRef: string }): void {
      const providerUrn = providerUrnOf(c.providerRef);
      const expansion = yamlV2Children(c, process.cwd(), providerUrn ? this.recorder.get(providerUrn)?.props.namespace : undefined);
      if ("cannotSee" in expansion) {
        const why = `yaml.v2 component whose objects cannot be listed offline: ${expansion.cannotSee}, so they were not judged`;
        this.recorder.unjudged.push({ urn: c.urn, type: c.type, name: c.name, why, howToCheck: "give it files and YAML known at preview, or run `pulumi preview --policy-pack <pack>` against a real account" });
        return;
      }
      for (const child of expansion.children) {
        const urn = this.newUrn(c.urn, child.type, child.name);
        const region = this.regionFor(child.type, child.props, c.providerRef);
        const { id, state } = this.outputsFor({ type: child.type, name: child.name, urn, props: child.props, custom: true, region, providerRef: c.providerRef });
        this.recorder.add({
          urn, type: child.type, name: child.name, custom: true, parent: c.urn, provider: providerUrn, id, props: child.props,
          outputs: serializeState(state) as Record<string, unknown>,
          options: { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [], dependsOn: [], aliases: [] },
          dependencies: [], propertyDependencies: {},
        });
        (this as any).resources.set(urn, { urn, id: id ?? null, state: serializeState(state) });
      }
    }

    /**
     * Id and output state of a new resource. After deploy: the fakes' values. At first preview: no id, the inputs
     * with every computed output unknown; under a provider whose config is unknown, no outputs at all (measured under
     * the real engine; see providerConfigKnown).
     */
    private outputsFor(r: { type: string; name: string; urn: string; props: Record<string, unknown>; custom: boolean; region: string; providerRef: string }): { id?: string; state: Record<string, any> } {
      if (!r.custom) return { state: {} };
      // Providers get resource references as ids (they do not accept references; MarshalProperties without
      // KeepResources), so that is what their outputs echo.
      const sent = marshalForAnalyzer(r.props) as Record<string, unknown>;
      const inputs = reveal(sent) as Record<string, any>;
      const id = fakeId(r.type, r.name, r.urn, inputs);
      const computed = fakeState({ type: r.type, name: r.name, urn: r.urn, id, inputs, region: r.region, accountId: this.accountId });
      if (!firstPreview) return { id, state: computed };
      // Measured under the real engine (v3.274.1, `npm run parity`, dev): objects under a Kubernetes provider built
      // from a new cluster's outputs come back from a first preview with no outputs at all, so everything derived
      // from them (a Namespace's metadata.name in its objects' inputs) is unknown. Stricter than handing the inputs
      // back, and what the engine does.
      if (this.providerKnown.get(providerUrnOf(r.providerRef) ?? "") === false) return { id: "", state: {} };
      const knownAtCheck = r.type.startsWith("kubernetes:") ? KUBERNETES_KNOWN_AT_CHECK : [];
      return { id: "", state: firstPreviewState(sent, computed, knownAtCheck) as Record<string, any> };
    }

    registerResourceOutputs(req: any, callback: (err: any, resp?: any) => void): void {
      const recorded = this.recorder.get(req.getUrn());
      if (recorded) recorded.outputs = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
      super.registerResourceOutputs(req, callback);
    }

    async invoke(req: any, callback: (err: any, resp?: any) => void): Promise<void> {
      const tok: string = req.getTok();
      if (tok === "pulumi:pulumi:getResource") return super.invoke(req, callback);
      try {
        const { provproto, structproto } = sdk;
        const inputs = reveal(req.getArgs()?.toJavaScript() ?? {}) as Record<string, any>;
        const providerUrn = providerUrnOf(req.getProvider()) ?? "";
        const region = this.regionByProvider.get(providerUrn) ?? "us-east-1";
        // A provider configured with unknowns answers every Invoke with an empty map (provider_plugin.go, Invoke's
        // cfgknown check), so at first preview the program sees nothing from it.
        const result = this.providerKnown.get(providerUrn) === false ? {} : fakeCall(tok, inputs, { region, accountId: this.accountId }, options.calls);
        const response = new provproto.InvokeResponse();
        response.setReturn(structproto.Struct.fromJavaScript(serializeState(result) as any));
        // Like registerResource: the engine's answer arrives on a later I/O callback.
        setImmediate(() => callback(null, response));
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        if (error instanceof MissingFakeError) this.recorder.failFast(error);
        setImmediate(() => callback(grpcError(error.message)));
      }
    }

    private regionFor(type: string, props: Record<string, unknown>, providerRef: string): string {
      if (type === "pulumi:providers:aws" && typeof props.region === "string") return props.region;
      return this.regionByProvider.get(providerUrnOf(providerRef) ?? "") ?? "us-east-1";
    }
  }
  return new RecordingMonitor();
}

/** JSON-safe copy: drops undefined, keeps wire markers as they are. */
function serializeState(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(serializeState);
  if (isResourceRef(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== undefined) out[key] = serializeState(inner);
  }
  return out;
}

/**
 * Installs the offline runtime for the current process and returns the recorder that will see every resource.
 * Call before the program under test is imported (config is read when a program starts).
 */
export function installMockRuntime(options: MockRuntimeOptions): ResourceRecorder {
  const sdk = loadSdk(options.sdkRoot);
  const recorder = new ResourceRecorder();
  const project = options.project ?? "project";
  const stack = options.stack ?? "stack";
  sdk.pulumi.runtime.setAllConfig(options.config ?? {}, [...(options.secretKeys ?? [])]);
  const mode = options.mode ?? "after-deploy";
  if (mode === "first-preview" && !options.preview) throw new Error("installMockRuntime: mode first-preview needs preview: true (a first preview is a preview)");
  const monitor = createRecordingMonitor(sdk, recorder, { accountId: options.accountId ?? "123456789012", mode, calls: options.calls ?? {} });
  sdk.settings.setMockOptions(monitor, project, stack, options.preview, options.organization ?? "organization");
  const store = sdk.state.getStore();
  store.supportsSecrets = true;
  store.supportsResourceReferences = true;
  store.supportsOutputValues = false;
  store.supportsDeletedWith = true;
  store.supportsAliasSpecs = true;
  store.supportsTransforms = false;
  return recorder;
}

/** Waits until every registration the program started has been answered. */
export async function settle(sdkRoot?: string): Promise<void> {
  await loadSdk(sdkRoot).settings.waitForRPCs();
}
