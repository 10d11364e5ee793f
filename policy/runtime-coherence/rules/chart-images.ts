/**
 * RC-11, prod: a Helm release's images come through the account's ECR pull-through cache (or an approved registry),
 * never straight from a public registry. A chart pulls its images when its pods start, long after `pulumi up`
 * succeeded: Docker Hub's anonymous pull limit, an upstream outage or a deleted tag then stops a node replacement or a
 * zone failover. The fix is in the release's values (each chart's `image.registry`/`image.repository`/`hub` keys) and
 * a dependency on the cache rule, so the rule exists before the first pull.
 *
 * What is judged is what the release's values show: every image-like value (`image: "<ref>"`, an `image` or `*Image`
 * object's `registry`/`repository`, Istio's `hub`). A chart default the values do not override is not visible to a
 * policy (the chart renders inside the provider): the plan's `unjudged-helm-release` finding already names each
 * release as not rendered. Joined per account and region: the release's Kubernetes provider → its EKS cluster → that
 * cluster's AWS provider, where the cache rules must be (ECR serves a rule only in its own region).
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { ECR_REGISTRY, parseImage, PULL_THROUGH_UPSTREAMS, pullThroughUpstreamOf } from "../../common/images";
import { isUnknown, isUnseen, mentionsUnknown, objectOf } from "../../common/unknown";
import { AwsScope, awsScopeOf } from "./joins";
import { coherence } from "./meta";
import { cannotTell, HELM_RELEASE, KubeView, where } from "./model";

const PULL_THROUGH = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule";

const meta = coherence(
  "RC-11",
  "chart-images-mirrored",
  "In prod, a Helm release's images come through the account's ECR pull-through cache or an approved registry",
  "high",
  "Point the chart's image values (registry/repository/hub) at <account>.dkr.ecr.<region>.amazonaws.com/<cache prefix>/..., create the aws.ecr.PullThroughCacheRule for that upstream in the cluster's account and region, and make the release dependOn it.",
);

/** An image a release's values name, at a values path; `undefined` image when a part of it is unknown yet. */
export interface ValueImage { readonly path: string; readonly image?: string }

const isImageKey = (k: string): boolean => k === "image" || /Image$/.test(k);
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const unknownText = (v: unknown): boolean => isUnknown(v) || mentionsUnknown(v);

/** The reference an image-like value stands for: a string, or `registry`/`repository` (a registry alone judges its host). */
function imageOf(v: unknown): { image?: string; unknown: boolean } | undefined {
  if (typeof v === "string") return unknownText(v) ? { unknown: true } : v === "" ? undefined : { image: v, unknown: false };
  const o = objectOf(v);
  if (!o || (o.registry === undefined && o.repository === undefined)) return undefined;
  if (unknownText(o.registry) || unknownText(o.repository)) return { unknown: true };
  const registry = text(o.registry);
  const repository = text(o.repository) ?? "chart-default";
  return { image: registry ? `${registry}/${repository}` : repository, unknown: false };
}

/** Every image-like value in a release's values, depth first (arrays included). */
export function imagesInValues(values: unknown, path = "values"): ValueImage[] {
  const o = objectOf(values);
  if (Array.isArray(values)) return values.flatMap((v, i) => imagesInValues(v, `${path}[${i}]`));
  if (!o) return [];
  return Object.entries(o).flatMap(([k, v]) => {
    const at = `${path}.${k}`;
    const found = k === "hub" ? imageOf(typeof v === "string" && !unknownText(v) ? `${v}/hub` : v) : isImageKey(k) ? imageOf(v) : undefined;
    const here = found ? [{ path: at, image: found.unknown ? undefined : found.image }] : [];
    return [...here, ...(objectOf(v) || Array.isArray(v) ? imagesInValues(v, at) : [])];
  });
}

function approvedByConfig(image: string, config: Readonly<Record<string, unknown>>): boolean {
  const list = Array.isArray(config.approvedRegistries) ? config.approvedRegistries : [];
  return list.some((p) => typeof p === "string" && p !== "" && image.startsWith(p.endsWith("/") ? p : `${p}/`));
}

/** Why one image of a release is not acceptable in prod, or undefined when it is. */
function imageProblem(image: string, rules: readonly Subject[], scope: AwsScope | undefined): string | undefined {
  const ref = parseImage(image);
  if (!ref) return `names ${image}, which is not a valid image reference; set a reference of the form <registry>/<repository>[:tag][@digest]`;
  const region = scope?.region;
  const inRegion = rules.filter((r) => scope === undefined || awsScopeOf(r).key === scope.key);
  const place = scope ? `${scope.account}, ${scope.region}` : "this program (the release's cluster is not joined to an EKS cluster of the program)";
  const ecr = ECR_REGISTRY.exec(ref.registry);
  if (ecr) {
    // A repository under a cache prefix is served only when a rule for that prefix exists in the image's region.
    const prefix = ref.repository.split("/")[0];
    const isCachePrefix = Object.values(PULL_THROUGH_UPSTREAMS).some((u) => u.prefix === prefix);
    const served = rules.some((r) => r.props.ecrRepositoryPrefix === prefix && (scope === undefined || awsScopeOf(r).region === ecr[2]));
    const unknownRule = rules.some((r) => isUnknown(r.props.ecrRepositoryPrefix));
    return isCachePrefix && !served && !unknownRule
      ? `pulls ${image} through cache prefix ${prefix}/, but no pull-through cache rule with that prefix exists in ${ecr[2]}; add that aws.ecr.PullThroughCacheRule (ecrRepositoryPrefix ${prefix}) in ${ecr[2]} and make the release dependOn it`
      : undefined;
  }
  const upstream = pullThroughUpstreamOf(image);
  if (!upstream) return `pulls ${image} from ${ref.registry}, which is neither the account's ECR, a registry ECR pull-through cache serves, nor an approved registry; copy the image into the account's ECR or list its prefix in approvedRegistries`;
  const u = PULL_THROUGH_UPSTREAMS[upstream];
  const rule = inRegion.find((r) => r.props.upstreamRegistryUrl === u.upstreamRegistryUrl);
  const mirrored = `<account>.dkr.ecr.${region ?? "<region>"}.amazonaws.com/${text(rule?.props.ecrRepositoryPrefix) ?? u.prefix}/${ref.repository}`;
  return rule
    ? `pulls ${image} straight from ${ref.registry} although pull-through cache rule ${rule.name} serves it in ${place}; use ${mirrored} and dependOn ${rule.name}`
    : `pulls ${image} straight from ${ref.registry}, and no pull-through cache rule for ${u.upstreamRegistryUrl} exists in ${place}; add one${u.credential ? " (with its ecr-pullthroughcache/ secret)" : ""}, use ${mirrored} and dependOn the rule`;
}

export const chartImagesMirrored: StackRule = {
  meta,
  judges: [HELM_RELEASE],
  configSchema: { approvedRegistries: { type: "array", items: { type: "string" }, default: [], description: "Image prefixes approved besides the account's ECR, e.g. an internal mirror's host/path." } },
  check(resources, ctx) {
    if (ctx.environment !== "prod") return [];
    const view = new KubeView(resources);
    const rules = resources.filter((r) => r.type === PULL_THROUGH);
    const out: Finding[] = [];
    for (const release of view.releases) {
      const s = release.subject;
      if (isUnseen(s) || isUnknown(s.props.values)) {
        out.push(cannotTell(s, "values", "where its chart's images come from"));
        continue;
      }
      const joined = release.cluster.eks ? awsScopeOf(release.cluster.eks) : undefined;
      const scope = joined && joined.region !== "unknown region" ? joined : undefined;
      for (const v of imagesInValues(release.values)) {
        if (v.image === undefined) {
          out.push(cannotTell(s, v.path, "whether that image comes through the pull-through cache"));
          continue;
        }
        if (approvedByConfig(v.image, ctx.config)) continue;
        const problem = imageProblem(v.image, rules, scope);
        if (problem) out.push({ subject: s, message: `${where(s, release.cluster)} ${v.path} ${problem}.` });
      }
    }
    return out;
  },
};
