/**
 * The validation contract one level below validation-contract.test.ts, for the traffic, network and cluster
 * functions: field-level mutations of valid arguments (the machinery and what it checks are in
 * test/support/field-mutation.ts). HaService and MonitoringStack: field-mutation-workload.test.ts (the two throws
 * pinned at the end are theirs); the other components: field-mutation-<area>.test.ts.
 */
import { Case, describeFieldMutations } from "../../support/field-mutation";
import { globalTrafficProblems, GlobalTrafficArgs } from "../../../components/traffic/globalTrafficArgs";
import { regionalIngressProblems, RegionalIngressArgs } from "../../../components/traffic/regionalIngressArgs";
import { networkProblems } from "../../../components/network/validation";
import type { NetworkArgs } from "../../../components/network/Network";
import { haClusterProblems } from "../../../components/cluster/validation";
import type { HaClusterArgs } from "../../../components/cluster/HaCluster";
import { haServiceProblems } from "../../../components/workload";
import { monitoringStackProblems } from "../../../components/monitoring";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];

const cases: Record<string, Case> = {
  globalTrafficProblems: {
    fn: globalTrafficProblems,
    example: {
      domainName: "app.example.com",
      hostedZoneId: "Z0123456789ABC",
      routing: "failover",
      environment: "prod",
      endpoints: ["us-east-1", "us-west-2"].map((region) => ({
        region,
        loadBalancerDnsName: `ingress.${region}.app.example.com`,
        loadBalancerZoneId: "Z35SXDOTRQ7X7K",
        healthCheckPath: "/healthz",
        healthCheckPort: 443,
      })),
      // Only presence is checked: a provider is an opaque resource object.
      providers: { "us-east-1": {}, "us-west-2": {} },
      failureThreshold: 3,
      healthCheckRegions: ["us-east-1", "us-west-2", "eu-west-1"],
      dnsTtl: 60,
      waf: { rateLimitPer5Minutes: 2000, countOnlyCommonRules: ["SizeRestrictions_BODY"] },
    } satisfies Omit<GlobalTrafficArgs, "providers"> & { providers: Record<string, object> },
    opaque: [/^hostedZoneId$/, /^endpoints\[\d+\]\.(loadBalancerDnsName|loadBalancerZoneId)$/, /^providers\.[\w-]+$/, /^waf\.countOnlyCommonRules/],
    optional: [/^(failureThreshold|healthCheckRegions|dnsTtl|waf|waf\.rateLimitPer5Minutes|waf\.countOnlyCommonRules)$/, /^endpoints\[\d+\]\.(healthCheckPort|loadBalancerZoneId)$/],
  },
  regionalIngressProblems: {
    fn: regionalIngressProblems,
    example: {
      environment: "prod",
      region: "us-east-1",
      domainName: "app.example.com",
      hostedZoneId: "Z0123456789ABC",
      clusterName: "production-platform-prod-use1",
      vpcId: "vpc-0123456789abcdef0",
      oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789",
      oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789",
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
      webAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/global-waf-use1/abcd",
      services: [
        { namespace: "shop", serviceName: "storefront", servicePort: 8080, healthCheckPath: "/healthz" },
        { namespace: "payments", serviceName: "checkout", servicePort: 8443, path: "/api/checkout", healthCheckPath: "/ready", canaryServiceName: "checkout-canary" },
      ],
      groupName: "public",
      chartVersions: { loadBalancerController: "1.14.0", externalDns: "1.19.0" },
    } satisfies RegionalIngressArgs,
    // pulumi.Input<string> values passed through to the charts and IAM.
    opaque: [/^(hostedZoneId|clusterName|vpcId|oidcProviderArn|oidcIssuer|certificateArn|webAclArn)$/],
    optional: [/^(groupName|chartVersions|chartVersions\.\w+)$/, /^services\[\d+\]\.(path|canaryServiceName)$/],
  },
  networkProblems: {
    fn: networkProblems,
    example: {
      region: "us-east-1",
      environment: "prod",
      cidrBlock: "10.0.0.0/16",
      availabilityZones: ZONES,
      natGateways: "OnePerZone",
      flowLogRetentionDays: 365,
      transitGateway: { id: "tgw-0123456789abcdef0", routedCidrs: ["203.0.113.0/24"] },
    } satisfies NetworkArgs,
    optional: [/^(natGateways|flowLogRetentionDays|transitGateway)$/],
  },
  haClusterProblems: {
    fn: haClusterProblems,
    example: {
      region: "us-east-1",
      environment: "prod",
      kubernetesVersion: "1.33",
      vpcId: "vpc-123",
      privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      availabilityZones: ZONES,
      endpointPublicAccessCidrs: ["203.0.113.0/24"],
      endpointPrivateAccessCidrs: ["10.100.0.0/16"],
      adminRoleArns: ["arn:aws:iam::123456789012:role/platform-admin"],
      clusterName: "production-platform-prod-use1",
      logRetentionDays: 365,
      nodeGroups: {
        general: {
          instanceTypes: ["m7i.large"],
          minSizePerZone: 1,
          desiredSizePerZone: 2,
          maxSizePerZone: 5,
          capacityType: "ON_DEMAND",
          amiType: "AL2023_x86_64_STANDARD",
          diskSizeGiB: 50,
          maxUnavailablePercentage: 33,
          taints: [{ key: "dedicated", value: "system", effect: "NO_SCHEDULE" }],
        },
      },
    } satisfies HaClusterArgs,
    // pulumi.Input values passed through to the EKS cluster; a taint's value is free-form.
    opaque: [/^(vpcId|privateSubnetIds)/, /\.taints\[\d+\]\.value$/],
    optional: [
      /^(endpointPublicAccessCidrs|endpointPrivateAccessCidrs|adminRoleArns|clusterName|logRetentionDays)$/,
      /^nodeGroups\.\w+\.(capacityType|amiType|diskSizeGiB|maxUnavailablePercentage|taints)$/,
    ],
  },
};

describeFieldMutations(cases);

// Two throws found outside the four functions above (probes and receivers given as null, as YAML writes a key with
// no value): each is a problem naming the property, never a TypeError.
test("a null or non-object probe or alert receiver is a problem naming it", () => {
  const service = { namespace: "payments", appName: "checkout", image: "ghcr.io/acme/checkout:1.4.2", port: 8080, environment: "prod", allowedCallers: [] };
  for (const odd of [null, "x", 3, []]) {
    const probes = haServiceProblems({ ...service, probes: { liveness: odd, readiness: { httpPath: "/readyz" } } } as never);
    expect(probes.filter((p) => p.property.startsWith("probes")).map((p) => [p.property, p.rule])).toEqual([["probes.liveness", "a probe object"]]);
    const receivers = monitoringStackProblems({ alertReceivers: { receivers: [{ name: "oncall", webhook: [{ url: "https://example.com/hook" }] }, odd] } } as never);
    expect(receivers.filter((p) => p.property.startsWith("alertReceivers.receivers[1]")).map((p) => p.property)).toEqual(["alertReceivers.receivers[1]"]);
  }
});
