/** Account-wide controls: KMS rotation, CloudTrail, GuardDuty, Security Hub, EBS encryption, VPC flow logs. */
import { Finding, ResourceRule, StackRule, Subject } from "../../common/finding";
import { ofType, referrersOf } from "../../common/stack";
import { boolOf, cannotTellYet, isSet, isUnknown } from "../../common/unknown";
import { cisAws, fsbp } from "./meta";

export const T = {
  KmsKey: "aws:kms/key:Key",
  Trail: "aws:cloudtrail/trail:Trail",
  Detector: "aws:guardduty/detector:Detector",
  SecurityHub: "aws:securityhub/account:Account",
  EbsDefault: "aws:ebs/encryptionByDefault:EncryptionByDefault",
  Volume: "aws:ebs/volume:Volume",
  Vpc: "aws:ec2/vpc:Vpc",
  FlowLog: "aws:ec2/flowLog:FlowLog",
} as const;

/** `[]` when the flag is true, "cannot tell yet" when unknown, else the violation. */
function flag(r: Subject, field: string, policy: string, violation: string): Finding[] {
  const v = boolOf(r.props[field]);
  if (v === true) return [];
  if (v === "unknown") return [cannotTellYet(`${r.type.split(":").pop()} ${r.name}`, field, policy)];
  return [{ message: violation }];
}

/** Stacks that own account-level services (GuardDuty, Security Hub) set `expectAccountServices` (default true). */
const ACCOUNT_SERVICES_SCHEMA = {
  expectAccountServices: { type: "boolean", default: true, description: "This stack owns the account's security services; false when another stack does." },
};

export const kmsRotation: ResourceRule = {
  meta: cisAws("3.6", "kms-rotation", "Ensure rotation for customer-created symmetric CMKs is enabled", "medium", "Set enableKeyRotation to true on the KMS key."),
  types: [T.KmsKey],
  check(r) {
    const spec = r.props.customerMasterKeySpec ?? r.props.keySpec;
    if (typeof spec === "string" && !isUnknown(spec) && spec !== "SYMMETRIC_DEFAULT") return [];
    return flag(r, "enableKeyRotation", "cis-aws-3.6-kms-rotation", `KMS key ${r.name} is never rotated; set enableKeyRotation to true.`);
  },
};

export const trailMultiRegion: ResourceRule = {
  meta: cisAws("3.1", "cloudtrail-multi-region", "Ensure CloudTrail is enabled in all regions", "high", "Set isMultiRegionTrail and includeGlobalServiceEvents to true on the trail."),
  types: [T.Trail],
  check: (r) => flag(r, "isMultiRegionTrail", "cis-aws-3.1-cloudtrail-multi-region", `CloudTrail trail ${r.name} records one region only; set isMultiRegionTrail to true.`),
};

export const trailLogValidation: ResourceRule = {
  meta: cisAws("3.2", "cloudtrail-log-validation", "Ensure CloudTrail log file validation is enabled", "medium", "Set enableLogFileValidation to true on the trail."),
  types: [T.Trail],
  check: (r) => flag(r, "enableLogFileValidation", "cis-aws-3.2-cloudtrail-log-validation", `CloudTrail trail ${r.name} log files can be altered unnoticed; set enableLogFileValidation to true.`),
};

export const trailKms: ResourceRule = {
  meta: cisAws("3.5", "cloudtrail-kms-encryption", "Ensure CloudTrail logs are encrypted at rest using KMS CMKs", "medium", "Set kmsKeyId on the trail to a customer managed KMS key."),
  types: [T.Trail],
  check: (r) => (isSet(r.props.kmsKeyId) ? [] : [{ message: `CloudTrail trail ${r.name} logs are not encrypted with a customer managed key; set kmsKeyId.` }]),
};

/**
 * Where "missing service" findings point (no better subject exists): the AWS resource with the smallest URN. Not
 * the first one listed: the real engine's AnalyzeStack lists resources in snapshot order (steps complete in parallel), not registration order,
 * so "first" pointed at different resources under `pulumi preview` and under `plan` (found by `npm run parity`).
 */
export function anchor(resources: readonly Subject[]): Subject | undefined {
  return resources.filter((r) => r.type.startsWith("aws:")).sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))[0];
}

export const guardDutyEnabled: StackRule = {
  meta: fsbp("GuardDuty.1", "aws-guardduty-enabled", "GuardDuty should be enabled", "high", "Create an aws.guardduty.Detector with enable true in every region the stack uses."),
  configSchema: ACCOUNT_SERVICES_SCHEMA,
  judges: (t) => t.startsWith("aws:"),
  check(resources, ctx) {
    const detectors = ofType(resources, T.Detector);
    const disabled = detectors.filter((d) => boolOf(d.props.enable) === false);
    if (disabled.length > 0) return disabled.map((d) => ({ subject: d, message: `GuardDuty detector ${d.name} is disabled; set enable to true.` }));
    const at = anchor(resources);
    if (detectors.length > 0 || ctx.config.expectAccountServices === false || !at) return [];
    return [{ subject: at, message: "The stack enables no GuardDuty detector; add aws.guardduty.Detector (enable: true), or set expectAccountServices false where another stack owns it." }];
  },
};

export const securityHubEnabled: StackRule = {
  meta: cisAws("4.16", "security-hub-enabled", "Ensure AWS Security Hub is enabled", "medium", "Create an aws.securityhub.Account (and subscribe the CIS and FSBP standards)."),
  configSchema: ACCOUNT_SERVICES_SCHEMA,
  judges: (t) => t.startsWith("aws:"),
  check(resources, ctx) {
    const at = anchor(resources);
    if (ofType(resources, T.SecurityHub).length > 0 || ctx.config.expectAccountServices === false || !at) return [];
    return [{ subject: at, message: "The stack does not enable Security Hub; add aws.securityhub.Account, or set expectAccountServices false where another stack owns it." }];
  },
};

export const ebsEncryption: ResourceRule = {
  meta: cisAws("2.2.1", "ebs-encryption", "Ensure EBS volume encryption is enabled in all regions", "high", "Create aws.ebs.EncryptionByDefault with enabled true, and set encrypted true on every aws.ebs.Volume."),
  types: [T.EbsDefault, T.Volume],
  check(r) {
    if (r.type === T.EbsDefault) return boolOf(r.props.enabled) === false ? [{ message: `EBS encryption by default ${r.name} is switched off; set enabled to true.` }] : [];
    return flag(r, "encrypted", "cis-aws-2.2.1-ebs-encryption", `EBS volume ${r.name} is not encrypted; set encrypted to true (with a kmsKeyId).`);
  },
};

export const vpcFlowLogs: StackRule = {
  meta: cisAws("3.7", "vpc-flow-logs", "Ensure VPC flow logging is enabled in all VPCs", "medium", "Add an aws.ec2.FlowLog for the VPC (trafficType ALL or REJECT) to CloudWatch Logs or S3."),
  judges: [T.Vpc],
  check(resources) {
    const logsOf = referrersOf(ofType(resources, T.FlowLog), "vpcId", ["id"]);
    return ofType(resources, T.Vpc)
      .filter((v) => logsOf(v).length === 0)
      .map((v) => ({ subject: v, message: `VPC ${v.name} has no flow log; add an aws.ec2.FlowLog with vpcId set to it.` }));
  },
};
