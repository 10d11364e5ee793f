import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argsObjectProblems, checkOptionalObject, Problem, Problems, throwIfProblems } from "../shared/validation";
import { AlarmTopic } from "./AlarmTopic";
import { Severity } from "./types";

/** One CloudWatch alarm on a Container Insights cluster metric. */
export interface ClusterAlarmSpec {
  /** Suffix of the Pulumi name, e.g. `failed-nodes`. */
  readonly id: string;
  readonly metricName: string;
  readonly comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly statistic: "Average" | "Maximum" | "Minimum";
  readonly periodSeconds: number;
  /** Periods that must breach, out of `evaluationPeriods`. */
  readonly datapointsToAlarm: number;
  readonly evaluationPeriods: number;
  readonly severity: Severity;
  readonly description: string;
}

export interface ClusterAlarmThresholds {
  /** Average node CPU (percent) that warns. @default 80 */
  readonly nodeCpuPercent?: number;
  /** Average node memory (percent) that warns. @default 85 */
  readonly nodeMemoryPercent?: number;
  /** Node root filesystem use (percent) that warns. @default 80 */
  readonly nodeFilesystemPercent?: number;
}

export interface ClusterAlarmsArgs {
  readonly clusterName: pulumi.Input<string>;
  readonly region: string;
  /** Topic alarms publish to (shared with the data tier's alarms). @default a new KMS-encrypted topic */
  readonly alarmTopicArn?: pulumi.Input<string>;
  readonly thresholds?: ClusterAlarmThresholds;
  readonly tags?: Record<string, string>;
}

/** Container Insights publishes its EKS metrics here (needs the CloudWatch agent / observability add-on). */
export const CONTAINER_INSIGHTS_NAMESPACE = "ContainerInsights";

export function clusterAlarmsProblems(thresholds: ClusterAlarmThresholds | undefined, at = "alarms"): Problem[] {
  const problems = new Problems();
  if (!checkOptionalObject(problems, at, thresholds, "of node thresholds { nodeCpuPercent, nodeMemoryPercent, nodeFilesystemPercent }")) return [...problems.list];
  for (const key of ["nodeCpuPercent", "nodeMemoryPercent", "nodeFilesystemPercent"] as const) {
    const value = thresholds?.[key];
    if (value === undefined) continue;
    problems.check(typeof value === "number" && value > 0 && value < 100, {
      property: `${at}.${key}`,
      value,
      rule: "a percentage above 0 and below 100",
      fix: `set ${key} to e.g. 80`,
    });
  }
  return [...problems.list];
}

/** The alarms every cluster gets: failed nodes page, sustained node pressure opens a ticket. */
export function clusterAlarmSpecs(thresholds: ClusterAlarmThresholds = {}): ClusterAlarmSpec[] {
  const pressure = (id: string, metricName: string, threshold: number, what: string): ClusterAlarmSpec => ({
    id,
    metricName,
    comparison: "GreaterThanThreshold",
    threshold,
    statistic: "Average",
    periodSeconds: 300,
    datapointsToAlarm: 3,
    evaluationPeriods: 3,
    severity: Severity.Warning,
    description: `Average node ${what} above ${threshold}% for 15 minutes: add nodes or find the workload that grew.`,
  });
  return [
    {
      id: "failed-nodes",
      metricName: "cluster_failed_node_count",
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      statistic: "Maximum",
      periodSeconds: 60,
      datapointsToAlarm: 3,
      evaluationPeriods: 3,
      severity: Severity.Critical,
      description: "At least one node has been failing for 3 minutes: pods on it are not running.",
    },
    pressure("node-cpu", "node_cpu_utilization", thresholds.nodeCpuPercent ?? 80, "CPU"),
    pressure("node-memory", "node_memory_utilization", thresholds.nodeMemoryPercent ?? 85, "memory"),
    pressure("node-filesystem", "node_filesystem_utilization", thresholds.nodeFilesystemPercent ?? 80, "filesystem use"),
  ];
}

/** Every problem with the arguments (validation contract, docs/architecture.md): never throws, whatever it is given. */
export function clusterAlarmsArgsProblems(args: ClusterAlarmsArgs): Problem[] {
  const shape = argsObjectProblems(args, "ClusterAlarms");
  if (shape.length > 0) return shape;
  return [...clusterAlarmsProblems(args.thresholds)];
}

/** Throws every problem of the arguments as one ValidationError; what the ClusterAlarms constructor calls first. */
export function validateClusterAlarmsArgs(name: string, args: ClusterAlarmsArgs): void {
  throwIfProblems(`ClusterAlarms "${name}"`, clusterAlarmsArgsProblems(args));
}

/** EKS node-health CloudWatch alarms, to the shared alarm topic (or one created here, encrypted with KMS). */
export class ClusterAlarms extends pulumi.ComponentResource {
  readonly alarmTopicArn: pulumi.Output<string>;
  readonly alarmNames: pulumi.Output<string>[];

  constructor(name: string, args: ClusterAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateClusterAlarmsArgs(name, args);
    super("production-platform:monitoring:ClusterAlarms", name, {}, opts);

    const topicArn =
      args.alarmTopicArn !== undefined
        ? pulumi.output(args.alarmTopicArn)
        : new AlarmTopic(`${name}-alarms`, { tags: args.tags }, { parent: this }).topicArn;

    this.alarmNames = clusterAlarmSpecs(args.thresholds).map(
      (spec) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${spec.id}`,
          {
            namespace: CONTAINER_INSIGHTS_NAMESPACE,
            metricName: spec.metricName,
            dimensions: { ClusterName: args.clusterName },
            statistic: spec.statistic,
            period: spec.periodSeconds,
            evaluationPeriods: spec.evaluationPeriods,
            datapointsToAlarm: spec.datapointsToAlarm,
            threshold: spec.threshold,
            comparisonOperator: spec.comparison,
            // No data means no Container Insights, not a healthy cluster; it is not turned into an alarm either.
            treatMissingData: "missing",
            alarmDescription: pulumi.interpolate`[${spec.severity}] ${args.clusterName}: ${spec.description}`,
            alarmActions: [topicArn],
            okActions: [topicArn],
            tags: { ...(args.tags ?? {}), severity: spec.severity },
          },
          { parent: this },
        ).name,
    );
    this.alarmTopicArn = topicArn;
    this.registerOutputs({ alarmTopicArn: this.alarmTopicArn, alarmNames: this.alarmNames });
  }
}
