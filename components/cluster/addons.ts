import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterAutoscalerPolicy } from "./iam";
import { createIrsaRole, OidcIdentity } from "./irsa";
import { CLUSTER_AUTOSCALER_CHART, PinnedVersions } from "./versions";

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
  readonly parent: pulumi.Resource;
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

/** CoreDNS and the EBS CSI driver run as Deployments, so they wait for nodes to schedule on. */
export function createWorkloadAddons(ctx: AddonContext, nodeGroups: aws.eks.NodeGroup[]): aws.eks.Addon[] {
  const ebsRole = createIrsaRole(
    `${ctx.name}-ebs-csi`,
    {
      oidc: ctx.oidc,
      namespace: "kube-system",
      serviceAccount: "ebs-csi-controller-sa",
      managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"],
      partition: ctx.partition,
      tags: ctx.tags,
    },
    ctx.parent,
  );
  return [
    addon(ctx, "coredns", ctx.pinned.coredns, {}, nodeGroups),
    addon(ctx, "aws-ebs-csi-driver", ctx.pinned.ebsCsiDriver, { serviceAccountRoleArn: ebsRole.arn }, nodeGroups),
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
  return new k8s.helm.v3.Release(
    `${ctx.name}-cluster-autoscaler`,
    {
      name: "cluster-autoscaler",
      namespace: "kube-system",
      chart: CLUSTER_AUTOSCALER_CHART.chart,
      version: CLUSTER_AUTOSCALER_CHART.version,
      repositoryOpts: { repo: CLUSTER_AUTOSCALER_CHART.repo },
      values: clusterAutoscalerValues({ clusterName: ctx.clusterName, region: ctx.region, imageTag: ctx.pinned.clusterAutoscalerImage, roleArn: role.arn }),
      atomic: true,
    },
    { parent: ctx.parent, provider },
  );
}
