import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { MonitoringStack } from "production-platform";

const region = new aws.Provider("use1", { region: "us-east-1" });
const cluster = new k8s.Provider("use1", {});
// The region's AlarmTopic: CloudWatch alarms and Alertmanager both publish here, so one subscriber sees everything.
const alarmTopicArn = "arn:aws:sns:us-east-1:111122223333:use1-alarms";

// The cluster name, OIDC provider and issuer are HaCluster's `clusterName`, `oidcProviderArn` and `oidcIssuer`.
export const monitoring = new MonitoringStack("use1-monitoring", {
  region: "us-east-1",
  environment: "prod",
  clusterName: "use1-cluster",
  oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
  oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
  alarmTopicArn,
  slos: [{ name: "checkout", namespace: "payments", objective: 99.9 }],
  alertReceivers: {
    receivers: [{ name: "alarm-topic", sns: [{ topicArn: alarmTopicArn, region: "us-east-1" }] }],
    critical: "alarm-topic",
    warning: "alarm-topic",
  },
}, { providers: [region, cluster] });
