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
const WHITESPACE = /\s/;
/** distribution/reference: `tag := [\w][\w.-]{0,127}`. */
const TAG = /^[\w][\w.-]{0,127}$/;
/** distribution/reference: a path component is lower-case alphanumerics joined by `.`, `_`, `__` or runs of `-`. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * Reads an image reference as the container runtime does: the first path segment is a registry only when it has a
 * dot or a colon or is `localhost`; otherwise the image is on Docker Hub (`docker.io`, `library/` for one segment).
 */
export function parseImage(image: unknown): ImageRef | undefined {
  // `/\s/` alone also rejects what `trim()` would empty: only "" is left to test.
  if (typeof image !== "string" || image === "" || WHITESPACE.test(image)) return undefined;
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
  if (!pathParts.every((p) => PATH_COMPONENT.test(p))) return undefined;
  if (tag !== undefined && !TAG.test(tag)) return undefined;
  const repository = !hasRegistry && pathParts.length === 1 ? `library/${pathParts[0]}` : pathParts.join("/");
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

/**
 * Upstream registries ECR pull-through cache supports (Amazon ECR User Guide, "Sync an upstream registry with an Amazon
 * ECR private registry", pull-through-cache.html, and the CreatePullThroughCacheRule API's `upstreamRegistryUrl`
 * syntax): ECR Public, the Kubernetes registry and Quay need no credential; Docker Hub, GitHub Container Registry and
 * GitLab Container Registry (gitlab.com only) need a Secrets Manager secret named `ecr-pullthroughcache/...` in the
 * rule's account and region (pull-through-cache-creating-rule.html). Keys are the upstream names the ECR API uses;
 * `registry` is the host an image reference names (Docker Hub's references say `docker.io`, its API host is
 * `registry-1.docker.io`); `prefix` is the repository prefix of the cache rule in the account's registry.
 * Azure Container Registry and Chainguard are supported too but need an account-specific host: not listed.
 */
export const PULL_THROUGH_UPSTREAMS = {
  "ecr-public": { registry: "public.ecr.aws", upstreamRegistryUrl: "public.ecr.aws", prefix: "ecr-public", credential: false },
  quay: { registry: "quay.io", upstreamRegistryUrl: "quay.io", prefix: "quay", credential: false },
  k8s: { registry: "registry.k8s.io", upstreamRegistryUrl: "registry.k8s.io", prefix: "k8s", credential: false },
  "docker-hub": { registry: "docker.io", upstreamRegistryUrl: "registry-1.docker.io", prefix: "docker-hub", credential: true },
  "github-container-registry": { registry: "ghcr.io", upstreamRegistryUrl: "ghcr.io", prefix: "github", credential: true },
  "gitlab-container-registry": { registry: "registry.gitlab.com", upstreamRegistryUrl: "registry.gitlab.com", prefix: "gitlab", credential: true },
} as const;
export type PullThroughUpstream = keyof typeof PULL_THROUGH_UPSTREAMS;
export const PULL_THROUGH_UPSTREAM_NAMES = Object.keys(PULL_THROUGH_UPSTREAMS) as PullThroughUpstream[];

export function isPullThroughUpstream(name: unknown): name is PullThroughUpstream {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(PULL_THROUGH_UPSTREAMS, name);
}

/** The pull-through upstream an image reference's registry is, if ECR can cache it. */
export function pullThroughUpstreamOf(image: unknown): PullThroughUpstream | undefined {
  const ref = parseImage(image);
  return ref ? PULL_THROUGH_UPSTREAM_NAMES.find((u) => PULL_THROUGH_UPSTREAMS[u].registry === ref.registry) : undefined;
}

/**
 * The same image through the pull-through cache of the registry `host` (`<account>.dkr.ecr.<region>.amazonaws.com`):
 * `<host>/<prefix>/<repository>[:tag][@digest]`, e.g. `busybox:1.36` → `<host>/docker-hub/library/busybox:1.36`
 * (Docker Hub's official images keep `library/`, as ECR requires). Undefined when the image does not parse or its
 * registry is not a pull-through upstream (an ECR image already, or a registry ECR cannot cache).
 */
export function mirroredImage(image: unknown, host: string): string | undefined {
  const upstream = pullThroughUpstreamOf(image);
  const ref = parseImage(image);
  if (!upstream || !ref) return undefined;
  const tag = ref.tag !== undefined ? `:${ref.tag}` : "";
  const digest = ref.digest !== undefined ? `@${ref.digest}` : "";
  return `${host}/${PULL_THROUGH_UPSTREAMS[upstream].prefix}/${ref.repository}${tag}${digest}`;
}
