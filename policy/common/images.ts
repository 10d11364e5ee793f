/**
 * Image references as the container runtime reads them, for rules about where images come from. The first path
 * segment is a registry only when it has a dot or a colon or is `localhost`; otherwise the image is on Docker Hub
 * (`docker.io`, with `library/` for a single segment), as in the distribution reference grammar.
 */
/** An image reference split into registry host, repository path, tag and digest. */
export interface ImageRef {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** distribution/reference: `tag := [\w][\w.-]{0,127}`. */
const TAG = /^[\w][\w.-]{0,127}$/;
/** distribution/reference: a path component is lower-case alphanumerics joined by `.`, `_`, `__` or runs of `-`. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * Reads an image reference as the container runtime does: the first path segment is a registry only when it has a
 * dot or a colon or is `localhost`; otherwise the image is on Docker Hub (`docker.io`, `library/` for one segment).
 */
export function parseImage(image: unknown): ImageRef | undefined {
  if (typeof image !== "string" || image.trim() === "" || /\s/.test(image)) return undefined;
  const at = image.indexOf("@");
  const rest = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  if (digest !== undefined && !DIGEST.test(digest)) return undefined;
  const segments = rest.split("/");
  const first = segments[0];
  const hasRegistry = segments.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasRegistry ? first : "docker.io";
  const pathParts = hasRegistry ? segments.slice(1) : segments;
  const last = pathParts[pathParts.length - 1] ?? "";
  const colon = last.lastIndexOf(":");
  const tag = colon >= 0 ? last.slice(colon + 1) : undefined;
  pathParts[pathParts.length - 1] = colon >= 0 ? last.slice(0, colon) : last;
  const repository = (!hasRegistry && pathParts.length === 1 ? ["library", ...pathParts] : pathParts).join("/");
  if (!pathParts.every((p) => PATH_COMPONENT.test(p))) return undefined;
  if (tag !== undefined && !TAG.test(tag)) return undefined;
  return { registry, repository, tag, digest };
}

/**
 * True when the reference cannot silently change under a running workload: it parses (the grammar of
 * distribution/reference, which containerd applies before pulling) and names a digest, or a tag other than `latest`.
 * The one answer for the config, the components and the packs: `app@sha256:abc`, `app:-bad` and `app:1 ` are not.
 */
export function isPinnedImage(image: unknown): image is string {
  const ref = parseImage(image);
  if (!ref) return false;
  return ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== "latest");
}


/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]`: an account's private ECR registry. */
export const ECR_REGISTRY = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;
