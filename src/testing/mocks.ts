/**
 * Offline Pulumi runtime: the SDK's own mock monitor, extended to record every registration the way the engine
 * sees it (parent, provider, options, dependencies) and to behave like the engine where the SDK's mocks do not
 * (additional secret outputs, URNs of children of the root stack).
 *
 * Used by our tests, by the `plan` command, and by consumers through `production-platform/testing`.
 */
import * as crypto from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { fakeCall, fakeState } from "./fakes";
import { isResourceRef, reveal, secret } from "./wire";

/** Options recorded for one resource, as given in the program. */
export interface RecordedOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  /** URNs this resource explicitly depends on (`dependsOn`). */
  readonly dependsOn: readonly string[];
  /** Aliases as URNs, or as `{name, type, parent, stack, project}` specs. */
  readonly aliases: readonly unknown[];
}

/** One resource registered by a program, in registration order. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** True for provider-managed resources, false for components. */
  readonly custom: boolean;
  readonly parent?: string;
  /** URN of the provider resource that manages this one (explicit providers only). */
  readonly provider?: string;
  readonly id?: string;
  /** Inputs in Pulumi's wire format: secrets stay wrapped, unknowns are the UNKNOWN marker. */
  readonly props: Record<string, unknown>;
  /** Outputs as the mocks resolved them (wire format). Components: what they passed to `registerOutputs`. */
  outputs: Record<string, unknown>;
  readonly options: RecordedOptions;
  /** All resources this one depends on (explicit and through its inputs). */
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /**
   * Where the program constructed the resource, as the SDK sends it with every RegisterResource (`sourcePosition`:
   * the first stack frame below the resource constructors, source-mapped; `uri` is a `file://` URL).
   */
  readonly sourcePosition?: SourcePosition;
}

/** A RegisterResourceRequest's `sourcePosition` (pulumi/pulumi proto/pulumi/source.proto). */
export interface SourcePosition {
  readonly uri: string;
  readonly line: number;
  readonly column: number;
}

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
}

/** The resources a program registered, with typed queries. */
export class ResourceRecorder {
  readonly resources: RecordedResource[] = [];
  private readonly byUrn = new Map<string, RecordedResource>();
  private readonly listeners: ((resource: RecordedResource) => void)[] = [];

  add(resource: RecordedResource): void {
    this.resources.push(resource);
    this.byUrn.set(resource.urn, resource);
    for (const listener of this.listeners) listener(resource);
  }

  /** Calls `listener` with every resource registered from now on, as it registers (the engine's step events). */
  onAdd(listener: (resource: RecordedResource) => void): void {
    this.listeners.push(listener);
  }

  get(urn: string): RecordedResource | undefined {
    return this.byUrn.get(urn);
  }

  /** Every resource of a type token, e.g. `aws:eks/cluster:Cluster`. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource with this type and name; throws when there is none or more than one. */
  one(type: string, name?: string): RecordedResource {
    const found = this.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
    if (found.length !== 1) {
      throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    }
    return found[0];
  }

  /** Direct children of a resource. */
  childrenOf(urn: string): RecordedResource[] {
    return this.resources.filter((r) => r.parent === urn);
  }

  /** Every resource below a resource in the parent tree. */
  descendantsOf(urn: string): RecordedResource[] {
    const out: RecordedResource[] = [];
    const queue = [urn];
    while (queue.length > 0) {
      const next = queue.shift() as string;
      for (const child of this.childrenOf(next)) {
        out.push(child);
        queue.push(child.urn);
      }
    }
    return out;
  }

  /** Inputs with secrets unwrapped and resource references as URNs: for assertions in tests. */
  inputsOf(resource: RecordedResource): Record<string, any> {
    return reveal(resource.props) as Record<string, any>;
  }

  /** The provider resource that manages a resource, if it was given explicitly. */
  providerOf(resource: RecordedResource): RecordedResource | undefined {
    return resource.provider ? this.byUrn.get(resource.provider) : undefined;
  }

  /** The region a resource lives in, read from its (nearest) explicit AWS provider. */
  regionOf(resource: RecordedResource): string | undefined {
    const provider = this.providerOf(resource);
    if (provider?.type === "pulumi:providers:aws") return reveal(provider.props.region) as string | undefined;
    return undefined;
  }
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
function createRecordingMonitor(sdk: Sdk, recorder: ResourceRecorder, accountId: string): any {
  const MockMonitor = sdk.MockMonitor;
  class RecordingMonitor extends MockMonitor {
    private readonly regionByProvider = new Map<string, string>();
    private readonly recorder = recorder;
    private readonly accountId = accountId;

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

        const id = custom ? fakeId(type, name, urn) : undefined;
        const state = custom ? fakeState({ type, name, urn, id: id as string, inputs: reveal(props) as Record<string, any>, region, accountId: this.accountId }) : {};
        for (const key of secretOutputs) {
          if (key in state) state[key] = secret(state[key]);
        }
        if (type.startsWith("pulumi:providers:") && typeof props.region === "string") {
          this.regionByProvider.set(urn, props.region);
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

        const { resproto, structproto } = sdk;
        const serialized = serializeState(state);
        (this as any).resources.set(urn, { urn, id: id ?? null, state: serialized });
        const response = new resproto.RegisterResourceResponse();
        response.setUrn(urn);
        response.setId(id ?? "");
        response.setObject(structproto.Struct.fromJavaScript(serialized));
        callback(null, response);
      } catch (err) {
        callback(err);
      }
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
        const region = this.regionByProvider.get(providerUrnOf(req.getProvider()) ?? "") ?? "us-east-1";
        const result = fakeCall(tok, inputs, { region, accountId: this.accountId });
        const response = new provproto.InvokeResponse();
        response.setReturn(structproto.Struct.fromJavaScript(serializeState(result) as any));
        callback(null, response);
      } catch (err) {
        callback(err);
      }
    }

    private regionFor(type: string, props: Record<string, unknown>, providerRef: string): string {
      if (type === "pulumi:providers:aws" && typeof props.region === "string") return props.region;
      return this.regionByProvider.get(providerUrnOf(providerRef) ?? "") ?? "us-east-1";
    }
  }
  return new RecordingMonitor();
}

/** Deterministic ids: same program, same ids, run after run. */
function fakeId(type: string, name: string, urn: string): string {
  if (type.startsWith("pulumi:providers:")) return `${name}-provider-id`;
  const hash = crypto.createHash("sha256").update(urn).digest("hex").slice(0, 8);
  return `${name}-${hash}`;
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
  const monitor = createRecordingMonitor(sdk, recorder, options.accountId ?? "123456789012");
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
