/**
 * Customer-managed KMS keys for the monitoring data (container logs, alarm topic). AWS-managed keys cannot be
 * used here: CloudWatch alarms cannot publish to a topic encrypted with `alias/aws/sns`, and log groups only take
 * customer-managed keys.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A key policy: the account administers the key, `service` may use it (optionally only under `condition`). */
export function serviceKeyPolicy(
  accountId: pulumi.Input<string>,
  service: string,
  condition?: pulumi.Input<Record<string, unknown>>,
): pulumi.Output<string> {
  return pulumi.all([accountId, condition]).apply(([account, cond]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
        {
          Sid: "ServiceUses",
          Effect: "Allow",
          Principal: { Service: service },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          ...(cond ? { Condition: cond } : {}),
        },
      ],
    }),
  );
}

export function serviceKey(
  name: string,
  args: { description: string; policy: pulumi.Input<string>; tags?: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): aws.kms.Key {
  return new aws.kms.Key(
    name,
    { description: args.description, enableKeyRotation: true, deletionWindowInDays: 30, policy: args.policy, tags: args.tags },
    opts,
  );
}
