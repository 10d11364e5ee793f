import * as aws from "@pulumi/aws";
import { MasterSecretRotation } from "production-platform";

const use1 = new aws.Provider("use1", { region: "us-east-1" });

// AuroraGlobalDatabase builds this for its master secret; on its own it rotates any PostgreSQL credentials secret
// (JSON with engine, host, username, password, dbname, port) every 30 days with AWS's single-user rotation function.
export const rotation = new MasterSecretRotation("orders-master", {
  secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:orders-master-AbCdEf",
  secretKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001",
  region: "us-east-1",
  vpcId: "vpc-0a1b2c3d4e5f60001",
  subnetIds: ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012", "subnet-0a1b2c3d4e5f60013"],
  databaseSecurityGroupId: "sg-0a1b2c3d4e5f60051",
  port: 5432,
  days: 30,
}, { providers: [use1] });
