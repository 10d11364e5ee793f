import * as aws from "@pulumi/aws";
import { AlarmTopic } from "production-platform";

const provider = new aws.Provider("use1", { region: "us-east-1" });

export const alarmTopic = new AlarmTopic("use1-alarms", {
  emails: ["oncall@example.com"],
}, { provider });
