import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { HaService } from "/work/wt/integ/index";

const provider = new aws.Provider("use1", { region: "us-east-1" });
export const vpc = new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" }, { provider }); // @line:vpc
const cluster = new k8s.Provider("cluster", {});
new HaService("web", { // @line:service
  namespace: "shop",
  environment: "dev",
  image: "ghcr.io/acme/web:1.0.0",
  port: 8080,
  probes: { liveness: { httpPath: "/healthz" }, readiness: { httpPath: "/ready" } },
}, { provider: cluster });
