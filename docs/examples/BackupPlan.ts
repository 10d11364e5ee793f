import * as aws from "@pulumi/aws";
import { BackupPlan } from "production-platform";

const use1 = new aws.Provider("use1", { region: "us-east-1" });
const usw2 = new aws.Provider("usw2", { region: "us-west-2" });

// Backs up the primary region's Aurora cluster every 6 hours and copies each recovery point to us-west-2.
export const backup = new BackupPlan("orders-backup", {
  environment: "prod",
  schedule: "cron(0 0/6 ? * * *)",
  resourceArns: ["arn:aws:rds:us-east-1:111122223333:cluster:prod-orders-use1"],
  regions: [
    { region: "us-east-1", provider: use1, kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001" },
    { region: "us-west-2", provider: usw2, kmsKeyArn: "arn:aws:kms:us-west-2:111122223333:key/0a1b2c3d-0000-4000-8000-000000000002" },
  ],
});
