/**
 * Arguments of {@link GlobalTraffic}, their validation and the pure builders for health checks, records and the
 * web ACL. Kept apart from the component so they can be tested without registering anything.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "../shared/environment";
import { isKnownRegion } from "../shared/regions";
import { argsObjectProblems, checkInteger, checkOneOf, checkOptionalObject, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { environmentProblems } from "../shared/environment";

/** How Route 53 picks an endpoint. */
export const TrafficRouting = {
  /** Everything to the first endpoint; the second takes over when the first's health check fails. Exactly two endpoints. */
  Failover: "failover",
  /** Each client to the lowest-latency healthy region; unhealthy regions drop out. Active-active, any number of endpoints. */
  Latency: "latency",
} as const;
export type TrafficRouting = (typeof TrafficRouting)[keyof typeof TrafficRouting];

/** One regional entry point. */
export interface TrafficEndpoint {
  /** AWS region of the load balancer; must have a provider in `providers`. */
  readonly region: string;
  /**
   * DNS name to send traffic to and health-check: the load balancer's own name (`k8s-...elb.amazonaws.com`) or, when
   * the AWS Load Balancer Controller creates the load balancer and Pulumi does not know its name, a stable record
   * that points at it (e.g. `ingress.us-east-1.example.com`, kept up to date by external-dns).
   */
  readonly loadBalancerDnsName: pulumi.Input<string>;
  /**
   * Canonical hosted zone id of the load balancer. Given: an alias A record (no TTL of its own, target health
   * evaluated, no charge for queries). Omitted: a CNAME with `dnsTtl` — the only choice for a plain DNS name, and not
   * allowed at a zone apex. @default — CNAME
   */
  readonly loadBalancerZoneId?: pulumi.Input<string>;
  /**
   * The load balancer itself as the routing record's alias target, when its name is only an output (e.g.
   * `RegionalIngress.loadBalancerHostname`, which the Kubernetes provider's Ingress await resolves once the AWS Load
   * Balancer Controller has created the ALB) and `zoneId` its canonical zone (`aws.lb.getHostedZoneId`). Health checks
   * still go to `loadBalancerDnsName`. Prefer it to an alias of a record another system writes (external-dns): Route
   * 53 refuses an alias whose target record does not exist yet ("Tried to create an alias that targets …, but it
   * doesn't exist"), which on a first `pulumi up` it does not. @default — the record targets `loadBalancerDnsName`
   */
  readonly aliasTarget?: { readonly dnsName: pulumi.Input<string>; readonly zoneId: pulumi.Input<string> };
  /** HTTPS path the Route 53 health checkers GET; must answer 2xx/3xx within 4 s and reflect the region's health. */
  readonly healthCheckPath: string;
  /** @default — 443 */
  readonly healthCheckPort?: number;
  /** ARN of the load balancer, when known, so Shield Advanced can protect it. @default — not protected here (use the controller's `shield-advanced-protection` annotation) */
  readonly loadBalancerArn?: pulumi.Input<string>;
}

export interface WafArgs {
  /** Requests per client IP per 5 minutes before the rate rule blocks. @default — 2000 */
  readonly rateLimitPer5Minutes?: number;
  /**
   * Rules of the Common rule set to only count (not block), e.g. `SizeRestrictions_BODY` for APIs that accept bodies
   * over 8 KB. @default — none: every rule blocks
   */
  readonly countOnlyCommonRules?: readonly string[];
}

export interface GlobalTrafficArgs {
  /** The hostname clients use, e.g. `app.example.com`. */
  readonly domainName: string;
  /** Existing public hosted zone for `domainName`. Give this or `createZone`. */
  readonly hostedZoneId?: pulumi.Input<string>;
  /** Create a hosted zone named `zoneName` (you then delegate to its name servers). @default — false */
  readonly createZone?: boolean;
  /**
   * Name of the zone: the one to create, or the existing `hostedZoneId`'s name, so `domainName` is checked against
   * it and an apex name gets alias records (Route 53 refuses a CNAME at a zone apex).
   * @default — `domainName` for a created zone; unknown (not checked) for an existing one
   */
  readonly zoneName?: string;
  /** First is the primary (for failover). */
  readonly endpoints: readonly TrafficEndpoint[];
  readonly routing: TrafficRouting;
  /**
   * One AWS provider per endpoint region. ACM certificates and regional WAF web ACLs must live in the load
   * balancer's region, so they are created with these; Route 53 and Shield (global) use the component's own provider.
   */
  readonly providers: Readonly<Record<string, aws.Provider>>;
  /** `"prod"` protects a created hosted zone from deletion. */
  readonly environment: Environment;
  /** Consecutive failed checks (10 s apart) before an endpoint is unhealthy: 2 (faster) or 3 (fewer false alarms). @default — 3 */
  readonly failureThreshold?: number;
  /** Route 53 health-checker regions (at least 3 of the 8 it offers). @default — us-east-1, us-west-2, eu-west-1 */
  readonly healthCheckRegions?: readonly string[];
  /** TTL of CNAME records (alias records use the target's). Lower fails over sooner and costs more queries. @default — 60 s */
  readonly dnsTtl?: number;
  /** @default — Common + KnownBadInputs managed rule groups and a 2000-per-5-minutes per-IP rate limit */
  readonly waf?: WafArgs;
  /** Protect the hosted zone (and endpoints with `loadBalancerArn`) with Shield Advanced; needs an active subscription. @default — false */
  readonly shieldAdvanced?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Regions Route 53 health checkers run in. */
export const HEALTH_CHECKER_REGIONS = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"] as const;

export const GLOBAL_TRAFFIC_DEFAULTS = {
  requestInterval: 10,
  failureThreshold: 3,
  healthCheckRegions: ["us-east-1", "us-west-2", "eu-west-1"],
  dnsTtl: 60,
  rateLimitPer5Minutes: 2000,
  healthCheckPort: 443,
} as const;

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z][-a-z0-9]{0,61}[a-z0-9]$/;

export function isHostname(value: unknown): value is string {
  return typeof value === "string" && HOSTNAME.test(value);
}

/** The public hostname, and which zone holds it: the given one or one this component creates. */
function checkHostnameAndZone(p: Problems, args: GlobalTrafficArgs): void {
  p.check(isHostname(args.domainName), {
    property: "domainName",
    value: args.domainName,
    rule: "a lower-case fully qualified hostname such as app.example.com (no trailing dot)",
    fix: "set domainName to the hostname clients use",
  });
  const hasZone = args.hostedZoneId !== undefined;
  const createZone = args.createZone === true;
  p.check(hasZone !== createZone, {
    property: "hostedZoneId",
    value: args.hostedZoneId,
    rule: "exactly one of hostedZoneId or createZone: true",
    fix: "pass the existing public zone's id, or set createZone: true (and not both)",
  });
  if (args.zoneName !== undefined) {
    p.check(isHostname(args.zoneName) && (args.domainName === args.zoneName || String(args.domainName).endsWith(`.${args.zoneName}`)), {
      property: "zoneName",
      value: args.zoneName,
      rule: `a hostname equal to or a parent of domainName (${JSON.stringify(args.domainName)})`,
      fix: "set zoneName to domainName or one of its parent domains",
    });
  }
}

/** Routing policy, failure threshold, TTL and the WAF rate limit. */
function checkTuning(p: Problems, args: GlobalTrafficArgs): void {
  checkOneOf(p, "routing", args.routing, Object.values(TrafficRouting));
  checkInteger(p, "failureThreshold", args.failureThreshold ?? GLOBAL_TRAFFIC_DEFAULTS.failureThreshold, 2, 3, "set failureThreshold to 2 (20 s detection) or 3 (30 s, fewer false failovers)");
  checkInteger(p, "dnsTtl", args.dnsTtl ?? GLOBAL_TRAFFIC_DEFAULTS.dnsTtl, 10, 300, "set dnsTtl between 10 and 300 s (60 is a good default)");
  checkOptionalObject(p, "waf", args.waf, "{ rateLimitPer5Minutes?, countOnlyCommonRules? }");
  checkInteger(p, "waf.rateLimitPer5Minutes", args.waf?.rateLimitPer5Minutes ?? GLOBAL_TRAFFIC_DEFAULTS.rateLimitPer5Minutes, 100, 2_000_000_000);
}

/** The Route 53 health-checker regions: at least 3, distinct, each one Route 53 runs checkers in. */
function checkHealthCheckRegions(p: Problems, args: GlobalTrafficArgs): void {
  // null has always read as unset (the default regions); another non-list is reported, and its entries not read.
  if (args.healthCheckRegions != null && !Array.isArray(args.healthCheckRegions)) {
    listField(p, "healthCheckRegions", args.healthCheckRegions);
    return;
  }
  const checkers = args.healthCheckRegions ?? GLOBAL_TRAFFIC_DEFAULTS.healthCheckRegions;
  p.check(checkers.length >= 3 && new Set(checkers).size === checkers.length, {
    property: "healthCheckRegions",
    value: checkers,
    rule: "at least 3 distinct regions (Route 53's minimum)",
    fix: `list 3 or more of ${HEALTH_CHECKER_REGIONS.join(", ")}`,
  });
  checkers.forEach((r, i) =>
    p.check((HEALTH_CHECKER_REGIONS as readonly string[]).includes(r), {
      property: `healthCheckRegions[${i}]`,
      value: r,
      rule: `one of Route 53's health-checker regions (${HEALTH_CHECKER_REGIONS.join(", ")})`,
      fix: "pick a region from that list",
    }),
  );
}

/** How many endpoints the routing policy takes. */
function checkEndpointCount(p: Problems, args: GlobalTrafficArgs, endpoints: readonly TrafficEndpoint[]): void {
  if (args.routing === TrafficRouting.Failover) {
    p.check(endpoints.length === 2, {
      property: "endpoints",
      value: endpoints.map((e) => e?.region),
      rule: "exactly 2 endpoints for failover routing (Route 53 has one PRIMARY and one SECONDARY record)",
      fix: 'pass a primary and a secondary region, or use routing: "latency" for more regions',
    });
  } else {
    p.check(endpoints.length >= 1, { property: "endpoints", value: [], rule: "at least 1 endpoint", fix: "add the regional load balancers" });
  }
}

/** One endpoint: region (used once, with a provider), health check, DNS name, and an alias target at a zone apex. */
function checkEndpoint(p: Problems, args: GlobalTrafficArgs, e: TrafficEndpoint, i: number, seen: Set<string>, atApex: boolean): void {
  const at = `endpoints[${i}]`;
  p.check(isKnownRegion(e?.region) && !seen.has(e.region), {
    property: `${at}.region`,
    value: e?.region,
    rule: "a known AWS region, used once",
    fix: "use one endpoint per region, e.g. us-east-1",
  });
  if (typeof e?.region === "string") seen.add(e.region);
  p.check(args.providers?.[e?.region] !== undefined, {
    property: `providers["${e?.region}"]`,
    value: Object.keys(args.providers ?? {}),
    rule: `an aws.Provider for every endpoint region`,
    fix: `pass providers: { "${e?.region}": <aws.Provider for ${e?.region}> }`,
  });
  p.check(typeof e?.healthCheckPath === "string" && e.healthCheckPath.startsWith("/") && e.healthCheckPath.length <= 255, {
    property: `${at}.healthCheckPath`,
    value: e?.healthCheckPath,
    rule: "an absolute path of at most 255 characters",
    fix: 'set the path the load balancer answers health checks on, e.g. "/healthz"',
  });
  if (e?.healthCheckPort !== undefined) checkInteger(p, `${at}.healthCheckPort`, e.healthCheckPort, 1, 65535);
  if (typeof e?.loadBalancerDnsName === "string") {
    p.check(isHostname(e.loadBalancerDnsName.toLowerCase()), {
      property: `${at}.loadBalancerDnsName`,
      value: e.loadBalancerDnsName,
      rule: "a DNS name",
      fix: "pass the load balancer's DNS name or a record that points at it",
    });
  }
  // A CNAME cannot sit at a zone apex; only alias records can (Route 53 ChangeResourceRecordSets: "RRSet of type
  // CNAME ... is not permitted at apex").
  if (atApex) {
    p.check(e?.loadBalancerZoneId !== undefined || e?.aliasTarget !== undefined, {
      property: `${at}.loadBalancerZoneId`,
      value: e?.loadBalancerZoneId,
      rule: "set when domainName is the apex of its zone (a CNAME is not allowed at an apex)",
      fix: "pass the load balancer's canonical hosted zone id, or set zoneName to a parent domain",
    });
  }
}

/** Every problem with the arguments; empty when they are valid. */
export function globalTrafficProblems(args: GlobalTrafficArgs): readonly Problem[] {
  const shape = argsObjectProblems(args, "GlobalTraffic");
  if (shape.length > 0) return shape;
  const p = new Problems().addAll(environmentProblems(args.environment));
  checkHostnameAndZone(p, args);
  checkTuning(p, args);
  checkHealthCheckRegions(p, args);
  // null has always read as "no endpoints"; another non-list is reported as such (it used to fail with a TypeError).
  const listed = args.endpoints == null || Array.isArray(args.endpoints);
  const endpoints = listField(p, "endpoints", args.endpoints ?? undefined);
  if (listed) checkEndpointCount(p, args, endpoints);
  const zoneName = args.zoneName ?? args.domainName;
  const atApex = (args.createZone === true || args.zoneName !== undefined) && zoneName === args.domainName;
  const seen = new Set<string>();
  endpoints.forEach((e, i) => checkEndpoint(p, args, e, i, seen, atApex));
  return p.list;
}

/** Resolved knobs the builders need. */
export interface TrafficSettings {
  readonly failureThreshold: number;
  readonly healthCheckRegions: readonly string[];
  readonly dnsTtl: number;
}

export function settingsOf(args: GlobalTrafficArgs): TrafficSettings {
  return {
    failureThreshold: args.failureThreshold ?? GLOBAL_TRAFFIC_DEFAULTS.failureThreshold,
    healthCheckRegions: args.healthCheckRegions ?? GLOBAL_TRAFFIC_DEFAULTS.healthCheckRegions,
    dnsTtl: args.dnsTtl ?? GLOBAL_TRAFFIC_DEFAULTS.dnsTtl,
  };
}

/** Seconds from an endpoint failing to Route 53 declaring it unhealthy. */
export function detectionSeconds(s: TrafficSettings): number {
  return GLOBAL_TRAFFIC_DEFAULTS.requestInterval * s.failureThreshold;
}

export function healthCheckArgsOf(domainName: string, e: TrafficEndpoint, s: TrafficSettings, tags: Record<string, string>): aws.route53.HealthCheckArgs {
  return {
    type: "HTTPS",
    fqdn: e.loadBalancerDnsName,
    port: e.healthCheckPort ?? GLOBAL_TRAFFIC_DEFAULTS.healthCheckPort,
    resourcePath: e.healthCheckPath,
    requestInterval: GLOBAL_TRAFFIC_DEFAULTS.requestInterval,
    failureThreshold: s.failureThreshold,
    measureLatency: true,
    enableSni: true,
    regions: [...s.healthCheckRegions],
    tags: { ...tags, Name: `${domainName} ${e.region}` },
  };
}

/** The routing record for one endpoint: alias A when the load balancer's zone is known, CNAME otherwise. */
export function recordArgsOf(
  domainName: string,
  zoneId: pulumi.Input<string>,
  routing: TrafficRouting,
  e: TrafficEndpoint,
  index: number,
  healthCheckId: pulumi.Input<string>,
  s: TrafficSettings,
): aws.route53.RecordArgs {
  const policy =
    routing === TrafficRouting.Failover
      ? { failoverRoutingPolicies: [{ type: index === 0 ? "PRIMARY" : "SECONDARY" }] }
      : { latencyRoutingPolicies: [{ region: e.region }] };
  const target = e.aliasTarget
    ? { type: "A", aliases: [{ name: e.aliasTarget.dnsName, zoneId: e.aliasTarget.zoneId, evaluateTargetHealth: true }] }
    : e.loadBalancerZoneId !== undefined
      ? { type: "A", aliases: [{ name: e.loadBalancerDnsName, zoneId: e.loadBalancerZoneId, evaluateTargetHealth: true }] }
      : { type: "CNAME", ttl: s.dnsTtl, records: [e.loadBalancerDnsName] };
  return { zoneId, name: domainName, setIdentifier: e.region, healthCheckId, ...policy, ...target };
}

function visibility(metricName: string): aws.types.input.wafv2.WebAclRuleVisibilityConfig {
  return { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

/** Rules of the regional web ACL: AWS managed Common and KnownBadInputs groups, then a per-IP rate limit. */
export function webAclRulesOf(waf: WafArgs | undefined): aws.types.input.wafv2.WebAclRule[] {
  const countOnly = waf?.countOnlyCommonRules ?? [];
  return [
    {
      name: "aws-common",
      priority: 10,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: "AWS",
          name: "AWSManagedRulesCommonRuleSet",
          ...(countOnly.length > 0 ? { ruleActionOverrides: countOnly.map((name) => ({ name, actionToUse: { count: {} } })) } : {}),
        },
      },
      visibilityConfig: visibility("aws-common"),
    },
    {
      name: "aws-known-bad-inputs",
      priority: 20,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesKnownBadInputsRuleSet" } },
      visibilityConfig: visibility("aws-known-bad-inputs"),
    },
    {
      name: "rate-limit-per-ip",
      priority: 30,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: waf?.rateLimitPer5Minutes ?? GLOBAL_TRAFFIC_DEFAULTS.rateLimitPer5Minutes,
          aggregateKeyType: "IP",
          evaluationWindowSec: 300,
        },
      },
      visibilityConfig: visibility("rate-limit-per-ip"),
    },
  ];
}

/** Throws every problem of the arguments as one ValidationError; what the GlobalTraffic constructor calls first. */
export function validateGlobalTrafficArgs(name: string, args: GlobalTrafficArgs): void {
  throwIfProblems(`GlobalTraffic "${name}"`, globalTrafficProblems(args));
}
