/**
 * The program `pulumi up --stack <stack>` runs. It reads the typed config once and composes the components; every
 * environment runs this same code and differs only by config. A stack with `stackKind: account` builds only the
 * account-wide security baseline (run it once per account, before the environments).
 *
 * The program is an async function (the Node.js language host awaits it and its result is the stack's outputs):
 * the zones come from each region's `getAvailabilityZones`, so they are known only after those calls return.
 */
import { buildAccountBaseline, isAccountStack, loadAccountConfig } from "./account";
import { loadPlatformConfig } from "./config";
import { buildPlatform, regionalProviders } from "./platform";
import { lookUpZones } from "./zones";

async function main(): Promise<Record<string, unknown>> {
  if (isAccountStack()) {
    const account = buildAccountBaseline(loadAccountConfig());
    return {
      primaryRegion: account.primaryRegion,
      accountBaseline: account.baselines.map((b) => ({
        region: b.region,
        guardDutyDetectorId: b.baseline.guardDutyDetectorId,
        securityHubStandardsArn: b.baseline.securityHubStandardsArn,
        trailArn: b.baseline.trailArn,
      })),
    };
  }
  const config = loadPlatformConfig();
  const providers = regionalProviders(config);
  const platform = buildPlatform(config, { providers, zones: await lookUpZones(config, providers) });
  return {
    primaryRegion: platform.primaryRegion,
    clusters: platform.regions.map((r) => ({ region: r.region, name: r.cluster.clusterName, endpoint: r.cluster.endpoint })),
    vpcs: platform.regions.map((r) => ({ region: r.region, vpcId: r.network.vpcId, cidr: r.network.vpcCidr, zones: r.zones, zoneIds: r.zoneIds })),
    dataTier: {
      achievedObjectives: platform.data.achievedObjectives,
      globalWriterEndpoint: platform.data.globalWriterEndpoint,
      masterSecretArn: platform.data.masterSecretArn,
    },
    publicHostname: platform.traffic.fqdn,
  };
}

export = main;
