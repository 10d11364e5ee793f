/**
 * The program `pulumi up --stack <env>` runs. It reads the typed config once and composes the components; every
 * environment runs this same code and differs only by config.
 */
import { loadPlatformConfig } from "./config";
import { buildPlatform } from "./platform";

const platform = buildPlatform(loadPlatformConfig());

export const primaryRegion = platform.primaryRegion;
export const clusters = platform.regions.map((r) => ({ region: r.region, name: r.cluster.clusterName, endpoint: r.cluster.endpoint }));
export const vpcs = platform.regions.map((r) => ({ region: r.region, vpcId: r.network.vpcId, cidr: r.network.vpcCidr }));
export const dataTier = {
  achievedObjectives: platform.data.achievedObjectives,
  globalWriterEndpoint: platform.data.globalWriterEndpoint,
  masterSecretArn: platform.data.masterSecretArn,
};
export const publicHostname = platform.traffic.fqdn;
