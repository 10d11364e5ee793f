import * as aws from "@pulumi/aws";
import { GlobalTraffic, TrafficRouting } from "production-platform";

const use1 = new aws.Provider("use1", { region: "us-east-1" });
const usw2 = new aws.Provider("usw2", { region: "us-west-2" });

export const traffic = new GlobalTraffic("global", {
  domainName: "app.example.com",
  hostedZoneId: "Z0EXAMPLE0000001",
  routing: TrafficRouting.Failover,
  environment: "prod",
  providers: { "us-east-1": use1, "us-west-2": usw2 },
  endpoints: [
    { region: "us-east-1", loadBalancerDnsName: "ingress.us-east-1.app.example.com", healthCheckPath: "/healthz" },
    { region: "us-west-2", loadBalancerDnsName: "ingress.us-west-2.app.example.com", healthCheckPath: "/healthz" },
  ],
}, { provider: use1 });
