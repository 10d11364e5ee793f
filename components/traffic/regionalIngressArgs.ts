/**
 * Arguments of {@link RegionalIngress}, the pinned charts and the pure validation. Kept apart from the component so
 * they can be used and tested without registering anything.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment, Environments, environmentProfile } from "../shared/environment";
import { isKnownRegion } from "../shared/regions";
import { argsObjectProblems, checkInteger, checkOneOf, checkOptionalObject, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { isDns1035Label, isDns1123Label } from "../workload/names";
import { isHostname } from "./globalTrafficArgs";
import { ChartImages, ImageMirror, mirrorImage } from "../shared/mirror";

/** Helm charts, pinned: a controller changes only when this table (or an explicit override) changes. */
export const INGRESS_CHARTS = {
  /** Chart 1.14.0 ships controller v2.14.0 (Kubernetes ≥ 1.22); the IAM policy in regionalIngressSpec.ts matches it. */
  loadBalancerController: { chart: "aws-load-balancer-controller", repo: "https://aws.github.io/eks-charts", version: "1.14.0" },
  /** Chart 1.19.0 ships external-dns v0.19.0. */
  externalDns: { chart: "external-dns", repo: "https://kubernetes-sigs.github.io/external-dns/", version: "1.19.0" },
} as const;

/** One Service published on the region's shared load balancer. */
export interface IngressServiceArgs {
  /** Namespace of the Service; the Ingress is created there (an Ingress can only route to its own namespace). */
  readonly namespace: string;
  /** Name of the ClusterIP Service (HaService's `appName`). */
  readonly serviceName: string;
  /** Port of the Service. With IP targets the load balancer sends to the pods' matching target port. */
  readonly servicePort: number;
  /**
   * Path prefix routed to the service, the same on every host. Longer prefixes are evaluated first, so `/` is the
   * catch-all. @default — "/"
   */
  readonly path?: string;
  /** Path the load balancer's target-group health check GETs on each pod; must answer 200 when the pod can serve. */
  readonly healthCheckPath: string;
  /**
   * The canary Service of an Argo Rollout that shifts this service's traffic (HaService `delivery.strategy:
   * "canary"`). The rule then forwards through the `actions.<serviceName>` annotation (port `use-annotation`), created
   * at 100 % stable / 0 % canary and afterwards owned by the Rollouts controller. @default — none: a plain forward
   */
  readonly canaryServiceName?: string;
}

/** S3 access logs of the load balancer. */
export interface AccessLogsArgs {
  /** Bucket in the load balancer's region whose policy lets the regional ELB account (or the log delivery service) write. */
  readonly bucket: pulumi.Input<string>;
  /** Key prefix. @default — the component name */
  readonly prefix?: string;
}

export interface RegionalIngressArgs {
  /** `"prod"` requires at least one service and turns on the load balancer's deletion protection. */
  readonly environment: Environment;
  /** Region of the cluster; set explicitly on the controllers because pods cannot reach instance metadata (hop limit 1). */
  readonly region: string;
  /** Public hostname served by every region (GlobalTraffic's `domainName`), e.g. `app.example.com`. */
  readonly domainName: string;
  /** Public hosted zone holding `domainName`; external-dns may change records in this zone only. */
  readonly hostedZoneId: pulumi.Input<string>;
  /** EKS cluster name: the controller's `clusterName` (tags it owns) and external-dns's TXT owner id. */
  readonly clusterName: pulumi.Input<string>;
  /** VPC of the cluster, set explicitly for the controller (no instance metadata). */
  readonly vpcId: pulumi.Input<string>;
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL (`https://oidc.eks...`). */
  readonly oidcIssuer: pulumi.Input<string>;
  /** ACM certificate for `domainName` in this region (GlobalTraffic's `certificateArns[region]`). */
  readonly certificateArn: pulumi.Input<string>;
  /** Regional WAFv2 web ACL (GlobalTraffic's `webAclArns[region]`). */
  readonly webAclArn: pulumi.Input<string>;
  /** Services routed by the load balancer. Required (non-empty) in prod. @default — none: controllers only */
  readonly services?: readonly IngressServiceArgs[];
  /** IngressGroup name: every Ingress in the group shares one load balancer. @default — "public" */
  readonly groupName?: string;
  /** @default — true in prod, false elsewhere */
  readonly deletionProtection?: boolean;
  /** @default — no access logs */
  readonly accessLogs?: AccessLogsArgs;
  /** Exact chart versions overriding {@link INGRESS_CHARTS}, e.g. to test an upgrade in one stack. @default — the pinned table */
  readonly chartVersions?: { readonly loadBalancerController?: string; readonly externalDns?: string };
  readonly tags?: Readonly<Record<string, string>>;
  /** The account's ECR pull-through cache in this region, which both charts pull through. @default none: public registries */
  readonly imageMirror?: ImageMirror;
}

/**
 * Images of the pinned charts. aws-load-balancer-controller 1.14.0 (github.com/aws/eks-charts/blob/master/stable/
 * aws-load-balancer-controller/values.yaml): `image.repository`, default public.ecr.aws/eks/aws-load-balancer-controller.
 * external-dns 1.19.0 (github.com/kubernetes-sigs/external-dns/blob/external-dns-helm-chart-1.19.0/charts/external-dns/
 * values.yaml): `image.repository`, default registry.k8s.io/external-dns/external-dns.
 */
export const INGRESS_CHART_IMAGES = {
  loadBalancerController: {
    upstreams: ["ecr-public"],
    values: (m) => ({ image: { repository: mirrorImage(m, "public.ecr.aws/eks/aws-load-balancer-controller") } }),
  },
  externalDns: {
    upstreams: ["k8s"],
    values: (m) => ({ image: { repository: mirrorImage(m, "registry.k8s.io/external-dns/external-dns") } }),
  },
} as const satisfies Record<string, ChartImages>;

/** Everything the builders need, defaults applied. */
export interface ResolvedRegionalIngress {
  readonly prod: boolean;
  readonly region: string;
  readonly domainName: string;
  /** `ingress.<region>.<domainName>`: the per-region name GlobalTraffic health-checks and points at. */
  readonly regionalHostname: string;
  readonly groupName: string;
  readonly deletionProtection: boolean;
  readonly services: readonly (Required<Omit<IngressServiceArgs, "canaryServiceName">> & Pick<IngressServiceArgs, "canaryServiceName">)[];
  readonly controllerVersion: string;
  readonly externalDnsVersion: string;
}

export const REGIONAL_INGRESS_DEFAULTS = { groupName: "public", path: "/" } as const;

/** Name of the Ingress RegionalIngress creates for a service: what a canary Rollout's `trafficRouting.alb.ingress` names. */
export function ingressNameOf(serviceName: string, groupName: string = REGIONAL_INGRESS_DEFAULTS.groupName): string {
  return `${serviceName}-${groupName}`;
}

export function regionalHostnameOf(region: string, domainName: string): string {
  return `ingress.${region}.${domainName}`;
}

/** Exact semantic version, no ranges or `v` prefix: Helm resolves anything else to whatever is newest. */
const PINNED_VERSION = /^\d+\.\d+\.\d+$/;
/** The controller's group name rule: up to 63 lower-case alphanumerics, `-` and `.`, alphanumeric at both ends. */
const GROUP_NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;
/** Characters an ALB path condition accepts (plus `*`/`?` wildcards, which Prefix paths do not need). */
const PATH = /^\/[A-Za-z0-9_\-.$/~"'@:+&()!,;=%]*$/;

function checkPath(p: Problems, property: string, value: unknown, fix: string): boolean {
  return p.check(typeof value === "string" && PATH.test(value) && value.length <= 128, {
    property,
    value,
    rule: "an absolute path (starts with /) of at most 128 URL-safe characters",
    fix,
  });
}

/** Environment, region and the public hostname (and the regional one derived from it). */
function checkPlacement(p: Problems, args: RegionalIngressArgs): void {
  checkOneOf(p, "environment", args.environment, Environments);
  p.check(isKnownRegion(args.region), {
    property: "region",
    value: args.region,
    rule: "a known AWS region",
    fix: "set region to the cluster's region, e.g. us-east-1 (or add it to components/shared/regions.ts)",
  });
  if (p.check(isHostname(args.domainName), {
    property: "domainName",
    value: args.domainName,
    rule: "a lower-case fully qualified hostname such as app.example.com (no trailing dot)",
    fix: "set domainName to GlobalTraffic's domainName",
  }) && typeof args.region === "string") {
    const regional = regionalHostnameOf(args.region, args.domainName);
    p.check(isHostname(regional), {
      property: "domainName",
      value: args.domainName,
      rule: `short enough that the regional hostname ${JSON.stringify(regional)} is a valid DNS name (≤ 253 characters)`,
      fix: "use a shorter domainName",
    });
  }
}

/** The IngressGroup name and any chart version overrides (exact versions only). */
function checkGroupAndCharts(p: Problems, args: RegionalIngressArgs): void {
  const group = args.groupName ?? REGIONAL_INGRESS_DEFAULTS.groupName;
  p.check(typeof group === "string" && GROUP_NAME.test(group), {
    property: "groupName",
    value: group,
    rule: "up to 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
    fix: 'set groupName to e.g. "public"',
  });
  if (!checkOptionalObject(p, "chartVersions", args.chartVersions, "{ loadBalancerController?, externalDns? } of exact chart versions")) return;
  for (const [key, pinned] of [["loadBalancerController", INGRESS_CHARTS.loadBalancerController.version], ["externalDns", INGRESS_CHARTS.externalDns.version]] as const) {
    const version = args.chartVersions?.[key];
    if (version === undefined) continue;
    p.check(typeof version === "string" && PINNED_VERSION.test(version), {
      property: `chartVersions.${key}`,
      value: version,
      rule: "an exact chart version MAJOR.MINOR.PATCH (no range, no 'v' prefix)",
      fix: `pin an exact version such as "${pinned}", or remove the override`,
    });
  }
}

/** One published service: names, port, a path no other service uses, health check path and canary Service. */
function checkService(
  p: Problems,
  s: IngressServiceArgs,
  i: number,
  seen: { readonly services: Set<string>; readonly paths: Map<string, number> },
): void {
  const at = `services[${i}]`;
  p.check(isDns1123Label(s?.namespace), {
    property: `${at}.namespace`,
    value: s?.namespace,
    rule: "a namespace name (DNS-1123 label: lower-case letters, digits and '-', at most 63)",
    fix: "set the namespace the Service runs in (the tenant's)",
  });
  p.check(isDns1035Label(s?.serviceName), {
    property: `${at}.serviceName`,
    value: s?.serviceName,
    rule: "a Service name (DNS-1035 label: starts with a letter, lower-case letters, digits and '-', at most 63)",
    fix: "set the Service's name (HaService appName)",
  });
  const key = `${s?.namespace}/${s?.serviceName}`;
  p.check(!seen.services.has(key), {
    property: `${at}.serviceName`,
    value: key,
    rule: "each namespace/service listed once",
    fix: "remove the duplicate entry",
  });
  seen.services.add(key);
  checkInteger(p, `${at}.servicePort`, s?.servicePort, 1, 65535, "set servicePort to the Service's port (1-65535)");
  const path = s?.path ?? REGIONAL_INGRESS_DEFAULTS.path;
  if (checkPath(p, `${at}.path`, path, 'set path to a prefix such as "/" or "/api"')) {
    const first = seen.paths.get(path);
    p.check(first === undefined, {
      property: `${at}.path`,
      value: path,
      rule: `a path no other service uses (services[${first}] has it; every service shares the same hosts)`,
      fix: 'give each service its own prefix, e.g. "/" for one and "/api" for another',
    });
    if (first === undefined) seen.paths.set(path, i);
  }
  checkPath(p, `${at}.healthCheckPath`, s?.healthCheckPath, 'set the path the pods answer health checks on, e.g. "/healthz"');
  if (s?.canaryServiceName !== undefined) {
    p.check(isDns1035Label(s.canaryServiceName) && s.canaryServiceName !== s.serviceName, {
      property: `${at}.canaryServiceName`,
      value: s.canaryServiceName,
      rule: "a Service name (DNS-1035 label) other than serviceName",
      fix: "pass the Rollout's canaryService, e.g. \"checkout-canary\"",
    });
  }
}

/** Every problem with the arguments; empty when they are valid. */
export function regionalIngressProblems(args: RegionalIngressArgs): readonly Problem[] {
  const shape = argsObjectProblems(args, "RegionalIngress");
  if (shape.length > 0) return shape;
  const p = new Problems();
  const prod = environmentProfile(args.environment).requireServices;
  checkPlacement(p, args);
  checkGroupAndCharts(p, args);

  // null has always read as "no services"; another non-list is reported as such (it used to fail with a TypeError).
  const listed = args.services == null || Array.isArray(args.services);
  const services = listField(p, "services", args.services ?? undefined);
  p.check(!listed || !prod || services.length > 0, {
    property: "services",
    value: services,
    rule: 'at least one service when environment is "prod" (an empty group creates no load balancer, so the region fails its health check)',
    fix: "list the services to publish: { namespace, serviceName, servicePort, healthCheckPath }",
  });
  const seen = { services: new Set<string>(), paths: new Map<string, number>() };
  services.forEach((s, i) => checkService(p, s, i, seen));
  return p.list;
}

/** Applies defaults once. Call after validation. */
export function resolveRegionalIngressArgs(args: RegionalIngressArgs): ResolvedRegionalIngress {
  const profile = environmentProfile(args.environment);
  return {
    prod: profile.strict,
    region: args.region,
    domainName: args.domainName,
    regionalHostname: regionalHostnameOf(args.region, args.domainName),
    groupName: args.groupName ?? REGIONAL_INGRESS_DEFAULTS.groupName,
    deletionProtection: args.deletionProtection ?? profile.protect,
    services: (args.services ?? []).map((s) => ({ ...s, path: s.path ?? REGIONAL_INGRESS_DEFAULTS.path })),
    controllerVersion: args.chartVersions?.loadBalancerController ?? INGRESS_CHARTS.loadBalancerController.version,
    externalDnsVersion: args.chartVersions?.externalDns ?? INGRESS_CHARTS.externalDns.version,
  };
}

/** Throws every problem of the arguments as one ValidationError; what the RegionalIngress constructor calls first. */
export function validateRegionalIngressArgs(name: string, args: RegionalIngressArgs): void {
  throwIfProblems(`RegionalIngress "${name}"`, regionalIngressProblems(args));
}
