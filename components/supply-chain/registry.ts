/**
 * The supply chain's plain data: repository names, the lifecycle policy, pull-through cache upstreams, the Inspector
 * finding pattern, and the regional form of an ECR image.
 */
import { Problem, Problems } from "../shared/validation";

/** Public registries ECR pull-through cache serves without credentials, with the cache prefix each gets. */
export const PULL_THROUGH_UPSTREAMS = [
  { prefix: "ecr-public", upstreamRegistryUrl: "public.ecr.aws" },
  { prefix: "quay", upstreamRegistryUrl: "quay.io" },
  { prefix: "k8s", upstreamRegistryUrl: "registry.k8s.io" },
] as const;

/** Inspector severities, lowest first. */
export const InspectorSeverities = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export type InspectorSeverity = (typeof InspectorSeverities)[number];

export interface ImageRegistrySettings {
  /** Findings at or above this severity reach the alarm topic. @default HIGH */
  readonly alertSeverity?: InspectorSeverity;
  /** Tagged images kept per repository; older ones expire. @default 100 */
  readonly keepTaggedImages?: number;
  /** Days an untagged image (e.g. a replaced signature) is kept. @default 14 */
  readonly untaggedDays?: number;
}

export function imageRegistryProblems(s: ImageRegistrySettings | undefined, at = "supplyChain"): Problem[] {
  const problems = new Problems();
  if (s?.alertSeverity !== undefined) {
    problems.check((InspectorSeverities as readonly string[]).includes(s.alertSeverity), { property: `${at}.alertSeverity`, value: s.alertSeverity, rule: `one of ${InspectorSeverities.join(", ")}`, fix: "use HIGH" });
  }
  for (const [key, max] of [["keepTaggedImages", 10000], ["untaggedDays", 3650]] as const) {
    const v = s?.[key];
    if (v !== undefined) problems.check(Number.isInteger(v) && v >= 1 && v <= max, { property: `${at}.${key}`, value: v, rule: `an integer from 1 to ${max}`, fix: `remove ${key} to use the default` });
  }
  return [...problems.list];
}

/** InspectorSeverities that alert: the threshold and everything above it. */
export function severitiesFrom(threshold: InspectorSeverity): InspectorSeverity[] {
  return InspectorSeverities.slice(InspectorSeverities.indexOf(threshold)) as InspectorSeverity[];
}

/** EventBridge pattern of active Inspector findings on ECR images at or above the threshold. */
export function inspectorFindingPattern(threshold: InspectorSeverity): Record<string, unknown> {
  return {
    source: ["aws.inspector2"],
    "detail-type": ["Inspector2 Finding"],
    detail: { severity: severitiesFrom(threshold), status: ["ACTIVE"], resources: { type: ["AWS_ECR_CONTAINER_IMAGE"] } },
  };
}

/** ECR lifecycle: untagged images expire first (rule 1), then all but the newest N images of any tag (rule 2). */
export function lifecyclePolicy(keepTagged: number, untaggedDays: number): string {
  return JSON.stringify({
    rules: [
      { rulePriority: 1, description: `Expire untagged images after ${untaggedDays} days`, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedDays }, action: { type: "expire" } },
      { rulePriority: 2, description: `Keep the newest ${keepTagged} images`, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepTagged }, action: { type: "expire" } },
    ],
  });
}

/** Repository of a tenant's service: `<tenant>/<service>`. */
export const repositoryName = (tenant: string, service: string): string => `${tenant}/${service}`;

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]`: an account's private ECR registry. */
export const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/** The same image in another region's registry of the same account (ECR replication keeps repositories in step). */
export function inRegion(image: string, region: string): string {
  const [host, ...path] = image.split("/");
  const m = ECR_HOST.exec(host);
  return m && path.length > 0 ? [`${m[1]}.dkr.ecr.${region}.amazonaws.com${m[3] ?? ""}`, ...path].join("/") : image;
}
