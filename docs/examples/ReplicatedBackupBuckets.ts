import * as aws from "@pulumi/aws";
import { ReplicatedBackupBuckets } from "production-platform";

const use1 = new aws.Provider("use1", { region: "us-east-1" });
const usw2 = new aws.Provider("usw2", { region: "us-west-2" });

// The first region's bucket replicates to the others; each region's key is a DataKey's `keyArn`.
export const backups = new ReplicatedBackupBuckets("backups", {
  environment: "prod",
  regions: [
    { region: "us-east-1", provider: use1, kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001" },
    { region: "us-west-2", provider: usw2, kmsKeyArn: "arn:aws:kms:us-west-2:111122223333:key/0a1b2c3d-0000-4000-8000-000000000002" },
  ],
});
