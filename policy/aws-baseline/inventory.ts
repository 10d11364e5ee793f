/**
 * Controls this pack reports on: CIS AWS Foundations v3.0 controls decidable from infrastructure code (each decided by
 * a rule), the ones that need account state or are Manual (not decidable), the ones that are decidable but that no
 * rule checks yet (said as such, never counted as passed), and the FSBP controls the other rules map to.
 */
import { Control, controlsOf, manualControl } from "../common/score";
import { RULES } from "./rules";

const ACCOUNT_STATE = "account/IAM user state (root account, MFA, credentials), not visible in a Pulumi program";
const NOT_CHECKED = "decidable from code, not checked by this pack yet";

export const INVENTORY: readonly Control[] = [
  ...controlsOf(RULES),
  manualControl("CIS-AWS-3.0", "1.1-1.15", "Identity and access management of users, root account, MFA and credentials", ACCOUNT_STATE),
  manualControl("CIS-AWS-3.0", "1.17", "Ensure a support role has been created to manage incidents with AWS Support", `${NOT_CHECKED}: needs the whole account's roles, not one program's`),
  manualControl("CIS-AWS-3.0", "1.18-1.22", "IAM instance roles, expired certificates, IAM Access Analyzer, centralized IAM, AWSCloudShellFullAccess", `${NOT_CHECKED}: account-wide state`),
  manualControl("CIS-AWS-3.0", "2.1.2", "Ensure MFA Delete is enabled on S3 buckets", "needs root credentials; MFA Delete cannot be set through the S3 API a Pulumi program uses"),
  manualControl("CIS-AWS-3.0", "2.1.3", "Ensure all data in Amazon S3 has been discovered, classified and secured when required"),
  manualControl("CIS-AWS-3.0", "3.3", "Ensure AWS Config is enabled in all regions", `${NOT_CHECKED}: aws.cfg.Recorder per region`),
  manualControl("CIS-AWS-3.0", "3.4", "Ensure that server access logging is enabled on the CloudTrail S3 bucket", `${NOT_CHECKED}: BucketLogging joined to the trail's bucket`),
  manualControl("CIS-AWS-3.0", "3.8", "Ensure that Object-level logging for write events is enabled for S3 bucket", `${NOT_CHECKED}: trail event selectors`),
  manualControl("CIS-AWS-3.0", "3.9", "Ensure that Object-level logging for read events is enabled for S3 bucket", `${NOT_CHECKED}: trail event selectors`),
  manualControl("CIS-AWS-3.0", "4.1-4.15", "CloudWatch metric filters and alarms for security events", `${NOT_CHECKED}: metric filters on the trail's log group`),
  manualControl("CIS-AWS-3.0", "5.4", "Ensure the default security group of every VPC restricts all traffic", `${NOT_CHECKED}: aws.ec2.DefaultSecurityGroup with no rules`),
  manualControl("CIS-AWS-3.0", "5.5", "Ensure routing tables for VPC peering are \"least access\""),
];
