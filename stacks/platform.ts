/**
 * Composition of the platform from typed config: one provider per region, the regional components (network,
 * cluster, security baselines, tenants, monitoring, services; stacks/region.ts), then the global ones (traffic
 * failover, data tier).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DataTier } from "../components/data";
import { EXTERNAL_SECRET_API_VERSION, externalSecretSpec } from "../components/security";
import { regionCode } from "../components/shared/regions";
import { GlobalTraffic, RegionalIngress, TrafficRouting } from "../components/traffic";
import { DeliveryStrategy, deliveryServiceNamesOf } from "../components/delivery";
import { DataStore, PlatformConfig } from "./config";
import { buildResilience } from "./resilience";
import { RegionZones } from "./zones";
import { buildRegion, credentialsSecretName, RegionalPlatform, storesOf } from "./region";

export { credentialsSecretName, DATA_STORE_PORTS, monitoringQuota, tenantEgress } from "./region";
export type { RegionalPlatform } from "./region";

export interface Platform {
  readonly primaryRegion: string;
  readonly regions: readonly RegionalPlatform[];
  readonly traffic: GlobalTraffic;
  /** One internet-facing load balancer per region, behind `traffic`. */
  readonly ingress: readonly RegionalIngress[];
  /**
   * Staging and prod run it over two or more regions (the config requires them); single-region dev gets a
   * backup-and-restore tier that a region loss destroys.
   */
  readonly data: DataTier;
}

/**
 * An ExternalSecret per data store a tenant's services declare, in every region: the cluster's ClusterSecretStore
 * reads the store's Secrets Manager secret (replicated to every region, named under the platform prefix).
 */
function dataStoreSecrets(config: PlatformConfig, regions: readonly RegionalPlatform[], data: DataTier): void {
  const secretOf: Record<DataStore, string> = { postgres: data.masterSecretName, redis: data.redisAuthSecretName };
  for (const r of regions) {
    for (const [tenantName, tenant] of r.tenants) {
      for (const store of storesOf(config, tenantName)) {
        new k8s.apiextensions.CustomResource(`${r.code}-${tenantName}-${store}-credentials`, {
          apiVersion: EXTERNAL_SECRET_API_VERSION,
          kind: "ExternalSecret",
          metadata: { name: credentialsSecretName(store), namespace: tenantName },
          spec: externalSecretSpec({ targetSecretName: credentialsSecretName(store), secretsManagerName: secretOf[store] }),
        }, { provider: r.cluster.provider, dependsOn: [tenant, r.clusterSecurity] });
      }
    }
  }
}

/** One AWS provider per region, registered first: the zone lookup (stacks/zones.ts) runs through them. */
export function regionalProviders(config: PlatformConfig): Record<string, aws.Provider> {
  return Object.fromEntries(config.regions.map((region) => [region, new aws.Provider(`aws-${regionCode(region)}`, {
    region: region as aws.Region,
    defaultTags: { tags: { "production-platform:environment": config.environment, "production-platform:managed-by": "pulumi" } },
  })]));
}

/**
 * The alias target of a region's public record: the ALB of its RegionalIngress, known only once that is built (after
 * GlobalTraffic, whose certificates it needs), so the name is a promise resolved with the Ingress's status output;
 * the SDK carries that output's resources into the record's dependencies (output.ts lifts inner resources), so the
 * record waits for the Ingress, as it must. Without services there is no Ingress and no ALB: no alias target.
 */
function loadBalancerAlias(r: RegionalPlatform, hasServices: boolean) {
  if (!hasServices) return undefined;
  let resolve!: (hostname: pulumi.Output<string | undefined>) => void;
  const hostname = new Promise<pulumi.Output<string | undefined>>((res) => (resolve = res));
  const dnsName = pulumi.output(hostname).apply((h) => h).apply((h) => {
    if (!h) throw new Error(`RegionalIngress of ${r.region} published no load balancer hostname in its Ingress status`);
    return h;
  });
  const zoneId = aws.lb.getHostedZoneIdOutput({ loadBalancerType: "application", region: r.region }, { provider: r.provider }).id;
  return { dnsName, zoneId, resolve };
}

/** Where the platform runs: each region's provider and the zones chosen for it (stacks/zones.ts). */
export interface Placement {
  readonly providers: Readonly<Record<string, aws.Provider>>;
  readonly zones: Readonly<Record<string, RegionZones>>;
}

/** The alias target of each region's public record, `undefined` for a region without one (no services). */
type LoadBalancerAliases = Map<string, ReturnType<typeof loadBalancerAlias>>;

/** The global DNS, certificates and WAF in front of the regions, on the primary region's provider. */
function buildTraffic(config: PlatformConfig, regions: readonly RegionalPlatform[], albs: LoadBalancerAliases): GlobalTraffic {
  return new GlobalTraffic("global", {
    domainName: config.domain.name,
    hostedZoneId: config.domain.hostedZoneId,
    routing: regions.length === 2 ? TrafficRouting.Failover : TrafficRouting.Latency,
    environment: config.environment,
    providers: Object.fromEntries(regions.map((r) => [r.region, r.provider])),
    zoneName: config.domain.zoneName,
    // Alias A records straight to each region's ALB (valid at the apex, where Route 53 refuses a CNAME). The ALB is
    // the controller's, so its name is the Ingress status Pulumi awaits; the regional name external-dns keeps is
    // only the health-check target: an alias to it would fail on the first `up`, before external-dns has written it.
    endpoints: regions.map((r) => ({
      region: r.region,
      loadBalancerDnsName: `ingress.${r.region}.${config.domain.name}`,
      aliasTarget: albs.has(r.region) ? { dnsName: albs.get(r.region)!.dnsName, zoneId: albs.get(r.region)!.zoneId } : undefined,
      healthCheckPath: "/healthz",
    })),
  }, { provider: regions[0].provider });
}

/** The region's internet-facing ALB (an Ingress per service, canaries included), after the region's services. */
function buildIngress(config: PlatformConfig, r: RegionalPlatform, traffic: GlobalTraffic): RegionalIngress {
  return new RegionalIngress(`${r.code}-ingress`, {
    environment: config.environment,
    region: r.region,
    domainName: config.domain.name,
    hostedZoneId: config.domain.hostedZoneId,
    clusterName: r.cluster.clusterName,
    vpcId: r.cluster.vpcId,
    oidcProviderArn: r.cluster.oidcProviderArn,
    oidcIssuer: r.cluster.oidcIssuer,
    certificateArn: traffic.certificateArns[r.region],
    webAclArn: traffic.webAclArns[r.region],
    imageMirror: r.registry.mirror,
    services: config.services.map((svc) => ({
      namespace: svc.tenant,
      serviceName: svc.name,
      servicePort: svc.port,
      path: svc.ingressPath,
      healthCheckPath: svc.healthPath,
      ...(svc.delivery === DeliveryStrategy.Canary ? { canaryServiceName: deliveryServiceNamesOf(svc.name, svc.delivery).extra } : {}),
    })),
  }, { providers: [r.provider, r.cluster.provider], dependsOn: [...r.services] });
}

/** The data tier over every region's private subnets, reachable from the cluster nodes. */
function buildDataTier(config: PlatformConfig, regions: readonly RegionalPlatform[]): DataTier {
  return new DataTier("data", {
    environment: config.environment,
    recoveryObjectives: config.recoveryObjectives,
    rotation: { days: config.databaseRotationDays },
    regions: regions.map((r) => ({
      region: r.region,
      provider: r.provider,
      vpcId: r.network.vpcId,
      privateSubnetIds: r.network.privateSubnetIds,
      allowedSecurityGroupIds: [r.cluster.nodeSecurityGroupId],
      availabilityZones: r.zones,
    })),
    alarmTopicArns: Object.fromEntries(regions.map((r) => [r.region, r.alarmTopic.topicArn])),
  });
}
export function buildPlatform(config: PlatformConfig, placement: Placement): Platform {
  const regions: RegionalPlatform[] = [];
  for (const region of config.regions) regions.push(buildRegion(config, region, placement.providers[region], placement.zones[region], regions[0]?.registry));
  // Two regions fail over primary → secondary; more use health-checked latency routing, which also drops an
  // unhealthy region. The regional ingress names are kept by external-dns from the clusters' Ingress objects.
  const albs: LoadBalancerAliases = new Map(regions.map((r) => [r.region, loadBalancerAlias(r, config.services.length > 0)]));
  const traffic = buildTraffic(config, regions, albs);
  const ingress = regions.map((r) => buildIngress(config, r, traffic));
  ingress.forEach((i, n) => albs.get(regions[n].region)?.resolve(i.loadBalancerHostname));
  const data = buildDataTier(config, regions);
  dataStoreSecrets(config, regions, data);
  const platform = { primaryRegion: config.regions[0], regions, traffic, ingress, data };
  buildResilience(config, platform);
  return platform;
}
