/**
 * Kubernetes naming and quantity rules, as pure predicates, so that a bad name fails at `pulumi preview` with a
 * message instead of at apply time with an API-server 422 halfway through a rollout.
 */

/** DNS labels: one definition in components/shared/kubernetes.ts. */
export { DNS_1035_LABEL, DNS_1123_LABEL, MAX_LABEL_LENGTH, isDns1035Label, isDns1123Label } from "../shared/kubernetes";

/** Label key: optional DNS-subdomain prefix, then a name of up to 63 characters. */
export function isLabelKey(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0) return false;
  const slash = value.lastIndexOf("/");
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (prefix !== undefined && (prefix.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(prefix))) return false;
  return name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}

/** Label value: empty, or up to 63 alphanumerics with `-_.` inside. */
export function isLabelValue(value: unknown): value is string {
  return typeof value === "string" && value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value);
}

/** Environment variable name as the API server accepts it. */
export function isEnvVarName(value: unknown): value is string {
  return typeof value === "string" && /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value);
}

/** True when an image reference cannot silently change under us (one grammar: components/shared/images.ts). */
export { isPinnedImage } from "../shared/images";

/** CPU quantity in cores (`"250m"` → 0.25, `"1.5"` → 1.5); `undefined` when malformed. */
export { parseCpuCores as parseCpu } from "../shared/kubernetes";

/** Memory quantity in bytes: the shared parser. */
export { parseMemoryBytes as parseMemory } from "../shared/kubernetes";

/** Env var names that say "I am a secret": these must come from `secretEnv`/`secretFiles`, never plain `env`. */
export const SECRET_LOOKING_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)/i;
