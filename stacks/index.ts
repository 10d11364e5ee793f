/**
 * The program `pulumi up --stack <env>` runs. It reads the typed config once and composes the components; every
 * environment runs this same code and differs only by config.
 */
import { loadPlatformConfig } from "./config";
import { buildPlatform } from "./platform";

const platform = buildPlatform(loadPlatformConfig());

export const regions = platform.regions;
export const primaryRegion = platform.primaryRegion;
