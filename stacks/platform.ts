/**
 * Composition of the platform from typed config: one provider per region, the regional components (network,
 * cluster, security baselines, tenants, monitoring, services), then the global ones (traffic failover, data tier).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HaCluster } from "../components/cluster";
import { DataTier } from "../components/data";
import { AlarmTopic, AlertReceivers, monitoringFootprint, MonitoringStack } from "../components/monitoring";
import { Network } from "../components/network";
import { ADDON_QUOTA, ClusterSecurityBaseline, EgressRule, EXTERNAL_SECRET_API_VERSION, externalSecretSpec, quotaForWorkloads, QuotaSettings, Tenant } from "../components/security";
import { regionCode } from "../components/shared/regions";
import { GlobalTraffic, ingressNameOf, RegionalIngress, TrafficRouting } from "../components/traffic";
import { DeliveryStrategy, deliveryServiceNamesOf, RolloutsController } from "../components/delivery";
import { HBONE_PORT, ServiceMesh, WAYPOINT_NAMESPACE } from "../components/mesh";
import { HaService } from "../components/workload";
import { ImageRegistry } from "../components/supply-chain";
import { inRegion } from "../components/supply-chain/registry";
import { DataStore, PlatformConfig, serviceFootprint, ServiceConfig } from "./config";
import { buildResilience } from "./resilience";
import { RegionZones } from "./zones";
import { haServiceArgsOf } from "./config-components";

/** Everything built in one region; later components hang off these. */
export interface RegionalPlatform {
  readonly region: string;
  readonly code: string;
  /** Zone names, in build order. */
  readonly zones: readonly string[];
  /** The AZ ID of each zone in `zones`. */
  readonly zoneIds: readonly string[];
  readonly provider: aws.Provider;
  readonly network: Network;
  readonly cluster: HaCluster;
  readonly alarmTopic: AlarmTopic;
  readonly monitoring: MonitoringStack;
  readonly services: readonly HaService[];
  readonly clusterSecurity: ClusterSecurityBaseline;
  readonly tenants: ReadonlyMap<string, Tenant>;
  readonly rollouts: RolloutsController;
  readonly mesh: ServiceMesh;
  /** The region's ECR: tenant repositories, scanning, the signing key and the pull-through cache the charts use. */
  readonly registry: ImageRegistry;
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

/** Ports of the data tier's stores (Aurora PostgreSQL, ElastiCache Redis). */
export const DATA_STORE_PORTS: Readonly<Record<DataStore, number>> = { postgres: 5432, redis: 6379 };

/**
 * Egress a tenant's pods need besides DNS and their own namespace (kept default-deny otherwise): every service the
 * tenant is a declared caller of (on its port), the interface VPC endpoints (443 in the private subnets: ECR, STS,
 * Secrets Manager, CloudWatch Logs), and the data stores its services declare (the data tier's subnets).
 */
export function tenantEgress(config: PlatformConfig, tenant: string, privateSubnetCidrs: readonly string[]): EgressRule[] {
  const calls: EgressRule[] = config.services
    .filter((svc) => svc.callers.includes(tenant) && svc.tenant !== tenant)
    // In the ambient mesh a call leaves the pod towards the callee's HBONE port (15008), not the service port.
    .map((svc) => ({ name: `call-${svc.name}`, namespace: svc.tenant, podLabels: { "app.kubernetes.io/name": svc.name }, ports: [{ port: svc.port }, { port: HBONE_PORT }] }));
  const stores = storesOf(config, tenant);
  // Every call to a Service, the tenant's own included, is tunnelled to the callee tenant's waypoint (ServiceMesh),
  // which lives in the waypoint namespace.
  return [
    ...calls,
    { name: "mesh-waypoints", namespace: WAYPOINT_NAMESPACE, ports: [{ port: HBONE_PORT }] },
    { name: "vpc-endpoints", cidrs: [...privateSubnetCidrs], ports: [{ port: 443 }] },
    ...stores.map((store) => ({ name: `data-${store}`, cidrs: [...privateSubnetCidrs], ports: [{ port: DATA_STORE_PORTS[store] }] })),
  ];
}

/** Data stores the services of a tenant declare, sorted. */
function storesOf(config: PlatformConfig, tenant: string): DataStore[] {
  return [...new Set(config.services.filter((svc) => svc.tenant === tenant).flatMap((svc) => svc.databases))].sort();
}

/** Kubernetes Secret that holds a data store's credentials in a tenant namespace. */
export function credentialsSecretName(store: DataStore): string {
  return `${store}-credentials`;
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

/** Prometheus and Alertmanager replicas the monitoring stack runs (its defaults, which the stacks keep). */
const MONITORING_REPLICAS = { prometheus: 2, alertmanager: 3 } as const;

/**
 * The monitoring namespace's quota: the stack's explicit resources at its peak, with a DaemonSet pod on each of the
 * most nodes the node groups allow (maxPerZone × zones); the add-on caps for claims and services stay.
 */
export function monitoringQuota(config: PlatformConfig, zones: number): QuotaSettings {
  const workloads = monitoringFootprint({
    prometheusReplicas: MONITORING_REPLICAS.prometheus,
    alertmanagerReplicas: MONITORING_REPLICAS.alertmanager,
    maxNodes: config.nodeGroup.maxPerZone * zones,
  });
  const { pods: _pods, requestsCpu: _rc, requestsMemory: _rm, limitsCpu: _lc, limitsMemory: _lm, ...caps } = ADDON_QUOTA;
  return quotaForWorkloads(workloads, caps);
}

function buildService(config: PlatformConfig, code: string, svc: ServiceConfig, cluster: HaCluster, tenant: Tenant, network: Network, rollouts: RolloutsController, mesh: ServiceMesh): HaService {
  return new HaService(`${code}-${svc.name}`, {
    // The arguments config validation judged (stacks/config-components.ts), with the region's image host.
    ...haServiceArgsOf(config.environment, svc),
    image: inRegion(svc.image, cluster.region),
    // The ALB sends traffic from its ENIs in the public subnets straight to pod IPs (target type ip).
    expose: { loadBalancerCidrs: network.publicSubnetCidrs },
    // Credentials of the declared data stores, delivered by External Secrets (see dataStoreSecrets).
    secretFiles: svc.databases.map((store) => ({ secretName: credentialsSecretName(store), mountPath: `/var/run/secrets/platform/${store}` })),
    // Canary weights move on the regional ALB's Ingress for this service; the analysis reads its SLO (MonitoringStack slos).
    delivery: {
      strategy: svc.delivery,
      ...(svc.delivery === DeliveryStrategy.Canary ? { ingressName: ingressNameOf(svc.name) } : {}),
      analysis: { sloName: svc.name },
      controller: rollouts.release,
    },
    // Identity authorization from the same callers (ztunnel and the tenant's waypoint), and the waypoint's timeout,
    // bounded retries, circuit breaker and outlier detection at their defaults; the namespace is enrolled by ServiceMesh.
    mesh: { controlPlane: mesh.controlPlane, waypoint: mesh.waypointFor(svc.tenant) },
  }, { provider: cluster.provider, dependsOn: [tenant, mesh] });
}

/** One AWS provider per region, registered first: the zone lookup (stacks/zones.ts) runs through them. */
export function regionalProviders(config: PlatformConfig): Record<string, aws.Provider> {
  return Object.fromEntries(config.regions.map((region) => [region, new aws.Provider(`aws-${regionCode(region)}`, {
    region: region as aws.Region,
    defaultTags: { tags: { "production-platform:environment": config.environment, "production-platform:managed-by": "pulumi" } },
  })]));
}

/** The explicit subnet CIDRs of the zones a region uses. */
function subnetCidrsOf(config: PlatformConfig, zones: readonly string[]): PlatformConfig["subnetCidrs"] {
  return Object.fromEntries(Object.entries(config.subnetCidrs).filter(([zone]) => zones.includes(zone)));
}

/**
 * The region's ECR, built before the cluster: its pull-through cache rules must exist before any chart pulls through
 * them (each release depends on its rules). The primary region's signing key is replicated into the others.
 */
function buildRegistry(config: PlatformConfig, region: string, provider: aws.Provider, alarmTopic: AlarmTopic, primary: ImageRegistry | undefined): ImageRegistry {
  return new ImageRegistry(`${regionCode(region)}-images`, {
    region,
    repositories: config.services.map((s) => ({ tenant: s.tenant, service: s.name })),
    replicateTo: primary === undefined ? config.regions.slice(1) : [],
    alarmTopicArn: alarmTopic.topicArn,
    signingKeyPrimaryArn: primary?.signingKeyArn,
    settings: config.resilience.supplyChain,
  }, { provider });
}

function buildRegion(config: PlatformConfig, region: string, provider: aws.Provider, regionZones: RegionZones, primaryRegistry: ImageRegistry | undefined): RegionalPlatform {
  const code = regionCode(region);
  const zones = regionZones.names;
  const environment = config.environment;
  const alarmTopic = new AlarmTopic(`${code}-alarms`, { emails: config.alertEmails }, { provider });
  const registry = buildRegistry(config, region, provider, alarmTopic, primaryRegistry);
  const imageMirror = registry.mirror;
  const tgw = config.clusterApiAccess.transitGatewayIds[region];
  const network = new Network(code, {
    region,
    environment,
    cidrBlock: config.vpcCidrs[region],
    availabilityZones: [...zones],
    subnetCidrs: subnetCidrsOf(config, zones),
    natGateways: config.natGateways,
    transitGateway: tgw && config.clusterApiAccess.cidrs.length > 0 ? { id: tgw, routedCidrs: config.clusterApiAccess.cidrs } : undefined,
  }, { provider });
  const cluster = new HaCluster(code, {
    region,
    environment,
    kubernetesVersion: config.kubernetesVersion,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    availabilityZones: network.availabilityZones,
    endpointPublicAccessCidrs: config.clusterPublicAccessCidrs,
    endpointPrivateAccessCidrs: config.clusterApiAccess.cidrs,
    adminRoleArns: config.platformAdminRoleArns,
    nodeGroups: {
      general: {
        instanceTypes: config.nodeGroup.instanceTypes,
        minSizePerZone: config.nodeGroup.minPerZone,
        desiredSizePerZone: config.nodeGroup.desiredPerZone,
        maxSizePerZone: config.nodeGroup.maxPerZone,
      },
    },
    imageMirror,
  }, { provider });
  const clusterOpts = { providers: [provider, cluster.provider] };
  const clusterSecurity = new ClusterSecurityBaseline(`${code}-cluster-security`, {
    clusterName: cluster.clusterName,
    kubernetesVersion: config.kubernetesVersion,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuer: cluster.oidcIssuer,
    environment,
    monitoringQuota: monitoringQuota(config, zones.length),
    imageMirror,
  }, clusterOpts);
  const tenants = new Map(config.tenants.map((t) => [t.name, new Tenant(`${code}-${t.name}`, {
    tenant: t.name,
    environment,
    kubernetesVersion: config.kubernetesVersion,
    clusterName: cluster.clusterName,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuer: cluster.oidcIssuer,
    teamRoleArns: t.teamRoleArns,
    externalSecrets: storesOf(config, t.name).length > 0,
    egress: tenantEgress(config, t.name, network.privateSubnetCidrs),
    workloads: config.services.filter((svc) => svc.tenant === t.name).map((svc) => serviceFootprint(environment, svc)),
    quota: t.quota,
  }, { ...clusterOpts, dependsOn: [clusterSecurity] })]));

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
    prometheus: { storageClass: cluster.storageClassName, replicas: MONITORING_REPLICAS.prometheus },
    alertmanagerReplicas: MONITORING_REPLICAS.alertmanager,
    imageMirror,
  }, { ...clusterOpts, dependsOn: [cluster.storageClass] });

  const rollouts = new RolloutsController(`${code}-rollouts`, {
    environment,
    kubernetesVersion: config.kubernetesVersion,
    monitoringRelease: monitoring.release,
    imageMirror,
  }, { provider: cluster.provider, dependsOn: [clusterSecurity] });
  const mesh = new ServiceMesh(`${code}-mesh`, {
    environment,
    kubernetesVersion: config.kubernetesVersion,
    namespaces: config.tenants.map((t) => t.name),
    permissiveNamespaces: ["monitoring"],
    monitoringRelease: monitoring.release,
    imageMirror,
  }, { provider: cluster.provider, dependsOn: [clusterSecurity, ...tenants.values()] });
  const services = config.services.map((svc) => buildService(config, code, svc, cluster, tenants.get(svc.tenant)!, network, rollouts, mesh));
  return { region, code, zones, zoneIds: regionZones.ids, provider, network, cluster, alarmTopic, monitoring, services, clusterSecurity, tenants, rollouts, mesh, registry };
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

export function buildPlatform(config: PlatformConfig, placement: Placement): Platform {
  const regions: RegionalPlatform[] = [];
  for (const region of config.regions) regions.push(buildRegion(config, region, placement.providers[region], placement.zones[region], regions[0]?.registry));
  const primary = regions[0];
  // Two regions fail over primary → secondary; more use health-checked latency routing, which also drops an
  // unhealthy region. The regional ingress names are kept by external-dns from the clusters' Ingress objects.
  const albs = new Map(regions.map((r) => [r.region, loadBalancerAlias(r, config.services.length > 0)]));
  const traffic = new GlobalTraffic("global", {
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
    imageMirror: r.registry.mirror,
    services: config.services.map((svc) => ({
      namespace: svc.tenant,
      serviceName: svc.name,
      servicePort: svc.port,
      path: svc.ingressPath,
      healthCheckPath: svc.healthPath,
      ...(svc.delivery === DeliveryStrategy.Canary ? { canaryServiceName: deliveryServiceNamesOf(svc.name, svc.delivery).extra } : {}),
    })),
  }, { providers: [r.provider, r.cluster.provider], dependsOn: [...r.services] }));
  ingress.forEach((i, n) => albs.get(regions[n].region)?.resolve(i.loadBalancerHostname));
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
  dataStoreSecrets(config, regions, data);
  const platform = { primaryRegion: config.regions[0], regions, traffic, ingress, data };
  buildResilience(config, platform);
  return platform;
}
