/**
 * Analyzer requests in protobuf form, built and serialised once per resource and shared by every pack that runs on
 * the same `@pulumi/pulumi` copy (the engine, too, marshals a resource once and hands the same request to each
 * analyzer: pulumi/pulumi pkg/resource/deploy/step_executor.go and source_eval.go call each analyzer with one
 * marshalled property map). Serialising per pack was the plan's main cost (issue 22: 7 s of protobuf encoding in the
 * prod plan for 5 packs); the bytes on the wire are identical either way.
 */
import * as path from "path";
import type { AnalyzerResource } from "./analyzer";
import { UNKNOWN } from "./wire";

/** Replaces `undefined` (not representable in a protobuf Struct) by the unknown marker, recursively. */
export function toStructValue(value: unknown): unknown {
  if (value === undefined) return UNKNOWN;
  if (value === null || typeof value !== "object") return value;
  // Array.from visits holes of sparse arrays too (map would leave them, and protobuf rejects them).
  if (Array.isArray(value)) return Array.from(value, toStructValue);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = toStructValue(v);
  }
  return out;
}

export const urnOf = (r: AnalyzerResource): string => r.urn ?? `urn:pulumi:stack::project::${r.type}::${r.name}`;

export interface RequestBuilder {
  /** The serialised `AnalyzeRequest` (what grpc puts on the wire). */
  analyze(resource: AnalyzerResource): Uint8Array;
  /** The serialised `AnalyzeStackRequest`. */
  analyzeStack(resources: readonly AnalyzerResource[]): Uint8Array;
}

const builders = new Map<string, RequestBuilder>();

/** The request builder for the SDK copy at `sdkRoot` (its protobuf classes are the ones its packs' servers use). */
export function requestsFor(sdkRoot: string): RequestBuilder {
  let builder = builders.get(sdkRoot);
  if (!builder) {
    builder = createBuilder(sdkRoot);
    builders.set(sdkRoot, builder);
  }
  return builder;
}

/** The protobuf classes of one SDK copy that the requests are built from. */
interface Protos {
  readonly proto: any;
  readonly struct: any;
}

function resourceOptions({ proto }: Protos, r: AnalyzerResource): unknown {
  const o = new proto.AnalyzerResourceOptions();
  o.setProtect(r.options?.protect ?? false);
  o.setIgnorechangesList([...(r.options?.ignoreChanges ?? [])]);
  o.setDeletebeforereplace(r.options?.deleteBeforeReplace ?? false);
  o.setDeletebeforereplacedefined(r.options?.deleteBeforeReplace !== undefined);
  o.setAdditionalsecretoutputsList([...(r.options?.additionalSecretOutputs ?? [])]);
  o.setAliasesList([...(r.options?.aliases ?? [])]);
  if (r.parent) o.setParent(r.parent);
  return o;
}

function providerResource({ proto, struct }: Protos, r: AnalyzerResource): unknown {
  if (!r.provider) return undefined;
  const p = new proto.AnalyzerProviderResource();
  p.setType(r.provider.type);
  p.setName(r.provider.name);
  p.setUrn(r.provider.urn);
  p.setProperties(struct.fromJavaScript(toStructValue(r.provider.props)));
  return p;
}

function stackResource(protos: Protos, r: AnalyzerResource): unknown {
  const { proto, struct } = protos;
  const ar = new proto.AnalyzerResource();
  ar.setType(r.type);
  ar.setName(r.name);
  ar.setUrn(urnOf(r));
  ar.setProperties(struct.fromJavaScript(toStructValue(r.props)));
  ar.setOptions(resourceOptions(protos, r));
  const p = providerResource(protos, r);
  if (p) ar.setProvider(p);
  if (r.parent) ar.setParent(r.parent);
  ar.setDependenciesList([...(r.dependencies ?? [])]);
  const deps = ar.getPropertydependenciesMap();
  for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
    const pd = new proto.AnalyzerPropertyDependencies();
    pd.setUrnsList([...urns]);
    deps.set(key, pd);
  }
  return ar;
}

function buildAnalyze(protos: Protos, r: AnalyzerResource): any {
  const { proto, struct } = protos;
  const req = new proto.AnalyzeRequest();
  req.setType(r.type);
  req.setName(r.name);
  req.setUrn(urnOf(r));
  req.setProperties(struct.fromJavaScript(toStructValue(r.props)));
  req.setOptions(resourceOptions(protos, r));
  const p = providerResource(protos, r);
  if (p) req.setProvider(p);
  return req;
}

function buildStack(protos: Protos, resources: readonly AnalyzerResource[]): any {
  const req = new protos.proto.AnalyzeStackRequest();
  req.setResourcesList(resources.map((r) => stackResource(protos, r)));
  return req;
}

function createBuilder(root: string): RequestBuilder {
  const protos: Protos = {
    proto: require(path.join(root, "proto", "analyzer_pb.js")),
    struct: require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [root] })).Struct,
  };
  // Only the bytes are kept (the message objects are garbage at once); keyed weakly, so they live as long as the
  // frozen request the caller holds, and a 20k-resource plan does not keep a protobuf tree per resource.
  const single = new WeakMap<AnalyzerResource, Uint8Array>();
  const stacks = new WeakMap<readonly AnalyzerResource[], Uint8Array>();
  return {
    // Only frozen resources and lists are cached: a caller that mutates its objects between calls gets fresh requests.
    analyze(r) {
      if (!Object.isFrozen(r)) return buildAnalyze(protos, r).serializeBinary();
      let request = single.get(r);
      if (!request) single.set(r, (request = buildAnalyze(protos, r).serializeBinary() as Uint8Array));
      return request;
    },
    analyzeStack(resources) {
      if (!Object.isFrozen(resources)) return buildStack(protos, resources).serializeBinary();
      let request = stacks.get(resources);
      if (!request) stacks.set(resources, (request = buildStack(protos, resources).serializeBinary() as Uint8Array));
      return request;
    },
  };
}
