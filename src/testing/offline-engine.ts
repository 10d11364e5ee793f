/**
 * The engine's side of the offline runtime (mocks.ts): what RegisterResource and Invoke answer, and what is recorded
 * of each registration, the way the engine sees it (parent, provider, options, dependencies). The monitor class in
 * mocks.ts delegates here; each piece names the engine behaviour it mirrors.
 */
import type * as pulumi from "@pulumi/pulumi";
import { fakeId, fakeState } from "./fakes";
import { FakeCall, fakeCall } from "./fake-calls";
import { firstPreviewState, KUBERNETES_KNOWN_AT_CHECK, providerConfigKnown } from "./engine";
import { unjudgedFor } from "./unjudged";
import { YAML_V2_TYPES, yamlV2Children } from "./yaml-v2";
import { RecordedOptions, ResourceRecorder, SourcePosition } from "./recorder";
import { isResourceRef, marshalForAnalyzer, reveal, secret } from "./wire";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The pieces of one copy of the Pulumi SDK the offline runtime needs. A program outside this repository may load its
 * own copy of `@pulumi/pulumi`; the runtime must be installed into the copy the program uses.
 */
export interface Sdk {
  readonly pulumi: typeof pulumi;
  readonly MockMonitor: new (mocks: pulumi.runtime.Mocks) => any;
  readonly settings: any;
  readonly state: any;
  readonly resproto: any;
  readonly provproto: any;
  readonly structproto: any;
}

/** What the offline engine knows while a program runs: one per monitor. */
export interface OfflineEngine {
  readonly sdk: Sdk;
  readonly recorder: ResourceRecorder;
  readonly accountId: string;
  readonly firstPreview: boolean;
  readonly calls: Readonly<Record<string, FakeCall>>;
  readonly regionByProvider: Map<string, string>;
  /** Provider URN → whether its config is fully known (first preview only; see providerConfigKnown). */
  readonly providerKnown: Map<string, boolean>;
  /** The SDK mock monitor's own table of registered resources (what its `getResource` invoke reads). */
  readonly resources: Map<string, { urn: string; id: string | null; state: unknown }>;
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

/** JSON-safe copy: drops undefined, keeps wire markers as they are. */
export function serializeState(value: unknown): unknown {
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

/** Like the engine: children of the root stack do not carry the stack's type in their URN. */
export function engineUrn(sdk: Sdk, parent: string, type: string, name: string): string {
  const parentType = parent ? parent.split("::")[2].split("$").pop() : undefined;
  const qualified = parent && parentType !== ROOT_STACK_TYPE ? `${parent.split("::")[2]}$${type}` : type;
  return `urn:pulumi:${sdk.pulumi.getStack()}::${sdk.pulumi.getProject()}::${qualified}::${name}`;
}

function regionFor(engine: OfflineEngine, type: string, props: Record<string, unknown>, providerRef: string): string {
  if (type === "pulumi:providers:aws" && typeof props.region === "string") return props.region;
  return engine.regionByProvider.get(providerUrnOf(providerRef) ?? "") ?? "us-east-1";
}

/**
 * Id and output state of a new resource. After deploy: the fakes' values. At first preview: no id, the inputs
 * with every computed output unknown; under a provider whose config is unknown, no outputs at all (measured under
 * the real engine; see providerConfigKnown).
 */
function outputsFor(
  engine: OfflineEngine,
  r: { type: string; name: string; urn: string; props: Record<string, unknown>; custom: boolean; region: string; providerRef: string },
): { id?: string; state: Record<string, any> } {
  if (!r.custom) return { state: {} };
  // Providers get resource references as ids (they do not accept references; MarshalProperties without
  // KeepResources), so that is what their outputs echo.
  const sent = marshalForAnalyzer(r.props) as Record<string, unknown>;
  const inputs = reveal(sent) as Record<string, any>;
  const id = fakeId(r.type, r.name, r.urn, inputs);
  const computed = fakeState({ type: r.type, name: r.name, urn: r.urn, id, inputs, region: r.region, accountId: engine.accountId });
  if (!engine.firstPreview) return { id, state: computed };
  // Measured under the real engine (v3.274.1, `npm run parity`, dev): objects under a Kubernetes provider built
  // from a new cluster's outputs come back from a first preview with no outputs at all, so everything derived
  // from them (a Namespace's metadata.name in its objects' inputs) is unknown. Stricter than handing the inputs
  // back, and what the engine does.
  if (engine.providerKnown.get(providerUrnOf(r.providerRef) ?? "") === false) return { id: "", state: {} };
  const knownAtCheck = r.type.startsWith("kubernetes:") ? KUBERNETES_KNOWN_AT_CHECK : [];
  return { id: "", state: firstPreviewState(sent, computed, knownAtCheck) as Record<string, any> };
}

/** A registration's dependencies as the engine records them: explicit `dependsOn`, per property, and all of them. */
function dependenciesOf(req: any): { explicitDeps: string[]; propertyDependencies: Record<string, string[]>; allDeps: string[] } {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
    propertyDependencies[key] = deps.getUrnsList();
  });
  const explicitDeps: string[] = req.getDependenciesList();
  const allDeps = new Set<string>(explicitDeps);
  for (const deps of Object.values(propertyDependencies)) deps.forEach((d) => allDeps.add(d));
  return { explicitDeps, propertyDependencies, allDeps: [...allDeps] };
}

/** The resource options of a registration as recorded (aliases by URN first, then alias specs). */
function optionsOf(req: any, secretOutputs: string[], dependsOn: string[]): RecordedOptions {
  const aliases: unknown[] = [
    ...req.getAliasurnsList(),
    ...req.getAliasesList().map(aliasOf).filter((a: unknown) => a !== undefined),
  ];
  return {
    protect: req.getProtect() === true,
    retainOnDelete: req.getRetainondelete() === true,
    deleteBeforeReplace: req.getDeletebeforereplace() === true,
    ignoreChanges: req.getIgnorechangesList(),
    replaceOnChanges: req.getReplaceonchangesList(),
    additionalSecretOutputs: secretOutputs,
    dependsOn,
    aliases,
  };
}

/** Answers one RegisterResource as the engine would, recording the registration; returns the response. */
export function registerResource(engine: OfflineEngine, req: any): unknown {
  const type: string = req.getType();
  const name: string = req.getName();
  const custom: boolean = req.getCustom();
  const parent: string = req.getParent();
  const urn = engineUrn(engine.sdk, parent, type, name);
  const props = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
  const providerRef: string = req.getProvider();
  const region = regionFor(engine, type, props, providerRef);
  const secretOutputs: string[] = req.getAdditionalsecretoutputsList();

  const unjudged = unjudgedFor({ urn, type, name, remote: req.getRemote?.() === true, custom, props });
  if (unjudged) engine.recorder.unjudged.push(unjudged);
  if (type.startsWith("pulumi:providers:")) {
    if (typeof props.region === "string") engine.regionByProvider.set(urn, props.region);
    engine.providerKnown.set(urn, !engine.firstPreview || providerConfigKnown(props));
  }
  const { id, state } = outputsFor(engine, { type, name, urn, props, custom, region, providerRef });
  for (const key of secretOutputs) {
    if (key in state) state[key] = secret(state[key]);
  }

  const { explicitDeps, propertyDependencies, allDeps } = dependenciesOf(req);
  const options = optionsOf(req, secretOutputs, explicitDeps);
  engine.recorder.add({
    urn,
    type,
    name,
    custom,
    parent: parent || undefined,
    provider: providerUrnOf(providerRef),
    id,
    props,
    outputs: custom ? (serializeState(state) as Record<string, unknown>) : {},
    options,
    dependencies: allDeps,
    propertyDependencies,
    sourcePosition: sourcePositionOf(req),
  });

  if (YAML_V2_TYPES.has(type) && !custom) addYamlV2Children(engine, { urn, type, name, props, providerRef: yamlProviderRef(req) });
  return registerResponse(engine, urn, id, state);
}

/** The engine's RegisterResourceResponse (URN, id, output state); the resource also goes into the monitor's table. */
function registerResponse(engine: OfflineEngine, urn: string, id: string | undefined, state: Record<string, any>): unknown {
  const { resproto, structproto } = engine.sdk;
  const serialized = serializeState(state);
  engine.resources.set(urn, { urn, id: id ?? null, state: serialized });
  const response = new resproto.RegisterResourceResponse();
  response.setUrn(urn);
  // An empty id is how a preview says "not known yet" (the SDK resolves it as unknown).
  response.setId(id ?? "");
  response.setObject(structproto.Struct.fromJavaScript(serialized));
  return response;
}

/**
 * What the Kubernetes provider's yaml/v2 `Construct` registers under the component (see yaml-v2.ts): one custom
 * resource per object, parent the component, under the component's Kubernetes provider; or, when its objects
 * cannot be known offline, an unjudged entry saying why.
 */
function addYamlV2Children(engine: OfflineEngine, c: { urn: string; type: string; name: string; props: Record<string, unknown>; providerRef: string }): void {
  const providerUrn = providerUrnOf(c.providerRef);
  const expansion = yamlV2Children(c, process.cwd(), providerUrn ? engine.recorder.get(providerUrn)?.props.namespace : undefined);
  if ("cannotSee" in expansion) {
    const why = `yaml.v2 component whose objects cannot be listed offline: ${expansion.cannotSee}, so they were not judged`;
    engine.recorder.unjudged.push({ urn: c.urn, type: c.type, name: c.name, why, howToCheck: "give it files and YAML known at preview, or run `pulumi preview --policy-pack <pack>` against a real account" });
    return;
  }
  for (const child of expansion.children) {
    const urn = engineUrn(engine.sdk, c.urn, child.type, child.name);
    const region = regionFor(engine, child.type, child.props, c.providerRef);
    const { id, state } = outputsFor(engine, { type: child.type, name: child.name, urn, props: child.props, custom: true, region, providerRef: c.providerRef });
    engine.recorder.add({
      urn, type: child.type, name: child.name, custom: true, parent: c.urn, provider: providerUrn, id, props: child.props,
      outputs: serializeState(state) as Record<string, unknown>,
      options: { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [], dependsOn: [], aliases: [] },
      dependencies: [], propertyDependencies: {},
    });
    engine.resources.set(urn, { urn, id: id ?? null, state: serializeState(state) });
  }
}

/** Answers one Invoke of a provider function (not `pulumi:pulumi:getResource`) from the fakes; returns the response. */
export function invokeResponse(engine: OfflineEngine, req: any): unknown {
  const { provproto, structproto } = engine.sdk;
  const tok: string = req.getTok();
  const inputs = reveal(req.getArgs()?.toJavaScript() ?? {}) as Record<string, any>;
  const providerUrn = providerUrnOf(req.getProvider()) ?? "";
  const region = engine.regionByProvider.get(providerUrn) ?? "us-east-1";
  // A provider configured with unknowns answers every Invoke with an empty map (provider_plugin.go, Invoke's
  // cfgknown check), so at first preview the program sees nothing from it.
  const result = engine.providerKnown.get(providerUrn) === false ? {} : fakeCall(tok, inputs, { region, accountId: engine.accountId }, engine.calls);
  const response = new provproto.InvokeResponse();
  response.setReturn(structproto.Struct.fromJavaScript(serializeState(result) as any));
  return response;
}
