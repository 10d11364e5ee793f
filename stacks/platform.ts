/**
 * Composition of the platform from typed config: one provider per region, then the regional and global components.
 */
import * as aws from "@pulumi/aws";
import { regionCode } from "../components/shared/regions";
import { PlatformConfig } from "./config";

export interface Platform {
  readonly primaryRegion: string;
  readonly regions: readonly string[];
}

export function buildPlatform(config: PlatformConfig): Platform {
  for (const region of config.regions) {
    const code = regionCode(region);
    new aws.Provider(`aws-${code}`, {
      region: region as aws.Region,
      defaultTags: { tags: { "production-platform:environment": config.environment, "production-platform:managed-by": "pulumi" } },
    });
  }
  return { primaryRegion: config.regions[0], regions: config.regions };
}
