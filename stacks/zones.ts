/**
 * Which zones each region uses, chosen from the account's own zone list. Zone names map to different physical
 * zones in each account of the older regions, and some AZ IDs lack EKS capacity, so letters cannot be hard-coded:
 * the stack asks `aws.getAvailabilityZones` (available, no opt-in: no Local or Wavelength Zones; minus the AZ IDs
 * EKS refuses and the operator's exclusions), then takes the operator's AZ IDs or the first zones by name.
 * Every region is looked up before any resource but the providers registers, and too few zones is one config error.
 */
import * as aws from "@pulumi/aws";
import { EKS_UNSUPPORTED_ZONE_IDS } from "../components/cluster/zones";
import { Problem, ValidationError } from "../components/shared/validation";
import { CONFIG_NAMESPACE, PlatformConfig, zoneFloor } from "./config";

/** The zones a region uses, in the order the stack builds them. */
export interface RegionZones {
  readonly names: readonly string[];
  readonly ids: readonly string[];
}

/** What `getAvailabilityZones` answered for a region (names and AZ IDs, index-aligned). */
export interface OfferedZones {
  readonly names: readonly string[];
  readonly zoneIds: readonly string[];
}

const key = (k: string) => `${CONFIG_NAMESPACE}:${k}`;

/** AZ IDs the lookup leaves out in `region`: EKS's unsupported ones and the operator's, for this region's prefix. */
export function excludedZoneIds(config: Pick<PlatformConfig, "excludedAvailabilityZoneIds">): string[] {
  return [...new Set([...EKS_UNSUPPORTED_ZONE_IDS, ...config.excludedAvailabilityZoneIds])].sort();
}

function describe(offered: OfferedZones): string {
  return offered.names.map((n, i) => `${n}=${offered.zoneIds[i]}`).join(", ") || "none";
}

/**
 * The zones of one region from what the account offers; problems name the config key, the value and the fix. Pure,
 * so tests drive it with any answer.
 */
export function chooseZones(
  config: Pick<PlatformConfig, "environment" | "availabilityZones" | "availabilityZoneIds" | "excludedAvailabilityZoneIds" | "subnetCidrs">,
  region: string,
  offered: OfferedZones,
): { zones?: RegionZones; problems: Problem[] } {
  const problems: Problem[] = [];
  const floor = zoneFloor(config.environment);
  const excluded = excludedZoneIds(config).filter((id) => !offered.zoneIds.includes(id));
  const explicit = config.availabilityZoneIds[region];
  let zones: RegionZones | undefined;
  if (explicit) {
    explicit.forEach((id, i) => {
      if (offered.zoneIds.includes(id)) return;
      problems.push({
        property: `${key("availabilityZoneIds")}.${region}[${i}]`, value: id,
        rule: `an AZ ID ${region} offers this account, available, needing no opt-in and not excluded (offered: ${describe(offered)}; excluded: ${excluded.join(", ")})`,
        fix: `pick one of the offered AZ IDs, or remove ${id} from ${key("excludedAvailabilityZoneIds")}`,
      });
    });
    if (problems.length === 0) zones = { ids: [...explicit], names: explicit.map((id) => offered.names[offered.zoneIds.indexOf(id)]) };
  } else if (offered.names.length < Math.max(config.availabilityZones, floor)) {
    const usable = offered.names.length;
    problems.push({
      property: key("availabilityZones"), value: config.availabilityZones,
      rule: `no more than the ${usable} zone(s) ${region} offers this account once the AZ IDs EKS refuses and yours are excluded (offered: ${describe(offered)}), and at least ${floor} in ${config.environment}`,
      fix: usable >= floor
        ? `pulumi config set ${key("availabilityZones")} ${usable}`
        : `choose another region than ${region}, or drop AZ IDs from ${key("excludedAvailabilityZoneIds")} (${config.excludedAvailabilityZoneIds.join(", ") || "none set"})`,
    });
  } else {
    zones = { names: offered.names.slice(0, config.availabilityZones), ids: offered.zoneIds.slice(0, config.availabilityZones) };
  }
  if (zones) {
    for (const zone of Object.keys(config.subnetCidrs).filter((z) => z.startsWith(region) && /^[a-z]$/.test(z.slice(region.length)))) {
      if (zones.names.includes(zone)) continue;
      problems.push({
        property: `${key("subnetCidrs")}["${zone}"]`, value: config.subnetCidrs[zone],
        rule: `CIDRs only for zones the stack uses in ${region} (${zones.names.join(", ")})`,
        fix: `remove the entry for ${zone}, or choose that zone with ${key("availabilityZoneIds")}`,
      });
    }
  }
  return problems.length === 0 ? { zones, problems } : { problems };
}

/**
 * Looks up every region's zones through its provider and chooses them; throws one `ValidationError` (plan exit 2)
 * listing every region's problems.
 */
export async function lookUpZones(config: PlatformConfig, providers: Readonly<Record<string, aws.Provider>>): Promise<Record<string, RegionZones>> {
  const answers = await Promise.all(
    config.regions.map((region) =>
      aws.getAvailabilityZones(
        { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }], excludeZoneIds: excludedZoneIds(config) },
        { provider: providers[region] },
      ),
    ),
  );
  const problems: Problem[] = [];
  const out: Record<string, RegionZones> = {};
  config.regions.forEach((region, i) => {
    const choice = chooseZones(config, region, { names: answers[i].names ?? [], zoneIds: answers[i].zoneIds ?? [] });
    problems.push(...choice.problems);
    if (choice.zones) out[region] = choice.zones;
  });
  if (problems.length > 0) throw new ValidationError("stack config", problems);
  return out;
}
