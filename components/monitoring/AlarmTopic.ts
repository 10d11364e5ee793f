import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argsObjectProblems, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { serviceKey, serviceKeyPolicy } from "./kms";

export interface AlarmTopicArgs {
  /** E-mail addresses subscribed to the topic (each must confirm the subscription). @default none */
  readonly emails?: readonly string[];
  readonly tags?: Record<string, string>;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function alarmTopicProblems(args: AlarmTopicArgs): Problem[] {
  const shape = argsObjectProblems(args, "AlarmTopic");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  listField(problems, "emails", args.emails).forEach((email, i) =>
    problems.check(typeof email === "string" && EMAIL.test(email), { property: `emails[${i}]`, value: email, rule: "an e-mail address", fix: "correct the address" }),
  );
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the AlarmTopic constructor calls first. */
export function validateAlarmTopicArgs(name: string, args: AlarmTopicArgs): void {
  throwIfProblems(`AlarmTopic "${name}"`, alarmTopicProblems(args));
}

/**
 * One region's alarm topic: every CloudWatch alarm of the platform (cluster health, data tier) and Alertmanager's SNS
 * receiver publish here, so one subscriber sees all of them. Encrypted with a customer-managed key, because
 * CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.
 */
export class AlarmTopic extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  readonly keyArn: pulumi.Output<string>;

  constructor(name: string, args: AlarmTopicArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    validateAlarmTopicArgs(name, args);
    super("production-platform:monitoring:AlarmTopic", name, {}, opts);
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const key = serviceKey(
      `${name}-key`,
      { description: "Alarm notifications (SNS)", policy: serviceKeyPolicy(account, "cloudwatch.amazonaws.com"), tags: args.tags },
      { parent: this },
    );
    const topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: key.arn, tags: args.tags }, { parent: this });
    (args.emails ?? []).forEach(
      (email, i) => new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: topic.arn, protocol: "email", endpoint: email }, { parent: this }),
    );
    this.topicArn = topic.arn;
    this.keyArn = key.arn;
    this.registerOutputs({ topicArn: this.topicArn, keyArn: this.keyArn });
  }
}
