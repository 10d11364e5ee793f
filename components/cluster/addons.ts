import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ZONE_KEY } from "../shared/kubernetes";
import { clusterAutoscalerPolicy, ebsCsiKeyUsePolicy } from "./iam";
import { createIrsaRole, OidcIdentity } from "./irsa";
import { ImageMirror, mirrored } from "../shared/mirror";
import { CLOUDWATCH_OBSERVABILITY_ADDON_VERSION, CLUSTER_AUTOSCALER_CHART, CLUSTER_AUTOSCALER_IMAGES, METRICS_SERVER_CHART, METRICS_SERVER_IMAGES, PinnedVersions } from "./versions";

export interface AddonContext {
  readonly name: string;
  readonly cluster: aws.eks.Cluster;
  /** Physical cluster name, known before deploy. */
  readonly clusterName: string;
  readonly region: string;
  readonly pinned: PinnedVersions;
  readonly oidc: OidcIdentity;
  readonly partition: pulumi.Output<string>;
  readonly tags: Record<string, string>;
  /** The cluster's KMS key: secrets, control-plane logs and the default StorageClass's volumes. */
  readonly keyArn: pulumi.Output<string>;
  readonly parent: pulumi.Resource;
  /** The account's pull-through cache in the cluster's region; the add-on charts pull through it when given. */
  readonly imageMirror?: ImageMirror;
}

/** Network policy enforcement by the VPC CNI's eBPF agent, so Kubernetes NetworkPolicies actually apply. */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" } as const;

function addon(ctx: AddonContext, addonName: string, addonVersion: string, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[] = []): aws.eks.Addon {
  return new aws.eks.Addon(
    `${ctx.name}-${addonName}`,
    {
      clusterName: ctx.cluster.name,
      addonName,
      addonVersion,
      // The program is the source of truth for add-on configuration.
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      tags: ctx.tags,
      ...extra,
    },
    { parent: ctx.parent, dependsOn },
  );
}

/** Pod networking (VPC CNI with its own IRSA role) and kube-proxy: DaemonSets that must exist before nodes join. */
export function createNetworkingAddons(ctx: AddonContext): aws.eks.Addon[] {
  const cniRole = createIrsaRole(
    `${ctx.name}-vpc-cni`,
    { oidc: ctx.oidc, namespace: "kube-system", serviceAccount: "aws-node", managedPolicies: ["AmazonEKS_CNI_Policy"], partition: ctx.partition, tags: ctx.tags },
    ctx.parent,
  );
  return [
    addon(ctx, "vpc-cni", ctx.pinned.vpcCni, { serviceAccountRoleArn: cniRole.arn, configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION) }),
    addon(ctx, "kube-proxy", ctx.pinned.kubeProxy, {}),
  ];
}

/** Add-on configuration of amazon-cloudwatch-observability: metrics only (logs go through the monitoring stack). */
export const CLOUDWATCH_OBSERVABILITY_CONFIGURATION = { containerLogs: { enabled: false } } as const;

/** CoreDNS, the EBS CSI driver and the CloudWatch agent run on nodes, so they wait for nodes to schedule on. */
export function createWorkloadAddons(ctx: AddonContext, nodeGroups: aws.eks.NodeGroup[]): aws.eks.Addon[] {
  const ebsRole = createIrsaRole(
    `${ctx.name}-ebs-csi`,
    {
      oidc: ctx.oidc,
      namespace: "kube-system",
      serviceAccount: "ebs-csi-controller-sa",
      managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"],
      inlinePolicy: ctx.keyArn.apply(ebsCsiKeyUsePolicy),
      partition: ctx.partition,
      tags: ctx.tags,
    },
    ctx.parent,
  );
  const cloudwatchRole = createIrsaRole(
    `${ctx.name}-cloudwatch-agent`,
    {
      oidc: ctx.oidc,
      namespace: "amazon-cloudwatch",
      serviceAccount: "cloudwatch-agent",
      managedPolicies: ["CloudWatchAgentServerPolicy"],
      partition: ctx.partition,
      tags: ctx.tags,
    },
    ctx.parent,
  );
  return [
    addon(ctx, "coredns", ctx.pinned.coredns, {}, nodeGroups),
    addon(ctx, "aws-ebs-csi-driver", ctx.pinned.ebsCsiDriver, { serviceAccountRoleArn: ebsRole.arn }, nodeGroups),
    // Container Insights: the CloudWatch agent publishes the ContainerInsights metrics the node alarms watch (without
    // it they never get a datapoint). Container logs stay with the monitoring stack's Fluent Bit, not shipped twice.
    addon(ctx, "amazon-cloudwatch-observability", CLOUDWATCH_OBSERVABILITY_ADDON_VERSION, {
      serviceAccountRoleArn: cloudwatchRole.arn,
      configurationValues: JSON.stringify(CLOUDWATCH_OBSERVABILITY_CONFIGURATION),
    }, nodeGroups),
  ];
}

/** Helm values of the cluster autoscaler; exported so the choice of flags is testable and reviewable. */
export function clusterAutoscalerValues(args: { clusterName: string; region: string; imageTag: string; roleArn: pulumi.Input<string> }): Record<string, unknown> {
  return {
    cloudProvider: "aws",
    awsRegion: args.region,
    autoDiscovery: { clusterName: args.clusterName },
    image: { tag: args.imageTag },
    replicaCount: 2,
    rbac: { serviceAccount: { create: true, name: "cluster-autoscaler", annotations: { "eks.amazonaws.com/role-arn": args.roleArn } } },
    extraArgs: {
      // Zonal node groups of the same shape are balanced, keeping every zone able to take a zone's load.
      "balance-similar-node-groups": true,
      "expander": "least-waste",
      "skip-nodes-with-system-pods": false,
    },
    podDisruptionBudget: { maxUnavailable: 1 },
  };
}

/**
 * The cluster autoscaler (not Karpenter): it scales the zonal managed node groups the platform already defines,
 * needs no extra SQS/EventBridge plumbing, and its IAM is limited to ASGs tagged as owned by this cluster.
 */
export function installClusterAutoscaler(ctx: AddonContext, provider: k8s.Provider): k8s.helm.v3.Release {
  const role = createIrsaRole(
    `${ctx.name}-cluster-autoscaler`,
    {
      oidc: ctx.oidc,
      namespace: "kube-system",
      serviceAccount: "cluster-autoscaler",
      inlinePolicy: clusterAutoscalerPolicy(ctx.clusterName),
      partition: ctx.partition,
      tags: ctx.tags,
    },
    ctx.parent,
  );
  const images = mirrored(
    clusterAutoscalerValues({ clusterName: ctx.clusterName, region: ctx.region, imageTag: ctx.pinned.clusterAutoscalerImage, roleArn: role.arn }),
    CLUSTER_AUTOSCALER_IMAGES, ctx.imageMirror, `${ctx.name}-cluster-autoscaler`,
  );
  return new k8s.helm.v3.Release(
    `${ctx.name}-cluster-autoscaler`,
    {
      name: "cluster-autoscaler",
      namespace: "kube-system",
      chart: CLUSTER_AUTOSCALER_CHART.chart,
      version: CLUSTER_AUTOSCALER_CHART.version,
      repositoryOpts: { repo: CLUSTER_AUTOSCALER_CHART.repo },
      values: images.values,
      atomic: true,
    },
    { parent: ctx.parent, provider, dependsOn: images.dependsOn },
  );
}

/** Name of the default StorageClass every cluster gets. */
export const DEFAULT_STORAGE_CLASS = "gp3-encrypted";

/**
 * The cluster's default StorageClass: gp3, encrypted with the cluster key, bound when the pod is scheduled (so the
 * volume lands in the pod's zone). EKS ≥ 1.30 marks no class as default and the EBS CSI add-on creates none unless
 * asked, so without this every PersistentVolumeClaim without a class stays Pending.
 */
export function defaultStorageClass(ctx: AddonContext, provider: k8s.Provider, dependsOn: pulumi.Resource[]): k8s.storage.v1.StorageClass {
  return new k8s.storage.v1.StorageClass(
    `${ctx.name}-${DEFAULT_STORAGE_CLASS}`,
    {
      metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: ctx.keyArn, "csi.storage.k8s.io/fstype": "ext4" },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: "Delete",
    },
    { parent: ctx.parent, provider, dependsOn },
  );
}

/** Helm values of metrics-server: two replicas on different nodes and zones, a PDB, and explicit resources. */
export function metricsServerValues(): Record<string, unknown> {
  const selector = { matchLabels: { "app.kubernetes.io/name": "metrics-server", "app.kubernetes.io/instance": "metrics-server" } };
  return {
    replicas: 2,
    podDisruptionBudget: { enabled: true, minAvailable: 1 },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: "ScheduleAnyway", labelSelector: selector },
      { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: selector },
    ],
    resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "500m", memory: "400Mi" } },
  };
}

/**
 * metrics-server, the provider of `metrics.k8s.io`: an HPA with CPU or memory targets reads nothing without it
 * and never scales (its condition reads "failed to get cpu utilization").
 */
export function installMetricsServer(ctx: AddonContext, provider: k8s.Provider): k8s.helm.v3.Release {
  const images = mirrored(metricsServerValues(), METRICS_SERVER_IMAGES, ctx.imageMirror, `${ctx.name}-metrics-server`);
  return new k8s.helm.v3.Release(
    `${ctx.name}-metrics-server`,
    {
      name: "metrics-server",
      namespace: "kube-system",
      chart: METRICS_SERVER_CHART.chart,
      version: METRICS_SERVER_CHART.version,
      repositoryOpts: { repo: METRICS_SERVER_CHART.repo },
      values: images.values,
      atomic: true,
    },
    { parent: ctx.parent, provider, dependsOn: images.dependsOn },
  );
}
