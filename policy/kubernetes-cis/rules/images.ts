/**
 * CIS EKS 5.1.4, "Minimize Container Registries to only those approved", decided in prod: every container image of a
 * workload comes from an approved registry and is pinned by digest. Approved: a repository or pull-through cache
 * prefix the program declares in the account's ECR of the image's region (joined through the AWS provider's region),
 * or a prefix listed in the pack config (`approvedRegistries`, e.g. a mirror). Charts installed as Helm releases keep
 * their images in values this pack cannot see: those are not judged here (see the pack README).
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { ECR_REGISTRY, parseImage } from "../../common/images";
import { containersOf, isWorkload, namespaceOf, objectName, podSpecOf } from "../../common/kubernetes";
import { ofType } from "../../common/stack";
import { cannotTellYet, containsUnknown, isUnknown, isUnseen, mentionsUnknown } from "../../common/unknown";
import { cisEks } from "./meta";

const ECR_REPOSITORY = "aws:ecr/repository:Repository";
const PULL_THROUGH = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule";

/** Region of an AWS resource from its explicit provider; `undefined` when the default provider is used or unknown. */
function regionOf(r: Subject): string | undefined {
  const region = r.provider?.type === "pulumi:providers:aws" ? r.provider.props.region : undefined;
  return typeof region === "string" && !isUnknown(region) ? region : undefined;
}

interface Declared { readonly region?: string; readonly path: string; readonly prefix: boolean }

/** Repositories (exact path) and cache rules (path prefix) declared in the program, with their region. */
function declaredPaths(resources: readonly Subject[]): Declared[] {
  const named = (r: Subject, prop: string, prefix: boolean) => {
    const v = r.props[prop];
    return typeof v === "string" && !isUnknown(v) ? [{ region: regionOf(r), path: v, prefix }] : [];
  };
  return [...ofType(resources, ECR_REPOSITORY).flatMap((r) => named(r, "name", false)), ...ofType(resources, PULL_THROUGH).flatMap((r) => named(r, "ecrRepositoryPrefix", true))];
}

function approvedByConfig(image: string, config: Readonly<Record<string, unknown>>): boolean {
  const list = Array.isArray(config.approvedRegistries) ? config.approvedRegistries : [];
  return list.some((p) => typeof p === "string" && p !== "" && image.startsWith(p.endsWith("/") ? p : `${p}/`));
}

/** Why an image is not approved, or undefined when it is. */
function registryProblem(image: string, declared: readonly Declared[], config: Readonly<Record<string, unknown>>): string | undefined {
  if (approvedByConfig(image, config)) return undefined;
  const ref = parseImage(image);
  if (!ref) return `image ${image} is not a valid reference`;
  const ecr = ECR_REGISTRY.exec(ref.registry);
  if (!ecr) return `image ${image} comes from ${ref.registry}, which is neither the account's ECR nor a configured mirror`;
  const region = ecr[2];
  const match = declared.some((d) => (d.region === undefined || d.region === region) && (d.prefix ? ref.repository.startsWith(`${d.path}/`) : ref.repository === d.path));
  return match ? undefined : `image ${image} is in no ECR repository or pull-through cache this program declares in ${region}`;
}

function label(w: Subject): string {
  return `${w.type.split(":").pop()} ${namespaceOf(w) ?? ""}/${objectName(w)}`.replace(" /", " ");
}

/**
 * Both 5.1.4 rules in one pass over the workloads: each container with a known image gets `verdict` (a finding when it
 * returns a message), then come what cannot be judged yet, said per workload or container: workloads the engine gave
 * no properties at first preview (their provider's config is unknown) and containers whose image is an output (a
 * repository URL built from an ECR repository not created yet). `npm test`'s decidability check caught the first
 * passing silently. A workload's label is worded once, however many of its containers are reported.
 */
function judgeImages(resources: readonly Subject[], policy: string, verdict: (image: string, container: () => string) => string | undefined): Finding[] {
  const judged: Finding[] = [];
  const pending: Finding[] = [];
  for (const w of resources) {
    if (!isWorkload(w.type)) continue;
    let worded: string | undefined;
    const labelOf = () => (worded ??= label(w));
    if (isUnseen(w)) {
      pending.push(cannotTellYet(labelOf(), "spec (its containers' images)", policy, w));
      continue;
    }
    for (const { container, name } of containersOf(podSpecOf(w))) {
      const image = container.image;
      if (typeof image === "string" && !containsUnknown(image) && !mentionsUnknown(image)) {
        const message = verdict(image, () => `${labelOf()} container ${name}`);
        if (message !== undefined) judged.push({ subject: w, message });
      } else if (isUnknown(image) || (typeof image === "string" && containsUnknown(image))) {
        pending.push(cannotTellYet(`${labelOf()} container ${name}`, "image", policy, w));
      }
    }
  }
  return [...judged, ...pending];
}

export const approvedRegistries: StackRule = {
  meta: cisEks("5.1.4", "approved-registries", "Minimize Container Registries to only those approved", "high",
    "In prod, pull images from the account's ECR (a repository or pull-through cache rule the program declares in that region) or a mirror listed in approvedRegistries."),
  configSchema: { approvedRegistries: { type: "array", items: { type: "string" }, default: [], description: "Image prefixes approved besides the program's own ECR repositories, e.g. a mirror's host/path." } },
  check(resources, ctx) {
    if (ctx.environment !== "prod") return [];
    const declared = declaredPaths(resources);
    return judgeImages(resources, "cis-eks-5.1.4-approved-registries", (image, container) => {
      const problem = registryProblem(image, declared, ctx.config);
      return problem ? `${container()}: ${problem}; push it to the service's ECR repository (or a configured mirror) and reference it there.` : undefined;
    });
  },
};

export const imagesDigestPinned: StackRule = {
  meta: cisEks("5.1.4", "images-digest-pinned", "Minimize Container Registries to only those approved (images pinned by digest)", "high",
    "In prod, reference every image by digest (@sha256:...): a tag can be moved to other content after review and signing."),
  check(resources, ctx) {
    if (ctx.environment !== "prod") return [];
    return judgeImages(resources, "cis-eks-5.1.4-images-digest-pinned", (image, container) =>
      parseImage(image)?.digest === undefined ? `${container()} uses ${image} without a digest; reference it as <repository>@sha256:<digest>.` : undefined,
    );
  },
};
