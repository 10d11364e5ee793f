import * as aws from "@pulumi/aws";
import { alarmThresholds, DataAlarms } from "production-platform";

const use1 = new aws.Provider("use1", { region: "us-east-1" });
const usw2 = new aws.Provider("usw2", { region: "us-west-2" });

// Alarms on an Aurora global database (AuroraGlobalDatabase's `clusters`), lag thresholds derived from a 60 s RPO,
// notifying each region's AlarmTopic.
export const alarms = new DataAlarms("orders-alarms", {
  thresholds: alarmThresholds(60),
  auroraClusters: [
    { region: "us-east-1", role: "primary", clusterIdentifier: "prod-orders-use1" },
    { region: "us-west-2", role: "secondary", clusterIdentifier: "prod-orders-usw2" },
  ],
  redisGroups: [],
  replicationRoutes: [],
  regions: [
    { region: "us-east-1", provider: use1, kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001" },
    { region: "us-west-2", provider: usw2, kmsKeyArn: "arn:aws:kms:us-west-2:111122223333:key/0a1b2c3d-0000-4000-8000-000000000002" },
  ],
  topicArns: {
    "us-east-1": "arn:aws:sns:us-east-1:111122223333:use1-alarms",
    "us-west-2": "arn:aws:sns:us-west-2:111122223333:usw2-alarms",
  },
});
