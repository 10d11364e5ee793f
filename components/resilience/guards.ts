/**
 * What a drill may do (the FIS role's policy) and what stops it (the availability alarm), as plain data.
 */
import * as pulumi from "@pulumi/pulumi";
import { BURN_RATE_WINDOWS } from "../monitoring/slo";
import { PolicyDocument, policyDocument } from "../shared/iam";
import { FisAction, FisActions } from "./drills";

/**
 * The page's burn rate (14.4× over the short window of the SRE workbook's fastest pair), reused so a drill stops
 * exactly when the SLO would page.
 */
export const DRILL_BURN_RATE = BURN_RATE_WINDOWS[0].burnRate;

/** Error ratio (0–1) at which the availability alarm fires for an objective in percent. */
export function burnThreshold(objectivePercent: number): number {
  return Number((DRILL_BURN_RATE * (100 - objectivePercent) / 100).toFixed(6));
}

/**
 * CloudWatch alarm on the region's load balancers: (target 5xx + load balancer 5xx) / requests over 1-minute periods,
 * 5 of 5 breaching (the 5-minute short window). Metrics Insights over `AWS/ApplicationELB` counts every ALB of the
 * account in the region: the platform's ingress group is the only one there, and any other ALB's errors count
 * against the drill (stricter, never friendlier). No data is breaching: a drill without traffic proves nothing, and
 * FIS will not start while the alarm is in ALARM (generate load first; see the game-day guide).
 */
export function availabilityAlarmArgs(region: string, objectivePercent: number) {
  const q = (metric: string) => `SELECT SUM(${metric}) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)`;
  return {
    alarmDescription: `[critical] Availability in ${region} below the ${objectivePercent} % SLO at ${DRILL_BURN_RATE}x burn for 5 minutes: drills stop, on-call looks.`,
    metricQueries: [
      { id: "target5xx", expression: q("HTTPCode_Target_5XX_Count"), period: 60, returnData: false },
      { id: "elb5xx", expression: q("HTTPCode_ELB_5XX_Count"), period: 60, returnData: false },
      { id: "requests", expression: q("RequestCount"), period: 60, returnData: false },
      { id: "errorRatio", expression: "(FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests", label: "5xx ratio", returnData: true },
    ],
    comparisonOperator: "GreaterThanThreshold",
    threshold: burnThreshold(objectivePercent),
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: "breaching",
  };
}

/** `ALARM("a") OR ALARM("b")`: the composite rule that trips on any of the region's data-tier alarms. */
export function anyAlarmRule(alarmArns: readonly pulumi.Input<string>[]): pulumi.Output<string> {
  return pulumi.all([...alarmArns]).apply((arns: string[]) => arns.map((arn) => `ALARM("${arn}")`).join(" OR "));
}

interface RoleScope {
  readonly region: string;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  readonly clusterName: pulumi.Input<string>;
  readonly logGroupArn: pulumi.Input<string>;
  readonly actions: readonly FisAction[];
}

type Statement = Record<string, unknown>;

/**
 * Least privilege for the actions the region's templates use (FIS user guide, "Permissions" of each action): EC2
 * stop/start only on the cluster's instances, network ACL changes only on ACLs FIS creates (tagged managedByFIS),
 * API errors only for the FIS action that injects them, Aurora and ElastiCache only in this region, logs only to
 * the drill log group.
 */
export function fisRolePolicy(s: RoleScope): pulumi.Output<PolicyDocument> {
  return pulumi.all([s.accountId, s.partition, s.clusterName, s.logGroupArn]).apply(([account, partition, cluster, logGroupArn]) => {
    const arn = (service: string, resource: string) => `arn:${partition}:${service}:${s.region}:${account}:${resource}`;
    const uses = (a: FisAction) => s.actions.includes(a);
    const statements: Statement[] = [];
    if (uses(FisActions.StopInstances) || uses(FisActions.TerminateNodegroupInstances)) {
      statements.push({
        Sid: "ClusterInstancesOnly", Effect: "Allow",
        Action: ["ec2:StopInstances", "ec2:StartInstances", "ec2:TerminateInstances"],
        Resource: arn("ec2", "instance/*"),
        Condition: { StringEquals: { "aws:ResourceTag/eks:cluster-name": cluster } },
      });
      statements.push({ Sid: "DescribeForTargets", Effect: "Allow", Action: ["ec2:DescribeInstances", "eks:DescribeNodegroup", "autoscaling:DescribeAutoScalingGroups"], Resource: "*" });
    }
    if (uses(FisActions.AsgCapacityError)) {
      statements.push({
        Sid: "InjectCapacityErrors", Effect: "Allow", Action: "ec2:InjectApiError", Resource: "*",
        Condition: { "ForAnyValue:StringEquals": { "ec2:FisActionId": [FisActions.AsgCapacityError] } },
      });
    }
    if (uses(FisActions.DisruptConnectivity)) {
      statements.push(
        { Sid: "CreateFisAcls", Effect: "Allow", Action: ["ec2:CreateNetworkAcl", "ec2:CreateTags"], Resource: arn("ec2", "network-acl/*"), Condition: { StringEquals: { "aws:RequestTag/managedByFIS": "true" } } },
        { Sid: "ChangeFisAclsOnly", Effect: "Allow", Action: ["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl"], Resource: arn("ec2", "network-acl/*"), Condition: { StringEquals: { "aws:ResourceTag/managedByFIS": "true" } } },
        { Sid: "SwapSubnetAcls", Effect: "Allow", Action: ["ec2:ReplaceNetworkAclAssociation"], Resource: [arn("ec2", "subnet/*"), arn("ec2", "network-acl/*")] },
        { Sid: "DescribeNetwork", Effect: "Allow", Action: ["ec2:DescribeNetworkAcls", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries"], Resource: "*" },
      );
    }
    if (uses(FisActions.FailoverAurora)) {
      statements.push({ Sid: "AuroraFailover", Effect: "Allow", Action: ["rds:FailoverDBCluster"], Resource: arn("rds", "cluster:*") }, { Sid: "AuroraDescribe", Effect: "Allow", Action: ["rds:DescribeDBClusters"], Resource: "*" });
    }
    if (uses(FisActions.InterruptCacheAzPower)) {
      statements.push(
        { Sid: "CacheZonePower", Effect: "Allow", Action: ["elasticache:InterruptClusterAzPower"], Resource: arn("elasticache", "replicationgroup:*") },
        { Sid: "CacheDescribe", Effect: "Allow", Action: ["elasticache:DescribeReplicationGroups", "tag:GetResources"], Resource: "*" },
      );
    }
    if (uses(FisActions.DeletePods) || uses(FisActions.TerminateNodegroupInstances)) {
      statements.push({ Sid: "EksClusterOnly", Effect: "Allow", Action: ["eks:DescribeCluster"], Resource: arn("eks", `cluster/${cluster}`) });
    }
    statements.push(
      { Sid: "DeliverLogs", Effect: "Allow", Action: ["logs:CreateLogDelivery"], Resource: "*" },
      { Sid: "LogDeliverySetup", Effect: "Allow", Action: ["logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"], Resource: "*" },
      { Sid: "WriteDrillLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` },
    );
    return policyDocument(statements);
  });
}
