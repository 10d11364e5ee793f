/**
 * AWS regions the platform knows, with their zone letters and a short code for resource names.
 *
 * Zone names are plain data rather than a `getAvailabilityZones` call so that zone counts can be validated before
 * anything is registered, and so that a plan is the same on every machine.
 */
export interface RegionInfo {
  /** Short code used in resource names, e.g. `use1`. Keeps names under AWS length limits. */
  readonly code: string;
  /** Zone suffixes that exist in every account's view of the region. */
  readonly zoneLetters: readonly string[];
}

export const AWS_REGIONS: Readonly<Record<string, RegionInfo>> = {
  "us-east-1": { code: "use1", zoneLetters: ["a", "b", "c", "d", "e", "f"] },
  "us-east-2": { code: "use2", zoneLetters: ["a", "b", "c"] },
  "us-west-1": { code: "usw1", zoneLetters: ["b", "c"] },
  "us-west-2": { code: "usw2", zoneLetters: ["a", "b", "c", "d"] },
  "ca-central-1": { code: "cac1", zoneLetters: ["a", "b", "d"] },
  "eu-west-1": { code: "euw1", zoneLetters: ["a", "b", "c"] },
  "eu-west-2": { code: "euw2", zoneLetters: ["a", "b", "c"] },
  "eu-west-3": { code: "euw3", zoneLetters: ["a", "b", "c"] },
  "eu-central-1": { code: "euc1", zoneLetters: ["a", "b", "c"] },
  "eu-north-1": { code: "eun1", zoneLetters: ["a", "b", "c"] },
  "ap-south-1": { code: "aps1", zoneLetters: ["a", "b", "c"] },
  "ap-southeast-1": { code: "apse1", zoneLetters: ["a", "b", "c"] },
  "ap-southeast-2": { code: "apse2", zoneLetters: ["a", "b", "c"] },
  "ap-northeast-1": { code: "apne1", zoneLetters: ["a", "c", "d"] },
  "ap-northeast-2": { code: "apne2", zoneLetters: ["a", "b", "c", "d"] },
  "sa-east-1": { code: "sae1", zoneLetters: ["a", "b", "c"] },
};

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
