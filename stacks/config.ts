/**
 * The stack's typed configuration: read once, validated completely, frozen.
 *
 * Every environment runs the same program; only these values differ. `parsePlatformConfig` is pure (raw values in,
 * typed config or one error listing every problem out) so the plan command, tests and `pulumi up` share it. Floors
 * and defaults come from the environment profile (components/shared/environment.ts); what a component would refuse
 * is asked of the component (config-components.ts) and named here by its YAML key.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkInteger, checkOneOf, Problem, Problems, ValidationError } from "../components/shared/validation";
import { environmentProfile } from "../components/shared/environment";
import { parseCidr } from "../components/network/cidr";
import { DeliveryStrategy } from "../components/delivery/deliveryArgs";
import { parseZoneConfig, ZoneConfig } from "./zoneConfig";
import { unknownKeyProblems } from "./config-keys";
import { checkClusterApiAccess, checkPublicCidrs, checkRecoveryObjectives, checkRegionalComponents, checkRegions, checkVpcCidrs, checkZones, parseNodeGroup } from "./config-network";
import { asRecord, CONFIG_NAMESPACE, configKey as key, deepFreeze } from "./config-values";
import { DataStore, DataStores, parseDomain, parsePeople, parseServices, parseTenants, serviceFootprint } from "./config-workloads";
import { parseResilienceConfig, ResilienceConfig } from "./resilienceConfig";

export { CONFIG_NAMESPACE, checkRegions, DataStore, DataStores, serviceFootprint };

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

/** Zones each region must have in `env`: the environment profile's floor (stacks/zones.ts checks the account's offer against it). */
export function zoneFloor(env: Environment): number {
  return environmentProfile(env).minZones;
}

/** `stackKind` and `environment`: the environment decides every floor below (prod's when it is not one). */
function parseEnvironment(problems: Problems, raw: Readonly<Record<string, unknown>>): Environment {
  problems.check(raw.stackKind === undefined || raw.stackKind === "environment", {
    property: key("stackKind"), value: raw.stackKind, rule: `"environment" here (an account stack is read by parseAccountConfig)`,
    fix: `remove ${key("stackKind")} from an environment stack, or set it to account in Pulumi.account.yaml`,
  });
  return checkOneOf(problems, key("environment"), raw.environment, Environments) ? (raw.environment as Environment) : "prod";
}

/** `natGateways`: one of the modes (the Network component judges which the environment allows). */
function parseNatGateways(problems: Problems, env: Environment, raw: unknown): NatGatewayMode {
  const mode = raw ?? environmentProfile(env).natGateways.default;
  checkOneOf(problems, key("natGateways"), mode, NatGatewayModes);
  return mode as NatGatewayMode;
}

/**
 * Validates raw config values (as `pulumi config` holds them, structured values already parsed) and returns the typed,
 * frozen config. Throws one `ValidationError` listing every problem.
 */
export function parsePlatformConfig(raw: Readonly<Record<string, unknown>>): PlatformConfig {
  const problems = new Problems();
  const config = parseConfigInto(problems, raw);
  problems.throwIfAny("stack config");
  return deepFreeze(config);
}

/** Every problem of `raw`, none thrown: the contract every validator of this repository follows. */
export function platformConfigProblems(raw: Readonly<Record<string, unknown>>): readonly Problem[] {
  const problems = new Problems();
  parseConfigInto(problems, raw);
  return problems.list;
}

function parseConfigInto(problems: Problems, raw: Readonly<Record<string, unknown>>): PlatformConfig {
  const env = parseEnvironment(problems, raw);
  const regions = checkRegions(problems, raw.regions, environmentProfile(env).minRegions, env);
  const zonesOk = checkZones(problems, env, raw.availabilityZones);
  const zones = raw.availabilityZones as number;
  const version = raw.kubernetesVersion;
  checkOneOf(problems, key("kubernetesVersion"), version, SupportedKubernetesVersions);
  const objectives = checkRecoveryObjectives(problems, env, raw.recoveryObjectives);
  const vpcCidrs = checkVpcCidrs(problems, raw.vpcCidrs, regions);
  const natGateways = parseNatGateways(problems, env, raw.natGateways);
  const publicCidrs = checkPublicCidrs(problems, env, raw.clusterPublicAccessCidrs);
  const clusterApiAccess = checkClusterApiAccess(problems, raw.clusterApiAccess, regions, publicCidrs);
  const nodeGroup = parseNodeGroup(problems, env, raw.nodeGroup);
  const domain = parseDomain(problems, raw.domain);
  const tenants = parseTenants(problems, raw.tenants);
  const services = parseServices(problems, env, raw.services, tenants);
  const { emails, admins } = parsePeople(problems, raw.alertEmails, raw.platformAdminRoleArns);
  const databaseRotationDays = raw.databaseRotationDays ?? DEFAULT_DATABASE_ROTATION_DAYS;
  checkInteger(problems, key("databaseRotationDays"), databaseRotationDays, 1, 365,
    `pulumi config set ${key("databaseRotationDays")} ${DEFAULT_DATABASE_ROTATION_DAYS} (Secrets Manager rotates at most yearly here; 1 to 365 days)`);
  const rtoSeconds = asRecord(raw.recoveryObjectives)?.rtoSeconds as number | undefined;
  const resilience = parseResilienceConfig(problems, key, raw.resilience, { environment: env, rtoSeconds, services });
  const vpcs = Object.fromEntries(regions.map((r) => [r, parseCidr(vpcCidrs[r])]));
  const zoneConfig = parseZoneConfig(problems, key, raw, { regions, minimumZones: environmentProfile(env).minZones, environment: env, vpcs });
  if (zonesOk) {
    checkRegionalComponents(problems, { env, regions, zones, cidrs: vpcCidrs, natGateways, access: clusterApiAccess, objectives, rotationDays: databaseRotationDays });
  }
  return {
    stackKind: "environment",
    environment: env,
    regions,
    availabilityZones: zones,
    ...zoneConfig,
    kubernetesVersion: version as string,
    recoveryObjectives: objectives ?? { rpoSeconds: NaN, rtoSeconds: NaN },
    vpcCidrs,
    natGateways,
    clusterPublicAccessCidrs: publicCidrs,
    clusterApiAccess,
    nodeGroup,
    domain,
    tenants,
    services,
    alertEmails: emails,
    platformAdminRoleArns: admins,
    databaseRotationDays: databaseRotationDays as number,
    resilience,
  };
}

/** The keys the program reads. Structured values are JSON in Pulumi config. */
export const CONFIG_KEYS = [
  "stackKind", "environment", "regions", "availabilityZones", "availabilityZoneIds", "excludedAvailabilityZoneIds", "subnetCidrs", "kubernetesVersion", "recoveryObjectives", "vpcCidrs", "natGateways",
  "clusterPublicAccessCidrs", "clusterApiAccess", "nodeGroup", "domain", "tenants", "services", "alertEmails", "platformAdminRoleArns",
  "databaseRotationDays", "resilience", "pagerDutyRoutingKey",
] as const;

/** Keys whose values are secrets: read with getSecret, never as text (docs/config.md marks them). */
const SECRET_KEYS: readonly string[] = ["pagerDutyRoutingKey"];

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
    if (SECRET_KEYS.includes(k)) continue;
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
  const unknown = unknownKeyProblems(pulumi.runtime.allConfig(), CONFIG_NAMESPACE, CONFIG_KEYS);
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
