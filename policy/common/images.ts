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

/**
 * Reads an image reference as the container runtime does: the first path segment is a registry only when it has a
 * dot or a colon or is `localhost`; otherwise the image is on Docker Hub (`docker.io`, `library/` for one segment).
 */
export function parseImage(image: unknown): ImageRef | undefined {
  if (typeof image !== "string" || image.trim() === "" || /\s/.test(image)) return undefined;
  const [rest, digest] = image.split("@", 2);
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
  if (repository === "" || pathParts.some((p) => p === "")) return undefined;
  return { registry, repository, tag, digest };
}


/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]`: an account's private ECR registry. */
export const ECR_REGISTRY = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;
