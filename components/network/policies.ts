/**
 * IAM and KMS policy documents for the network's flow logs, built as plain JSON (no provider calls) so that they can
 * be tested directly and planned offline.
 */
import { serviceTrustPolicyDocument } from "../shared/iam";

/** Key policy: the account administers the key; CloudWatch Logs in this region may use it for this account's groups. */
export function flowLogKeyPolicy(args: { partition: string; region: string; accountId: string }): string {
  const { partition, region, accountId } = args;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchLogsUsesKey",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*` },
        },
      },
    ],
  });
}

/** Trust policy for the role the VPC flow log service assumes, limited to this account (confused deputy). */
export function flowLogTrustPolicy(accountId: string): string {
  return JSON.stringify(serviceTrustPolicyDocument("vpc-flow-logs.amazonaws.com", { sourceAccount: accountId }));
}

/** Lets the flow log service write to one log group and nothing else. */
export function flowLogWritePolicy(logGroupArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
        Resource: [logGroupArn, `${logGroupArn}:*`],
      },
    ],
  });
}
