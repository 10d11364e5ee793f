/**
 * What the engine sends analyzers about each registered resource, built from the recorder: the root
 * `pulumi:pulumi:Stack`, default providers for resources that name none, aliases as URNs, and components with the
 * outputs they registered.
 */
import type { AnalyzerResource } from "../testing/analyzer";
import type { RecordedResource, ResourceRecorder } from "../testing/mocks";
import { marshalForAnalyzer } from "../testing/wire";

export const ROOT_STACK = "pulumi:pulumi:Stack";

export interface StackIdentity {
  readonly stack: string;
  readonly project: string;
  /** Stack config, fully qualified key → value (default providers are configured from `<package>:*` keys). */
  readonly config?: Readonly<Record<string, string>>;
}

type Provider = NonNullable<AnalyzerResource["provider"]>;

/**
 * The default provider the engine registers for a package when a resource names no provider
 * (pulumi/pulumi pkg/resource/deploy/providers/registry.go: `default` URN name, config from the stack's
 * `<package>:` keys). The engine appends the plugin version to the name when the program requests one; offline
 * the version is not known, so the name is `default`.
 */
export function defaultProvider(type: string, identity: StackIdentity): Provider | undefined {
  const pkg = type.split(":")[0];
  if (!pkg || pkg === "pulumi") return undefined;
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(identity.config ?? {})) {
    if (!key.startsWith(`${pkg}:`)) continue;
    const name = key.slice(pkg.length + 1);
    props[name] = parseConfigValue(value);
  }
  const providerType = `pulumi:providers:${pkg}`;
  return { type: providerType, name: "default", urn: `urn:pulumi:${identity.stack}::${identity.project}::${providerType}::default`, props };
}

function parseConfigValue(value: string): unknown {
  try {
    const parsed = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null ? parsed : value;
  } catch {
    return value;
  }
}

/** The type part of a URN, with its parents' types (`a:b:C$d:e:F`). */
function qualifiedTypeOf(urn: string): string | undefined {
  return urn.split("::")[2];
}

/**
 * An alias spec as the URN the engine derives from it (pulumi/pulumi sdk/go/common/resource/urn.go `CreateURN`, as
 * `alias.go` resolves specs): name, type, stack and project default to the resource's own, the parent to its parent
 * (none with `noParent`); a child of anything but the root stack carries its parent's type chain.
 */
export function aliasUrn(alias: unknown, r: RecordedResource, identity: StackIdentity, recorder: ResourceRecorder): string | undefined {
  if (typeof alias === "string") return alias;
  if (alias === null || typeof alias !== "object") return undefined;
  const spec = alias as { name?: string; type?: string; stack?: string; project?: string; parent?: string; noParent?: boolean };
  const parentUrn = spec.noParent ? undefined : (spec.parent ?? r.parent);
  const parentType = parentUrn ? qualifiedTypeOf(parentUrn) : undefined;
  const parentIsRoot = parentUrn === undefined || recorder.get(parentUrn)?.type === ROOT_STACK || parentType === ROOT_STACK;
  const type = spec.type ?? r.type;
  const qualified = parentIsRoot || !parentType ? type : `${parentType}$${type}`;
  return `urn:pulumi:${spec.stack ?? identity.stack}::${spec.project ?? identity.project}::${qualified}::${spec.name ?? r.name}`;
}

/** A recorded resource as the engine hands it to `Analyze` (inputs) or `AnalyzeStack` (outputs). */
export function toAnalyzerResource(r: RecordedResource, recorder: ResourceRecorder, useOutputs: boolean, identity?: StackIdentity): AnalyzerResource {
  const explicit = recorder.providerOf(r);
  const isProvider = r.type.startsWith("pulumi:providers:");
  const provider: Provider | undefined = explicit
    ? { type: explicit.type, name: explicit.name, urn: explicit.urn, props: marshalForAnalyzer(explicit.props) as Record<string, unknown> }
    : r.custom && !isProvider && identity
      ? defaultProvider(r.type, identity)
      : undefined;
  const aliases = r.options.aliases
    .map((a) => (identity ? aliasUrn(a, r, identity, recorder) : typeof a === "string" ? a : undefined))
    .filter((a): a is string => a !== undefined);
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    // AnalyzeStack sees every resource's outputs; a component's are what it passed to registerOutputs.
    // Resource references are sent as ids or URNs, as the engine marshals analyzer properties (see marshalForAnalyzer).
    props: marshalForAnalyzer(useOutputs ? r.outputs : r.props) as Record<string, unknown>,
    parent: r.parent,
    provider,
    options: {
      protect: r.options.protect,
      ignoreChanges: r.options.ignoreChanges,
      deleteBeforeReplace: r.options.deleteBeforeReplace,
      additionalSecretOutputs: r.options.additionalSecretOutputs,
      aliases,
    },
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  };
}

/** The default providers the resources use, as resources of the stack (the engine registers them like any other). */
export function defaultProviderResources(resources: readonly AnalyzerResource[]): AnalyzerResource[] {
  const seen = new Map<string, AnalyzerResource>();
  for (const r of resources) {
    const p = r.provider;
    if (!p || p.name !== "default" || seen.has(p.urn)) continue;
    seen.set(p.urn, { type: p.type, name: p.name, urn: p.urn, props: p.props });
  }
  return [...seen.values()];
}
