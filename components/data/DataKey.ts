import { argsObjectProblems, checkInteger, checkOptionalBoolean, Problem, Problems, throwIfProblems } from "../shared/validation";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalName } from "./naming";
import { Environment } from "./types";
import { environmentProblems, environmentProfile } from "../shared/environment";

export interface DataKeyArgs {
  readonly environment: Environment;
  /** What the key protects, for its description. */
  readonly purpose: string;
  /**
   * Days KMS waits before deleting the key once scheduled for deletion.
   * @default 30 in prod (the maximum, time to notice a mistake), 7 elsewhere.
   */
  readonly deletionWindowDays?: number;
  /** Keep the key when the stack is destroyed: data encrypted with it (snapshots, copies) outlives the stack. */
  readonly protect?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The key policy: the account administers the key through IAM, and CloudWatch may publish to topics it encrypts. */
export function dataKeyPolicy(partition: string, accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        // Alarm notifications go to SNS topics encrypted with this key; CloudWatch must be able to encrypt for them.
        Sid: "CloudWatchAlarmsPublishToEncryptedTopics",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  });
}

/** Every problem with the arguments (validation contract, docs/architecture.md): never throws, whatever it is given. */
export function dataKeyProblems(args: DataKeyArgs): Problem[] {
  const shape = argsObjectProblems(args, "DataKey");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(environmentProblems(args.environment));
  problems.check(typeof args.purpose === "string" && args.purpose !== "", { property: "purpose", value: args.purpose, rule: "a description of what the key protects", fix: 'set purpose, e.g. "data tier in us-east-1"' });
  // KMS accepts a pending-deletion window of 7 to 30 days; null reads as unset (the environment's default).
  if (args.deletionWindowDays !== undefined && args.deletionWindowDays !== null) checkInteger(problems, "deletionWindowDays", args.deletionWindowDays, 7, 30);
  checkOptionalBoolean(problems, "protect", args.protect);
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the DataKey constructor calls first. */
export function validateDataKeyArgs(name: string, args: DataKeyArgs): void {
  throwIfProblems(`DataKey "${name}"`, dataKeyProblems(args));
}

/**
 * A customer-managed, rotating KMS key for one region's data stores (Aurora storage and Performance Insights,
 * ElastiCache, S3, AWS Backup, Secrets Manager and SNS). Keys are regional, so every region gets its own.
 */
export class DataKey extends pulumi.ComponentResource {
  readonly keyArn: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;

  constructor(name: string, args: DataKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDataKeyArgs(name, args);
    super("production-platform:data:DataKey", name, {}, opts);
    const profile = environmentProfile(args.environment);
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${args.purpose} (${pulumi.getStack()})`,
        enableKeyRotation: true,
        deletionWindowInDays: args.deletionWindowDays ?? profile.retention.kmsDeletionWindowDays,
        policy: pulumi.all([partition.partition, identity.accountId]).apply(([p, a]) => dataKeyPolicy(p, a)),
        tags: { ...args.tags },
      },
      { parent: this, protect: args.protect ?? profile.protect },
    );
    new aws.kms.Alias(`${name}-alias`, { name: `alias/${physicalName([pulumi.getStack(), name], 200)}`, targetKeyId: key.keyId }, { parent: this });
    this.keyArn = key.arn;
    this.keyId = key.keyId;
    this.registerOutputs({ keyArn: this.keyArn });
  }
}
