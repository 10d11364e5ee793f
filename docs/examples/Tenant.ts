import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { Tenant } from "production-platform";

const region = new aws.Provider("use1", { region: "us-east-1" });
const cluster = new k8s.Provider("use1", {});

export const payments = new Tenant("use1-payments", {
  tenant: "payments",
  environment: "prod",
  kubernetesVersion: "1.33",
  clusterName: "use1-cluster",
  teamRoleArns: ["arn:aws:iam::111122223333:role/payments-engineers"],
}, { providers: [region, cluster] });
