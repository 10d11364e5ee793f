/**
 * Composition of the platform from typed config: one provider per region, the regional components (network,
 * cluster, security baselines, tenants, monitoring, services), then the global ones (traffic failover, data tier).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HaCluster } from "../components/cluster";
import { DataTier } from "../components/data";
import { AlarmTopic, AlertReceivers, MonitoringStack } from "../components/monitoring";
import { Network } from "../components/network";
import { AccountSecurityBaseline, ClusterSecurityBaseline, Tenant } from "../components/security";
import { regionCode } from "../components/shared/regions";
import { GlobalTraffic, RegionalIngress, TrafficRouting } from "../components/traffic";
import { HaService } from "../components/workload";
import { inRegion } from "../components/supply-chain/registry";
import { PlatformConfig, ServiceConfig } from "./config";
import { buildResilience } from "./resilience";

/** Everything built in one region; later components hang off these. */
export interface RegionalPlatform {
  readonly region: string;
  readonly code: string;
  readonly zones: readonly string[];
  readonly provider: aws.Provider;
  readonly network: Network;
  readonly cluster: HaCluster;
  readonly alarmTopic: AlarmTopic;
  readonly monitoring: MonitoringStack;
  readonly services: readonly HaService[];
}

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

/** Critical alerts page (PagerDuty when configured); everything else, and pages too, reach the alarm topic. */
function alertReceivers(config: PlatformConfig, region: string, topicArn: pulumi.Output<string>): AlertReceivers<pulumi.Input<string>> {
  const sns = { name: "alarm-topic", sns: [{ topicArn, region }] };
  if (!config.pagerDutyRoutingKey) return { receivers: [sns], critical: sns.name, warning: sns.name };
  return {
    receivers: [{ name: "oncall", pagerduty: [{ routingKey: config.pagerDutyRoutingKey }] }, sns],
    critical: "oncall",
    warning: sns.name,
  };
}

function buildService(config: PlatformConfig, code: string, svc: ServiceConfig, cluster: HaCluster, tenant: Tenant, network: Network): HaService {
  return new HaService(`${code}-${svc.name}`, {
    namespace: svc.tenant,
    appName: svc.name,
    partOf: svc.tenant,
    image: inRegion(svc.image, cluster.region),
    port: svc.port,
    environment: config.environment,
    autoscaling: { minReplicas: svc.minReplicas, maxReplicas: svc.maxReplicas },
    probes: { liveness: { httpPath: svc.healthPath }, readiness: { httpPath: svc.healthPath }, startup: { httpPath: svc.healthPath } },
    allowedCallers: [...svc.callers.map((namespace) => ({ namespace })), { namespace: "monitoring" }],
    // The ALB sends traffic from its ENIs in the public subnets straight to pod IPs (target type ip).
    expose: { loadBalancerCidrs: network.publicSubnetCidrs },
  }, { provider: cluster.provider, dependsOn: [tenant] });
}

function buildRegion(config: PlatformConfig, region: string, index: number): RegionalPlatform {
  const code = regionCode(region);
  const zones = config.zonesByRegion[region];
  const environment = config.environment;
  const provider = new aws.Provider(`aws-${code}`, {
    region: region as aws.Region,
    defaultTags: { tags: { "production-platform:environment": environment, "production-platform:managed-by": "pulumi" } },
  });
  new AccountSecurityBaseline(`${code}-account`, { region, environment, primary: index === 0 }, { provider });
  const network = new Network(code, {
    region,
    environment,
    cidrBlock: config.vpcCidrs[region],
    availabilityZones: [...zones],
    natGateways: config.natGateways,
  }, { provider });
  const cluster = new HaCluster(code, {
    region,
    environment,
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
  const clusterOpts = { providers: [provider, cluster.provider] };
  const clusterSecurity = new ClusterSecurityBaseline(`${code}-cluster-security`, {
    clusterName: cluster.clusterName,
    kubernetesVersion: config.kubernetesVersion,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuer: cluster.oidcIssuer,
    environment,
  }, clusterOpts);
  const tenants = new Map(config.tenants.map((t) => [t.name, new Tenant(`${code}-${t.name}`, {
    tenant: t.name,
    environment,
    kubernetesVersion: config.kubernetesVersion,
    clusterName: cluster.clusterName,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuer: cluster.oidcIssuer,
    teamRoleArns: t.teamRoleArns,
  }, { ...clusterOpts, dependsOn: [clusterSecurity] })]));

  const alarmTopic = new AlarmTopic(`${code}-alarms`, { emails: config.alertEmails }, { provider });
  const monitoring = new MonitoringStack(`${code}-monitoring`, {
    region,
    environment,
    clusterName: cluster.clusterName,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuer: cluster.oidcIssuer,
    alarmTopicArn: alarmTopic.topicArn,
    slos: config.services.map((svc) => ({ name: svc.name, namespace: svc.tenant, objective: svc.sloObjective })),
    alertReceivers: alertReceivers(config, region, alarmTopic.topicArn),
    namespaceManagedBy: clusterSecurity,
  }, clusterOpts);

  const services = config.services.map((svc) => buildService(config, code, svc, cluster, tenants.get(svc.tenant)!, network));
  return { region, code, zones, provider, network, cluster, alarmTopic, monitoring, services };
}

export function buildPlatform(config: PlatformConfig): Platform {
  const regions = config.regions.map((region, i) => buildRegion(config, region, i));
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
  const ingress = regions.map((r) => new RegionalIngress(`${r.code}-ingress`, {
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
    services: config.services.map((svc) => ({
      namespace: svc.tenant,
      serviceName: svc.name,
      servicePort: svc.port,
      path: svc.ingressPath,
      healthCheckPath: svc.healthPath,
    })),
  }, { providers: [r.provider, r.cluster.provider], dependsOn: [...r.services] }));
  const data = new DataTier("data", {
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
  const platform = { primaryRegion: config.regions[0], regions, traffic, ingress, data };
  buildResilience(config, platform);
  return platform;
}
