import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { RegionalIngress } from "production-platform";

const region = new aws.Provider("use1", { region: "us-east-1" });
const cluster = new k8s.Provider("use1", {});

// Certificate and web ACL are GlobalTraffic's `certificateArns` / `webAclArns` for the region; cluster values are
// HaCluster's, the VPC is Network's.
export const ingress = new RegionalIngress("use1-ingress", {
  environment: "prod",
  region: "us-east-1",
  domainName: "app.example.com",
  hostedZoneId: "Z0EXAMPLE0000001",
  clusterName: "use1-cluster",
  vpcId: "vpc-0a1b2c3d4e5f60001",
  oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
  oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
  certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-0000-4000-8000-000000000003",
  webAclArn: "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/global-waf-use1/0a1b2c3d-0000-4000-8000-000000000004",
  services: [{ namespace: "payments", serviceName: "checkout", servicePort: 8080, healthCheckPath: "/healthz" }],
}, { providers: [region, cluster] });
