import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseAccountConfig } from "../../stacks/account";
import { parsePlatformConfig } from "../../stacks/config";
import { ValidationError } from "../../components/shared/validation";

/** The committed stack file's values, unqualified, as the program sees them. */
function stackValues(stack: string): Record<string, unknown> {
  const doc = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`), "utf8"));
  return Object.fromEntries(Object.entries<unknown>(doc.config).map(([k, v]) => [k.replace(/^production-platform:/, ""), v]));
}

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parsePlatformConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems.map((p) => `${p.property} | ${JSON.stringify(p.value)} | ${p.rule} | ${p.fix}`);
  }
  return [];
}

describe.each(["dev", "staging", "prod"])("committed stack %s", (stack) => {
  test("is valid and frozen", () => {
    const config = parsePlatformConfig(stackValues(stack));
    expect(config.environment).toBe(stack);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.regions)).toBe(true);
  });
});

test("prod runs three regions over three zones each with RPO ≤ 60 s and RTO ≤ 300 s", () => {
  const config = parsePlatformConfig(stackValues("prod"));
  expect(config.regions).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
  // Which three is the account's answer to getAvailabilityZones (test/stacks/zones.test.ts).
  expect(config.availabilityZones).toBe(3);
  expect([config.availabilityZoneIds, config.excludedAvailabilityZoneIds, config.subnetCidrs]).toEqual([{}, [], {}]);
  expect(config.recoveryObjectives.rpoSeconds).toBeLessThanOrEqual(60);
  expect(config.recoveryObjectives.rtoSeconds).toBeLessThanOrEqual(300);
});

test("database rotation defaults to 30 days and reads the committed value", () => {
  const { databaseRotationDays: _unset, ...withoutRotation } = stackValues("prod");
  expect(parsePlatformConfig(withoutRotation).databaseRotationDays).toBe(30);
  expect(parsePlatformConfig({ ...stackValues("prod"), databaseRotationDays: 7 }).databaseRotationDays).toBe(7);
  expect(stackValues("prod").databaseRotationDays).toBe(30);
  expect(stackValues("staging").databaseRotationDays).toBe(30);
});

test("three mistakes are reported together, each naming key, value and fix", () => {
  const raw = { ...stackValues("prod"), environment: "production", regions: ["us-east-1", "us-east-1", "eu-west-1"], recoveryObjectives: { rpoSeconds: 0, rtoSeconds: 300 } };
  const problems = problemsOf(raw);
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^production-platform:environment \| "production" \| one of "dev", "staging", "prod"/),
      expect.stringMatching(/^production-platform:regions\[1\] \| "us-east-1" \| each region listed once \| remove the duplicate us-east-1/),
      expect.stringMatching(/^production-platform:recoveryObjectives.rpoSeconds \| 0 \| an integer from 1/),
    ]),
  );
});

const prod = stackValues("prod");
test.each<[string, Record<string, unknown>, RegExp]>([
  ["unknown region", { regions: ["us-east-1", "us-west-2", "mars-north-1"] }, /regions\[2\] \| "mars-north-1" \| a known AWS region/],
  ["prod below three regions", { regions: ["us-east-1", "us-west-2"], vpcCidrs: { "us-east-1": "10.10.0.0/16", "us-west-2": "10.20.0.0/16" } }, /regions \| .* \| at least 3 regions in prod/],
  ["staging in one region", { environment: "staging", regions: ["us-east-1"], vpcCidrs: { "us-east-1": "10.10.0.0/16" }, recoveryObjectives: { rpoSeconds: 900, rtoSeconds: 1800 } }, /regions \| \["us-east-1"\] \| at least 2 regions in staging/],
  ["prod with two zones", { availabilityZones: 2 }, /availabilityZones \| 2 \| at least 3 zones per region in prod/],
  ["more zones than any region has", { availabilityZones: 7 }, /availabilityZones \| 7 \| an integer from 1 to 6/],
  // One CIDR parser (components/network/cidr.ts): a leading zero is refused here as the network refuses it.
  ["VPC CIDR with a leading zero", { vpcCidrs: { ...(prod.vpcCidrs as object), "us-west-2": "10.020.0.0/16" } }, /vpcCidrs.us-west-2 \| "10.020.0.0\/16" \| an IPv4 CIDR block written a.b.c.d\/n/],
  ["VPC CIDR with host bits", { vpcCidrs: { ...(prod.vpcCidrs as object), "us-west-2": "10.20.1.0/16" } }, /vpcCidrs.us-west-2 \| "10.20.1.0\/16" \| a network address with no host bits set \| use 10.20.0.0\/16: pulumi config set --path/],
  ["public VPC range", { vpcCidrs: { ...(prod.vpcCidrs as object), "us-west-2": "100.20.0.0/16" } }, /vpcCidrs.us-west-2 \| "100.20.0.0\/16" \| a block inside an RFC 1918 private range/],
  ["deployer range with a leading zero", { clusterApiAccess: { cidrs: ["203.0.113.00/24"], transitGatewayIds: (prod.clusterApiAccess as any).transitGatewayIds } }, /clusterApiAccess.cidrs\[0\] \| "203.0.113.00\/24" \| an IPv4 CIDR aligned/],
  ["an AZ name where an AZ ID belongs", { availabilityZoneIds: { "us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c"] } }, /availabilityZoneIds.us-east-1\[0\] \| "us-east-1a" \| an AZ ID such as use1-az1/],
  ["a zone EKS refuses", { availabilityZoneIds: { "us-east-1": ["use1-az1", "use1-az3", "use1-az4"] } }, /availabilityZoneIds.us-east-1\[1\] \| "use1-az3" \| a zone EKS supports .*UnsupportedAvailabilityZoneException/],
  ["fewer explicit zones than prod's floor", { availabilityZoneIds: { "us-east-1": ["use1-az1", "use1-az2"] } }, /availabilityZoneIds.us-east-1 \| \["use1-az1","use1-az2"\] \| a list of at least 3 AZ IDs in prod/],
  ["explicit zones for a region not in regions", { availabilityZoneIds: { "ap-south-1": ["aps1-az1", "aps1-az2", "aps1-az3"] } }, /availabilityZoneIds.ap-south-1 \| .* zones only for regions listed in regions/],
  ["an exclusion that is not an AZ ID", { excludedAvailabilityZoneIds: ["us-east-1e"] }, /excludedAvailabilityZoneIds\[0\] \| "us-east-1e" \| an AZ ID/],
  ["explicit subnet outside the region's VPC", { subnetCidrs: { "us-east-1a": { private: "10.20.0.0/19", public: "10.10.96.0/21" } } }, /subnetCidrs\["us-east-1a"\].private \| "10.20.0.0\/19" \| an IPv4 network address of \/24 or larger inside the VPC \(10.10.0.0\/16\)/],
  ["explicit subnets for a zone of no configured region", { subnetCidrs: { "ap-south-1a": { private: "10.10.0.0/19", public: "10.10.96.0/21" } } }, /subnetCidrs\["ap-south-1a"\] \| .* a zone name of a configured region/],
  ["RPO above the prod floor", { recoveryObjectives: { rpoSeconds: 3600, rtoSeconds: 300 } }, /rpoSeconds \| 3600 \| ≤ 60 s in prod/],
  ["RTO not a number", { recoveryObjectives: { rpoSeconds: 60, rtoSeconds: "5m" } }, /rtoSeconds \| "5m" \| an integer/],
  ["unsupported Kubernetes version", { kubernetesVersion: "1.25" }, /kubernetesVersion \| "1.25" \| one of "1.30"/],
  ["malformed CIDR", { vpcCidrs: { ...(prod.vpcCidrs as object), "us-west-2": "10.20.0.0/33" } }, /vpcCidrs.us-west-2 \| "10.20.0.0\/33" \| an IPv4 CIDR/],
  ["overlapping CIDRs", { vpcCidrs: { ...(prod.vpcCidrs as object), "eu-west-1": "10.10.128.0/17" } }, /vpcCidrs.eu-west-1 \| .* a range that does not overlap vpcCidrs\["us-east-1"\]/],
  ["VPC too small", { vpcCidrs: { ...(prod.vpcCidrs as object), "us-west-2": "10.20.0.0/24" } }, /vpcCidrs.us-west-2 \| "10.20.0.0\/24" \| a \/20 or larger to hold 8 zone slots .* \| .*pulumi config set --path/],
  ["single NAT in prod", { natGateways: "Single" }, /natGateways \| "Single" \| "OnePerZone" outside dev .* \| set production-platform:natGateways: OnePerZone in Pulumi.<stack>.yaml/],
  ["public API open to the internet in prod", { clusterPublicAccessCidrs: ["0.0.0.0/0"] }, /clusterPublicAccessCidrs\[0\] \| "0.0.0.0\/0" \| not the whole internet in prod/],
  ["node group min > desired", { nodeGroup: { minPerZone: 3, desiredPerZone: 2, maxPerZone: 5 } }, /nodeGroup.desiredPerZone \| .* minPerZone ≤ desiredPerZone ≤ maxPerZone/],
  ["unpinned image", { services: [{ name: "web", tenant: "payments", image: "nginx:latest" }] }, /services\[0\].image \| "nginx:latest" \| an image pinned by a tag other than latest/],
  ["image without tag", { services: [{ name: "web", tenant: "payments", image: "nginx" }] }, /services\[0\].image \| "nginx" \| an image pinned by a tag other than latest/],
  ["service for an unknown tenant", { services: [{ name: "web", tenant: "nobody", image: "nginx:1.27.0" }] }, /services\[0\].tenant \| "nobody" \| one of the configured tenants/],
  ["HPA max below min", { services: [{ name: "web", tenant: "payments", image: "nginx:1.27.0", minReplicas: 5, maxReplicas: 3 }] }, /services\[0\].maxReplicas \| 3 \| at least autoscaling.minReplicas \(5\)/],
  ["prod single replica", { services: [{ name: "web", tenant: "payments", image: "nginx:1.27.0", minReplicas: 1 }] }, /services\[0\].minReplicas \| 1 \| an integer from 3/],
  ["SLO as a fraction", { services: [{ name: "web", tenant: "payments", image: "nginx:1.27.0", sloObjective: 0.999 }] }, /sloObjective \| 0.999 \| a percentage above 93.06 and below 100.*99.9 \(not 0.999\)/],
  ["two services on the same ingress path", { services: [{ name: "a", tenant: "payments", image: "nginx:1.27.0" }, { name: "b", tenant: "payments", image: "nginx:1.27.0" }] }, /services\[1\].ingressPath \| "\/" \| a path no other service uses \(a has it\)/],
  ["ingress path without a leading slash", { services: [{ name: "a", tenant: "payments", image: "nginx:1.27.0", ingressPath: "checkout" }] }, /services\[0\].ingressPath \| "checkout" \| a URL path starting with \//],
  ["unknown delivery strategy", { services: [{ name: "a", tenant: "payments", image: "nginx:1.27.0", delivery: "recreate" }] }, /services\[0\].delivery \| "recreate" \| one of "rolling", "canary", "blueGreen"/],
  ["tenant named like a system namespace", { tenants: [{ name: "kube-system", teamRoleArns: [] }], services: [] }, /tenants\[0\].name \| "kube-system"/],
  ["tenant role that is not a role ARN", { tenants: [{ name: "payments", teamRoleArns: ["payments-engineers"] }] }, /tenants\[0\].teamRoleArns\[0\] \| "payments-engineers" \| an IAM role ARN/],
  ["database rotation turned into a no-op", { databaseRotationDays: 0 }, /databaseRotationDays \| 0 \| an integer from 1 to 365 \| pulumi config set production-platform:databaseRotationDays 30/],
  ["database rotation beyond a year", { databaseRotationDays: 400 }, /databaseRotationDays \| 400 \| an integer from 1 to 365/],
  ["database rotation as text", { databaseRotationDays: "monthly" }, /databaseRotationDays \| "monthly" \| an integer from 1 to 365/],
  ["domain not fully qualified", { domain: { name: "app", hostedZoneId: "Z0PRODEXAMPLE00001", zoneName: "app" } }, /domain.name \| "app" \| a fully qualified DNS name/],
  // Issue 15: what would only fail mid-`pulumi up` is refused here, before anything registers.
  ["no access path to the private EKS API", { clusterApiAccess: undefined, clusterPublicAccessCidrs: undefined }, /clusterApiAccess \| undefined \| an access path from where pulumi up runs to the EKS API/],
  ["deployer ranges without a route back in one region", { clusterApiAccess: { cidrs: ["203.0.113.0/24"], transitGatewayIds: { "us-east-1": "tgw-0123456789abcdef0" } } }, /clusterApiAccess.transitGatewayIds.us-west-2 \| undefined \| a transit gateway id/],
  ["API access open to the internet", { clusterApiAccess: { cidrs: ["0.0.0.0/0"], transitGatewayIds: prod.clusterApiAccess && (prod.clusterApiAccess as any).transitGatewayIds } }, /clusterApiAccess.cidrs\[0\] \| "0.0.0.0\/0" \| not the whole internet/],
  ["public name outside its zone", { domain: { name: "app.example.com", hostedZoneId: "Z0PRODEXAMPLE00001", zoneName: "example.org" } }, /domain.zoneName \| "example.org" \| the name of the hosted zone/],
  ["tenant quota too small for its services at maxReplicas plus surge", { tenants: [{ name: "payments", teamRoleArns: [], quota: { limitsCpu: "8" } }, { name: "storefront", teamRoleArns: [] }] }, /tenants\[0\].quota.limitsCpu \| "8" \| room for the services at maxReplicas plus rollout surge \(checkout ×25\): 25/],
  ["tenant pod cap below the services' peak", { tenants: [{ name: "payments", teamRoleArns: [], quota: { pods: 20 } }, { name: "storefront", teamRoleArns: [] }] }, /tenants\[0\].quota.pods \| "20" \| room for the services .*: 25/],
  ["unknown data store", { services: [{ name: "web", tenant: "payments", image: "nginx:1.27.0", databases: ["mysql"] }] }, /services\[0\].databases\[0\] \| "mysql" \| one of "postgres", "redis"/],
  ["an environment stack marked as the account stack", { stackKind: "account" }, /stackKind \| "account" \| "environment" here/],
])("rejects %s", (_label, override, expected) => {
  const problems = problemsOf({ ...prod, ...override });
  expect(problems.join("\n")).toMatch(expected);
});

describe("account stack config", () => {
  const account = stackValues("account");

  test("the committed account stack is valid: every region any environment uses", () => {
    const config = parseAccountConfig(account);
    const used = new Set(["dev", "staging", "prod"].flatMap((s) => stackValues(s).regions as string[]));
    expect(new Set(config.regions)).toEqual(used);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ["no regions", { regions: [] }, /regions \| \[\] \| a non-empty list of AWS regions/],
    ["environment keys in the account stack", { services: [], vpcCidrs: {} }, /services \| \[\] \| only stackKind and regions in an account stack/],
    ["not marked as an account stack", { stackKind: "environment" }, /stackKind \| "environment" \| "account"/],
  ])("rejects %s", (_label, override, expected) => {
    let message = "";
    try {
      parseAccountConfig({ ...account, ...override });
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      message = (err as ValidationError).problems.map((p) => `${p.property} | ${JSON.stringify(p.value)} | ${p.rule} | ${p.fix}`).join("\n");
    }
    expect(message).toMatch(expected);
  });
});
