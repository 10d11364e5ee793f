/**
 * Up-front validation of `NetworkArgs` and the subnet plan derived from them.
 */
import { isLogRetentionDays } from "../shared/logs";
import { AWS_REGIONS, isKnownRegion } from "../shared/regions";
import { checkOneOf, Problems } from "../shared/validation";
import { blockSize, carveSubnets, Cidr, formatCidr, isNetworkAddress, isPrivateRange, networkOf, parseCidr } from "./cidr";
import { Environments, LOG_RETENTION_DAYS, NatGateways } from "./types";
import type { NetworkArgs } from "./Network";

/** Smallest and largest VPC this component builds: EKS pods take one VPC address each, so tiny VPCs run dry. */
export const VPC_PREFIX_MIN = 16;
export const VPC_PREFIX_MAX = 24;
/** Private subnets hold nodes and pods: at least a /24 (251 usable addresses) each. */
export const PRIVATE_PREFIX_MAX = 24;
/** AWS does not allow subnets smaller than /28. */
export const SUBNET_PREFIX_MAX = 28;
/** EKS needs subnets in at least two zones; production needs three to survive a zone loss with headroom. */
export const MIN_ZONES = 2;
export const MIN_ZONES_PROD = 3;

/** The subnet layout of one VPC, in zone order. */
export interface SubnetPlan {
  readonly privatePrefix: number;
  readonly publicPrefix: number;
  readonly privateCidrs: readonly string[];
  readonly publicCidrs: readonly string[];
}

/**
 * Default subnet sizes: private subnets share half the VPC (rounded to a power of two per zone), public subnets are a
 * quarter of a private subnet because they only hold NAT gateways and load balancer ENIs.
 */
export function defaultSubnetPrefixes(vpcPrefix: number, zoneCount: number): { privatePrefix: number; publicPrefix: number } {
  const privatePrefix = vpcPrefix + 1 + Math.ceil(Math.log2(Math.max(zoneCount, 1)));
  return { privatePrefix, publicPrefix: Math.min(privatePrefix + 2, SUBNET_PREFIX_MAX) };
}

/** Carves private and public subnets for each zone; `undefined` when they do not fit the VPC. */
export function planSubnets(vpc: Cidr, zoneCount: number, privatePrefix: number, publicPrefix: number): SubnetPlan | undefined {
  const prefixes = [...Array(zoneCount).fill(privatePrefix), ...Array(zoneCount).fill(publicPrefix)];
  const blocks = carveSubnets(vpc, prefixes);
  if (!blocks) return undefined;
  return {
    privatePrefix,
    publicPrefix,
    privateCidrs: blocks.slice(0, zoneCount).map(formatCidr),
    publicCidrs: blocks.slice(zoneCount).map(formatCidr),
  };
}

/** Every problem with the arguments; empty when they are valid. */
export function networkProblems(args: NetworkArgs): Problems {
  const problems = new Problems();
  const environment = args.environment;
  checkOneOf(problems, "environment", environment, Environments);
  const regionOk = problems.check(isKnownRegion(args.region), {
    property: "region",
    value: args.region,
    rule: `a known AWS region (${Object.keys(AWS_REGIONS).join(", ")})`,
    fix: "set region to one of the known regions, or add the region to components/shared/regions.ts",
  });

  const zones = args.availabilityZones;
  const zonesOk = problems.check(Array.isArray(zones) && zones.every((z) => typeof z === "string"), {
    property: "availabilityZones",
    value: zones,
    rule: "an array of zone names such as [\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]",
    fix: "pass the zone names, e.g. zonesOf(region, 3)",
  });
  let zoneCount = 0;
  if (zonesOk) {
    zoneCount = zones.length;
    const minimum = environment === "prod" ? MIN_ZONES_PROD : MIN_ZONES;
    problems.check(zones.length >= minimum, {
      property: "availabilityZones",
      value: zones,
      rule: environment === "prod" ? `at least ${MIN_ZONES_PROD} zones in prod` : `at least ${MIN_ZONES} zones (EKS requires two)`,
      fix: `list ${minimum} or more zones of ${args.region}, e.g. zonesOf("${args.region}", ${minimum})`,
    });
    const seen = new Set<string>();
    zones.forEach((zone, i) => {
      problems.check(!seen.has(zone), {
        property: `availabilityZones[${i}]`,
        value: zone,
        rule: "each zone listed once",
        fix: `remove the duplicate ${zone}`,
      });
      seen.add(zone);
      if (regionOk) {
        const letters = AWS_REGIONS[args.region].zoneLetters;
        problems.check(zone.startsWith(args.region) && letters.includes(zone.slice(args.region.length)), {
          property: `availabilityZones[${i}]`,
          value: zone,
          rule: `a zone of ${args.region} (${letters.map((l) => args.region + l).join(", ")})`,
          fix: `use a zone of ${args.region}, or change region to the zone's region`,
        });
      }
    });
  }

  const natGateways = args.natGateways ?? NatGateways.OnePerZone;
  if (checkOneOf(problems, "natGateways", natGateways, Object.values(NatGateways))) {
    problems.check(natGateways === NatGateways.OnePerZone || environment === "dev", {
      property: "natGateways",
      value: natGateways,
      rule: `"${NatGateways.OnePerZone}" outside dev (a single NAT gateway is a single point of failure for every zone)`,
      fix: `set natGateways to NatGateways.OnePerZone, or leave it unset`,
    });
  }

  if (args.flowLogRetentionDays !== undefined) {
    problems.check(isLogRetentionDays(args.flowLogRetentionDays), {
      property: "flowLogRetentionDays",
      value: args.flowLogRetentionDays,
      rule: `a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(", ")})`,
      fix: "pick the nearest allowed value, e.g. 365",
    });
  }

  const vpc = checkVpcCidr(problems, args.cidrBlock);
  if (vpc && zoneCount > 0) checkSubnetPlan(problems, args, vpc, zoneCount);
  if (args.transitGateway) checkTransitGateway(problems, args.transitGateway, vpc);
  return problems;
}

function checkTransitGateway(problems: Problems, tgw: NonNullable<NetworkArgs["transitGateway"]>, vpc: Cidr | undefined): void {
  problems.check(typeof tgw.id === "string" && /^tgw-[0-9a-f]{8,17}$/.test(tgw.id), {
    property: "transitGateway.id", value: tgw.id, rule: "a transit gateway id (tgw-…)", fix: "copy the id of the transit gateway your VPN or CI network is attached to",
  });
  problems.check(Array.isArray(tgw.routedCidrs) && tgw.routedCidrs.length > 0, {
    property: "transitGateway.routedCidrs", value: tgw.routedCidrs, rule: "a non-empty list of CIDRs reached through the gateway", fix: "list the deployer ranges, e.g. [\"203.0.113.0/24\"]",
  });
  (tgw.routedCidrs ?? []).forEach((c, i) => {
    const range = parseCidr(c);
    if (!problems.check(range !== undefined && range.prefix > 0, {
      property: `transitGateway.routedCidrs[${i}]`, value: c, rule: "an IPv4 CIDR narrower than /0", fix: "name the remote ranges only; the default route stays with the NAT gateways",
    })) return;
    problems.check(!vpc || !overlaps(vpc, range!), {
      property: `transitGateway.routedCidrs[${i}]`, value: c, rule: "a range outside the VPC", fix: "route only remote ranges through the transit gateway",
    });
  });
}

function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + blockSize(b.prefix) && b.base < a.base + blockSize(a.prefix);
}

function checkVpcCidr(problems: Problems, cidrBlock: unknown): Cidr | undefined {
  const cidr = parseCidr(cidrBlock);
  if (
    !problems.check(cidr !== undefined, {
      property: "cidrBlock",
      value: cidrBlock,
      rule: "an IPv4 CIDR block written a.b.c.d/n, such as 10.0.0.0/16",
      fix: "set cidrBlock to a private range like 10.0.0.0/16",
    })
  ) {
    return undefined;
  }
  const vpc = cidr as Cidr;
  const prefixOk = problems.check(vpc.prefix >= VPC_PREFIX_MIN && vpc.prefix <= VPC_PREFIX_MAX, {
    property: "cidrBlock",
    value: cidrBlock,
    rule: `a prefix length from /${VPC_PREFIX_MIN} to /${VPC_PREFIX_MAX}`,
    fix: vpc.prefix < VPC_PREFIX_MIN ? `use a /${VPC_PREFIX_MIN} (AWS's largest VPC)` : `use a larger block such as a /16 or /20`,
  });
  const aligned = problems.check(isNetworkAddress(vpc), {
    property: "cidrBlock",
    value: cidrBlock,
    rule: "a network address with no host bits set",
    fix: `use ${formatCidr(networkOf(vpc))}`,
  });
  const privateOk = problems.check(isPrivateRange(vpc), {
    property: "cidrBlock",
    value: cidrBlock,
    rule: "a block inside an RFC 1918 private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
    fix: "pick a range inside 10.0.0.0/8, e.g. 10.0.0.0/16",
  });
  return prefixOk && aligned && privateOk ? vpc : undefined;
}

function checkSubnetPlan(problems: Problems, args: NetworkArgs, vpc: Cidr, zoneCount: number): void {
  const defaults = defaultSubnetPrefixes(vpc.prefix, zoneCount);
  const privatePrefix = args.privateSubnetPrefixLength ?? defaults.privatePrefix;
  const publicPrefix = args.publicSubnetPrefixLength ?? defaults.publicPrefix;
  const privateOk = problems.check(Number.isInteger(privatePrefix) && privatePrefix > vpc.prefix && privatePrefix <= PRIVATE_PREFIX_MAX, {
    property: args.privateSubnetPrefixLength === undefined ? "cidrBlock" : "privateSubnetPrefixLength",
    value: args.privateSubnetPrefixLength === undefined ? args.cidrBlock : privatePrefix,
    rule:
      args.privateSubnetPrefixLength === undefined
        ? `a VPC big enough for ${zoneCount} private subnets of at least /${PRIVATE_PREFIX_MAX} plus ${zoneCount} public subnets (it would give /${privatePrefix})`
        : `a prefix length from /${vpc.prefix + 1} to /${PRIVATE_PREFIX_MAX} (private subnets hold every node and pod)`,
    fix:
      args.privateSubnetPrefixLength === undefined
        ? `use a larger VPC, e.g. a /${Math.max(VPC_PREFIX_MIN, PRIVATE_PREFIX_MAX - 1 - Math.ceil(Math.log2(zoneCount)))} or bigger`
        : `set privateSubnetPrefixLength between ${vpc.prefix + 1} and ${PRIVATE_PREFIX_MAX}`,
  });
  const publicOk = problems.check(Number.isInteger(publicPrefix) && publicPrefix > vpc.prefix && publicPrefix <= SUBNET_PREFIX_MAX, {
    property: "publicSubnetPrefixLength",
    value: publicPrefix,
    rule: `a prefix length from /${vpc.prefix + 1} to /${SUBNET_PREFIX_MAX}`,
    fix: `set publicSubnetPrefixLength between ${vpc.prefix + 1} and ${SUBNET_PREFIX_MAX}`,
  });
  if (!privateOk || !publicOk) return;
  const needed = zoneCount * (blockSize(privatePrefix) + blockSize(publicPrefix));
  problems.check(planSubnets(vpc, zoneCount, privatePrefix, publicPrefix) !== undefined, {
    property: "cidrBlock",
    value: args.cidrBlock,
    rule: `room for ${zoneCount} zones × (one /${privatePrefix} private + one /${publicPrefix} public subnet) = ${needed} addresses, but a /${vpc.prefix} has ${blockSize(vpc.prefix)}`,
    fix: "use a larger VPC CIDR, fewer zones, or smaller subnets (a higher privateSubnetPrefixLength/publicSubnetPrefixLength)",
  });
}
