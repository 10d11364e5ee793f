/**
 * The fidelity model: where the Pulumi engine's behaviour during a preview differs from the SDK's mocks, this is what
 * the engine does, each rule next to the engine function it mirrors. The mock runtime (mocks.ts) applies it.
 */
import { UNKNOWN, isResourceRef, isSecret } from "./wire";

/**
 * `first-preview`: a new stack's first `pulumi preview`; nothing exists yet, so every output a provider computes (ids,
 * ARNs, endpoints, and all that derives from them) is unknown. `after-deploy`: the preview after an `up`, where
 * every output is known (the mocks' fake values stand in for the cloud's).
 */
export type FidelityMode = "first-preview" | "after-deploy";

export const FIDELITY_MODES: readonly FidelityMode[] = ["first-preview", "after-deploy"];

/** True when the value, or anything inside it, is the unknown marker (the engine's `ContainsUnknowns`). */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isResourceRef(value)) return value.id === "" || value.id === UNKNOWN || value.urn === UNKNOWN;
  if (isSecret(value)) return containsUnknown(value.value);
  return Object.values(value).some(containsUnknown);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isSecret(value) && !isResourceRef(value);
}

/**
 * The state a provider's `Create` returns during a first preview: the (checked) inputs as given, and every property
 * only the provider can compute unknown. Mirrors what `provider.Create(..., preview=true)` hands back for a new
 * resource (pkg/resource/plugin/provider_plugin.go; the bridged AWS provider plans computed attributes as unknown).
 * `computed` is what the provider would compute after a deploy (the fake state); keys the provider fills in during
 * `Check` (Kubernetes auto-names) are passed in `knownAtCheck` and stay known.
 */
export function firstPreviewState(inputs: Record<string, unknown>, computed: Record<string, unknown>, knownAtCheck: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(computed)) {
    if (key in inputs && inputs[key] !== undefined) out[key] = mergeKnown(inputs[key], value, knownAtCheck, key);
    else out[key] = knownAtCheck.includes(key) ? value : UNKNOWN;
  }
  for (const [key, value] of Object.entries(inputs)) if (!(key in out) && value !== undefined) out[key] = value;
  return out;
}

function mergeKnown(input: unknown, computed: unknown, knownAtCheck: readonly string[], path: string): unknown {
  if (!isPlainObject(input) || !isPlainObject(computed)) return input;
  const out: Record<string, unknown> = { ...input };
  for (const [key, value] of Object.entries(computed)) {
    if (key in input) out[key] = mergeKnown(input[key], value, knownAtCheck, `${path}.${key}`);
    else out[key] = knownAtCheck.includes(`${path}.${key}`) ? value : UNKNOWN;
  }
  return out;
}

/** Properties the Kubernetes provider sets in `Check` (before any cloud call), so they are known in a first preview. */
export const KUBERNETES_KNOWN_AT_CHECK = ["metadata.name"] as const;

/**
 * Whether a provider's configuration is fully known. A provider resource whose inputs contain an unknown (a
 * Kubernetes provider built from an EKS cluster's endpoint or kubeconfig at first preview) is configured with
 * unknowns, and the engine then, per the `cfgknown` checks in pkg/resource/plugin/provider_plugin.go:
 * - `Check` returns the news unchanged (no provider defaults, no auto-names: `metadata.name` stays absent if unset);
 * - `Create` in preview returns no outputs: the source we read says it "hands back the inputs as the state", but the
 *   real engine v3.274.1 measured by `npm run parity` gives the program nothing back (a Namespace's `metadata` is
 *   unknown to the objects that use it), so the emulation does that — the stricter of the two;
 * - `Invoke` returns an empty property map (so e.g. `kubernetes:yaml:decode` through it yields nothing);
 * - `Read` returns empty inputs and outputs.
 * `Analyze` is sent the program's inputs; `AnalyzeStack` sees empty outputs for such objects.
 */
export function providerConfigKnown(providerInputs: Record<string, unknown>): boolean {
  return !containsUnknown(providerInputs);
}

/**
 * An error the way the SDK expects a failed gRPC call: it reads `details` (invoke.ts `innerReject(new Error(err.details))`),
 * so an error without it prints as an empty message. Code 2 is gRPC UNKNOWN (never UNAVAILABLE or CANCELLED, which the
 * SDK treats as "the monitor is shutting down" and swallows).
 */
export function grpcError(message: string, code = 2): Error & { code: number; details: string } {
  return Object.assign(new Error(message), { code, details: message });
}
