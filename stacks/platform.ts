/**
 * Composition of the platform from typed config: one provider per region, then the regional and global components.
 */
import * as aws from "@pulumi/aws";
import { HaCluster } from "../components/cluster";
import { Network } from "../components/network";
import { GlobalTraffic, TrafficRouting } from "../components/traffic";
import { regionCode } from "../components/shared/regions";
import { PlatformConfig } from "./config";

/** Everything built in one region; later components hang off these. */
export interface RegionalPlatform {
  readonly region: string;
  readonly code: string;
  readonly zones: readonly string[];
  readonly provider: aws.Provider;
  readonly network: Network;
  readonly cluster: HaCluster;
}

export interface Platform {
  readonly primaryRegion: string;
  readonly regions: readonly RegionalPlatform[];
  readonly traffic: GlobalTraffic;
}

function buildRegion(config: PlatformConfig, region: string): RegionalPlatform {
  const code = regionCode(region);
  const zones = config.zonesByRegion[region];
  const provider = new aws.Provider(`aws-${code}`, {
    region: region as aws.Region,
    defaultTags: { tags: { "production-platform:environment": config.environment, "production-platform:managed-by": "pulumi" } },
  });
  const network = new Network(code, {
    region,
    environment: config.environment,
    cidrBlock: config.vpcCidrs[region],
    availabilityZones: [...zones],
    natGateways: config.natGateways,
  }, { provider });
  const cluster = new HaCluster(code, {
    region,
    environment: config.environment,
    kubernetesVersion: config.kubernetesVersion,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    availabilityZones: network.availabilityZones,
    endpointPublicAccessCidrs: config.clusterPublicAccessCidrs,
    adminRoleArns: config.platformAdminRoleArns,
    nodeGroups: {
      general: {
        instanceTypes: config.nodeGroup.instanceTypes,
        minSizePerZone: config.nodeGroup.minPerZone,
        desiredSizePerZone: config.nodeGroup.desiredPerZone,
        maxSizePerZone: config.nodeGroup.maxPerZone,
      },
    },
  }, { provider });
  return { region, code, zones, provider, network, cluster };
}

export function buildPlatform(config: PlatformConfig): Platform {
  const regions = config.regions.map((region) => buildRegion(config, region));
  const primary = regions[0];
  // Two regions fail over primary → secondary; more use health-checked latency routing, which also drops an
  // unhealthy region. The regional ingress names are kept by external-dns from the clusters' Ingress objects.
  const traffic = new GlobalTraffic("global", {
    domainName: config.domain.name,
    hostedZoneId: config.domain.hostedZoneId,
    routing: regions.length === 2 ? TrafficRouting.Failover : TrafficRouting.Latency,
    environment: config.environment,
    providers: Object.fromEntries(regions.map((r) => [r.region, r.provider])),
    endpoints: regions.map((r) => ({ region: r.region, loadBalancerDnsName: `ingress.${r.region}.${config.domain.name}`, healthCheckPath: "/healthz" })),
  }, { provider: primary.provider });
  return { primaryRegion: config.regions[0], regions, traffic };
}
