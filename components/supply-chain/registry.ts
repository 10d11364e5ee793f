/**
 * The supply chain's plain data: repository names, the lifecycle policy, pull-through cache upstreams, the Inspector
 * finding pattern, and the regional form of an ECR image.
 */
import { isPullThroughUpstream, PULL_THROUGH_UPSTREAM_NAMES, PULL_THROUGH_UPSTREAMS, PullThroughUpstream } from "../shared/images";
import { Problem, Problems } from "../shared/validation";

export { PULL_THROUGH_UPSTREAMS } from "../shared/images";
export type { PullThroughUpstream } from "../shared/images";

/**
 * The upstreams the platform's own charts pull from (each chart's `imageMirror` values name theirs): kube-prometheus-
 * stack, Argo Rollouts and cert-manager from quay.io; the autoscaler, metrics-server, external-dns, kube-state-metrics
 * and the webhook patch job from registry.k8s.io; the AWS charts from public.ecr.aws; Grafana, the OpenTelemetry
 * Collector and Istio from Docker Hub; Kyverno and External Secrets from ghcr.io. Every ImageRegistry caches these.
 */
export const PLATFORM_MIRROR_UPSTREAMS: readonly PullThroughUpstream[] = ["ecr-public", "quay", "k8s", "docker-hub", "github-container-registry"];

export interface MirrorSettings {
  /** Upstreams cached besides {@link PLATFORM_MIRROR_UPSTREAMS} (names of `PULL_THROUGH_UPSTREAMS`). @default none */
  readonly upstreams?: readonly string[];
  /**
   * Per upstream that needs a credential (Docker Hub, GitHub, GitLab): the ARN of its Secrets Manager secret
   * `ecr-pullthroughcache/<name>` (JSON `{"username", "accessToken"}`) in any platform region, replicated to the
   * others (a replica keeps the name and suffix, so its ARN differs only by region). The value never passes through
   * Pulumi: it is written and rotated with `aws secretsmanager put-secret-value` (docs/platform-team.md).
   * @default none: required for every credential upstream cached
   */
  readonly credentials?: Readonly<Record<string, string>>;
}

/** `arn:<partition>:secretsmanager:<region>:<account>:secret:ecr-pullthroughcache/<name>-<6 characters>`. */
const CACHE_SECRET_ARN = /^arn:aws(-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:ecr-pullthroughcache\/[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;

/** The same secret's replica in another region. */
export function secretArnIn(arn: string, region: string): string {
  const parts = arn.split(":");
  parts[3] = region;
  return parts.join(":");
}

/** Upstreams a registry caches: the platform's and the configured ones, in table order. */
export function mirrorUpstreamsOf(s: MirrorSettings | undefined): PullThroughUpstream[] {
  const wanted = new Set<string>([...PLATFORM_MIRROR_UPSTREAMS, ...(s?.upstreams ?? [])]);
  return PULL_THROUGH_UPSTREAM_NAMES.filter((u) => wanted.has(u));
}

/** Records the problems of the mirror settings (check contract: into the caller's collector). */
function checkMirrorSettings(problems: Problems, at: string, raw: unknown): void {
  const isObject = raw === undefined || (raw !== null && typeof raw === "object" && !Array.isArray(raw));
  problems.check(isObject, { property: at, value: raw, rule: "an object { upstreams, credentials }", fix: `remove ${at} or give it credentials per upstream` });
  const s = isObject ? (raw as MirrorSettings | undefined) : undefined;
  const known = PULL_THROUGH_UPSTREAM_NAMES.join(", ");
  if (s?.upstreams !== undefined && !Array.isArray(s.upstreams)) {
    problems.add({ property: `${at}.upstreams`, value: s.upstreams, rule: `a list of upstream names (${known})`, fix: "list the upstreams to cache, e.g. [gitlab-container-registry]" });
  }
  (Array.isArray(s?.upstreams) ? s!.upstreams : []).forEach((u, i) => problems.check(isPullThroughUpstream(u), {
    property: `${at}.upstreams[${i}]`, value: u, rule: `an upstream ECR pull-through cache supports: ${known}`, fix: "use one of those names, or remove the entry (the platform's own upstreams are always cached)",
  }));
  const credentials = s?.credentials ?? {};
  for (const [u, arn] of Object.entries(credentials)) {
    problems.check(isPullThroughUpstream(u) && PULL_THROUGH_UPSTREAMS[u].credential, { property: `${at}.credentials.${u}`, value: u, rule: `an upstream that needs a credential: ${PULL_THROUGH_UPSTREAM_NAMES.filter((n) => PULL_THROUGH_UPSTREAMS[n].credential).join(", ")}`, fix: "remove the entry" });
    problems.check(typeof arn === "string" && CACHE_SECRET_ARN.test(arn), { property: `${at}.credentials.${u}`, value: arn, rule: "the ARN of a Secrets Manager secret named ecr-pullthroughcache/<name> (ECR reads only that prefix)", fix: `create it: aws secretsmanager create-secret --name ecr-pullthroughcache/${u} --add-replica-regions ... and paste its ARN` });
  }
  const served = Array.isArray(s?.upstreams) && s!.upstreams.every(isPullThroughUpstream) ? mirrorUpstreamsOf(s) : [...PLATFORM_MIRROR_UPSTREAMS];
  for (const u of served.filter((n) => PULL_THROUGH_UPSTREAMS[n].credential)) {
    problems.check(credentials[u] !== undefined, {
      property: `${at}.credentials.${u}`, value: undefined, rule: `${PULL_THROUGH_UPSTREAMS[u].registry} is cached and ECR pull-through needs a credential for it (a Secrets Manager secret ecr-pullthroughcache/<name>)`,
      fix: `create the secret with {"username", "accessToken"} (docs/platform-team.md, "Image mirror") and set ${at}.credentials.${u} to its ARN`,
    });
  }
}

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
  /** The pull-through cache: extra upstreams and the credential secrets. @default the platform's upstreams; credentials required */
  readonly mirror?: MirrorSettings;
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
  checkMirrorSettings(problems, `${at}.mirror`, s?.mirror);
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
