import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { Tracing } from "production-platform";

const region = new aws.Provider("use1", { region: "us-east-1" });
const cluster = new k8s.Provider("use1", {});

// The OIDC provider and issuer are HaCluster's `oidcProviderArn` and `oidcIssuer`.
export const tracing = new Tracing("use1-tracing", {
  region: "us-east-1",
  oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
  oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
}, { providers: [region, cluster] });
