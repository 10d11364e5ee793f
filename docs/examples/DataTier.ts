import * as aws from "@pulumi/aws";
import { DataTier } from "production-platform";

const use1 = new aws.Provider("use1", { region: "us-east-1" });
const usw2 = new aws.Provider("usw2", { region: "us-west-2" });

// VPC, subnets, zones and node security groups come from each region's Network and HaCluster.
export const data = new DataTier("data", {
  environment: "prod",
  recoveryObjectives: { rpoSeconds: 60, rtoSeconds: 900 },
  // Secrets Manager rotates the Aurora master password; 30 days is the default, `false` turns it off.
  rotation: { days: 30 },
  regions: [
    {
      region: "us-east-1",
      provider: use1,
      vpcId: "vpc-0a1b2c3d4e5f60001",
      privateSubnetIds: ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012", "subnet-0a1b2c3d4e5f60013"],
      allowedSecurityGroupIds: ["sg-0a1b2c3d4e5f60021"],
      availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    },
    {
      region: "us-west-2",
      provider: usw2,
      vpcId: "vpc-0a1b2c3d4e5f60002",
      privateSubnetIds: ["subnet-0a1b2c3d4e5f60031", "subnet-0a1b2c3d4e5f60032", "subnet-0a1b2c3d4e5f60033"],
      allowedSecurityGroupIds: ["sg-0a1b2c3d4e5f60041"],
      availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
    },
  ],
});
