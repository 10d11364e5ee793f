import * as aws from "@pulumi/aws";
import { AccountSecurityBaseline } from "production-platform";

const provider = new aws.Provider("use1", { region: "us-east-1" });

// One per region; `primary` marks the region that owns the account-wide trail and S3 public access block.
export const accountSecurity = new AccountSecurityBaseline("use1-account-security", {
  region: "us-east-1",
  environment: "prod",
  primary: true,
}, { provider });
