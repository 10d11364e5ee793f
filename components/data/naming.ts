/**
 * Explicit physical names, for the few resources AWS will not let Pulumi auto-name (global cluster ids, ElastiCache
 * replication group ids whose member ids the alarms need, final snapshot ids). They carry the stack and region so two
 * stacks or regions never collide, and fit the service's length and character rules.
 */
import * as crypto from "crypto";

/**
 * Lowercase letters, digits and single hyphens, starting with a letter, at most `maxLength` characters. When the
 * readable form is too long it is cut and a short hash of the full form keeps it unique.
 */
export function physicalName(parts: readonly string[], maxLength: number): string {
  const full = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-$/, "");
  const readable = full.length > 0 ? full : "x";
  if (readable.length <= maxLength) return readable;
  const hash = crypto.createHash("sha256").update(readable).digest("hex").slice(0, 6);
  return `${readable.slice(0, maxLength - 7).replace(/-$/, "")}-${hash}`;
}
