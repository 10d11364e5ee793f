import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Network, NetworkArgs } from "../../../components/network/Network";
import { NatGateways, INTERFACE_ENDPOINT_SERVICES } from "../../../components/network/types";
import { ValidationError } from "../../../components/shared/validation";
import { installMockRuntime, ResourceRecorder, settle } from "../../../src/testing/mocks";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const base: NetworkArgs = { region: "us-east-1", environment: "prod", cidrBlock: "10.0.0.0/16", availabilityZones: ZONES };

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

async function build(preview: boolean, args: Partial<NetworkArgs> = {}): Promise<{ recorder: ResourceRecorder; network: Network }> {
  const recorder = installMockRuntime({ preview, project: "production-platform", stack: "prod" });
  const provider = new aws.Provider("aws-use1", { region: "us-east-1" });
  const network = new Network("use1", { ...base, ...args }, { provider });
  await settle();
  return { recorder, network };
}

describe.each([true, false])("Network (preview=%s)", (preview) => {
  // One prod build shared by the read-only assertions keeps the file fast; variants build their own.
  let prod: { recorder: ResourceRecorder; network: Network };
  beforeAll(async () => {
    prod = await build(preview);
  });

  test("spreads one public and one private subnet over each of the 3 zones, with EKS load balancer tags", async () => {
    const { recorder } = prod;
    const subnets = recorder.ofType("aws:ec2/subnet:Subnet").map((s) => recorder.inputsOf(s));
    const publicSubnets = subnets.filter((s) => s.tags["kubernetes.io/role/elb"] === "1");
    const privateSubnets = subnets.filter((s) => s.tags["kubernetes.io/role/internal-elb"] === "1");
    expect(publicSubnets.map((s) => s.availabilityZone).sort()).toEqual(ZONES);
    expect(privateSubnets.map((s) => s.availabilityZone).sort()).toEqual(ZONES);
    // Zone slots (subnets.ts): private /20s from the VPC's start, public /21s from its middle, slot = zone letter.
    expect(privateSubnets.map((s) => s.cidrBlock)).toEqual(["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]);
    expect(publicSubnets.map((s) => s.cidrBlock)).toEqual(["10.0.128.0/21", "10.0.136.0/21", "10.0.144.0/21"]);
    expect(subnets.every((s) => s.mapPublicIpOnLaunch === false)).toBe(true);
    expect(recorder.ofType("aws:ec2/subnet:Subnet").every((s) => recorder.regionOf(s) === "us-east-1")).toBe(true);
  });

  test("puts one NAT gateway in each zone's public subnet and routes each private subnet to its own zone's NAT", async () => {
    const { recorder } = prod;
    const nats = recorder.ofType("aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(3);
    const subnetUrnByName = new Map(recorder.ofType("aws:ec2/subnet:Subnet").map((s) => [s.name, s]));
    for (const zone of ZONES) {
      const nat = recorder.one("aws:ec2/natGateway:NatGateway", `use1-nat-${zone}`);
      const publicSubnet = subnetUrnByName.get(`use1-public-${zone}`)!;
      expect(recorder.inputsOf(nat).subnetId).toBe(publicSubnet.id);
      const route = recorder.one("aws:ec2/route:Route", `use1-private-${zone}-default`);
      expect(recorder.inputsOf(route).natGatewayId).toBe(nat.id);
    }
  });

  test("dev may use a single NAT gateway that every private route table points to", async () => {
    const { recorder } = await build(preview, { environment: "dev", natGateways: NatGateways.Single });
    const nats = recorder.ofType("aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(1);
    const privateRoutes = recorder.ofType("aws:ec2/route:Route").filter((r) => r.name.startsWith("use1-private-"));
    expect(privateRoutes).toHaveLength(3);
    expect(privateRoutes.every((r) => recorder.inputsOf(r).natGatewayId === nats[0].id)).toBe(true);
  });

  test("flow logs capture ALL traffic into a log group encrypted with a rotating key the logs service may use", async () => {
    const { recorder } = prod;
    const flowLog = recorder.inputsOf(recorder.one("aws:ec2/flowLog:FlowLog"));
    expect(flowLog.trafficType).toBe("ALL");
    expect(flowLog.logDestinationType).toBe("cloud-watch-logs");
    const logGroup = recorder.one("aws:cloudwatch/logGroup:LogGroup");
    if (!preview) expect(flowLog.logDestination).toBe(logGroup.outputs.arn);
    const key = recorder.one("aws:kms/key:Key");
    const keyInputs = recorder.inputsOf(key);
    expect(keyInputs.enableKeyRotation).toBe(true);
    expect(logGroup.dependencies).toContain(key.urn);
    expect(recorder.inputsOf(logGroup).retentionInDays).toBe(365);
    if (!preview) {
      expect(recorder.inputsOf(logGroup).kmsKeyId).toBe(key.outputs.arn);
      const policy = JSON.parse(keyInputs.policy);
      const logs = policy.Statement.find((s: any) => s.Principal.Service === "logs.us-east-1.amazonaws.com");
      expect(logs.Action).toContain("kms:GenerateDataKey*");
    }
  });

  test("the default security group is adopted with no rules", async () => {
    const { recorder } = prod;
    const sg = recorder.inputsOf(recorder.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"));
    expect(sg.ingress ?? []).toEqual([]);
    expect(sg.egress ?? []).toEqual([]);
  });

  test("creates an S3 gateway endpoint and the interface endpoints EKS private nodes need, behind HTTPS-from-VPC", async () => {
    const { recorder } = prod;
    const endpoints = recorder.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => recorder.inputsOf(e));
    const s3 = endpoints.find((e) => e.serviceName === "com.amazonaws.us-east-1.s3");
    expect(s3?.vpcEndpointType).toBe("Gateway");
    expect(s3?.routeTableIds).toHaveLength(3);
    const interfaces = endpoints.filter((e) => e.vpcEndpointType === "Interface");
    expect(interfaces.map((e) => e.serviceName).sort()).toEqual(INTERFACE_ENDPOINT_SERVICES.map((s) => `com.amazonaws.us-east-1.${s}`).sort());
    expect(interfaces.every((e) => e.privateDnsEnabled === true && e.subnetIds.length === 3)).toBe(true);
    const sg = recorder.inputsOf(recorder.one("aws:ec2/securityGroup:SecurityGroup"));
    expect(sg.ingress).toEqual([expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443 })]);
    if (!preview) expect(sg.ingress[0].cidrBlocks).toEqual(["10.0.0.0/16"]);
  });

  test("protects the flow log key in prod only", async () => {
    expect(prod.recorder.one("aws:kms/key:Key").options.protect).toBe(true);
    const dev = await build(preview, { environment: "dev" });
    expect(dev.recorder.one("aws:kms/key:Key").options.protect).toBe(false);
  });

  test("exposes typed outputs and registers them", async () => {
    const { recorder, network } = prod;
    expect(network.vpcCidr).toBe("10.0.0.0/16");
    expect(network.availabilityZones).toEqual(ZONES);
    expect(network.publicSubnetCidrs).toEqual(["10.0.128.0/21", "10.0.136.0/21", "10.0.144.0/21"]);
    if (!preview) {
      expect(await value(network.privateSubnetIds)).toHaveLength(3);
      expect(await value(network.vpcId)).toMatch(/^use1-vpc-/);
    }
    const component = recorder.one("production-platform:network:Network", "use1");
    expect(Object.keys(component.outputs).sort()).toEqual(
      ["availabilityZones", "endpointSecurityGroupId", "flowLogGroupName", "privateSubnetCidrs", "privateSubnetIds", "publicSubnetCidrs", "publicSubnetIds", "vpcCidr", "vpcId"],
    );
  });
});

describe("Network validation", () => {
  test.each<[string, Partial<NetworkArgs>, string[]]>([
    ["missing prefix", { cidrBlock: "10.0.0.0" }, ["cidrBlock", '"10.0.0.0"', "10.0.0.0/16"]],
    ["prefix over 32", { cidrBlock: "10.0.0.0/33" }, ["cidrBlock", '"10.0.0.0/33"', "Fix:"]],
    ["octet over 255", { cidrBlock: "300.0.0.0/16" }, ["cidrBlock", '"300.0.0.0/16"', "Fix:"]],
    ["host bits set", { cidrBlock: "10.0.0.1/16" }, ["cidrBlock", '"10.0.0.1/16"', "use 10.0.0.0/16"]],
    ["public range", { cidrBlock: "8.8.0.0/16" }, ["cidrBlock", '"8.8.0.0/16"', "RFC 1918", "10.0.0.0/8"]],
    ["bigger than AWS allows", { cidrBlock: "10.0.0.0/8" }, ["cidrBlock", '"10.0.0.0/8"', "/16 to /24", "use a /16"]],
    ["too small for zone slots", { cidrBlock: "10.0.0.0/22" }, ["cidrBlock", '"10.0.0.0/22"', "a /20 or larger to hold 8 zone slots", "subnetCidrs"]],
    ["private subnet bigger than its slot", { privateSubnetPrefixLength: 19 }, ["privateSubnetPrefixLength", "19", "from /20 (a whole zone slot of a /16)"]],
    ["public subnet bigger than its slot", { publicSubnetPrefixLength: 20 }, ["publicSubnetPrefixLength", "20", "from /21"]],
    ["zone letter past the last slot", { availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1i"] }, ["availabilityZones[2]", '"us-east-1i"', "a zone letter from a to h", "subnetCidrs"]],
    ["explicit CIDRs for a zone not used", { subnetCidrs: { "us-east-1d": { private: "10.0.64.0/20", public: "10.0.160.0/21" } } }, ['subnetCidrs["us-east-1d"]', "a zone the VPC uses"]],
    ["explicit CIDR outside the VPC", { subnetCidrs: { "us-east-1a": { private: "10.1.0.0/20", public: "10.0.128.0/21" } } }, ['subnetCidrs["us-east-1a"].private', '"10.1.0.0/20"', "inside the VPC (10.0.0.0/16)"]],
    ["explicit CIDR over another zone's slot", { subnetCidrs: { "us-east-1c": { private: "10.0.16.0/20", public: "10.0.144.0/21" } } }, ['subnetCidrs["us-east-1c"]', '"10.0.16.0/20"', "overlaps the us-east-1b private subnet"]],
    ["prod with 2 zones", { availabilityZones: ["us-east-1a", "us-east-1b"] }, ["availabilityZones", '["us-east-1a","us-east-1b"]', "at least 3 zones in prod"]],
    ["zone of another region", { availabilityZones: ["us-east-1a", "us-east-1b", "eu-west-1a"] }, ["availabilityZones[2]", '"eu-west-1a"', "a zone name of us-east-1"]],
    ["duplicate zone", { availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1a"] }, ["availabilityZones[2]", '"us-east-1a"', "remove the duplicate"]],
    ["single NAT in prod", { natGateways: NatGateways.Single }, ["natGateways", '"Single"', "NatGateways.OnePerZone"]],
    ["unknown NAT mode", { environment: "dev", natGateways: "PerSubnet" as NatGateways }, ["natGateways", '"PerSubnet"', "one of"]],
    ["unknown region", { region: "mars-north-1" }, ["region", '"mars-north-1"', "regions.ts"]],
    ["bad retention", { flowLogRetentionDays: 100 }, ["flowLogRetentionDays", "100", "365"]],
  ])("%s", (_label, override, expected) => {
    installMockRuntime({ preview: true });
    let error: unknown;
    try {
      new Network("use1", { ...base, ...override });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    for (const text of expected) expect((error as Error).message).toContain(text);
  });

  test("reports every problem at once", () => {
    installMockRuntime({ preview: true });
    let error: ValidationError | undefined;
    try {
      new Network("use1", { ...base, cidrBlock: "nope", availabilityZones: ["us-east-1a"], natGateways: NatGateways.Single });
    } catch (e) {
      error = e as ValidationError;
    }
    expect(error?.problems.map((p) => p.property).sort()).toEqual(["availabilityZones", "cidrBlock", "natGateways"]);
  });

  test("registers no resources at all when validation fails", async () => {
    const recorder = installMockRuntime({ preview: false });
    expect(() => new Network("use1", { ...base, cidrBlock: "10.0.0.0/22" })).toThrow(ValidationError);
    await settle();
    expect(recorder.resources).toHaveLength(0);
  });
});

describe("Network subnet slots (issue 17): a zone's CIDRs and names do not depend on the other zones", () => {
  /** Subnet name → CIDR, and every URN, as recorded. */
  async function layout(zones: string[], args: Partial<NetworkArgs> = {}): Promise<{ cidrs: Map<string, string>; urns: Set<string> }> {
    const { recorder } = await build(false, { availabilityZones: zones, ...args });
    const cidrs = new Map(recorder.ofType("aws:ec2/subnet:Subnet").map((s) => [s.name, recorder.inputsOf(s).cidrBlock as string]));
    return { cidrs, urns: new Set(recorder.resources.map((r) => r.urn)) };
  }

  test("adding a fourth zone and removing one keep every other zone's subnet CIDRs and URNs", async () => {
    const three = await layout(["us-east-1a", "us-east-1b", "us-east-1c"]);
    const four = await layout(["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]);
    const withoutA = await layout(["us-east-1b", "us-east-1c", "us-east-1d"]);
    for (const [name, cidr] of three.cidrs) expect([name, four.cidrs.get(name)]).toEqual([name, cidr]);
    for (const [name, cidr] of withoutA.cidrs) expect([name, four.cidrs.get(name)]).toEqual([name, cidr]);
    // Every URN of the three-zone VPC survives the fourth zone; removing a only removes a's own resources.
    expect([...three.urns].filter((u) => !four.urns.has(u))).toEqual([]);
    const gone = [...four.urns].filter((u) => !withoutA.urns.has(u));
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.filter((u) => !u.includes("us-east-1a"))).toEqual([]);
    expect(four.cidrs.get("use1-private-us-east-1d")).toBe("10.0.48.0/20");
  });

  test("explicit CIDRs keep a deployed zone's ranges while the others use their slots", async () => {
    const pinned = await layout(["us-east-1a", "us-east-1b", "us-east-1c"], {
      subnetCidrs: { "us-east-1a": { private: "10.0.96.0/19", public: "10.0.224.0/21" } },
    });
    expect(pinned.cidrs.get("use1-private-us-east-1a")).toBe("10.0.96.0/19");
    expect(pinned.cidrs.get("use1-public-us-east-1a")).toBe("10.0.224.0/21");
    expect(pinned.cidrs.get("use1-private-us-east-1b")).toBe("10.0.16.0/20");
  });
});
