/**
 * Controls this pack reports on: CIS AWS Foundations v3.0 controls decidable from infrastructure code, the ones that
 * need account state or are Manual (listed as not decidable), and the FSBP controls the resilience rules map to.
 */
import { Control, controlsOf, manualControl } from "../common/score";
import { RULES } from "./rules";

const ACCOUNT_STATE = "account/IAM user state, not infrastructure code";

export const INVENTORY: readonly Control[] = [
  ...controlsOf(RULES),
  manualControl("CIS-AWS-3.0", "1.1-1.15", "Identity and access management of users, root account, MFA and credentials", ACCOUNT_STATE),
  manualControl("CIS-AWS-3.0", "1.17", "Ensure a support role has been created to manage incidents with AWS Support", ACCOUNT_STATE),
  manualControl("CIS-AWS-3.0", "2.1.2", "Ensure MFA Delete is enabled on S3 buckets", "needs root credentials; cannot be set through infrastructure code"),
  manualControl("CIS-AWS-3.0", "2.1.3", "Ensure all data in Amazon S3 has been discovered, classified and secured when required"),
  manualControl("CIS-AWS-3.0", "2.3.2", "Ensure Auto Minor Version Upgrade feature is Enabled for RDS Instances", "Not mapped: minor upgrades are scheduled by the platform team"),
  manualControl("CIS-AWS-3.0", "2.4.1", "Ensure that encryption is enabled for EFS file systems", "Not mapped: the platform creates no EFS file systems"),
  manualControl("CIS-AWS-3.0", "3.3", "Ensure AWS Config is enabled in all regions", "Not mapped: AWS Config is owned by the organization's account baseline"),
  manualControl("CIS-AWS-3.0", "3.4", "Ensure that server access logging is enabled on the CloudTrail S3 bucket", ACCOUNT_STATE),
  manualControl("CIS-AWS-3.0", "3.8", "Ensure that Object-level logging for write events is enabled for S3 bucket", ACCOUNT_STATE),
  manualControl("CIS-AWS-3.0", "3.9", "Ensure that Object-level logging for read events is enabled for S3 bucket", ACCOUNT_STATE),
  manualControl("CIS-AWS-3.0", "4.1-4.15", "CloudWatch metric filters and alarms for security events", "Not mapped: owned by the organization's monitoring baseline"),
  manualControl("CIS-AWS-3.0", "5.1", "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports", "Not mapped yet: NACLs are managed by the network baseline"),
  manualControl("CIS-AWS-3.0", "5.4", "Ensure the default security group of every VPC restricts all traffic", ACCOUNT_STATE),
  manualControl("CIS-AWS-3.0", "5.5", "Ensure routing tables for VPC peering are \"least access\""),
  manualControl("CIS-AWS-3.0", "5.6", "Ensure that EC2 Metadata Service only allows IMDSv2", "Not mapped yet: node launch templates are owned by the cluster component"),
];
