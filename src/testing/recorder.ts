/**
 * What a program registered, as the engine saw it: every resource with its inputs, outputs, options and
 * dependencies, plus the components no policy could judge. Filled by the mock runtime (mocks.ts).
 */
import type { UnjudgedComponent } from "./unjudged";
import { reveal } from "./wire";

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

/** The resources a program registered, with typed queries. */
export class ResourceRecorder {
  readonly resources: RecordedResource[] = [];
  /** Components whose children could not be seen offline, so no policy judged them (see unjudged.ts). */
  readonly unjudged: UnjudgedComponent[] = [];
  /** The first error that must end the run at once (a provider function without a fake), if any. */
  fatal?: Error;
  private readonly fatalListeners: ((err: Error) => void)[] = [];
  private readonly byUrn = new Map<string, RecordedResource>();
  private readonly listeners: ((resource: RecordedResource) => void)[] = [];

  add(resource: RecordedResource): void {
    this.resources.push(resource);
    this.byUrn.set(resource.urn, resource);
    for (const listener of this.listeners) listener(resource);
  }

  /**
   * Records an error that ends the run now rather than when the program settles: a program waiting on a value the
   * runtime cannot produce would otherwise hang or fail much later with an unrelated message.
   */
  failFast(err: Error): void {
    if (this.fatal) return;
    this.fatal = err;
    for (const listener of this.fatalListeners) listener(err);
  }

  /** Calls `listener` once, with the first fail-fast error. */
  onFatal(listener: (err: Error) => void): void {
    if (this.fatal) listener(this.fatal);
    else this.fatalListeners.push(listener);
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
