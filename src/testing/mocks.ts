/**
 * Offline Pulumi runtime: the SDK's own mock monitor, extended to record every registration the way the engine
 * sees it (parent, provider, options, dependencies) and to behave like the engine where the SDK's mocks do not
 * (additional secret outputs, URNs of children of the root stack).
 *
 * Used by our tests, by the `plan` command, and by consumers through `production-platform/testing`.
 */
import * as path from "path";
import { FakeCall, MissingFakeError } from "./fake-calls";
import { FidelityMode, grpcError } from "./engine";
import { ResourceRecorder } from "./recorder";
import { skipPromiseStacks } from "./sdk-cost";
export * from "./recorder";
import { engineUrn, invokeResponse, OfflineEngine, registerResource, Sdk } from "./offline-engine";

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
  /**
   * Keep the SDK's per-promise stack capture (`debuggablePromise`, for tracing a promise left pending); the plan's
   * `--debug`. Default `false` (sdk-cost.ts): no promise's stack is captured. Only the SDK's exit-time leak report
   * reads those stacks, and an offline run never prints it; under jest capturing and rendering them was ≈ 10–15 %
   * of a component test's CPU. Errors keep their own stacks and resources their source lines.
   */
  readonly debug?: boolean;
}

function sdkRootOf(root?: string): string {
  return root ?? path.dirname(require.resolve("@pulumi/pulumi/package.json"));
}

function loadSdk(root?: string): Sdk {
  const base = sdkRootOf(root);
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

/**
 * The SDK's mock monitor with the engine's behaviour where tests and plans depend on it.
 */
interface MonitorOptions {
  readonly accountId: string;
  readonly mode: FidelityMode;
  readonly calls: Readonly<Record<string, FakeCall>>;
}

function offlineEngine(sdk: Sdk, recorder: ResourceRecorder, options: MonitorOptions, resources: OfflineEngine["resources"]): OfflineEngine {
  return {
    sdk,
    recorder,
    accountId: options.accountId,
    firstPreview: options.mode === "first-preview",
    calls: options.calls,
    regionByProvider: new Map<string, string>(),
    providerKnown: new Map<string, boolean>(),
    resources,
  };
}

function createRecordingMonitor(sdk: Sdk, recorder: ResourceRecorder, options: MonitorOptions): any {
  const MockMonitor = sdk.MockMonitor;
  class RecordingMonitor extends MockMonitor {
    /** What this monitor's engine knows (providers' regions and whether their config is known); see offline-engine.ts. */
    private readonly engine = offlineEngine(sdk, recorder, options, (this as any).resources);

    constructor() {
      super({
        newResource: async () => ({ id: undefined, state: {} }),
        call: async () => ({}),
      });
    }

    /** Like the engine: children of the root stack do not carry the stack's type in their URN. */
    newUrn(parent: string, type: string, name: string): string {
      return engineUrn(sdk, parent, type, name);
    }

    async registerResource(req: any, callback: (err: any, resp?: any) => void): Promise<void> {
      try {
        const response = registerResource(this.engine, req);
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

    registerResourceOutputs(req: any, callback: (err: any, resp?: any) => void): void {
      const recorded = recorder.get(req.getUrn());
      if (recorded) recorded.outputs = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
      super.registerResourceOutputs(req, callback);
    }

    async invoke(req: any, callback: (err: any, resp?: any) => void): Promise<void> {
      if (req.getTok() === "pulumi:pulumi:getResource") return super.invoke(req, callback);
      try {
        const response = invokeResponse(this.engine, req);
        // Like registerResource: the engine's answer arrives on a later I/O callback.
        setImmediate(() => callback(null, response));
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        if (error instanceof MissingFakeError) recorder.failFast(error);
        setImmediate(() => callback(grpcError(error.message)));
      }
    }
  }
  return new RecordingMonitor();
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
  if (!options.debug) skipPromiseStacks(sdkRootOf(options.sdkRoot));
  return recorder;
}

/** Waits until every registration the program started has been answered. */
export async function settle(sdkRoot?: string): Promise<void> {
  await loadSdk(sdkRoot).settings.waitForRPCs();
}
