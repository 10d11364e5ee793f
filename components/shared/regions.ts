/**
 * AWS regions the platform knows, with their zone letters and a short code for resource names.
 *
 * The region list is every region of the commercial `aws` partition in @pulumi/aws's `Region` enum (the provider's
 * own list, so a provider upgrade brings new regions); China, GovCloud, the ISO partitions and the European
 * Sovereign Cloud are other partitions (other ARNs, endpoints and accounts) and are left out.
 *
 * Zone names are plain data rather than a `getAvailabilityZones` call so that zone counts can be validated before
 * anything is registered, and so that a plan is the same on every machine. Regions opened since 2018 all have zones
 * a, b and c; the older regions whose zone letters differ (a retired or account-dependent zone) are listed.
 */
import * as aws from "@pulumi/aws";

export interface RegionInfo {
  /** Short code used in resource names, e.g. `use1`. Keeps names under AWS length limits. */
  readonly code: string;
  /** Zone suffixes that exist in every account's view of the region. */
  readonly zoneLetters: readonly string[];
}

/** Regions whose zones are not exactly a, b, c. */
const ZONE_LETTERS: Readonly<Record<string, readonly string[]>> = {
  "us-east-1": ["a", "b", "c", "d", "e", "f"],
  "us-west-1": ["b", "c"],
  "us-west-2": ["a", "b", "c", "d"],
  "ca-central-1": ["a", "b", "d"],
  "ap-northeast-1": ["a", "c", "d"],
  "ap-northeast-2": ["a", "b", "c", "d"],
};

const DIRECTION_CODES: Readonly<Record<string, string>> = {
  east: "e", west: "w", north: "n", south: "s", central: "c", northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw",
};

/** True for a region of the commercial partition (not cn-*, us-gov-*, *-iso*-*, eusc-*). */
export function isCommercialRegion(region: string): boolean {
  return !/^(cn|us-gov|eusc)-|-iso[a-z]*-/.test(region);
}

/** `us-east-1` → `use1`, `ap-southeast-2` → `apse2`: geography, direction initials, number. */
function codeOf(region: string): string {
  const [geo, direction, number] = region.split("-");
  return `${geo}${DIRECTION_CODES[direction] ?? direction}${number}`;
}

export const AWS_REGIONS: Readonly<Record<string, RegionInfo>> = Object.freeze(
  Object.fromEntries(
    Object.values(aws.types.enums.Region)
      .filter(isCommercialRegion)
      .sort()
      .map((region) => [region, { code: codeOf(region), zoneLetters: ZONE_LETTERS[region] ?? ["a", "b", "c"] }]),
  ),
);

export function isKnownRegion(region: unknown): region is string {
  return typeof region === "string" && Object.prototype.hasOwnProperty.call(AWS_REGIONS, region);
}

/** The first `count` zone names of a region, e.g. `["us-east-1a", "us-east-1b", "us-east-1c"]`. */
export function zonesOf(region: string, count: number): string[] {
  const info = AWS_REGIONS[region];
  if (!info) throw new Error(`unknown AWS region ${JSON.stringify(region)}; known: ${Object.keys(AWS_REGIONS).join(", ")}`);
  return info.zoneLetters.slice(0, count).map((letter) => `${region}${letter}`);
}

export function regionCode(region: string): string {
  return AWS_REGIONS[region]?.code ?? region.replace(/[^a-z0-9]/g, "");
}
