/**
 * The stack's typed configuration: read once, validated completely, frozen.
 *
 * Every environment runs the same program; only these values differ. `parsePlatformConfig` is pure (raw values in,
 * typed config or one error listing every problem out) so the plan command, tests and `pulumi up` share it.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkInteger, checkOneOf, Problems, ValidationError } from "../components/shared/validation";
import { unknownKeyProblems } from "./config-keys";
import { AWS_REGIONS, isKnownRegion } from "../components/shared/regions";
import { Cidr, cidrsOverlap, isNetworkAddress, parseCidr } from "../components/network/cidr";
import { checkVpcCidr } from "../components/network/validation";
import { parseZoneConfig, ZoneConfig } from "./zoneConfig";
import { parseResilienceConfig, ResilienceConfig } from "./resilienceConfig";
import { checkQuotaAndLimits, checkWorkloadsFitQuota, quotaForWorkloads, resolveLimits, WorkloadFootprint } from "../components/security/quota";
import { DeliveryStrategy } from "../components/delivery/deliveryArgs";
import { haServiceFootprint } from "../components/workload/haServiceSpec";

export const CONFIG_NAMESPACE = "production-platform";

import { Environment, Environments } from "../components/shared/environment";
export { Environment, Environments };

/**
 * What a stack builds. `environment` (the default): one environment's platform. `account`: the account-wide security
 * services (GuardDuty, Security Hub + CIS, Access Analyzer, AWS Config, EBS default encryption, the account S3
 * public-access block, the CloudTrail trail), run once per account; those are singletons an environment must not own.
 */
export const StackKinds = ["environment", "account"] as const;
export type StackKind = (typeof StackKinds)[number];

export const NatGatewayModes = ["OnePerZone", "Single"] as const;
export type NatGatewayMode = (typeof NatGatewayModes)[number];

/** Kubernetes minor versions EKS supports in standard or extended support that the platform is tested with. */
export const SupportedKubernetesVersions = ["1.30", "1.31", "1.32", "1.33", "1.34"] as const;

export interface RecoveryObjectives {
  /** Most data, in seconds of writes, the business accepts losing in a regional disaster. */
  readonly rpoSeconds: number;
  /** Longest time, in seconds, the service may be down before it runs again in another region. */
  readonly rtoSeconds: number;
}

export interface TenantConfig {
  /** DNS-1123 label; becomes the namespace name. */
  readonly name: string;
  /** IAM roles of the team, granted namespaced edit rights through EKS access entries. */
  readonly teamRoleArns: readonly string[];
  /**
   * Caps for the tenant's namespace. Unset fields are sized from the tenant's services (Σ maxReplicas × (1 + 25 %
   * rollout surge) × per-pod requests and limits); a value the services cannot fit is rejected.
   */
  readonly quota?: TenantQuotaConfig;
}

/** Explicit quota fields of a tenant (Kubernetes quantities). */
export interface TenantQuotaConfig {
  readonly requestsCpu?: string;
  readonly requestsMemory?: string;
  readonly limitsCpu?: string;
  readonly limitsMemory?: string;
  readonly pods?: number;
}

/** Data stores of the data tier a service uses; each opens egress to it and delivers its credentials (External Secrets). */
export const DataStores = ["postgres", "redis"] as const;
export type DataStore = (typeof DataStores)[number];

export interface ServiceConfig {
  readonly name: string;
  /** Tenant (namespace) the service runs in; must be one of `tenants`. */
  readonly tenant: string;
  /** Pinned image: a tag other than `latest`, or a digest. */
  readonly image: string;
  readonly port: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Availability objective for the SLO in percent, e.g. 99.9. */
  readonly sloObjective: number;
  /** HTTP path for readiness/liveness probes. */
  readonly healthPath: string;
  /** Path prefix the service owns on the public hostname; each service needs its own. */
  readonly ingressPath: string;
  /** Tenants allowed to call this service; each gets egress to it, and the service ingress from them. */
  readonly callers: readonly string[];
  /**
   * Data stores the service uses: `postgres` (Aurora, 5432) and/or `redis` (ElastiCache, 6379). Its tenant gets
   * egress to the data subnets on those ports and an ExternalSecret with the credentials. @default none
   */
  readonly databases: readonly DataStore[];
  /**
   * How new versions are released (HaService `delivery.strategy`): `canary` (ALB traffic shifted 10 → 25 → 50 →
   * 100 %, each step analysed on the service's SLO), `blueGreen` or `rolling`. @default — canary in staging and prod,
   * rolling in dev
   */
  readonly delivery: DeliveryStrategy;
}

export interface ClusterApiAccessConfig {
  /** Ranges admitted on 443 of every cluster's security group (private endpoint). */
  readonly cidrs: readonly string[];
  /** Transit gateway per region that routes `cidrs` to and from the VPC; required for every region with `cidrs`. */
  readonly transitGatewayIds: Readonly<Record<string, string>>;
}

export interface NodeGroupConfig {
  readonly instanceTypes: readonly string[];
  /** Nodes per zone. */
  readonly minPerZone: number;
  readonly desiredPerZone: number;
  readonly maxPerZone: number;
}

export interface PlatformConfig {
  /**
   * `environment` (default) or `account`: an account stack (`Pulumi.account.yaml`) reads only `regions` and builds
   * the account security baseline in each of them; deploy it once per account before any environment stack.
   */
  readonly stackKind: StackKind;
  readonly environment: Environment;
  /** AWS regions; the first is the primary (writes, control). */
  readonly regions: readonly string[];
  /**
   * Zones used per region where `availabilityZoneIds` names none: the first this many, in name order, of the zones
   * `getAvailabilityZones` lists as available with no opt-in, minus the AZ IDs EKS refuses and `excludedAvailabilityZoneIds`
   * (stacks/zones.ts). Zone names are the account's, so they are only known at run time.
   */
  readonly availabilityZones: number;
  /**
   * AZ IDs per region to use, in order (e.g. `us-east-1: [use1-az1, use1-az2, use1-az4]`), instead of the first
   * `availabilityZones` by name: the same physical zones in every account. Each must be offered to the account and
   * not excluded; EKS's unsupported zones (use1-az3, usw1-az2, cac1-az3) are refused.
   */
  readonly availabilityZoneIds: ZoneConfig["availabilityZoneIds"];
  /** AZ IDs never to use, on top of the ones EKS refuses (e.g. a zone short of your instance types). */
  readonly excludedAvailabilityZoneIds: ZoneConfig["excludedAvailabilityZoneIds"];
  /**
   * Subnet CIDRs per zone name (`us-east-1a: {private, public}`) for zones that must keep ranges they already have.
   * Otherwise each zone uses the fixed slot of its letter (a /16 gives zone a 10.x.0.0/20 private and 10.x.128.0/21
   * public, zone b the next ones), so adding or removing a zone never moves another zone's subnets.
   */
  readonly subnetCidrs: ZoneConfig["subnetCidrs"];
  readonly kubernetesVersion: string;
  readonly recoveryObjectives: RecoveryObjectives;
  /** VPC CIDR per region; regions must not overlap so they can be peered later. */
  readonly vpcCidrs: Readonly<Record<string, string>>;
  readonly natGateways: NatGatewayMode;
  /**
   * CIDRs allowed to reach the EKS API over its public endpoint; empty = private endpoint only. The aws-baseline and
   * CIS packs refuse a public endpoint where they are mandatory (prod), so prod uses `clusterApiAccess` instead.
   */
  readonly clusterPublicAccessCidrs: readonly string[];
  /**
   * The private path from where `pulumi up` runs to the EKS API: `cidrs` (deployer, VPN or CI ranges) are admitted
   * on 443 of each cluster security group, and routed back through `transitGatewayIds` (region → `tgw-…` already
   * connected to those ranges; the program attaches each VPC to it). One of this or `clusterPublicAccessCidrs` is
   * required: the VPCs are created by this program, so nothing else can reach the API on the first deploy.
   */
  readonly clusterApiAccess: ClusterApiAccessConfig;
  readonly nodeGroup: NodeGroupConfig;
  /**
   * Public hostname served by every region, with its Route 53 zone and that zone's name (`name` must be the zone's
   * apex or below it; the routing records are aliases, which Route 53 allows at an apex, unlike a CNAME).
   */
  readonly domain: { readonly name: string; readonly hostedZoneId: string; readonly zoneName: string };
  readonly tenants: readonly TenantConfig[];
  readonly services: readonly ServiceConfig[];
  /** Where alerts go; SNS e-mail subscriptions need confirming, so they are optional. */
  readonly alertEmails: readonly string[];
  /**
   * IAM roles with cluster-admin through EKS access entries. Include the role that runs `pulumi up`: installing
   * add-ons needs the Kubernetes API, and the cluster creator gets no implicit admin.
   */
  readonly platformAdminRoleArns: readonly string[];
  /**
   * Days between Secrets Manager rotations of the Aurora master password (1–365), applied by the data tier's rotation
   * function. Config key `databaseRotationDays`; 30 when unset, in every environment.
   */
  readonly databaseRotationDays: number;
  /** Drills, restore tests and the image supply chain (key `resilience`). @default see ResilienceConfig */
  readonly resilience: ResilienceConfig;
  /** PagerDuty Events v2 routing key for critical alerts (secret); without it critical alerts go to the alarm topic. */
  readonly pagerDutyRoutingKey?: pulumi.Output<string>;
}

/** Days between rotations of the database master password when `databaseRotationDays` is not set. */
export const DEFAULT_DATABASE_ROTATION_DAYS = 30;

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const PINNED_IMAGE = /^[^\s:@]+(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** True for a CIDR written strictly (cidr.ts, the network's parser: no leading zeros) with no host bits set. */
function isAlignedCidr(text: unknown): boolean {
  const cidr = parseCidr(text);
  return cidr !== undefined && isNetworkAddress(cidr);
}

function isImagePinned(image: string): boolean {
  if (!PINNED_IMAGE.test(image)) return false;
  if (image.includes("@sha256:")) return true;
  const lastSegment = image.split("/").pop() ?? "";
  const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
  return tag !== undefined && tag !== "latest";
}

function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Zones each region must have in `env` (the network and cluster floors for the environment's shape). */
export function zoneFloor(env: Environment): number {
  return FLOORS[env].zones;
}

/** The floors each environment must meet. Staging mirrors prod's shape at lower cost. */
const FLOORS: Record<Environment, { zones: number; regions: number; maxRpo: number; maxRto: number; minReplicas: number }> = {
  dev: { zones: 2, regions: 1, maxRpo: 86400, maxRto: 86400, minReplicas: 1 },
  // Staging needs a second region because the data tier replicates and copies backups there, as in prod.
  staging: { zones: 3, regions: 2, maxRpo: 3600, maxRto: 3600, minReplicas: 2 },
  prod: { zones: 3, regions: 3, maxRpo: 60, maxRto: 300, minReplicas: 2 },
};

const TRANSIT_GATEWAY_ID = /^tgw-[0-9a-f]{8,17}$/;

/**
 * The access path to the EKS API. Mirrors what EKS requires of a private endpoint ("Cluster endpoint access": the
 * cluster security group must admit 443 from the network you connect from, and that network must route to the
 * VPC): without a public allow-list or such a path, the first Kubernetes resource of `pulumi up` times out.
 */
function checkClusterApiAccess(problems: Problems, raw: Readonly<Record<string, unknown>>, regions: readonly string[], publicCidrs: readonly unknown[]): ClusterApiAccessConfig {
  const key = `${CONFIG_NAMESPACE}:clusterApiAccess`;
  const access = raw.clusterApiAccess === undefined ? {} : asRecord(raw.clusterApiAccess);
  if (!problems.check(access !== undefined, {
    property: key, value: raw.clusterApiAccess, rule: "an object { cidrs, transitGatewayIds }",
    fix: `pulumi config set --path '${key}.cidrs[0]' 203.0.113.0/24 and '${key}.transitGatewayIds["<region>"]' tgw-…`,
  })) return { cidrs: [], transitGatewayIds: {} };
  const cidrs = asArray(access!.cidrs ?? []) ?? [];
  problems.check(Array.isArray(access!.cidrs ?? []), { property: `${key}.cidrs`, value: access!.cidrs, rule: "a list of IPv4 CIDRs", fix: "list the deployer ranges, e.g. [203.0.113.0/24]" });
  cidrs.forEach((c, i) => {
    const prop = `${key}.cidrs[${i}]`;
    if (!problems.check(isAlignedCidr(c), { property: prop, value: c, rule: "an IPv4 CIDR aligned to its prefix", fix: "use your VPN or CI egress range, e.g. 203.0.113.0/24" })) return;
    problems.check(!(c as string).endsWith("/0"), { property: prop, value: c, rule: "not the whole internet", fix: "name the deployer ranges only" });
  });
  const tgws = asRecord(access!.transitGatewayIds ?? {}) ?? {};
  if (cidrs.length > 0) {
    for (const region of regions) {
      problems.check(typeof tgws[region] === "string" && TRANSIT_GATEWAY_ID.test(tgws[region] as string), {
        property: `${key}.transitGatewayIds.${region}`, value: tgws[region],
        rule: "a transit gateway id (tgw-…) in every region: without a route the API's replies to the deployer ranges leave by the NAT gateway and never arrive",
        fix: `pulumi config set --path '${key}.transitGatewayIds["${region}"]' tgw-0123456789abcdef0 (the gateway your VPN or CI network is attached to)`,
      });
    }
  }
  for (const extra of Object.keys(tgws).filter((r) => !regions.includes(r))) {
    problems.add({ property: `${key}.transitGatewayIds.${extra}`, value: tgws[extra], rule: "a transit gateway only for regions listed in regions", fix: `remove ${extra} or add it to regions` });
  }
  problems.check(publicCidrs.length > 0 || cidrs.length > 0, {
    property: key, value: raw.clusterApiAccess,
    rule: "an access path from where pulumi up runs to the EKS API (the endpoint is private and the VPCs are new: nothing else reaches it)",
    fix: `pulumi config set --path '${key}.cidrs[0]' <deployer CIDR> with '${key}.transitGatewayIds["<region>"]' tgw-… for every region, or (not in prod, whose packs refuse a public endpoint) set clusterPublicAccessCidrs`,
  });
  return { cidrs: cidrs.filter((c): c is string => typeof c === "string"), transitGatewayIds: tgws as Record<string, string> };
}

/** What a configured service holds at its peak; the platform builds its HaService with the same replica bounds. */
export function serviceFootprint(env: Environment, svc: ServiceConfig): WorkloadFootprint {
  return haServiceFootprint(svc.name, {
    namespace: svc.tenant, image: svc.image, port: svc.port, environment: env,
    autoscaling: { minReplicas: svc.minReplicas, maxReplicas: svc.maxReplicas },
    // Only the strategy changes the footprint (a Rollout holds both versions at full size at its last step).
    delivery: { strategy: svc.delivery },
  });
}

/**
 * Each tenant's quota (explicit fields, the rest sized from its services) must hold its services at their peak:
 * the same rule the Tenant component applies, run here so a bad config exits 2 before anything registers.
 */
function checkTenantQuotas(problems: Problems, env: Environment, tenants: readonly TenantConfig[], services: readonly ServiceConfig[]): void {
  tenants.forEach((tenant, i) => {
    const workloads = services.filter((s) => s.tenant === tenant.name && typeof s.name === "string").map((s) => serviceFootprint(env, s));
    const quota = quotaForWorkloads(workloads, tenant.quota);
    const sub = new Problems();
    checkQuotaAndLimits(sub, quota, resolveLimits());
    checkWorkloadsFitQuota(sub, `${CONFIG_NAMESPACE}:tenants[${i}].quota`, workloads, quota, resolveLimits());
    for (const p of sub.list) problems.add(p.property.startsWith(CONFIG_NAMESPACE) ? p : { ...p, property: `${CONFIG_NAMESPACE}:tenants[${i}].${p.property}` });
  });
}

/**
 * The `regions` key: known regions, each once, primary first, at least `minimum` of them. Returns the known ones.
 * Shared by environment and account stacks.
 */
export function checkRegions(problems: Problems, value: unknown, minimum: number, scope: string): string[] {
  const key = (k: string) => `${CONFIG_NAMESPACE}:${k}`;
  const regions = asArray(value);
  if (problems.check(regions !== undefined && regions.length > 0, {
    property: key("regions"), value, rule: "a non-empty list of AWS regions, primary first",
    fix: `pulumi config set --path '${key("regions")}[0]' us-east-1`,
  })) {
    const seen = new Set<string>();
    regions!.forEach((region, i) => {
      if (!problems.check(isKnownRegion(region), {
        property: `${key("regions")}[${i}]`, value: region, rule: `a known AWS region (${Object.keys(AWS_REGIONS).join(", ")})`,
        fix: "correct the region name, e.g. us-west-2",
      })) return;
      problems.check(!seen.has(region as string), {
        property: `${key("regions")}[${i}]`, value: region, rule: "each region listed once",
        fix: `remove the duplicate ${region as string}; the first entry is the primary, the rest are secondaries`,
      });
      seen.add(region as string);
    });
    problems.check(regions!.length >= minimum, {
      property: key("regions"), value: regions, rule: `at least ${minimum} regions in ${scope}`,
      fix: `add ${minimum - regions!.length} more region(s) so a regional outage has somewhere to fail over`,
    });
  }
  return [...new Set((regions ?? []).filter(isKnownRegion))];
}

/**
 * Validates raw config values (as `pulumi config` holds them, structured values already parsed) and returns the typed,
 * frozen config. Throws one `ValidationError` listing every problem.
 */
export function parsePlatformConfig(raw: Readonly<Record<string, unknown>>): PlatformConfig {
  const problems = new Problems();
  const key = (k: string) => `${CONFIG_NAMESPACE}:${k}`;

  problems.check(raw.stackKind === undefined || raw.stackKind === "environment", {
    property: key("stackKind"), value: raw.stackKind, rule: `"environment" here (an account stack is read by parseAccountConfig)`,
    fix: `remove ${key("stackKind")} from an environment stack, or set it to account in Pulumi.account.yaml`,
  });
  const environment = raw.environment;
  const envOk = checkOneOf(problems, key("environment"), environment, Environments);
  const env: Environment = envOk ? (environment as Environment) : "prod";
  const floors = FLOORS[env];

  const regionList = checkRegions(problems, raw.regions, floors.regions, env);

  const zones = raw.availabilityZones;
  if (checkInteger(problems, key("availabilityZones"), zones, 1, 6)) {
    problems.check((zones as number) >= floors.zones, {
      property: key("availabilityZones"), value: zones, rule: `at least ${floors.zones} zones per region in ${env}`,
      fix: `pulumi config set ${key("availabilityZones")} ${floors.zones}`,
    });
    // How many zones a region offers this account is known only after getAvailabilityZones (stacks/zones.ts).
  }

  const version = raw.kubernetesVersion;
  checkOneOf(problems, key("kubernetesVersion"), version, SupportedKubernetesVersions);

  const ro = asRecord(raw.recoveryObjectives);
  if (problems.check(ro !== undefined, {
    property: key("recoveryObjectives"), value: raw.recoveryObjectives, rule: "an object { rpoSeconds, rtoSeconds }",
    fix: `pulumi config set --path '${key("recoveryObjectives.rpoSeconds")}' 60 (and rtoSeconds)`,
  })) {
    if (checkInteger(problems, key("recoveryObjectives.rpoSeconds"), ro!.rpoSeconds, 1, 86400 * 7)) {
      problems.check((ro!.rpoSeconds as number) <= floors.maxRpo, {
        property: key("recoveryObjectives.rpoSeconds"), value: ro!.rpoSeconds, rule: `≤ ${floors.maxRpo} s in ${env}`,
        fix: `lower rpoSeconds to ${floors.maxRpo} or less`,
      });
    }
    if (checkInteger(problems, key("recoveryObjectives.rtoSeconds"), ro!.rtoSeconds, 1, 86400 * 7)) {
      problems.check((ro!.rtoSeconds as number) <= floors.maxRto, {
        property: key("recoveryObjectives.rtoSeconds"), value: ro!.rtoSeconds, rule: `≤ ${floors.maxRto} s in ${env}`,
        fix: `lower rtoSeconds to ${floors.maxRto} or less`,
      });
    }
  }

  const cidrs = asRecord(raw.vpcCidrs) ?? {};
  const vpcs: Record<string, Cidr | undefined> = {};
  for (const region of regionList) {
    const cidr = cidrs[region];
    const property = `${key("vpcCidrs")}.${region}`;
    // The network's own rules (strict parse, RFC 1918, no host bits), capped at /20 so every zone slot fits.
    const vpc = checkVpcCidr(problems, cidr, property, 20);
    vpcs[region] = vpc;
    if (!vpc) continue;
    const clash = regionList.find((other) => other !== region && vpcs[other] !== undefined && cidrsOverlap(vpcs[other]!, vpc));
    problems.check(clash === undefined, {
      property, value: cidr, rule: `no overlap with other regions (overlaps ${clash}: ${cidrs[clash ?? ""]})`,
      fix: "give each region its own block, e.g. 10.10.0.0/16, 10.20.0.0/16, 10.30.0.0/16",
    });
  }
  for (const extra of Object.keys(cidrs).filter((r) => !regionList.includes(r))) {
    problems.add({ property: `${key("vpcCidrs")}.${extra}`, value: cidrs[extra], rule: "a CIDR only for regions listed in regions", fix: `remove ${extra} or add it to regions` });
  }

  const natGateways = raw.natGateways ?? (env === "dev" ? "Single" : "OnePerZone");
  if (checkOneOf(problems, key("natGateways"), natGateways, NatGatewayModes)) {
    problems.check(!(env === "prod" && natGateways === "Single"), {
      property: key("natGateways"), value: natGateways, rule: "OnePerZone in prod (a single NAT gateway is a zonal single point of failure)",
      fix: `pulumi config set ${key("natGateways")} OnePerZone`,
    });
  }

  const publicCidrs = asArray(raw.clusterPublicAccessCidrs ?? []) ?? [];
  publicCidrs.forEach((c, i) => {
    const prop = `${key("clusterPublicAccessCidrs")}[${i}]`;
    if (!problems.check(isAlignedCidr(c), { property: prop, value: c, rule: "an IPv4 CIDR aligned to its prefix", fix: "use your office or VPN egress range, e.g. 203.0.113.0/24" })) return;
    problems.check(!(c === "0.0.0.0/0" && env === "prod"), { property: prop, value: c, rule: "not the whole internet in prod", fix: "remove 0.0.0.0/0 and use a VPN or bastion range" });
  });

  const clusterApiAccess = checkClusterApiAccess(problems, raw, regionList, publicCidrs);

  const ng = asRecord(raw.nodeGroup) ?? {};
  const nodeGroup: NodeGroupConfig = {
    instanceTypes: (asArray(ng.instanceTypes) as string[] | undefined) ?? ["m6i.large", "m5.large"],
    minPerZone: (ng.minPerZone as number) ?? (env === "prod" ? 1 : 1),
    desiredPerZone: (ng.desiredPerZone as number) ?? (env === "prod" ? 2 : 1),
    maxPerZone: (ng.maxPerZone as number) ?? (env === "prod" ? 10 : 3),
  };
  checkInteger(problems, `${key("nodeGroup")}.minPerZone`, nodeGroup.minPerZone, env === "prod" ? 1 : 0, 100);
  checkInteger(problems, `${key("nodeGroup")}.maxPerZone`, nodeGroup.maxPerZone, 1, 100);
  if (checkInteger(problems, `${key("nodeGroup")}.desiredPerZone`, nodeGroup.desiredPerZone, 0, 100)) {
    problems.check(nodeGroup.minPerZone <= nodeGroup.desiredPerZone && nodeGroup.desiredPerZone <= nodeGroup.maxPerZone, {
      property: `${key("nodeGroup")}.desiredPerZone`, value: nodeGroup, rule: "minPerZone ≤ desiredPerZone ≤ maxPerZone",
      fix: "raise maxPerZone or lower minPerZone so desiredPerZone sits between them",
    });
  }

  const domain = asRecord(raw.domain) ?? {};
  problems.check(typeof domain.name === "string" && /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/.test(domain.name), {
    property: `${key("domain")}.name`, value: domain.name, rule: "a fully qualified DNS name", fix: "set domain.name, e.g. app.example.com",
  });
  problems.check(typeof domain.hostedZoneId === "string" && /^Z[A-Z0-9]{1,31}$/.test(domain.hostedZoneId), {
    property: `${key("domain")}.hostedZoneId`, value: domain.hostedZoneId, rule: "a Route 53 hosted zone id (Z...)", fix: "copy the zone id from Route 53",
  });
  problems.check(typeof domain.zoneName === "string" && typeof domain.name === "string" && (domain.name === domain.zoneName || domain.name.endsWith(`.${domain.zoneName}`)), {
    property: `${key("domain")}.zoneName`, value: domain.zoneName,
    rule: `the name of the hosted zone hostedZoneId, equal to or a parent of domain.name (${JSON.stringify(domain.name)}): a record outside its zone is refused`,
    fix: `pulumi config set --path '${key("domain")}.zoneName' <zone name from Route 53>, e.g. example.com`,
  });

  const tenants: TenantConfig[] = [];
  (asArray(raw.tenants) ?? []).forEach((t, i) => {
    const tenant = asRecord(t) ?? {};
    const prop = `${key("tenants")}[${i}]`;
    const nameOk = problems.check(typeof tenant.name === "string" && DNS_LABEL.test(tenant.name) && tenant.name.length <= 40 && !["default", "kube-system", "kube-public", "kube-node-lease"].includes(tenant.name), {
      property: `${prop}.name`, value: tenant.name, rule: "a DNS label of at most 40 characters that is not a system namespace",
      fix: "use lower-case letters, digits and '-', e.g. payments",
    });
    const roles = asArray(tenant.teamRoleArns ?? []) ?? [];
    roles.forEach((arn, j) => problems.check(typeof arn === "string" && ROLE_ARN.test(arn), {
      property: `${prop}.teamRoleArns[${j}]`, value: arn, rule: "an IAM role ARN", fix: "use arn:aws:iam::<account>:role/<name>",
    }));
    if (nameOk && tenants.some((x) => x.name === tenant.name)) {
      problems.add({ property: `${prop}.name`, value: tenant.name, rule: "unique tenant names", fix: "merge or rename the duplicate tenant" });
    }
    const quota = tenant.quota === undefined ? undefined : (asRecord(tenant.quota) as TenantQuotaConfig | undefined);
    problems.check(tenant.quota === undefined || quota !== undefined, {
      property: `${prop}.quota`, value: tenant.quota, rule: "an object { requestsCpu, requestsMemory, limitsCpu, limitsMemory, pods }", fix: "leave quota out to size it from the services",
    });
    if (nameOk) tenants.push({ name: tenant.name as string, teamRoleArns: roles as string[], ...(quota ? { quota } : {}) });
  });

  const services: ServiceConfig[] = [];
  (asArray(raw.services) ?? []).forEach((s, i) => {
    const svc = asRecord(s) ?? {};
    const prop = `${key("services")}[${i}]`;
    const service: ServiceConfig = {
      name: svc.name as string,
      tenant: svc.tenant as string,
      image: svc.image as string,
      port: (svc.port as number) ?? 8080,
      minReplicas: (svc.minReplicas as number) ?? (env === "prod" ? 3 : 2),
      maxReplicas: (svc.maxReplicas as number) ?? 20,
      sloObjective: (svc.sloObjective as number) ?? 99.9,
      healthPath: (svc.healthPath as string) ?? "/healthz",
      ingressPath: (svc.ingressPath as string) ?? "/",
      callers: ((asArray(svc.callers) ?? []) as string[]),
      databases: ((asArray(svc.databases) ?? []) as DataStore[]),
      delivery: (svc.delivery as DeliveryStrategy) ?? (env === "dev" ? DeliveryStrategy.Rolling : DeliveryStrategy.Canary),
    };
    checkOneOf(problems, `${prop}.delivery`, service.delivery, Object.values(DeliveryStrategy));
    service.databases.forEach((d, j) => checkOneOf(problems, `${prop}.databases[${j}]`, d, DataStores));
    problems.check(typeof service.name === "string" && DNS_LABEL.test(service.name) && service.name.length <= 40, {
      property: `${prop}.name`, value: service.name, rule: "a DNS label of at most 40 characters", fix: "use lower-case letters, digits and '-'",
    });
    problems.check(tenants.some((t) => t.name === service.tenant), {
      property: `${prop}.tenant`, value: service.tenant, rule: `one of the configured tenants (${tenants.map((t) => t.name).join(", ") || "none"})`,
      fix: "add the tenant to tenants or correct the name",
    });
    problems.check(typeof service.image === "string" && isImagePinned(service.image), {
      property: `${prop}.image`, value: service.image, rule: "a pinned image: a tag other than latest, or an @sha256 digest",
      fix: "pin the image, e.g. ghcr.io/acme/checkout:1.4.2",
    });
    checkInteger(problems, `${prop}.port`, service.port, 1024, 65535, "use an unprivileged port (1024-65535) so the container can run as non-root");
    if (checkInteger(problems, `${prop}.minReplicas`, service.minReplicas, floors.minReplicas, 100, `set minReplicas to at least ${floors.minReplicas} in ${env}`)) {
      problems.check(Number.isInteger(service.maxReplicas) && service.maxReplicas >= service.minReplicas && service.maxReplicas <= 100, {
        property: `${prop}.maxReplicas`, value: service.maxReplicas, rule: `an integer from minReplicas (${service.minReplicas}) to 100`,
        fix: "raise maxReplicas to at least minReplicas",
      });
    }
    // The monitoring stack refines this (a page must be able to fire); here we catch fractions written for percents.
    problems.check(typeof service.sloObjective === "number" && service.sloObjective >= 90 && service.sloObjective < 100, {
      property: `${prop}.sloObjective`, value: service.sloObjective, rule: "a percentage from 90 to below 100, e.g. 99.9",
      fix: "write the objective in percent: 99.9, not 0.999",
    });
    problems.check(typeof service.ingressPath === "string" && /^\/[A-Za-z0-9._~/-]*$/.test(service.ingressPath), {
      property: `${prop}.ingressPath`, value: service.ingressPath, rule: "a URL path starting with /", fix: "use e.g. /checkout",
    });
    const clash = services.find((other) => other.ingressPath === service.ingressPath);
    problems.check(clash === undefined, {
      property: `${prop}.ingressPath`, value: service.ingressPath, rule: `a path no other service uses (${clash?.name} has it)`,
      fix: `give ${service.name} its own prefix, e.g. /${service.name}`,
    });
    service.callers.forEach((c, j) => problems.check(tenants.some((t) => t.name === c), {
      property: `${prop}.callers[${j}]`, value: c, rule: "a configured tenant", fix: "add the tenant or remove the caller",
    }));
    services.push(service);
  });
  checkTenantQuotas(problems, env, tenants, services);
  if (env === "prod") {
    problems.check(services.length > 0, { property: key("services"), value: raw.services ?? [], rule: "at least one service in prod", fix: "declare the services prod runs" });
  }

  const emails = (asArray(raw.alertEmails ?? []) ?? []) as unknown[];
  emails.forEach((e, i) => problems.check(typeof e === "string" && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e), {
    property: `${key("alertEmails")}[${i}]`, value: e, rule: "an e-mail address", fix: "correct the address",
  }));

  const admins = (asArray(raw.platformAdminRoleArns ?? []) ?? []) as unknown[];
  admins.forEach((arn, i) => problems.check(typeof arn === "string" && ROLE_ARN.test(arn), {
    property: `${key("platformAdminRoleArns")}[${i}]`, value: arn, rule: "an IAM role ARN", fix: "use arn:aws:iam::<account>:role/<name>",
  }));

  const databaseRotationDays = raw.databaseRotationDays ?? DEFAULT_DATABASE_ROTATION_DAYS;
  checkInteger(problems, key("databaseRotationDays"), databaseRotationDays, 1, 365,
    `pulumi config set ${key("databaseRotationDays")} ${DEFAULT_DATABASE_ROTATION_DAYS} (Secrets Manager rotates at most yearly here; 1 to 365 days)`);

  const zoneConfig = parseZoneConfig(problems, key, raw, { regions: regionList, minimumZones: floors.zones, environment: env, vpcs });

  const resilience = parseResilienceConfig(problems, key, raw.resilience, { environment: env, rtoSeconds: ro?.rtoSeconds as number | undefined, services });

  problems.throwIfAny("stack config");

  return deepFreeze({
    stackKind: "environment" as const,
    environment: env,
    regions: regionList,
    availabilityZones: zones as number,
    ...zoneConfig,
    kubernetesVersion: version as string,
    recoveryObjectives: { rpoSeconds: ro!.rpoSeconds as number, rtoSeconds: ro!.rtoSeconds as number },
    vpcCidrs: cidrs as Record<string, string>,
    natGateways: natGateways as NatGatewayMode,
    clusterPublicAccessCidrs: publicCidrs as string[],
    clusterApiAccess,
    nodeGroup,
    domain: { name: domain.name as string, hostedZoneId: domain.hostedZoneId as string, zoneName: domain.zoneName as string },
    tenants,
    services,
    alertEmails: emails as string[],
    platformAdminRoleArns: admins as string[],
    databaseRotationDays: databaseRotationDays as number,
    resilience,
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** The keys the program reads. Structured values are JSON in Pulumi config. */
export const CONFIG_KEYS = [
  "stackKind", "environment", "regions", "availabilityZones", "availabilityZoneIds", "excludedAvailabilityZoneIds", "subnetCidrs", "kubernetesVersion", "recoveryObjectives", "vpcCidrs", "natGateways",
  "clusterPublicAccessCidrs", "clusterApiAccess", "nodeGroup", "domain", "tenants", "services", "alertEmails", "platformAdminRoleArns",
  "databaseRotationDays", "resilience",
] as const;

/** Keys whose values are integers; Pulumi config hands every value over as text. */
const INTEGER_KEYS: readonly string[] = ["availabilityZones", "databaseRotationDays"];

/** The number a config text holds; anything else stays text, so a validation message shows what was typed. */
function asNumber(text: string): number | string {
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) ? n : text;
}

/** The stack's raw values as the program sees them: structured values parsed, integer keys as numbers. */
export function readRawConfig(): { raw: Record<string, unknown>; config: pulumi.Config } {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const raw: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) {
    const text = config.get(k);
    if (text === undefined) continue;
    try {
      raw[k] = INTEGER_KEYS.includes(k) ? asNumber(text) : /^[[{]/.test(text.trim()) ? JSON.parse(text) : text;
    } catch {
      raw[k] = text;
    }
  }
  return { raw, config };
}

/** Reads the stack's config through the Pulumi SDK and validates it. */
export function loadPlatformConfig(): PlatformConfig {
  const { raw, config } = readRawConfig();
  const unknown = unknownKeyProblems(pulumi.runtime.allConfig(), CONFIG_NAMESPACE, [...CONFIG_KEYS, "pagerDutyRoutingKey"]);
  let parsed: PlatformConfig;
  try {
    parsed = parsePlatformConfig(raw);
  } catch (err) {
    // One error listing every problem: the unknown keys and whatever the known ones got wrong.
    if (err instanceof ValidationError && unknown.length > 0) throw new ValidationError(err.subject, [...unknown, ...err.problems]);
    throw err;
  }
  if (unknown.length > 0) throw new ValidationError("stack config", unknown);
  return { ...parsed, pagerDutyRoutingKey: config.getSecret("pagerDutyRoutingKey") };
}
