/**
 * Explicit physical names, for the few resources AWS will not let Pulumi auto-name (global cluster ids, ElastiCache
 * replication group ids whose member ids the alarms need, final snapshot ids). They carry the stack and region so two
 * stacks or regions never collide, and fit the service's length and character rules.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
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

/**
 * A final snapshot id unique to this incarnation of the resource: snapshot ids are unique per account and region
 * and outlive the cluster, so a fixed id makes the next destroy of a re-created cluster fail with
 * "DBClusterSnapshotAlreadyExistsFault" (RDS) or "SnapshotAlreadyExistsFault" (ElastiCache). The random suffix is
 * created and replaced with the resource's component, so a re-created stack gets a fresh id.
 */
export function finalSnapshotIdentifier(resourceName: string, parts: readonly string[], parent: pulumi.Resource): pulumi.Output<string> {
  const suffix = new random.RandomId(`${resourceName}-final-snapshot`, { byteLength: 4 }, { parent });
  return suffix.hex.apply((hex) => `${physicalName(parts, 255 - 9)}-${hex}`);
}
