import * as aws from "@pulumi/aws";
import { SecretRotation } from "production-platform";

const provider = new aws.Provider("use1", { region: "us-east-1" });

// Rotates an application's database credentials monthly, in a 4-hour window, with an AWS rotation function.
export const rotation = new SecretRotation("orders-db-app", {
  secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:platform/prod/orders-db-app-AbCdEf",
  rotationLambdaArn: "arn:aws:lambda:us-east-1:111122223333:function:rotate-postgres",
  automaticallyAfterDays: 30,
  windowHours: 4,
}, { provider });
