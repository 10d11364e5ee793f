/**
 * One region of the platform (stacks/platform.ts composes them): its alarm topic and ECR first, then the network,
 * the cluster, its security baseline, the tenants, monitoring, Argo Rollouts, the mesh and the services, in that
 * order; the pieces are named functions taking what they need and returning what later pieces hang off.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HaCluster } from "../components/cluster";
import { AlarmTopic, AlertReceivers, monitoringFootprint, MonitoringStack } from "../components/monitoring";
import { Network } from "../components/network";
import { ADDON_QUOTA, ClusterSecurityBaseline, EgressRule, quotaForWorkloads, QuotaSettings, Tenant } from "../components/security";
import { ImageMirror } from "../components/shared/mirror";
import { regionCode } from "../components/shared/regions";
import { ingressNameOf } from "../components/traffic";
import { DeliveryStrategy, RolloutsController } from "../components/delivery";
import { HBONE_PORT, ServiceMesh, WAYPOINT_NAMESPACE } from "../components/mesh";
import { HaService } from "../components/workload";
import { ImageRegistry } from "../components/supply-chain";
import { inRegion } from "../components/supply-chain/registry";
import { DataStore, PlatformConfig, serviceFootprint, ServiceConfig } from "./config";
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
export function storesOf(config: PlatformConfig, tenant: string): DataStore[] {
  return [...new Set(config.services.filter((svc) => svc.tenant === tenant).flatMap((svc) => svc.databases))].sort();
}

/** Kubernetes Secret that holds a data store's credentials in a tenant namespace. */
export function credentialsSecretName(store: DataStore): string {
  return `${store}-credentials`;
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

/** The region's VPC over its zones, with the transit gateway route to the API-access CIDRs when the region has one. */
function buildNetwork(config: PlatformConfig, region: string, code: string, zones: readonly string[], provider: aws.Provider): Network {
  const tgw = config.clusterApiAccess.transitGatewayIds[region];
  return new Network(code, {
    region,
    environment: config.environment,
    cidrBlock: config.vpcCidrs[region],
    availabilityZones: [...zones],
    subnetCidrs: subnetCidrsOf(config, zones),
    natGateways: config.natGateways,
    transitGateway: tgw && config.clusterApiAccess.cidrs.length > 0 ? { id: tgw, routedCidrs: config.clusterApiAccess.cidrs } : undefined,
  }, { provider });
}

/** The region's EKS cluster in the network's private subnets, its add-ons pulling through the region's mirror. */
function buildCluster(config: PlatformConfig, region: string, code: string, network: Network, imageMirror: ImageMirror, provider: aws.Provider): HaCluster {
  return new HaCluster(code, {
    region,
    environment: config.environment,
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
}

/** A Tenant per configured tenant, in config order, after the cluster's security baseline. */
function buildTenants(config: PlatformConfig, code: string, cluster: HaCluster, network: Network, clusterSecurity: ClusterSecurityBaseline, clusterOpts: pulumi.ComponentResourceOptions): Map<string, Tenant> {
  const environment = config.environment;
  return new Map(config.tenants.map((t) => [t.name, new Tenant(`${code}-${t.name}`, {
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
}

/** The region's MonitoringStack: the services' SLOs, alerts to the alarm topic (and PagerDuty), storage on the cluster's class. */
function buildMonitoring(config: PlatformConfig, region: string, code: string, cluster: HaCluster, alarmTopic: AlarmTopic, clusterSecurity: ClusterSecurityBaseline, imageMirror: ImageMirror, clusterOpts: pulumi.ComponentResourceOptions): MonitoringStack {
  return new MonitoringStack(`${code}-monitoring`, {
    region,
    environment: config.environment,
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
}

/** Builds one region; `primaryRegistry` is the first region's registry (undefined while building the first). */
export function buildRegion(config: PlatformConfig, region: string, provider: aws.Provider, regionZones: RegionZones, primaryRegistry: ImageRegistry | undefined): RegionalPlatform {
  const code = regionCode(region);
  const zones = regionZones.names;
  const environment = config.environment;
  const alarmTopic = new AlarmTopic(`${code}-alarms`, { emails: config.alertEmails }, { provider });
  const registry = buildRegistry(config, region, provider, alarmTopic, primaryRegistry);
  const imageMirror = registry.mirror;
  const network = buildNetwork(config, region, code, zones, provider);
  const cluster = buildCluster(config, region, code, network, imageMirror, provider);
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
  const tenants = buildTenants(config, code, cluster, network, clusterSecurity, clusterOpts);
  const monitoring = buildMonitoring(config, region, code, cluster, alarmTopic, clusterSecurity, imageMirror, clusterOpts);

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

