import * as aws from "@pulumi/aws";
import { Network } from "production-platform";

const provider = new aws.Provider("use1", { region: "us-east-1" });

export const network = new Network("use1", {
  region: "us-east-1",
  environment: "prod",
  cidrBlock: "10.10.0.0/16",
  availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
}, { provider });
