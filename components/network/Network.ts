import { throwIfProblems } from "../shared/validation";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { environmentProfile } from "../shared/environment";
import { parseCidr } from "./cidr";
import { flowLogKeyPolicy, flowLogTrustPolicy, flowLogWritePolicy } from "./policies";
import { Environment, INTERFACE_ENDPOINT_SERVICES, NatGateways } from "./types";
import { planSubnets, slotPrefixes, SubnetPlan, ZoneSubnetCidrs } from "./subnets";
import { networkProblems } from "./validation";

export interface NetworkArgs {
  /**
   * AWS region of the VPC. Must be the region of the `aws.Provider` passed in the resource options: it names the
   * VPC endpoint services and the zones are checked against it.
   */
  readonly region: string;
  /** Deployment environment. `prod` requires three zones and one NAT gateway per zone. */
  readonly environment: Environment;
  /**
   * VPC range: an RFC 1918 block from /16 to /24 with no host bits set. Each zone's subnets sit in the fixed slot of
   * its letter (see subnets.ts: for a /16, zone a gets 10.x.0.0/20 private and 10.x.128.0/21 public, zone b the next
   * ones, …), so adding or removing a zone never moves another zone's CIDRs. Slots need a /20 or larger; smaller VPCs
   * list every zone in `subnetCidrs`.
   */
  readonly cidrBlock: string;
  /**
   * Zone names of `region` (as the account's `getAvailabilityZones` names them) to spread subnets over. Resource
   * names and subnet slots follow the zone, not its position: the order only orders the outputs.
   */
  readonly availabilityZones: readonly string[];
  /**
   * Explicit CIDRs per zone name, for zones whose subnets must keep ranges they already have (a stack deployed with
   * another layout) or a VPC too small for slots. Must lie inside the VPC and overlap no other subnet.
   * @default every zone uses its slot
   */
  readonly subnetCidrs?: Readonly<Record<string, ZoneSubnetCidrs>>;
  /**
   * A transit gateway (already shared with this account) that connects `routedCidrs`, e.g. the operators' VPN or CI
   * network, to the VPC: the component attaches the private subnets to it and routes those ranges through it from
   * every private route table. This is how a private EKS endpoint answers a deployer outside the VPC.
   * @default no transit gateway; the VPC reaches only the internet (through NAT) and its endpoints
   */
  readonly transitGateway?: { readonly id: string; readonly routedCidrs: readonly string[] };
  /** @default one NAT gateway per zone; `NatGateways.Single` is allowed in dev only. */
  readonly natGateways?: NatGateways;
  /** @default a whole private slot: the VPC prefix + 4 (a /20 in a /16); a longer prefix leaves the slot's rest free. */
  readonly privateSubnetPrefixLength?: number;
  /** @default a whole public slot: the VPC prefix + 5 (a /21 in a /16), at most /28. */
  readonly publicSubnetPrefixLength?: number;
  /** @default flow logs are kept 365 days in prod and 90 days elsewhere. */
  readonly flowLogRetentionDays?: number;
  /** @default only `Name` tags; these are added to every taggable resource. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Subnets and routing of one zone. */
interface ZoneNetwork {
  readonly zone: string;
  readonly publicSubnet: aws.ec2.Subnet;
  readonly privateSubnet: aws.ec2.Subnet;
  readonly privateRouteTable: aws.ec2.RouteTable;
}

/** Builds the tags of one resource: the caller's, its `Name` and any extra. */
type Tagger = (resource: string, extra?: Record<string, string>) => Record<string, string>;

/** Throws a `ValidationError` listing every problem with the arguments. */
export function validateNetworkArgs(name: string, args: NetworkArgs): void {
  throwIfProblems(`Network "${name}"`, networkProblems(args));
}

/**
 * One VPC in one region for a private EKS cluster: public and private subnets in every zone, NAT gateways, flow logs
 * of all traffic to a KMS-encrypted log group, VPC endpoints for what private nodes call, and a default security
 * group that allows nothing.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: string;
  /** In the order of `availabilityZones`. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** In the order of `availabilityZones`. */
  readonly publicSubnetIds: pulumi.Output<string[]>;
  /**
   * CIDRs of the public subnets, in zone order: where internet-facing load balancers live, so the ranges a
   * NetworkPolicy admits for load-balancer traffic (narrower than the VPC CIDR, which every EKS pod is in).
   */
  readonly publicSubnetCidrs: string[];
  /** CIDRs of the private subnets, in zone order: nodes, pods (VPC CNI), the data tier and the interface endpoints. */
  readonly privateSubnetCidrs: string[];
  readonly availabilityZones: string[];
  readonly flowLogGroupName: pulumi.Output<string>;
  /** Security group of the interface endpoints (443 from the VPC). */
  readonly endpointSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    validateNetworkArgs(name, args);
    super("production-platform:network:Network", name, {}, opts);

    const zones = [...args.availabilityZones];
    const natGateways = args.natGateways ?? NatGateways.OnePerZone;
    // Flow logs are kept as long as the control-plane logs (the profile's audit retention).
    const retentionInDays = args.flowLogRetentionDays ?? environmentProfile(args.environment).retention.controlPlaneLogDays;
    const vpcCidr = parseCidr(args.cidrBlock)!;
    const slots = slotPrefixes(vpcCidr.prefix);
    const plan = planSubnets({
      region: args.region,
      vpc: vpcCidr,
      zones,
      privatePrefix: args.privateSubnetPrefixLength ?? slots.privatePrefix,
      publicPrefix: args.publicSubnetPrefixLength ?? slots.publicPrefix,
      explicit: args.subnetCidrs,
    })!;
    const tags: Tagger = (resource, extra = {}) => ({ ...args.tags, Name: `${name}-${resource}`, ...extra });

    const vpc = this.createVpc(name, args.cidrBlock, tags);
    const { igw, publicRouteTable } = this.createPublicRouting(name, vpc, tags);
    const zoneNetworks = this.createZoneNetworks(name, vpc, zones, plan, publicRouteTable, tags);
    this.createNatRouting(name, zoneNetworks, natGateways, igw, tags);

    if (args.transitGateway) this.attachTransitGateway(name, vpc, zoneNetworks, args.transitGateway, tags);
    const flowLogGroup = this.createFlowLogs(name, vpc, retentionInDays, args, tags);
    const endpointSecurityGroup = this.createEndpoints(name, args.region, vpc, zoneNetworks, tags);

    this.vpcId = vpc.id;
    this.vpcCidr = args.cidrBlock;
    this.privateSubnetIds = pulumi.all(zoneNetworks.map((z) => z.privateSubnet.id));
    this.publicSubnetIds = pulumi.all(zoneNetworks.map((z) => z.publicSubnet.id));
    this.availabilityZones = zones;
    this.publicSubnetCidrs = [...plan.publicCidrs];
    this.privateSubnetCidrs = [...plan.privateCidrs];
    this.flowLogGroupName = flowLogGroup.name;
    this.endpointSecurityGroupId = endpointSecurityGroup.id;
    this.registerOutputs({
      vpcId: this.vpcId,
      vpcCidr: this.vpcCidr,
      privateSubnetIds: this.privateSubnetIds,
      publicSubnetIds: this.publicSubnetIds,
      publicSubnetCidrs: this.publicSubnetCidrs,
      privateSubnetCidrs: this.privateSubnetCidrs,
      availabilityZones: this.availabilityZones,
      flowLogGroupName: this.flowLogGroupName,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
    });
  }

  /** The VPC and its default security group, adopted with no rules. */
  private createVpc(name: string, cidrBlock: string, tags: Tagger): aws.ec2.Vpc {
    const parent = { parent: this };
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock, enableDnsHostnames: true, enableDnsSupport: true, tags: tags("vpc") }, parent);

    // Adopting the default security group with no rules removes AWS's allow-all-within-group default.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [], tags: tags("default-sg") }, parent);
    return vpc;
  }

  /** The internet gateway and the public route table's default route through it. */
  private createPublicRouting(name: string, vpc: aws.ec2.Vpc, tags: Tagger): { igw: aws.ec2.InternetGateway; publicRouteTable: aws.ec2.RouteTable } {
    const parent = { parent: this };
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, parent);
    const publicRouteTable = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: tags("public-rt") }, parent);
    new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, parent);
    return { igw, publicRouteTable };
  }

  /** Per zone: a public and a private subnet, the private route table, and both route table associations. */
  private createZoneNetworks(
    name: string,
    vpc: aws.ec2.Vpc,
    zones: readonly string[],
    plan: SubnetPlan,
    publicRouteTable: aws.ec2.RouteTable,
    tags: Tagger,
  ): ZoneNetwork[] {
    const parent = { parent: this };
    return zones.map((zone, i) => {
      // Names carry the zone, not an index, so adding or removing a zone never renames another zone's resources.
      const publicSubnet = new aws.ec2.Subnet(
        `${name}-public-${zone}`,
        {
          vpcId: vpc.id,
          availabilityZone: zone,
          cidrBlock: plan.publicCidrs[i],
          // Nothing is launched with a public IP; load balancers and NAT gateways get theirs explicitly.
          mapPublicIpOnLaunch: false,
          tags: tags(`public-${zone}`, { "kubernetes.io/role/elb": "1", tier: "public" }),
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(`${name}-public-${zone}`, { subnetId: publicSubnet.id, routeTableId: publicRouteTable.id }, parent);
      const privateSubnet = new aws.ec2.Subnet(
        `${name}-private-${zone}`,
        {
          vpcId: vpc.id,
          availabilityZone: zone,
          cidrBlock: plan.privateCidrs[i],
          mapPublicIpOnLaunch: false,
          tags: tags(`private-${zone}`, { "kubernetes.io/role/internal-elb": "1", tier: "private" }),
        },
        parent,
      );
      const privateRouteTable = new aws.ec2.RouteTable(`${name}-private-${zone}`, { vpcId: vpc.id, tags: tags(`private-${zone}`) }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-private-${zone}`, { subnetId: privateSubnet.id, routeTableId: privateRouteTable.id }, parent);
      return { zone, publicSubnet, privateSubnet, privateRouteTable };
    });
  }

  /** NAT gateways (one per zone, or one in the first zone) and every private route table's default route through one. */
  private createNatRouting(name: string, zoneNetworks: readonly ZoneNetwork[], natGateways: NatGateways, igw: aws.ec2.InternetGateway, tags: Tagger): void {
    const parent = { parent: this };
    const natZones = natGateways === NatGateways.Single ? zoneNetworks.slice(0, 1) : zoneNetworks;
    const natByZone = new Map<string, aws.ec2.NatGateway>();
    for (const z of natZones) {
      const eip = new aws.ec2.Eip(`${name}-nat-${z.zone}`, { domain: "vpc", tags: tags(`nat-${z.zone}`) }, { parent: this, dependsOn: [igw] });
      natByZone.set(
        z.zone,
        new aws.ec2.NatGateway(`${name}-nat-${z.zone}`, { allocationId: eip.id, subnetId: z.publicSubnet.id, tags: tags(`nat-${z.zone}`) }, { parent: this, dependsOn: [igw] }),
      );
    }
    for (const z of zoneNetworks) {
      const nat = natByZone.get(z.zone) ?? natByZone.get(natZones[0].zone)!;
      new aws.ec2.Route(`${name}-private-${z.zone}-default`, { routeTableId: z.privateRouteTable.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, parent);
    }
  }

  /** Attaches the private subnets to the transit gateway and routes its ranges there from every private route table. */
  private attachTransitGateway(
    name: string,
    vpc: aws.ec2.Vpc,
    zoneNetworks: readonly ZoneNetwork[],
    tgw: { readonly id: string; readonly routedCidrs: readonly string[] },
    tags: Tagger,
  ): void {
    const attachment = new aws.ec2transitgateway.VpcAttachment(
      `${name}-tgw`,
      { transitGatewayId: tgw.id, vpcId: vpc.id, subnetIds: zoneNetworks.map((z) => z.privateSubnet.id), dnsSupport: "enable", tags: tags("tgw") },
      { parent: this },
    );
    for (const z of zoneNetworks) {
      for (const cidr of tgw.routedCidrs) {
        // Named after the range, not its position, so adding a range never replaces another's route.
        new aws.ec2.Route(
          `${name}-private-${z.zone}-tgw-${cidr.replace(/[./]/g, "-")}`,
          { routeTableId: z.privateRouteTable.id, destinationCidrBlock: cidr, transitGatewayId: tgw.id },
          { parent: this, dependsOn: [attachment] },
        );
      }
    }
  }

  /** Flow logs of ALL traffic to a log group encrypted with a rotating customer-managed key. */
  private createFlowLogs(
    name: string,
    vpc: aws.ec2.Vpc,
    retentionInDays: number,
    args: NetworkArgs,
    tags: Tagger,
  ): aws.cloudwatch.LogGroup {
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const protect = environmentProfile(args.environment).protect;
    const key = new aws.kms.Key(
      `${name}-flow-logs`,
      {
        description: `VPC flow logs of ${name} (${args.region})`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi
          .all([partition.partition, identity.accountId])
          .apply(([p, accountId]) => flowLogKeyPolicy({ partition: p, region: args.region, accountId })),
        tags: tags("flow-logs"),
      },
      { parent: this, protect },
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { namePrefix: `/aws/vpc/flow-logs/${name}-`, retentionInDays, kmsKeyId: key.arn, tags: tags("flow-logs") },
      { parent: this },
    );
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      { assumeRolePolicy: identity.accountId.apply(flowLogTrustPolicy), tags: tags("flow-logs") },
      { parent: this },
    );
    new aws.iam.RolePolicy(`${name}-flow-logs`, { role: role.id, policy: logGroup.arn.apply(flowLogWritePolicy) }, { parent: this });
    new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
        tags: tags("flow-logs"),
      },
      { parent: this },
    );
    return logGroup;
  }

  /** S3 gateway endpoint on the private route tables and interface endpoints in the private subnets. */
  private createEndpoints(
    name: string,
    region: string,
    vpc: aws.ec2.Vpc,
    zoneNetworks: readonly ZoneNetwork[],
    tags: Tagger,
  ): aws.ec2.SecurityGroup {
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-endpoints`,
      {
        vpcId: vpc.id,
        description: "VPC interface endpoints: HTTPS from inside the VPC",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [vpc.cidrBlock], description: "HTTPS from the VPC" }],
        // Security groups are stateful: replies need no egress rule, and endpoints never open connections.
        egress: [],
        tags: tags("endpoints"),
      },
      { parent: this },
    );
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: zoneNetworks.map((z) => z.privateRouteTable.id),
        tags: tags("s3"),
      },
      { parent: this },
    );
    const subnetIds = zoneNetworks.map((z) => z.privateSubnet.id);
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      const short = service.replace(/\./g, "-");
      new aws.ec2.VpcEndpoint(
        `${name}-${short}`,
        {
          vpcId: vpc.id,
          serviceName: `com.amazonaws.${region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds,
          securityGroupIds: [securityGroup.id],
          tags: tags(short),
        },
        { parent: this },
      );
    }
    return securityGroup;
  }
}
