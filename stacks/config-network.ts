/**
 * The stack config's regional keys: regions, zones, recovery objectives, VPC ranges, NAT, the EKS API access path and
 * the node group. Floors and defaults come from the environment profile; what the Network and DataTier components
 * would refuse is asked of them (config-components.ts), so each rule lives once.
 */
import { isNetworkAddress, parseCidr } from "../components/network/cidr";
import { Environment, environmentProfile } from "../components/shared/environment";
import { AWS_REGIONS, isKnownRegion } from "../components/shared/regions";
import { checkInteger, Problems } from "../components/shared/validation";
import { addOncePerKey, dataTierConfigProblems, networkConfigProblems, vpcOverlapProblems } from "./config-components";
import { asArray, asRecord, configKey as key } from "./config-values";

const TRANSIT_GATEWAY_ID = /^tgw-[0-9a-f]{8,17}$/;

/** True for an IPv4 CIDR written strictly (no leading zeros) and aligned to its prefix: the network area's parser. */
export function isAlignedCidr(value: unknown): value is string {
  const cidr = parseCidr(value);
  return cidr !== undefined && isNetworkAddress(cidr);
}

/**
 * The `regions` key: known regions, each once, primary first, at least `minimum` of them. Returns the known ones.
 * Shared by environment and account stacks.
 */
export function checkRegions(problems: Problems, value: unknown, minimum: number, scope: string): string[] {
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
 * `availabilityZones`: the profile's floor. How many zones a region offers this account is known only after
 * getAvailabilityZones (stacks/zones.ts), so no static count is checked here. True when usable.
 */
export function checkZones(problems: Problems, env: Environment, zones: unknown): zones is number {
  const floor = environmentProfile(env).minZones;
  if (!checkInteger(problems, key("availabilityZones"), zones, 1, 6)) return false;
  return problems.check((zones as number) >= floor, {
    property: key("availabilityZones"), value: zones, rule: `at least ${floor} zones per region in ${env}`,
    fix: `pulumi config set ${key("availabilityZones")} ${floor}`,
  });
}

/** `recoveryObjectives`: integers within the profile's loosest objectives. Undefined when unusable. */
export function checkRecoveryObjectives(problems: Problems, env: Environment, raw: unknown): { rpoSeconds: number; rtoSeconds: number } | undefined {
  const profile = environmentProfile(env);
  const ro = asRecord(raw);
  if (!problems.check(ro !== undefined, {
    property: key("recoveryObjectives"), value: raw, rule: "an object { rpoSeconds, rtoSeconds }",
    fix: `pulumi config set --path '${key("recoveryObjectives.rpoSeconds")}' 60 (and rtoSeconds)`,
  })) return undefined;
  const bound = (field: "rpoSeconds" | "rtoSeconds", max: number): boolean => {
    if (!checkInteger(problems, key(`recoveryObjectives.${field}`), ro![field], 1, 86400 * 7)) return false;
    return problems.check((ro![field] as number) <= max, {
      property: key(`recoveryObjectives.${field}`), value: ro![field], rule: `≤ ${max} s in ${env}`, fix: `lower ${field} to ${max} or less`,
    });
  };
  const rpoOk = bound("rpoSeconds", profile.maxRpoSeconds);
  const rtoOk = bound("rtoSeconds", profile.maxRtoSeconds);
  return rpoOk && rtoOk ? { rpoSeconds: ro!.rpoSeconds as number, rtoSeconds: ro!.rtoSeconds as number } : undefined;
}

/** `vpcCidrs`: one per listed region (format, size, alignment judged by the Network component), no overlap. */
export function checkVpcCidrs(problems: Problems, raw: unknown, regions: readonly string[]): Record<string, string> {
  const cidrs = asRecord(raw) ?? {};
  for (const extra of Object.keys(cidrs).filter((r) => !regions.includes(r))) {
    problems.add({ property: `${key("vpcCidrs")}.${extra}`, value: cidrs[extra], rule: "a CIDR only for regions listed in regions", fix: `remove ${extra} or add it to regions` });
  }
  const listed = Object.fromEntries(regions.filter((r) => typeof cidrs[r] === "string" && isAlignedCidr(cidrs[r])).map((r) => [r, cidrs[r] as string]));
  addOncePerKey(problems, vpcOverlapProblems(listed));
  return cidrs as Record<string, string>;
}

/** `clusterPublicAccessCidrs`: CIDRs, never the whole internet where the profile is strict. */
export function checkPublicCidrs(problems: Problems, env: Environment, raw: unknown): string[] {
  const cidrs = asArray(raw ?? []) ?? [];
  cidrs.forEach((c, i) => {
    const prop = `${key("clusterPublicAccessCidrs")}[${i}]`;
    if (!problems.check(isAlignedCidr(c), { property: prop, value: c, rule: "an IPv4 CIDR aligned to its prefix", fix: "use your office or VPN egress range, e.g. 203.0.113.0/24" })) return;
    problems.check(!(c === "0.0.0.0/0" && environmentProfile(env).strict), { property: prop, value: c, rule: `not the whole internet in ${env}`, fix: "remove 0.0.0.0/0 and use a VPN or bastion range" });
  });
  return cidrs as string[];
}

export interface ClusterApiAccess {
  readonly cidrs: readonly string[];
  readonly transitGatewayIds: Readonly<Record<string, string>>;
}

/**
 * The access path to the EKS API. Mirrors what EKS requires of a private endpoint ("Cluster endpoint access": the
 * cluster security group must admit 443 from the network you connect from, and that network must route to the
 * VPC): without a public allow-list or such a path, the first Kubernetes resource of `pulumi up` times out.
 */
export function checkClusterApiAccess(problems: Problems, raw: unknown, regions: readonly string[], publicCidrs: readonly unknown[]): ClusterApiAccess {
  const k = key("clusterApiAccess");
  const access = raw === undefined ? {} : asRecord(raw);
  if (!problems.check(access !== undefined, {
    property: k, value: raw, rule: "an object { cidrs, transitGatewayIds }",
    fix: `pulumi config set --path '${k}.cidrs[0]' 203.0.113.0/24 and '${k}.transitGatewayIds["<region>"]' tgw-…`,
  })) return { cidrs: [], transitGatewayIds: {} };
  const cidrs = asArray(access!.cidrs ?? []) ?? [];
  problems.check(Array.isArray(access!.cidrs ?? []), { property: `${k}.cidrs`, value: access!.cidrs, rule: "a list of IPv4 CIDRs", fix: "list the deployer ranges, e.g. [203.0.113.0/24]" });
  cidrs.forEach((c, i) => {
    const prop = `${k}.cidrs[${i}]`;
    if (!problems.check(isAlignedCidr(c), { property: prop, value: c, rule: "an IPv4 CIDR aligned to its prefix", fix: "use your VPN or CI egress range, e.g. 203.0.113.0/24" })) return;
    problems.check(!(c as string).endsWith("/0"), { property: prop, value: c, rule: "not the whole internet", fix: "name the deployer ranges only" });
  });
  const tgws = asRecord(access!.transitGatewayIds ?? {}) ?? {};
  if (cidrs.length > 0) {
    for (const region of regions) {
      problems.check(typeof tgws[region] === "string" && TRANSIT_GATEWAY_ID.test(tgws[region] as string), {
        property: `${k}.transitGatewayIds.${region}`, value: tgws[region],
        rule: "a transit gateway id (tgw-…) in every region: without a route the API's replies to the deployer ranges leave by the NAT gateway and never arrive",
        fix: `pulumi config set --path '${k}.transitGatewayIds["${region}"]' tgw-0123456789abcdef0 (the gateway your VPN or CI network is attached to)`,
      });
    }
  }
  for (const extra of Object.keys(tgws).filter((r) => !regions.includes(r))) {
    problems.add({ property: `${k}.transitGatewayIds.${extra}`, value: tgws[extra], rule: "a transit gateway only for regions listed in regions", fix: `remove ${extra} or add it to regions` });
  }
  problems.check(publicCidrs.length > 0 || cidrs.length > 0, {
    property: k, value: raw,
    rule: "an access path from where pulumi up runs to the EKS API (the endpoint is private and the VPCs are new: nothing else reaches it)",
    fix: `pulumi config set --path '${k}.cidrs[0]' <deployer CIDR> with '${k}.transitGatewayIds["<region>"]' tgw-… for every region, or (not in prod, whose packs refuse a public endpoint) set clusterPublicAccessCidrs`,
  });
  return { cidrs: cidrs.filter((c): c is string => typeof c === "string"), transitGatewayIds: tgws as Record<string, string> };
}

export interface NodeGroup {
  readonly instanceTypes: readonly string[];
  readonly minPerZone: number;
  readonly desiredPerZone: number;
  readonly maxPerZone: number;
}

/** `nodeGroup`: sizes per zone, defaults and the floor from the environment profile. */
export function parseNodeGroup(problems: Problems, env: Environment, raw: unknown): NodeGroup {
  const defaults = environmentProfile(env).nodeGroup;
  const ng = asRecord(raw) ?? {};
  const nodeGroup: NodeGroup = {
    instanceTypes: (asArray(ng.instanceTypes) as string[] | undefined) ?? ["m6i.large", "m5.large"],
    minPerZone: (ng.minPerZone as number) ?? defaults.minPerZone,
    desiredPerZone: (ng.desiredPerZone as number) ?? defaults.desiredPerZone,
    maxPerZone: (ng.maxPerZone as number) ?? defaults.maxPerZone,
  };
  checkInteger(problems, `${key("nodeGroup")}.minPerZone`, nodeGroup.minPerZone, defaults.minPerZoneFloor, 100);
  checkInteger(problems, `${key("nodeGroup")}.maxPerZone`, nodeGroup.maxPerZone, 1, 100);
  if (checkInteger(problems, `${key("nodeGroup")}.desiredPerZone`, nodeGroup.desiredPerZone, 0, 100)) {
    problems.check(nodeGroup.minPerZone <= nodeGroup.desiredPerZone && nodeGroup.desiredPerZone <= nodeGroup.maxPerZone, {
      property: `${key("nodeGroup")}.desiredPerZone`, value: nodeGroup, rule: "minPerZone ≤ desiredPerZone ≤ maxPerZone",
      fix: "raise maxPerZone or lower minPerZone so desiredPerZone sits between them",
    });
  }
  return nodeGroup;
}

/** What the Network and DataTier components would refuse of the regional keys, asked of them. */
export function checkRegionalComponents(problems: Problems, c: {
  env: Environment; regions: readonly string[]; zones: number; cidrs: Readonly<Record<string, unknown>>; natGateways: string;
  access: ClusterApiAccess; objectives?: { rpoSeconds: number; rtoSeconds: number }; rotationDays: unknown;
}): void {
  for (const region of c.regions) {
    addOncePerKey(problems, networkConfigProblems({
      environment: c.env, region, zones: c.zones, cidr: c.cidrs[region], natGateways: c.natGateways,
      transitGatewayId: c.access.transitGatewayIds[region], routedCidrs: c.access.cidrs,
    }));
  }
  if (c.objectives && typeof c.rotationDays === "number") {
    addOncePerKey(problems, dataTierConfigProblems({ environment: c.env, regions: c.regions, zones: c.zones, recoveryObjectives: c.objectives, rotationDays: c.rotationDays }));
  }
}
