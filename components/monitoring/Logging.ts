import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resourcesOf } from "./resources";
import { isLogRetentionDays } from "../shared/logs";
import { ChartImages, dependingAlsoOn, ImageMirror, mirrored, mirrorImage } from "../shared/mirror";
import { isDns1123Label } from "../shared/kubernetes";
import { isKnownRegion } from "../shared/regions";
import { argsObjectProblems, checkOptionalBoolean, Problem, Problems, throwIfProblems } from "../shared/validation";
import { irsaRole } from "./irsa";
import { serviceKey, serviceKeyPolicy } from "./kms";
import { LOG_RETENTION_DAYS, MONITORING_NAMESPACE } from "./types";

/** AWS's Fluent Bit chart, pinned. */
export const FLUENT_BIT_CHART = { chart: "aws-for-fluent-bit", version: "0.2.1", repo: "https://aws.github.io/eks-charts" } as const;

/**
 * aws-for-fluent-bit images (github.com/aws/eks-charts/blob/master/stable/aws-for-fluent-bit/values.yaml):
 * `image.repository`, default public.ecr.aws/aws-observability/aws-for-fluent-bit; the tag stays the chart's.
 */
export const FLUENT_BIT_IMAGES: ChartImages = {
  upstreams: ["ecr-public"],
  values: (m) => ({ image: { repository: mirrorImage(m, "public.ecr.aws/aws-observability/aws-for-fluent-bit") } }),
};

const SERVICE_ACCOUNT = "fluent-bit";

export interface LoggingArgs {
  readonly region: string;
  readonly clusterName: pulumi.Input<string>;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  /** Days CloudWatch keeps container logs; one of the values CloudWatch accepts. @default 30 */
  readonly retentionDays?: number;
  /** Key for the log group. @default a new customer-managed key, rotated yearly, usable only by this region's CloudWatch Logs */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Keep the log group (and key) from being deleted by a stack change. @default false */
  readonly protect?: boolean;
  /** Create a ServiceMonitor for Fluent Bit's metrics (needs the Prometheus Operator CRDs). @default true */
  readonly serviceMonitor?: boolean;
  /** @default "monitoring" */
  readonly namespace?: string;
  readonly tags?: Record<string, string>;
  /** The account's ECR pull-through cache in the cluster's region, which the chart pulls through. @default none: public registries */
  readonly imageMirror?: ImageMirror;
}

export const DEFAULT_LOG_RETENTION_DAYS = 30;

export function loggingProblems(args: Pick<LoggingArgs, "retentionDays">, at = "logging"): Problem[] {
  const shape = argsObjectProblems(args, "Logging");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  const days = args.retentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  problems.check(isLogRetentionDays(days), {
    property: `${at}.retentionDays`,
    value: args.retentionDays,
    rule: `one of the retention periods CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(", ")})`,
    fix: "pick the nearest allowed value, e.g. 30, 90 or 365",
  });
  return [...problems.list];
}

/**
 * Every problem with the component's arguments (validation contract, docs/architecture.md): the settings that
 * MonitoringStack shares (`loggingProblems`), plus the region, namespace and flags only the component takes.
 */
export function loggingArgsProblems(args: LoggingArgs): Problem[] {
  const shape = argsObjectProblems(args, "Logging");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(loggingProblems(args));
  checkComponentFields(problems, args);
  return [...problems.list];
}

/** Records the problems of the region, namespace and flags of the Logging and Tracing components (not part of MonitoringStack's settings). */
export function checkComponentFields(problems: Problems, args: { readonly region?: unknown; readonly namespace?: unknown; readonly protect?: unknown; readonly serviceMonitor?: unknown }): void {
  problems.check(isKnownRegion(args.region), { property: "region", value: args.region, rule: "a known AWS region (components/shared/regions.ts)", fix: "set region to the cluster's region" });
  if (args.namespace !== undefined) {
    problems.check(isDns1123Label(args.namespace), { property: "namespace", value: args.namespace, rule: "a Kubernetes namespace name (DNS label)", fix: "set namespace to an existing namespace, or leave it out" });
  }
  checkOptionalBoolean(problems, "protect", args.protect);
  checkOptionalBoolean(problems, "serviceMonitor", args.serviceMonitor);
}

export function logGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/containers`;
}

/** aws-for-fluent-bit values: container logs to one pre-created, encrypted log group, JSON lines parsed. */
export function fluentBitValues(args: { region: string; logGroupName: pulumi.Input<string>; roleArn: pulumi.Input<string>; serviceMonitor: boolean }): Record<string, unknown> {
  return {
    serviceAccount: { create: true, name: SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": args.roleArn } },
    resources: resourcesOf("fluentBit"),
    filter: {
      // Lines that are JSON become structured fields (under `data`); the raw copy is dropped to halve ingestion cost.
      mergeLog: "On",
      mergeLogKey: "data",
      keepLog: "Off",
      // Pods may pick a parser with the fluentbit.io/parser annotation, or opt out with fluentbit.io/exclude.
      k8sLoggingParser: "On",
      k8sLoggingExclude: "On",
    },
    cloudWatchLogs: {
      enabled: true,
      region: args.region,
      logGroupName: args.logGroupName,
      // One group with retention and KMS we own; per-namespace groups would be created unencrypted, kept forever.
      logGroupTemplate: null,
      autoCreateGroup: false,
      logStreamPrefix: "",
      logStreamTemplate: "$kubernetes['namespace_name'].$kubernetes['pod_name'].$kubernetes['container_name']",
    },
    cloudWatch: { enabled: false },
    firehose: { enabled: false },
    kinesis: { enabled: false },
    elasticsearch: { enabled: false },
    serviceMonitor: { enabled: args.serviceMonitor },
    priorityClassName: "system-node-critical",
    tolerations: [{ operator: "Exists" }],
  };
}

/** Throws every problem of the arguments as one ValidationError; what the Logging constructor calls first. */
export function validateLoggingArgs(name: string, args: LoggingArgs): void {
  throwIfProblems(`Logging "${name}"`, loggingArgsProblems(args));
}

/** The log group's key: the one given, or a new one usable only by this region's CloudWatch Logs for this group. */
function logGroupKeyArn(
  name: string,
  parent: pulumi.ComponentResource,
  args: LoggingArgs,
  at: { account: pulumi.Output<string>; groupName: pulumi.Output<string>; protect: boolean },
): pulumi.Output<string> {
  if (args.kmsKeyArn !== undefined) return pulumi.output(args.kmsKeyArn);
  return serviceKey(
    `${name}-key`,
    {
      description: "Container logs of the EKS cluster",
      policy: serviceKeyPolicy(at.account, `logs.${args.region}.amazonaws.com`, {
        ArnEquals: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:aws:logs:${args.region}:${at.account}:log-group:${at.groupName}` },
      }),
      tags: args.tags,
    },
    { parent, protect: at.protect },
  ).arn;
}

/** Fluent Bit's IRSA role. */
function fluentBitRole(name: string, parent: pulumi.ComponentResource, args: LoggingArgs, namespace: string, group: aws.cloudwatch.LogGroup): aws.iam.Role {
  return irsaRole(
    `${name}-fluent-bit`,
    {
      oidcProviderArn: args.oidcProviderArn,
      oidcIssuer: args.oidcIssuer,
      namespace,
      serviceAccount: SERVICE_ACCOUNT,
      description: `IRSA role for ${namespace}/${SERVICE_ACCOUNT}`,
      // Write-only, to this one group: no CreateLogGroup, so Fluent Bit cannot create unencrypted groups.
      inlinePolicy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [group.arn, pulumi.interpolate`${group.arn}:*`] },
        ],
      }),
      tags: args.tags,
    },
    { parent },
  );
}

/** The aws-for-fluent-bit release; it waits for what the component waits for and for the image cache rules. */
function fluentBitRelease(
  name: string,
  parent: pulumi.ComponentResource,
  args: LoggingArgs,
  at: { namespace: string; group: aws.cloudwatch.LogGroup; roleArn: pulumi.Output<string>; dependsOn: pulumi.ComponentResourceOptions["dependsOn"] },
): void {
  const images = mirrored(
    fluentBitValues({ region: args.region, logGroupName: at.group.name, roleArn: at.roleArn, serviceMonitor: args.serviceMonitor ?? true }),
    FLUENT_BIT_IMAGES, args.imageMirror, `${name}-fluent-bit`,
  );
  new k8s.helm.v3.Release(
    `${name}-fluent-bit`,
    {
      name: "aws-for-fluent-bit",
      namespace: at.namespace,
      chart: FLUENT_BIT_CHART.chart,
      version: FLUENT_BIT_CHART.version,
      repositoryOpts: { repo: FLUENT_BIT_CHART.repo },
      values: images.values,
      atomic: true,
      cleanupOnFail: true,
      maxHistory: 10,
    },
    { parent, dependsOn: dependingAlsoOn(at.dependsOn, images.dependsOn) },
  );
}

/** Fluent Bit DaemonSet shipping container logs to a KMS-encrypted CloudWatch log group with retention. */
export class Logging extends pulumi.ComponentResource {
  readonly logGroupName: pulumi.Output<string>;
  readonly logGroupArn: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    validateLoggingArgs(name, args);
    super("production-platform:monitoring:Logging", name, {}, opts);
    const namespace = args.namespace ?? MONITORING_NAMESPACE;
    const protect = args.protect ?? false;
    const groupName = pulumi.output(args.clusterName).apply(logGroupName);
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

    const kmsKeyArn = logGroupKeyArn(name, this, args, { account, groupName, protect });

    const group = new aws.cloudwatch.LogGroup(
      `${name}-group`,
      { name: groupName, retentionInDays: args.retentionDays ?? DEFAULT_LOG_RETENTION_DAYS, kmsKeyId: kmsKeyArn, tags: args.tags },
      { parent: this, protect },
    );

    const role = fluentBitRole(name, this, args, namespace, group);
    fluentBitRelease(name, this, args, { namespace, group, roleArn: role.arn, dependsOn: opts?.dependsOn });


    this.logGroupName = group.name;
    this.logGroupArn = group.arn;
    this.kmsKeyArn = kmsKeyArn;
    this.registerOutputs({ logGroupName: this.logGroupName, logGroupArn: this.logGroupArn, kmsKeyArn: this.kmsKeyArn });
  }
}
