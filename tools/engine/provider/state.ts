/**
 * What the stand-in provider answers for a resource: the outputs of a create or update, in preview and for real.
 *
 * The values come from src/testing/fakes.ts (one source of truth with the offline plan). What differs from the mock
 * runtime is preview: a real provider cannot know a computed output before the cloud answers, so every output the
 * fake would add beyond the inputs is the engine's UNKNOWN marker, as a bridged provider returns them from
 * `PlanResourceChange` (pulumi-terraform-bridge `Create` with `preview: true`). The inputs themselves pass through.
 */
import * as crypto from "crypto";
import { fakeState } from "../../../src/testing/fakes";
import { fakeCall } from "../../../src/testing/fake-calls";
import { reveal, SIG_KEY, UNKNOWN } from "../../../src/testing/wire";

/** Per-configured-provider facts the fakes need (the AWS provider's region; the account is fixed offline). */
export interface ProviderContext {
  readonly region: string;
  readonly accountId: string;
}

export const DEFAULT_ACCOUNT = "123456789012";

/** `urn:pulumi:stack::project::type$type::name` → the resource's type and name (the last `::` parts). */
export function typeAndName(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const name = parts[parts.length - 1] ?? "";
  const chain = parts[parts.length - 2] ?? "";
  const type = chain.split("$").pop() ?? chain;
  return { type, name };
}

/** The physical id a create returns: stable per URN, so a second `up` finds nothing to change. */
export function fakeId(urn: string, type: string): string {
  const digest = crypto.createHash("sha256").update(urn).digest("hex");
  if (type === "aws:kms/key:Key") {
    return `${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`;
  }
  return `${typeAndName(urn).name}-${digest.slice(0, 8)}`;
}

function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * Outputs for a resource with these (wire-format) inputs. In preview, and whenever an input is still unknown, the
 * computed outputs are UNKNOWN: a provider cannot compute an ARN from a name it does not know yet.
 */
export function outputsFor(
  urn: string,
  id: string,
  inputs: Record<string, unknown>,
  ctx: ProviderContext,
  preview: boolean,
): Record<string, unknown> {
  const { type, name } = typeAndName(urn);
  const plain = reveal(inputs) as Record<string, any>;
  const computed = fakeState({ type, name, urn, id: id || fakeId(urn, type), inputs: plain, region: ctx.region, accountId: ctx.accountId });
  const unknownOutputs = preview || containsUnknown(plain);
  return withComputed(inputs, computed, unknownOutputs) as Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(SIG_KEY in value);
}

/**
 * The inputs, plus what the provider computes, at any depth (an EKS cluster's `vpcConfig.clusterSecurityGroupId`,
 * a Kubernetes object's generated `metadata.name`). Given inputs win: a provider echoes what it was told.
 */
function withComputed(input: unknown, computed: unknown, unknownOutputs: boolean): unknown {
  if (input === undefined) return unknownOutputs ? UNKNOWN : computed;
  if (!isPlainObject(input) || !isPlainObject(computed)) return input;
  const out: Record<string, unknown> = { ...input };
  for (const [key, value] of Object.entries(computed)) out[key] = withComputed(input[key], value, unknownOutputs);
  return out;
}

/** A provider function's answer (the fakes' data sources); an unknown function is an error that names it. */
export function invoke(token: string, args: Record<string, unknown>, ctx: ProviderContext): Record<string, unknown> {
  return fakeCall(token, reveal(args) as Record<string, any>, ctx);
}
