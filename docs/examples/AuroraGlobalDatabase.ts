import * as aws from "@pulumi/aws";
import { AuroraGlobalDatabase } from "production-platform";

const use1 = new aws.Provider("use1", { region: "us-east-1" });
const usw2 = new aws.Provider("usw2", { region: "us-west-2" });

// Each region's KMS key is a DataKey's `keyArn`; VPC, subnets and zones come from its Network.
export const database = new AuroraGlobalDatabase("orders", {
  environment: "prod",
  global: true,
  regions: [
    {
      region: "us-east-1",
      provider: use1,
      kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001",
      vpcId: "vpc-0a1b2c3d4e5f60001",
      privateSubnetIds: ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012", "subnet-0a1b2c3d4e5f60013"],
      allowedSecurityGroupIds: ["sg-0a1b2c3d4e5f60021"],
      availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    },
    {
      region: "us-west-2",
      provider: usw2,
      kmsKeyArn: "arn:aws:kms:us-west-2:111122223333:key/0a1b2c3d-0000-4000-8000-000000000002",
      vpcId: "vpc-0a1b2c3d4e5f60002",
      privateSubnetIds: ["subnet-0a1b2c3d4e5f60031", "subnet-0a1b2c3d4e5f60032", "subnet-0a1b2c3d4e5f60033"],
      allowedSecurityGroupIds: ["sg-0a1b2c3d4e5f60041"],
      availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
    },
  ],
});
