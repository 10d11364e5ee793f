/**
 * Imported by every pack's index.ts right after defer-sdk-root.ts, before any policy runs: each resource's properties
 * are deserialised once per request instead of once per policy.
 *
 * Why: `@pulumi/policy` (server.js, 1.21.0) calls `deserializeProperties(req.getProperties(), false)` for every
 * policy that applies to a resource in `Analyze`, for the resource's provider as well, and for every resource once
 * per stack policy in `AnalyzeStack`. Each call walks the protobuf `Struct` (`toJavaScript`) and copies the result
 * (`deserializeProperty`). Our packs have 12–52 policies (one per control: names, configuration and reports are the
 * contract), so most of a pack's CPU in a plan was that repetition (docs/architecture.md, "The `@pulumi/policy`
 * floor"), and `@pulumi/awsguard`, whose policies are one type each, paid less of it than aws-baseline.
 *
 * How: the module's `deserializeProperties` export (server.js reads it off the module object at every call) is
 * wrapped with a memo keyed by the `Struct` instance and the `proxySecrets` flag. A request's `Struct` is one object
 * for the request's lifetime (google-protobuf keeps a message field's wrapper), so every policy asking about the
 * same request gets the result of the first call; a new request is a new `Struct`, and the memo is a `WeakMap`, so
 * nothing outlives its request. What the policies receive is the same value `deserializeProperties` returns (each
 * policy still gets its own unknown-checking proxy around it); the one difference is identity: policies of one
 * pack share one object per request. That holds because nothing in the pack writes to it: `@pulumi/policy` never
 * writes to deserialised properties outside remediations (our packs define none), and our rules read the
 * properties through `plain()` copies (policy/common/wiring.ts `subjectOf`). Without `@pulumi/policy` this does
 * nothing. The real engine runs it too: the module ships in the published packs, so `pulumi preview --policy-pack`
 * loads it, and `npm run parity` compares.
 */

type Deserialise = (struct: object, proxySecrets: boolean) => unknown;

interface DeserialiseModule {
  deserializeProperties: Deserialise & { __deserialisedOnce?: true };
}

/** The `@pulumi/policy/deserialize` module the pack's `@pulumi/policy` uses, or undefined. */
function deserialiseModule(): DeserialiseModule | undefined {
  try {
    const file = require.resolve("@pulumi/policy/deserialize", { paths: [__dirname] });
    const mod = require(file) as DeserialiseModule;
    return typeof mod.deserializeProperties === "function" ? mod : undefined;
  } catch {
    return undefined;
  }
}

/** Wraps `deserialise` so that each (Struct, proxySecrets) pair is deserialised once. Exported for its tests. */
export function deserialisingOnce(deserialise: Deserialise): Deserialise {
  const plainMemo = new WeakMap<object, unknown>();
  const secretsMemo = new WeakMap<object, unknown>();
  return (struct, proxySecrets) => {
    if (struct === null || typeof struct !== "object") return deserialise(struct, proxySecrets);
    const memo = proxySecrets ? secretsMemo : plainMemo;
    if (memo.has(struct)) return memo.get(struct);
    const value = deserialise(struct, proxySecrets);
    memo.set(struct, value);
    return value;
  };
}

function install(): void {
  const mod = deserialiseModule();
  if (!mod || mod.deserializeProperties.__deserialisedOnce) return;
  const once = Object.assign(deserialisingOnce(mod.deserializeProperties), { __deserialisedOnce: true as const });
  mod.deserializeProperties = once;
}

install();
