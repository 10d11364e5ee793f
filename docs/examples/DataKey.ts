import * as aws from "@pulumi/aws";
import { DataKey } from "production-platform";

const provider = new aws.Provider("use1", { region: "us-east-1" });

export const key = new DataKey("use1-data", {
  environment: "prod",
  purpose: "Data stores of the checkout service in us-east-1",
}, { provider });
