/**
 * The program `pulumi up --stack <stack>` runs. It reads the typed config once and composes the components; every
 * environment runs this same code and differs only by config. A stack with `stackKind: account` builds only the
 * account-wide security baseline (run it once per account, before the environments).
 */
import { buildAccountBaseline, isAccountStack, loadAccountConfig } from "./account";
import { loadPlatformConfig } from "./config";
import { buildPlatform } from "./platform";

const account = isAccountStack() ? buildAccountBaseline(loadAccountConfig()) : undefined;
const platform = account ? undefined : buildPlatform(loadPlatformConfig());

export const primaryRegion = platform?.primaryRegion ?? account?.primaryRegion;
export const clusters = platform?.regions.map((r) => ({ region: r.region, name: r.cluster.clusterName, endpoint: r.cluster.endpoint }));
export const vpcs = platform?.regions.map((r) => ({ region: r.region, vpcId: r.network.vpcId, cidr: r.network.vpcCidr }));
export const dataTier = platform && {
  achievedObjectives: platform.data.achievedObjectives,
  globalWriterEndpoint: platform.data.globalWriterEndpoint,
  masterSecretArn: platform.data.masterSecretArn,
};
export const publicHostname = platform?.traffic.fqdn;
export const accountBaseline = account?.baselines.map((b) => ({
  region: b.region,
  guardDutyDetectorId: b.baseline.guardDutyDetectorId,
  securityHubStandardsArn: b.baseline.securityHubStandardsArn,
  trailArn: b.baseline.trailArn,
}));
