/**
 * Up-front validation of `NetworkArgs` and the subnet plan derived from them.
 */
import { isLogRetentionDays } from "../shared/logs";
import { AWS_REGIONS, isKnownRegion } from "../shared/regions";
import { environmentProfile } from "../shared/environment";
import { argsObjectProblems, checkOneOf, Problem, Problems } from "../shared/validation";
import { Cidr, cidrsOverlap, formatCidr, isNetworkAddress, isPrivateRange, networkOf, parseCidr } from "./cidr";
import { checkExplicitSubnets, checkSubnetOverlap, planSubnets, slotPrefixes, SLOTTED_VPC_PREFIX_MAX, ZONE_SLOTS, zoneSlot } from "./subnets";
import { Environments, LOG_RETENTION_DAYS, NatGateways } from "./types";
import type { NetworkArgs } from "./Network";

/** Smallest and largest VPC this component builds: EKS pods take one VPC address each, so tiny VPCs run dry. */
export const VPC_PREFIX_MIN = 16;
export const VPC_PREFIX_MAX = 24;
/** Private subnets hold nodes and pods: at least a /24 (251 usable addresses) each. */
export const PRIVATE_PREFIX_MAX = 24;
/** AWS does not allow subnets smaller than /28. */
export const SUBNET_PREFIX_MAX = 28;
/** EKS needs subnets in at least two zones; the environment profile raises the floor (three in staging and prod). */
export const MIN_ZONES = 2;

/** Every problem with the arguments; empty when they are valid. */
export function networkProblems(args: NetworkArgs): Problem[] {
  const shape = argsObjectProblems(args, "Network");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  checkOneOf(problems, "environment", args.environment, Environments);
  const regionOk = problems.check(isKnownRegion(args.region), {
    property: "region",
    value: args.region,
    rule: `a known AWS region (${Object.keys(AWS_REGIONS).join(", ")})`,
    fix: "set region to one of the known regions, or add the region to components/shared/regions.ts",
  });
  const zonesOk = checkZones(problems, args, regionOk);
  checkNatGatewaysAndRetention(problems, args);

  const vpc = checkVpcCidr(problems, args.cidrBlock);
  if (vpc && zonesOk && args.availabilityZones.length > 0) checkSubnetPlan(problems, args, vpc);
  if (args.transitGateway) checkTransitGateway(problems, args.transitGateway, vpc);
  else if (args.transitGateway != null) {
    // 0, "" or false: not a gateway, and not "unset" either.
    problems.add({
      property: "transitGateway", value: args.transitGateway, rule: "an object { id, routedCidrs }", fix: "pass the transit gateway's id and routedCidrs, or leave transitGateway out",
    });
  }
  return [...problems.list];
}

/**
 * The zone list: names (an array of strings), the environment's minimum count, each zone once and, when the region
 * is known, each a zone of that region. Returns whether the list is an array of names (the subnet plan needs one).
 */
function checkZones(problems: Problems, args: NetworkArgs, regionOk: boolean): boolean {
  const zones = args.availabilityZones;
  const zonesOk = problems.check(Array.isArray(zones) && zones.every((z) => typeof z === "string"), {
    property: "availabilityZones",
    value: zones,
    rule: "an array of zone names such as [\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]",
    fix: "pass the zone names getAvailabilityZones returns for the region, e.g. [\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]",
  });
  if (zonesOk) {
    // The environment profile's floor (the same one config and HaCluster apply); EKS itself requires two.
    const minimum = Math.max(MIN_ZONES, environmentProfile(args.environment).minZones);
    problems.check(zones.length >= minimum, {
      property: "availabilityZones",
      value: zones,
      rule: minimum > MIN_ZONES ? `at least ${minimum} zones in ${args.environment}` : `at least ${MIN_ZONES} zones (EKS requires two)`,
      fix: `list ${minimum} or more zones of ${args.region}`,
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
      // Zone names come from the account (getAvailabilityZones): the shape is checked here, their existence there.
      if (regionOk) {
        problems.check(/^[a-z]$/.test(zone.slice(args.region.length)) && zone.startsWith(args.region), {
          property: `availabilityZones[${i}]`,
          value: zone,
          rule: `a zone name of ${args.region}: the region followed by one letter (${args.region}a, ${args.region}b, …)`,
          fix: `use a zone of ${args.region} as getAvailabilityZones names it, or change region to the zone's region`,
        });
      }
    });
  }
  return zonesOk;
}

/** NAT gateway mode (allowed by the environment) and the flow log retention. */
function checkNatGatewaysAndRetention(problems: Problems, args: NetworkArgs): void {
  const natGateways = args.natGateways ?? NatGateways.OnePerZone;
  if (checkOneOf(problems, "natGateways", natGateways, Object.values(NatGateways))) {
    problems.check((environmentProfile(args.environment).natGateways.allowed as readonly string[]).includes(natGateways), {
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
}

function checkTransitGateway(problems: Problems, tgw: NonNullable<NetworkArgs["transitGateway"]>, vpc: Cidr | undefined): void {
  problems.check(typeof tgw.id === "string" && /^tgw-[0-9a-f]{8,17}$/.test(tgw.id), {
    property: "transitGateway.id", value: tgw.id, rule: "a transit gateway id (tgw-…)", fix: "copy the id of the transit gateway your VPN or CI network is attached to",
  });
  problems.check(Array.isArray(tgw.routedCidrs) && tgw.routedCidrs.length > 0, {
    property: "transitGateway.routedCidrs", value: tgw.routedCidrs, rule: "a non-empty list of CIDRs reached through the gateway", fix: "list the deployer ranges, e.g. [\"203.0.113.0/24\"]",
  });
  // A routedCidrs that is not a list is reported just above; its entries are only read when it is one.
  (Array.isArray(tgw.routedCidrs) ? tgw.routedCidrs : []).forEach((c, i) => {
    const range = parseCidr(c);
    if (!problems.check(range !== undefined && range.prefix > 0, {
      property: `transitGateway.routedCidrs[${i}]`, value: c, rule: "an IPv4 CIDR narrower than /0", fix: "name the remote ranges only; the default route stays with the NAT gateways",
    })) return;
    problems.check(!vpc || !cidrsOverlap(vpc, range!), {
      property: `transitGateway.routedCidrs[${i}]`, value: c, rule: "a range outside the VPC", fix: "route only remote ranges through the transit gateway",
    });
  });
}

/**
 * The VPC range rules (parsed strictly, /16 to /24, no host bits, RFC 1918), as problems on `property`. The stack
 * config calls this too, so a range config accepts is one the network builds (one CIDR parser: cidr.ts).
 */
export function checkVpcCidr(problems: Problems, cidrBlock: unknown, property = "cidrBlock", prefixMax = VPC_PREFIX_MAX): Cidr | undefined {
  const cidr = parseCidr(cidrBlock);
  if (
    !problems.check(cidr !== undefined, {
      property,
      value: cidrBlock,
      rule: "an IPv4 CIDR block written a.b.c.d/n, such as 10.0.0.0/16",
      fix: `set ${property} to a private range like 10.0.0.0/16`,
    })
  ) {
    return undefined;
  }
  const vpc = cidr as Cidr;
  const prefixOk = problems.check(vpc.prefix >= VPC_PREFIX_MIN && vpc.prefix <= prefixMax, {
    property,
    value: cidrBlock,
    rule: `a prefix length from /${VPC_PREFIX_MIN} to /${prefixMax}`,
    fix: vpc.prefix < VPC_PREFIX_MIN ? `use a /${VPC_PREFIX_MIN} (AWS's largest VPC)` : `use a larger block such as a /16 or /20`,
  });
  const aligned = problems.check(isNetworkAddress(vpc), {
    property,
    value: cidrBlock,
    rule: "a network address with no host bits set",
    fix: `use ${formatCidr(networkOf(vpc))}`,
  });
  const privateOk = problems.check(isPrivateRange(vpc), {
    property,
    value: cidrBlock,
    rule: "a block inside an RFC 1918 private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
    fix: "pick a range inside 10.0.0.0/8, e.g. 10.0.0.0/16",
  });
  return prefixOk && aligned && privateOk ? vpc : undefined;
}

/**
 * The slot layout (see subnets.ts) or the explicit CIDRs: every zone has a slot or its own CIDRs, the prefix
 * overrides fit a slot, and no two subnets overlap.
 */
function checkSubnetPlan(problems: Problems, args: NetworkArgs, vpc: Cidr): void {
  const zones = args.availabilityZones;
  const explicit = args.subnetCidrs ?? {};
  checkExplicitSubnets(problems, explicit, zones, vpc, { privatePrefixMax: PRIVATE_PREFIX_MAX, subnetPrefixMax: SUBNET_PREFIX_MAX });
  const slotted = zones.filter((z) => explicit[z] === undefined);
  if (slotted.length === 0) return;
  const slots = slotPrefixes(vpc.prefix);
  if (!problems.check(vpc.prefix <= SLOTTED_VPC_PREFIX_MAX, {
    property: "cidrBlock", value: args.cidrBlock,
    rule: `a /${SLOTTED_VPC_PREFIX_MAX} or larger to hold ${ZONE_SLOTS} zone slots of private and public subnets (zones without subnetCidrs: ${slotted.join(", ")})`,
    fix: `use a larger VPC, e.g. a /${SLOTTED_VPC_PREFIX_MAX}, or give every zone its CIDRs in subnetCidrs`,
  })) return;
  slotted.forEach((zone) => problems.check(zoneSlot(args.region, zone) !== undefined, {
    property: `availabilityZones[${zones.indexOf(zone)}]`, value: zone, rule: `a zone letter from a to ${String.fromCharCode(96 + ZONE_SLOTS)} (one subnet slot each)`,
    fix: `give ${zone} its CIDRs in subnetCidrs`,
  }));
  const privatePrefix = args.privateSubnetPrefixLength ?? slots.privatePrefix;
  const publicPrefix = args.publicSubnetPrefixLength ?? slots.publicPrefix;
  const privateOk = problems.check(Number.isInteger(privatePrefix) && privatePrefix >= slots.privatePrefix && privatePrefix <= PRIVATE_PREFIX_MAX, {
    property: "privateSubnetPrefixLength", value: privatePrefix,
    rule: `a prefix length from /${slots.privatePrefix} (a whole zone slot of a /${vpc.prefix}) to /${PRIVATE_PREFIX_MAX} (private subnets hold every node and pod)`,
    fix: `set privateSubnetPrefixLength between ${slots.privatePrefix} and ${PRIVATE_PREFIX_MAX}, or leave it unset`,
  });
  const publicOk = problems.check(Number.isInteger(publicPrefix) && publicPrefix >= slots.publicPrefix && publicPrefix <= SUBNET_PREFIX_MAX, {
    property: "publicSubnetPrefixLength", value: publicPrefix,
    rule: `a prefix length from /${slots.publicPrefix} (a whole zone slot of a /${vpc.prefix}) to /${SUBNET_PREFIX_MAX}`,
    fix: `set publicSubnetPrefixLength between ${slots.publicPrefix} and ${SUBNET_PREFIX_MAX}, or leave it unset`,
  });
  if (!privateOk || !publicOk || problems.list.length > 0) return;
  const plan = planSubnets({ region: args.region, vpc, zones, privatePrefix, publicPrefix, explicit });
  if (plan) checkSubnetOverlap(problems, zones, plan);
}
