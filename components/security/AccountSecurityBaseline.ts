/**
 * Per account and region security baseline: CloudTrail (once, multi-region, from the primary region), GuardDuty
 * with EKS audit-log and runtime monitoring, Security Hub with CIS AWS Foundations v3.0.0, IAM Access Analyzer,
 * EBS encryption by default, the account-wide S3 public access block (primary only), and AWS Config on request.
 *
 * `new AccountSecurityBaseline(name, { region, environment, primary }, { provider })` — one per region; exactly one
 * of them `primary: true`.
 */
import { Environment, environmentProblems, environmentProfile } from "../shared/environment";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { argsObjectProblems, checkInteger, checkOptionalBoolean, Problem, Problems, throwIfProblems } from "../shared/validation";
import { isLogRetentionDays, LOG_RETENTION_DAYS } from "../shared/logs";
import { isKnownRegion } from "../shared/regions";
import { isDnsLabel } from "./networkPolicies";
import { AccountContext } from "./accountPolicies";
import { AccountBaselineContext, cloudTrail, guardDuty, recordConfiguration, securityHub } from "./accountBaselinePieces";


export { LOG_RETENTION_DAYS } from "../shared/logs";

export interface AccountSecurityBaselineArgs {
  /** Region of the `aws.Provider` passed in the options; names the service principals of the region. */
  readonly region: string;
  /**
   * The environment the baseline serves, or `"account"` for the account-level stack that owns the account's
   * singletons on behalf of every environment (a label on names and tags; `protect` is explicit there).
   */
  readonly environment: Environment | "account";
  /**
   * The one region that owns account-global controls: the multi-region CloudTrail trail (with its bucket, key and
   * log group), the account-level S3 public access block, and global resource types in AWS Config.
   */
  readonly primary: boolean;
  /** Record resource configuration with AWS Config (recorder, delivery channel, bucket). @default false */
  readonly awsConfig?: boolean;
  /** GuardDuty Runtime Monitoring with the EKS agent managed by GuardDuty. @default true */
  readonly runtimeMonitoring?: boolean;
  /** CloudTrail events kept in CloudWatch Logs, days (a CloudWatch retention value). @default 365 */
  readonly trailLogRetentionDays?: number;
  /** Days before trail/config objects move to Glacier. @default 90 */
  readonly archiveAfterDays?: number;
  /** Days before trail/config objects expire. @default 2557 (7 years) */
  readonly expireAfterDays?: number;
  /** Protect the trail bucket, its key and the log group. @default true when environment is `prod` */
  readonly protect?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

export function accountSecurityBaselineProblems(args: AccountSecurityBaselineArgs): Problem[] {
  const shape = argsObjectProblems(args, "AccountSecurityBaseline");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  if (args.environment !== "account") problems.addAll(environmentProblems(args.environment));
  problems.check(isKnownRegion(args.region), {
    property: "region",
    value: args.region,
    rule: "an AWS region the platform knows (components/shared/regions.ts)",
    fix: "pass the region of the aws.Provider given in the options",
  });
  problems.check(isDnsLabel(args.environment), {
    property: "environment",
    value: args.environment,
    rule: "a short lower-case environment name",
    fix: 'set environment, e.g. "prod"',
  });
  for (const key of ["awsConfig", "runtimeMonitoring", "protect"] as const) checkOptionalBoolean(problems, key, args[key]);
  problems.check(typeof args.primary === "boolean", {
    property: "primary",
    value: args.primary,
    rule: "true in exactly one region, false in the others",
    fix: "set primary: true for the first region only",
  });
  if (args.trailLogRetentionDays !== undefined) {
    problems.check(isLogRetentionDays(args.trailLogRetentionDays), {
      property: "trailLogRetentionDays",
      value: args.trailLogRetentionDays,
      rule: `a CloudWatch Logs retention value (${LOG_RETENTION_DAYS.join(", ")})`,
      fix: "pick the nearest allowed value, e.g. 365",
    });
  }
  const archive = args.archiveAfterDays ?? 90;
  const expire = args.expireAfterDays ?? 2557;
  if (checkInteger(problems, "archiveAfterDays", archive, 30, 3650) && checkInteger(problems, "expireAfterDays", expire, 365, 36500)) {
    // Glacier objects are billed for 90 days at least: expiring sooner than that after archiving wastes money.
    problems.check(expire >= archive + 90, {
      property: "expireAfterDays",
      value: expire,
      rule: `at least archiveAfterDays + 90 (${archive + 90})`,
      fix: "raise expireAfterDays or lower archiveAfterDays",
    });
  }
  return [...problems.list];
}

/** Physical names must be unique per account (and region); the stack is the part that differs between stacks. */
export function baselineName(stack: string): string {
  return `platform-${stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 60);
}

export class AccountSecurityBaseline extends pulumi.ComponentResource {
  readonly guardDutyDetectorId: pulumi.Output<string>;
  readonly securityHubStandardsArn: pulumi.Output<string>;
  /** Trail ARN in the primary region, undefined elsewhere. */
  readonly trailArn: pulumi.Output<string | undefined>;
  /** Trail bucket in the primary region, undefined elsewhere. */
  readonly trailBucketName: pulumi.Output<string | undefined>;

  constructor(name: string, args: AccountSecurityBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
    validateAccountSecurityBaselineArgs(name, args);
    super("production-platform:security:AccountSecurityBaseline", name, {}, opts);

    // The account stack protects what it is told to; an environment follows its profile.
    const protect = args.protect ?? (args.environment !== "account" && environmentProfile(args.environment).protect);
    const tags = { ...args.tags, environment: args.environment };
    const physical = baselineName(pulumi.getStack());
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const account: pulumi.Output<AccountContext> = pulumi.all([partition, accountId]).apply(([p, a]) => ({ partition: p, accountId: a, region: args.region }));
    const json = (build: (c: AccountContext) => unknown) => account.apply((c) => JSON.stringify(build(c)));
    const baseline: AccountBaselineContext = {
      name,
      parent: this,
      args,
      account,
      json,
      partition,
      physical,
      protect,
      tags,
      archiveAfterDays: args.archiveAfterDays ?? 90,
      expireAfterDays: args.expireAfterDays ?? 2557,
    };

    const detector = guardDuty(baseline);
    // AWS Config first: Security Hub's CIS controls are AWS Config rules, so a standard enabled before recording
    // runs reports most controls with no data (and nothing in the engine would order the two otherwise).
    const recording = args.awsConfig ? recordConfiguration(baseline) : undefined;
    const cis = securityHub(baseline, recording);

    new aws.accessanalyzer.Analyzer(`${name}-access-analyzer`, { analyzerName: physical, type: "ACCOUNT", tags }, { parent: this });
    new aws.ebs.EncryptionByDefault(`${name}-ebs-encryption`, { enabled: true }, { parent: this });

    let trail: aws.cloudtrail.Trail | undefined;
    let trailBucket: aws.s3.Bucket | undefined;
    if (args.primary) {
      // Account-wide, not regional: managed from one region only.
      new aws.s3.AccountPublicAccessBlock(
        `${name}-s3-public-access`,
        { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        { parent: this },
      );
      ({ trail, bucket: trailBucket } = cloudTrail(baseline));
    }

    this.guardDutyDetectorId = detector.id;
    this.securityHubStandardsArn = cis.standardsArn;
    this.trailArn = trail ? trail.arn : pulumi.output(undefined);
    this.trailBucketName = trailBucket ? trailBucket.bucket : pulumi.output(undefined);
    this.registerOutputs({
      guardDutyDetectorId: this.guardDutyDetectorId,
      securityHubStandardsArn: this.securityHubStandardsArn,
      trailArn: this.trailArn,
      trailBucketName: this.trailBucketName,
    });
  }
}

/** Throws every problem of the arguments as one ValidationError; what the AccountSecurityBaseline constructor calls first. */
export function validateAccountSecurityBaselineArgs(name: string, args: AccountSecurityBaselineArgs): void {
  throwIfProblems(`AccountSecurityBaseline "${name}"`, accountSecurityBaselineProblems(args));
}
