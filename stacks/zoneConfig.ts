/**
 * Zone keys of the stack config: which Availability Zones a region uses (by AZ ID, the physical zone) and explicit
 * subnet CIDRs per zone. What can be checked without the account is checked here, with the other keys (plan exit
 * 2 before anything registers); what needs the account's zone list is checked in zones.ts after the lookup.
 */
import { AZ_ID_PATTERN, EKS_UNSUPPORTED_ZONE_IDS } from "../components/cluster/zones";
import { Cidr } from "../components/network/cidr";
import { checkExplicitSubnets, ZoneSubnetCidrs } from "../components/network/subnets";
import { PRIVATE_PREFIX_MAX, SUBNET_PREFIX_MAX } from "../components/network/validation";
import { Problems } from "../components/shared/validation";

export interface ZoneConfig {
  /**
   * AZ IDs per region, in the order to use them (key `availabilityZoneIds`), for operators who place zones
   * explicitly (e.g. the same physical zones as another account). @default the first `availabilityZones` zones by
   * name that are available, need no opt-in, and are not excluded
   */
  readonly availabilityZoneIds: Readonly<Record<string, readonly string[]>>;
  /**
   * AZ IDs never to use (key `excludedAvailabilityZoneIds`), on top of the ones EKS refuses (EKS_UNSUPPORTED_ZONE_IDS),
   * e.g. a zone short of the instance types you run. @default none
   */
  readonly excludedAvailabilityZoneIds: readonly string[];
  /**
   * Subnet CIDRs per zone name (key `subnetCidrs`, e.g. `us-east-1a: {private: 10.10.0.0/19, public: 10.10.96.0/21}`)
   * for zones that must keep the ranges they were deployed with. @default each zone's fixed slot (see subnets.ts)
   */
  readonly subnetCidrs: Readonly<Record<string, ZoneSubnetCidrs>>;
}

const record = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

function checkZoneId(problems: Problems, property: string, id: unknown, region?: string): boolean {
  if (!problems.check(typeof id === "string" && AZ_ID_PATTERN.test(id), {
    property, value: id, rule: "an AZ ID such as use1-az1 (aws ec2 describe-availability-zones shows ZoneId beside ZoneName)",
    fix: "write the zone's AZ ID, not its name: names like us-east-1a map to different zones in each account",
  })) return false;
  return problems.check(!EKS_UNSUPPORTED_ZONE_IDS.includes(id as string), {
    property, value: id, rule: `a zone EKS supports (it refuses ${EKS_UNSUPPORTED_ZONE_IDS.join(", ")} with UnsupportedAvailabilityZoneException)`,
    fix: `choose another AZ ID of ${region ?? "the region"}`,
  });
}

export interface ZoneConfigContext {
  readonly regions: readonly string[];
  /** The environment's zone floor. */
  readonly minimumZones: number;
  readonly environment: string;
  /** Each region's VPC range, where it parsed. */
  readonly vpcs: Readonly<Record<string, Cidr | undefined>>;
}

function parseZoneIds(problems: Problems, key: (k: string) => string, raw: unknown, ctx: ZoneConfigContext): Record<string, string[]> {
  const byRegion = raw === undefined ? {} : record(raw);
  if (!problems.check(byRegion !== undefined, {
    property: key("availabilityZoneIds"), value: raw, rule: "a map of region → list of AZ IDs", fix: `pulumi config set --path '${key("availabilityZoneIds")}["us-east-1"][0]' use1-az1`,
  })) return {};
  const out: Record<string, string[]> = {};
  for (const [region, ids] of Object.entries(byRegion!)) {
    const property = `${key("availabilityZoneIds")}.${region}`;
    if (!problems.check(ctx.regions.includes(region), { property, value: ids, rule: "zones only for regions listed in regions", fix: `remove ${region} or add it to regions` })) continue;
    if (!problems.check(Array.isArray(ids) && ids.length >= ctx.minimumZones, {
      property, value: ids, rule: `a list of at least ${ctx.minimumZones} AZ IDs in ${ctx.environment}`, fix: `list ${ctx.minimumZones} or more AZ IDs of ${region}, or remove the entry to choose them by name order`,
    })) continue;
    const list = ids as unknown[];
    list.forEach((id, i) => {
      if (!checkZoneId(problems, `${property}[${i}]`, id, region)) return;
      problems.check(list.indexOf(id) === i, { property: `${property}[${i}]`, value: id, rule: "each AZ ID once", fix: `remove the duplicate ${id as string}` });
    });
    out[region] = list.filter((id): id is string => typeof id === "string");
  }
  return out;
}

function parseSubnetCidrs(problems: Problems, key: (k: string) => string, raw: unknown, ctx: ZoneConfigContext): Record<string, ZoneSubnetCidrs> {
  const byZone = raw === undefined ? {} : record(raw);
  if (!problems.check(byZone !== undefined, {
    property: key("subnetCidrs"), value: raw, rule: "a map of zone name → { private, public }", fix: `pulumi config set --path '${key("subnetCidrs")}["us-east-1a"].private' 10.10.0.0/19 (and .public)`,
  })) return {};
  for (const [zone, cidrs] of Object.entries(byZone!)) {
    const region = ctx.regions.find((r) => zone.startsWith(r) && /^[a-z]$/.test(zone.slice(r.length)));
    if (!problems.check(region !== undefined && record(cidrs) !== undefined, {
      property: `${key("subnetCidrs")}["${zone}"]`, value: cidrs, rule: "a zone name of a configured region (region + letter) with { private, public } CIDRs",
      fix: "key the entry by the zone name the subnets are in, e.g. us-east-1a",
    })) continue;
    // The network's own rules (one CIDR parser, the same limits), with the config key as the property.
    checkExplicitSubnets(problems, { [zone]: cidrs as ZoneSubnetCidrs }, [zone], ctx.vpcs[region!], { privatePrefixMax: PRIVATE_PREFIX_MAX, subnetPrefixMax: SUBNET_PREFIX_MAX }, key("subnetCidrs"));
  }
  return byZone as Record<string, ZoneSubnetCidrs>;
}

/** Parses the zone keys into `problems`; the result is only meaningful when no problem was added. */
export function parseZoneConfig(problems: Problems, key: (k: string) => string, raw: Readonly<Record<string, unknown>>, ctx: ZoneConfigContext): ZoneConfig {
  const excluded = raw.excludedAvailabilityZoneIds ?? [];
  const excludedOk = problems.check(Array.isArray(excluded), {
    property: key("excludedAvailabilityZoneIds"), value: excluded, rule: "a list of AZ IDs", fix: `pulumi config set --path '${key("excludedAvailabilityZoneIds")}[0]' use1-az5`,
  });
  const excludedIds = excludedOk ? (excluded as unknown[]) : [];
  excludedIds.forEach((id, i) => problems.check(typeof id === "string" && AZ_ID_PATTERN.test(id), {
    property: `${key("excludedAvailabilityZoneIds")}[${i}]`, value: id, rule: "an AZ ID such as use1-az5", fix: "write the zone's AZ ID, not its name",
  }));
  return {
    availabilityZoneIds: parseZoneIds(problems, key, raw.availabilityZoneIds, ctx),
    excludedAvailabilityZoneIds: excludedIds.filter((id): id is string => typeof id === "string"),
    subnetCidrs: parseSubnetCidrs(problems, key, raw.subnetCidrs, ctx),
  };
}
