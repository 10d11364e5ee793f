import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { Logging } from "production-platform";

const region = new aws.Provider("use1", { region: "us-east-1" });
const cluster = new k8s.Provider("use1", {});

// The cluster name, OIDC provider and issuer are HaCluster's `clusterName`, `oidcProviderArn` and `oidcIssuer`.
export const logging = new Logging("use1-logging", {
  region: "us-east-1",
  clusterName: "use1-cluster",
  oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
  oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
  retentionDays: 90,
}, { providers: [region, cluster] });
