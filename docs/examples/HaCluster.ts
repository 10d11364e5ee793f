import * as aws from "@pulumi/aws";
import { HaCluster, Network } from "production-platform";

const provider = new aws.Provider("use1", { region: "us-east-1" });
const network = new Network("use1", {
  region: "us-east-1",
  environment: "prod",
  cidrBlock: "10.10.0.0/16",
  availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
}, { provider });

export const cluster = new HaCluster("use1", {
  region: "us-east-1",
  environment: "prod",
  kubernetesVersion: "1.33",
  vpcId: network.vpcId,
  privateSubnetIds: network.privateSubnetIds,
  availabilityZones: network.availabilityZones,
  adminRoleArns: ["arn:aws:iam::111122223333:role/platform-deployer"],
  nodeGroups: {
    general: { instanceTypes: ["m6i.large", "m5.large"], minSizePerZone: 1, desiredSizePerZone: 2, maxSizePerZone: 10 },
  },
}, { provider });
