/**
 * The account's ECR pull-through cache as the components that install charts see it: the registry host of the
 * cluster's region and the cache rule of each upstream. A component given a mirror points its chart's image values at
 * `<host>/<prefix>/...` (the mapping is `mirroredImage`, policy/common/images.ts) and makes its Helm release depend on
 * the cache rules it pulls through, so no pod asks for a mirrored image before ECR can serve it.
 */
import * as pulumi from "@pulumi/pulumi";
import { mirroredImage, PULL_THROUGH_UPSTREAMS, PullThroughUpstream } from "./images";

export interface ImageMirror {
  /** The account's registry in the cluster's region: `<account>.dkr.ecr.<region>.amazonaws.com`. */
  readonly host: pulumi.Input<string>;
  /** The cache rule of each upstream the mirror serves. */
  readonly cacheRules: Readonly<Partial<Record<PullThroughUpstream, pulumi.Resource>>>;
}

/** `<host>/<prefix>`: the `registry` value of a chart that names an image's registry and repository apart. */
export function mirrorRegistry(mirror: ImageMirror, upstream: PullThroughUpstream): pulumi.Output<string> {
  return pulumi.interpolate`${mirror.host}/${PULL_THROUGH_UPSTREAMS[upstream].prefix}`;
}

/**
 * The mirrored form of a public image or repository (`registry.k8s.io/autoscaling/cluster-autoscaler` →
 * `<host>/k8s/autoscaling/cluster-autoscaler`), for charts whose `image.repository` holds the registry too.
 * Throws on a reference the cache cannot serve: a chart default we mirror must name a pull-through upstream.
 */
export function mirrorImage(mirror: ImageMirror, image: string): pulumi.Output<string> {
  return pulumi.output(mirror.host).apply((host) => {
    const mirrored = mirroredImage(image, host);
    if (mirrored === undefined) throw new Error(`image ${image} is not on a registry ECR pull-through cache serves (${Object.values(PULL_THROUGH_UPSTREAMS).map((u) => u.registry).join(", ")})`);
    return mirrored;
  });
}

/**
 * The cache rules a release pulling from `upstreams` must wait for. A mirror without one of them is a wiring
 * mistake (the chart would pull images ECR has no rule for): it throws naming the component and the upstream.
 */
export function mirrorDependencies(mirror: ImageMirror | undefined, upstreams: readonly PullThroughUpstream[], who: string): pulumi.Resource[] {
  if (mirror === undefined) return [];
  return [...new Set(upstreams)].map((u) => {
    const rule = mirror.cacheRules[u];
    if (rule === undefined) throw new Error(`${who}: the image mirror has no pull-through cache rule for ${u} (${PULL_THROUGH_UPSTREAMS[u].registry}), which its chart pulls from; add "${u}" to the mirror's upstreams`);
    return rule;
  });
}

/**
 * Where a pinned chart's images come from: the upstreams it pulls from and the values that point every image it
 * renders at the mirror. Each component writes its chart's next to the chart pin, naming the values file it follows.
 */
export interface ChartImages {
  readonly upstreams: readonly PullThroughUpstream[];
  readonly values: (mirror: ImageMirror) => Record<string, unknown>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !pulumi.Output.isInstance(v) && Object.getPrototypeOf(v) === Object.prototype;

/** `base` with `overlay` merged in, key by key through plain objects (overlay wins); arrays and outputs are leaves. */
export function mergeValues(base: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overlay)) out[k] = isPlainObject(out[k]) && isPlainObject(v) ? mergeValues(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/**
 * A release's values and extra dependencies with its chart's images mirrored: unchanged without a mirror (the chart's
 * public defaults, which the registry rule of the packs reports in prod), else the images' values merged in and the
 * cache rules they pull through as dependencies.
 */
export function mirrored(values: Record<string, unknown>, images: ChartImages, mirror: ImageMirror | undefined, who: string): { values: Record<string, unknown>; dependsOn: pulumi.Resource[] } {
  if (mirror === undefined) return { values, dependsOn: [] };
  return { values: mergeValues(values, images.values(mirror)), dependsOn: mirrorDependencies(mirror, images.upstreams, who) };
}

/** A resource option's `dependsOn` with `extra` added (kept as given when there is nothing to add). */
export function dependingAlsoOn(dependsOn: pulumi.ResourceOptions["dependsOn"], extra: readonly pulumi.Resource[]): pulumi.ResourceOptions["dependsOn"] {
  if (extra.length === 0) return dependsOn;
  if (dependsOn === undefined) return [...extra];
  if (Array.isArray(dependsOn)) return [...dependsOn, ...extra];
  if (pulumi.Resource.isInstance(dependsOn)) return [dependsOn, ...extra];
  return pulumi.output(dependsOn as pulumi.Input<pulumi.Resource[]>).apply((d) => [...(Array.isArray(d) ? d : [d]), ...extra]);
}
