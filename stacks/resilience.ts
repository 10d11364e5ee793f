/**
 * Drills, restore tests and the image supply chain, composed over the built platform: per region an image registry
 * (the primary's signing key replicated to the others), admission verification in the cluster and the FIS drills;
 * restore tests in the data tier's primary region.
 */
import { RestoreTesting } from "../components/data";
import { FaultInjectionDrills, FIS_SERVICE_ACCOUNT } from "../components/resilience";
import { ImageRegistry, ImageVerification } from "../components/supply-chain";
import { PlatformConfig } from "./config";
import type { Platform } from "./platform";

export interface Resilience {
  readonly registries: readonly ImageRegistry[];
  readonly drills: readonly FaultInjectionDrills[];
  readonly restoreTesting: RestoreTesting;
}

export function buildResilience(config: PlatformConfig, platform: Platform): Resilience {
  const { resilience } = config;
  const [primary] = platform.regions;
  // The registries are built with each region (stacks/platform.ts), before the charts that pull through their cache.
  const registries = platform.regions.map((r) => r.registry);
  const drills: FaultInjectionDrills[] = [];
  platform.regions.forEach((r, i) => {
    const registry = r.registry;
    const clusterOpts = { providers: [r.provider, r.cluster.provider], dependsOn: [...r.services] };
    new ImageVerification(`${r.code}-image-verification`, {
      region: r.region,
      environment: config.environment,
      clusterName: r.cluster.clusterName,
      kubernetesVersion: config.kubernetesVersion,
      oidcProviderArn: r.cluster.oidcProviderArn,
      oidcIssuer: r.cluster.oidcIssuer,
      namespaces: config.tenants.map((t) => t.name),
      registryHost: registry.registryHost,
      signingKeyArn: registry.signingKeyArn,
      // FIS pod drills start AWS's experiment pod in the tenant namespace as this user.
      exemptUsers: [FIS_SERVICE_ACCOUNT],
      imageMirror: registry.mirror,
    }, clusterOpts);
    drills.push(new FaultInjectionDrills(`${r.code}-drills`, {
      region: r.region,
      clusterName: r.cluster.clusterName,
      vpcId: r.network.vpcId,
      zones: r.zones,
      auroraWriter: i === 0,
      dataTierTag: platform.data.resourceTag,
      services: config.services.map((s) => ({ name: s.name, namespace: s.tenant, sloObjective: s.sloObjective })),
      objectives: config.recoveryObjectives,
      alarmTopicArn: r.alarmTopic.topicArn,
      dataAlarmArns: platform.data.alarmArnsByRegion[r.region] ?? [],
      settings: resilience.drills,
    }, clusterOpts));
  });
  const data = platform.data;
  const restoreTesting = new RestoreTesting("data-restore-tests", {
    region: primary.region,
    recoveryObjectives: config.recoveryObjectives,
    backupIntervalSeconds: data.plan.backupIntervalSeconds,
    backupPlanId: data.backupPlanId,
    backupVaultName: data.backupVaultNames.apply((names) => names[0]),
    auroraClusterArns: data.auroraClusterArns.filter((c) => c.role === "primary").map((c) => c.arn),
    bucketArns: [data.backupBucketArns.apply((arns) => arns[0])],
    alarmTopicArn: primary.alarmTopic.topicArn,
    settings: resilience.restoreTesting,
  }, { provider: primary.provider });
  return { registries, drills, restoreTesting };
}
