import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { ClusterSecurityBaseline } from "production-platform";

const region = new aws.Provider("use1", { region: "us-east-1" });
const cluster = new k8s.Provider("use1", {});

// The cluster name, OIDC provider and issuer are HaCluster's `clusterName`, `oidcProviderArn` and `oidcIssuer`.
export const clusterSecurity = new ClusterSecurityBaseline("use1-cluster-security", {
  clusterName: "use1-cluster",
  kubernetesVersion: "1.33",
  environment: "prod",
  oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
  oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
}, { providers: [region, cluster] });
