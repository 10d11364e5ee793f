/**
 * The bad-input catalogue: mistakes real users make with stack config and component arguments. Each is rejected
 * before any resource is registered, by a ValidationError whose message names the key or argument, the value
 * received and the fix.
 */
import * as aws from "@pulumi/aws";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { HaCluster, HaClusterArgs } from "../../components/cluster";
import { DataRegion, DataTier, DataTierArgs } from "../../components/data";
import { MonitoringStack, MonitoringStackArgs } from "../../components/monitoring";
import { Network, NetworkArgs } from "../../components/network";
import { Tenant, TenantArgs } from "../../components/security";
import { ValidationError } from "../../components/shared/validation";
import { GlobalTraffic, GlobalTrafficArgs } from "../../components/traffic";
import { HaService, HaServiceArgs } from "../../components/workload";
import { parsePlatformConfig } from "../../stacks/config";
import { installMockRuntime, settle } from "../../src/testing/mocks";
import { ROOT } from "../support/plans";

const prodConfig = Object.fromEntries(
  Object.entries<unknown>(YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")).config).map(([k, v]) => [k.replace(/^production-platform:/, ""), v]),
);
const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const network: NetworkArgs = { region: "us-east-1", environment: "prod", cidrBlock: "10.0.0.0/16", availabilityZones: ZONES };
const cluster: HaClusterArgs = {
  region: "us-east-1",
  environment: "prod",
  kubernetesVersion: "1.33",
  vpcId: "vpc-1",
  privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  availabilityZones: ZONES,
  adminRoleArns: ["arn:aws:iam::123456789012:role/platform-admin"],
  nodeGroups: { general: { instanceTypes: ["m7i.large"], minSizePerZone: 1, desiredSizePerZone: 2, maxSizePerZone: 5 } },
};
const service: HaServiceArgs = {
  namespace: "payments",
  appName: "checkout",
  image: "ghcr.io/acme/checkout:1.4.2",
  port: 8080,
  environment: "prod",
  autoscaling: { minReplicas: 3, maxReplicas: 20 },
  probes: { liveness: { httpPath: "/livez" }, readiness: { httpPath: "/readyz" } },
};
const tenant: TenantArgs = { tenant: "payments", environment: "prod", kubernetesVersion: "1.33", clusterName: "use1", teamRoleArns: ["arn:aws:iam::123456789012:role/payments"] };
const dataRegions = (): DataRegion[] =>
  ["us-east-1", "us-west-2", "eu-west-1"].map((region) => ({
    region,
    provider: new aws.Provider(`data-${region}`, { region: region as aws.Region }),
    vpcId: `vpc-${region}`,
    privateSubnetIds: ["a", "b", "c"].map((z) => `subnet-${region}-${z}`),
    allowedSecurityGroupIds: [`sg-${region}`],
    availabilityZones: ["a", "b", "c"].map((z) => `${region}${z}`),
  }));
const data = (): DataTierArgs => ({ environment: "prod", recoveryObjectives: { rpoSeconds: 60, rtoSeconds: 300 }, regions: dataRegions() });
const traffic = (): GlobalTrafficArgs => ({
  domainName: "app.example.com",
  hostedZoneId: "Z0123456789ABC",
  routing: "latency",
  environment: "prod",
  providers: { "us-east-1": new aws.Provider("t-use1", { region: "us-east-1" }), "us-west-2": new aws.Provider("t-usw2", { region: "us-west-2" }) },
  endpoints: ["us-east-1", "us-west-2"].map((region) => ({ region, loadBalancerDnsName: `ingress.${region}.app.example.com`, healthCheckPath: "/healthz" })),
});
const monitoring: MonitoringStackArgs = {
  region: "us-east-1",
  environment: "prod",
  clusterName: "use1",
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
  oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
  alertReceivers: { receivers: [{ name: "ops", webhook: [{ url: "https://hooks.example.com/alerts" }] }], critical: "ops", warning: "ops" },
};

type Row = [mistake: string, build: () => unknown, property: string, value: string];

const CONFIG: Row[] = [
  ["unknown environment", () => parsePlatformConfig({ ...prodConfig, environment: "production" }), "environment", '"production"'],
  ["duplicate region", () => parsePlatformConfig({ ...prodConfig, regions: ["us-east-1", "us-west-2", "us-east-1"] }), "regions[2]", '"us-east-1"'],
  ["misspelt region", () => parsePlatformConfig({ ...prodConfig, regions: ["us-east-1", "us-west-2", "eu-west1"] }), "regions[2]", '"eu-west1"'],
  ["prod with two zones", () => parsePlatformConfig({ ...prodConfig, availabilityZones: 2 }), "availabilityZones", "2"],
  ["RPO of zero", () => parsePlatformConfig({ ...prodConfig, recoveryObjectives: { rpoSeconds: 0, rtoSeconds: 300 } }), "recoveryObjectives.rpoSeconds", "0"],
  ["prod RTO of an hour", () => parsePlatformConfig({ ...prodConfig, recoveryObjectives: { rpoSeconds: 60, rtoSeconds: 3600 } }), "recoveryObjectives.rtoSeconds", "3600"],
  ["overlapping region CIDRs", () => parsePlatformConfig({ ...prodConfig, vpcCidrs: { "us-east-1": "10.10.0.0/16", "us-west-2": "10.10.0.0/17", "eu-west-1": "10.30.0.0/16" } }), "vpcCidrs.us-west-2", '"10.10.0.0/17"'],
  ["CIDR with host bits", () => parsePlatformConfig({ ...prodConfig, vpcCidrs: { "us-east-1": "10.10.0.1/16", "us-west-2": "10.20.0.0/16", "eu-west-1": "10.30.0.0/16" } }), "vpcCidrs.us-east-1", '"10.10.0.1/16"'],
  ["public API open to the internet", () => parsePlatformConfig({ ...prodConfig, clusterPublicAccessCidrs: ["0.0.0.0/0"] }), "clusterPublicAccessCidrs[0]", '"0.0.0.0/0"'],
  ["node group min above desired", () => parsePlatformConfig({ ...prodConfig, nodeGroup: { minPerZone: 4, desiredPerZone: 2, maxPerZone: 6 } }), "nodeGroup.desiredPerZone", "minPerZone"],
  ["unpinned image", () => parsePlatformConfig({ ...prodConfig, services: [{ name: "web", tenant: "payments", image: "ghcr.io/acme/web:latest" }] }), "services[0].image", '"ghcr.io/acme/web:latest"'],
  ["one replica in prod", () => parsePlatformConfig({ ...prodConfig, services: [{ name: "web", tenant: "payments", image: "ghcr.io/acme/web:1.0.0", minReplicas: 1 }] }), "services[0].minReplicas", "1"],
  ["SLO written as a fraction", () => parsePlatformConfig({ ...prodConfig, services: [{ name: "web", tenant: "payments", image: "ghcr.io/acme/web:1.0.0", sloObjective: 0.999 }] }), "services[0].sloObjective", "0.999"],
  ["no way to reach the private EKS API", () => parsePlatformConfig({ ...prodConfig, clusterApiAccess: undefined }), "clusterApiAccess", "access path"],
  ["deployer range with no route back from one region", () => parsePlatformConfig({ ...prodConfig, clusterApiAccess: { cidrs: ["203.0.113.0/24"], transitGatewayIds: {} } }), "clusterApiAccess.transitGatewayIds.us-east-1", "transit gateway"],
  ["tenant quota the services cannot fit", () => parsePlatformConfig({ ...prodConfig, tenants: [{ name: "payments", teamRoleArns: [], quota: { limitsCpu: "8" } }, { name: "storefront", teamRoleArns: [] }] }), "tenants[0].quota.limitsCpu", '"8"'],
  ["public name outside its hosted zone", () => parsePlatformConfig({ ...prodConfig, domain: { name: "app.example.com", hostedZoneId: "Z0PRODEXAMPLE00001", zoneName: "other.example.com" } }), "domain.zoneName", '"other.example.com"'],
];

const COMPONENTS: Row[] = [
  ["private API open to every address", () => new HaCluster("c", { ...cluster, endpointPrivateAccessCidrs: ["0.0.0.0/0"] }), "endpointPrivateAccessCidrs[0]", '"0.0.0.0/0"'],
  ["transit gateway route over the VPC's own range", () => new Network("n", { ...network, transitGateway: { id: "tgw-0123456789abcdef0", routedCidrs: ["10.0.0.0/8"] } }), "transitGateway.routedCidrs[0]", '"10.0.0.0/8"'],
  ["tenant quota below its workloads at their peak", () => new Tenant("t", { ...tenant, quota: { pods: 10 }, workloads: [{ name: "checkout", peakPods: 25, requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } }] }), "quota.pods", "10"],
  ["malformed VPC CIDR", () => new Network("n", { ...network, cidrBlock: "10.0.0.0/33" }), "cidrBlock", '"10.0.0.0/33"'],
  ["VPC too small for the zones' subnets", () => new Network("n", { ...network, cidrBlock: "10.0.0.0/24" }), "cidrBlock", '"10.0.0.0/24"'],
  ["a single NAT gateway in prod", () => new Network("n", { ...network, natGateways: "Single" }), "natGateways", '"Single"'],
  ["prod network over two zones", () => new Network("n", { ...network, availabilityZones: ZONES.slice(0, 2) }), "availabilityZones", "us-east-1a"],
  ["unsupported Kubernetes version", () => new HaCluster("c", { ...cluster, kubernetesVersion: "1.24" }), "kubernetesVersion", '"1.24"'],
  ["node group min > desired > max", () => new HaCluster("c", { ...cluster, nodeGroups: { general: { instanceTypes: ["m7i.large"], minSizePerZone: 5, desiredSizePerZone: 3, maxSizePerZone: 2 } } }), "nodeGroups.general", "5"],
  ["public EKS endpoint open to the world in prod", () => new HaCluster("c", { ...cluster, endpointPublicAccessCidrs: ["0.0.0.0/0"] }), "endpointPublicAccessCidrs", '"0.0.0.0/0"'],
  ["PDB that allows no disruption", () => new HaService("s", { ...service, pdb: { minAvailable: 3 } }), "pdb.minAvailable", "3"],
  ["HPA min above max", () => new HaService("s", { ...service, autoscaling: { minReplicas: 10, maxReplicas: 5 } }), "autoscaling.maxReplicas", "5"],
  ["HPA min of one in prod", () => new HaService("s", { ...service, autoscaling: { minReplicas: 1, maxReplicas: 5 } }), "autoscaling.minReplicas", "1"],
  ["image on :latest", () => new HaService("s", { ...service, image: "ghcr.io/acme/checkout:latest" }), "image", '"ghcr.io/acme/checkout:latest"'],
  ["no probes in prod", () => new HaService("s", { ...service, probes: {} }), "probes.liveness", "undefined"],
  ["plaintext secret in env", () => new HaService("s", { ...service, env: { DB_PASSWORD: "hunter2" } }), "env.DB_PASSWORD", "DB_PASSWORD"],
  ["name over the Kubernetes limit after prefixing", () => new HaService("s", { ...service, appName: "a".repeat(70) }), "appName", "aaaa"],
  ["backup schedule slower than the backup RPO", () => new DataTier("d", { ...data(), recoveryObjectives: { rpoSeconds: 60, rtoSeconds: 300, backupRpoSeconds: 3600 }, backup: { schedule: "cron(0 5 ? * * *)" } }), "backup.schedule", '"cron(0 5 ? * * *)"'],
  ["RTC window other than 15 minutes", () => new DataTier("d", { ...data(), backup: { replicationTimeMinutes: 5 } } as DataTierArgs), "backup.replicationTimeMinutes", "5"],
  ["single-AZ data stores", () => new DataTier("d", { ...data(), regions: dataRegions().map((r) => ({ ...r, availabilityZones: r.availabilityZones.slice(0, 1) })) }), "availabilityZones", "us-east-1a"],
  ["global DNS name with a trailing dot and capitals", () => new GlobalTraffic("t", { ...traffic(), domainName: "App.Example.com." }), "domainName", '"App.Example.com."'],
  ["failover routing over three regions", () => new GlobalTraffic("t", { ...traffic(), routing: "failover", endpoints: [...traffic().endpoints, { region: "eu-west-1", loadBalancerDnsName: "ingress.eu-west-1.app.example.com", healthCheckPath: "/healthz" }] }), "endpoints", "3"],
  ["tenant named after a system namespace", () => new Tenant("t", { ...tenant, tenant: "kube-system" }), "namespaces[0]", '"kube-system"'],
  ["tenant relaxed to privileged without a reason", () => new Tenant("t", { ...tenant, podSecurityLevel: "privileged" }), "podSecurityReason", "undefined"],
  ["Prometheus without replicas", () => new MonitoringStack("m", { ...monitoring, prometheus: { replicas: 0 } }), "prometheus.replicas", "0"],
];

describe.each([["stack config", CONFIG], ["component arguments", COMPONENTS]] as const)("%s", (_group, rows) => {
  test.each(rows)("rejects %s", async (_mistake, build, property, value) => {
    const recorder = installMockRuntime({ preview: true, project: "p", stack: "prod" });
    let error: unknown;
    try {
      build();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    const problem = problems.find((p) => p.property.endsWith(property) || p.property.includes(property));
    expect({ property, problems: problems.map((p) => p.property) }).toEqual({ property, problems: expect.arrayContaining([expect.stringContaining(property)]) });
    expect(JSON.stringify(problem!.value) + (error as Error).message).toContain(value);
    expect(problem!.fix.length).toBeGreaterThan(10);
    expect((error as Error).message).toContain("Fix:");
    // Nothing half-built: validation runs before the component registers itself or any child (only the providers
    // the test itself made for the arguments are registered).
    await settle();
    expect(recorder.resources.filter((r) => !r.type.startsWith("pulumi:providers:")).map((r) => r.urn)).toEqual([]);
  });
});

test("the catalogue holds at least 30 real mistakes", () => {
  expect(CONFIG.length + COMPONENTS.length).toBeGreaterThanOrEqual(30);
});
