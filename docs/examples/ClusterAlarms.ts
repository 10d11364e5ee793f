import * as aws from "@pulumi/aws";
import { ClusterAlarms } from "production-platform";

const provider = new aws.Provider("use1", { region: "us-east-1" });

// Without `alarmTopicArn` the alarms get a KMS-encrypted topic of their own; pass the region's AlarmTopic to share one.
export const clusterAlarms = new ClusterAlarms("use1-cluster", {
  clusterName: "use1-cluster",
  region: "us-east-1",
  alarmTopicArn: "arn:aws:sns:us-east-1:111122223333:use1-alarms",
}, { provider });
