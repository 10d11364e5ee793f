/**
 * IAM and KMS policy documents for the cluster, as plain JSON strings (no provider calls, testable directly).
 */
import {
  irsaTrustPolicyDocument,
  issuerHost,
  policyDocument,
  PolicyStatement,
  serviceAccountSubject,
  serviceTrustPolicyDocument,
} from "../shared/iam";

function document(statements: PolicyStatement[]): string {
  return JSON.stringify(policyDocument(statements));
}

/** Trust policy letting an AWS service assume a role. */
export function serviceTrustPolicy(service: string, actions: readonly string[] = ["sts:AssumeRole"]): string {
  return JSON.stringify(serviceTrustPolicyDocument(service, { action: actions }));
}

/**
 * IRSA trust policy: only the named Kubernetes service account, with the STS audience, may assume the role.
 * `issuerUrl` is the cluster's OIDC issuer (`https://oidc.eks...`).
 */
export function irsaTrustPolicy(args: { oidcProviderArn: string; issuerUrl: string; namespace: string; serviceAccount: string }): string {
  return JSON.stringify(irsaTrustPolicyDocument(args.oidcProviderArn, issuerHost(args.issuerUrl), [serviceAccountSubject(args.namespace, args.serviceAccount)]));
}

/**
 * Key policy of the cluster key: the account administers it (and grants the cluster role use of it through IAM);
 * CloudWatch Logs may use it for this cluster's control-plane log group only.
 */
export function clusterKeyPolicy(args: { partition: string; region: string; accountId: string; clusterName: string }): string {
  const { partition, region, accountId, clusterName } = args;
  return document([
    { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
    {
      Sid: "ControlPlaneLogsUseKey",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: {
        ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:/aws/eks/${clusterName}/cluster` },
      },
    },
  ]);
}

/** What the EKS service role needs on the secrets key for envelope encryption. */
export function clusterKeyUsePolicy(keyArn: string): string {
  return document([
    { Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ListGrants"], Resource: keyArn },
  ]);
}

/**
 * Cluster autoscaler: read everything it must discover, but change only the Auto Scaling groups tagged as owned by
 * this cluster (EKS tags managed node group ASGs with `k8s.io/cluster-autoscaler/<cluster>=owned`).
 */
export function clusterAutoscalerPolicy(clusterName: string): string {
  return document([
    {
      Sid: "Discover",
      Effect: "Allow",
      Action: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeTags",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
        "eks:DescribeNodegroup",
      ],
      Resource: "*",
    },
    {
      Sid: "ScaleOwnGroupsOnly",
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
    },
  ]);
}

/**
 * What the EBS CSI driver needs on the cluster key to create and attach volumes encrypted with it. The managed
 * AmazonEBSCSIDriverPolicy grants nothing on customer keys (EBS CSI driver docs, "KMS encryption"): without this
 * the first PersistentVolume of the encrypted StorageClass fails to provision.
 */
export function ebsCsiKeyUsePolicy(keyArn: string): string {
  return document([
    { Sid: "GrantsForEbs", Effect: "Allow", Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], Resource: keyArn, Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } },
    { Sid: "UseKeyForVolumes", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource: keyArn },
  ]);
}

/**
 * What nodes (the kubelet pulling images) need beyond AmazonEC2ContainerRegistryReadOnly to pull through the account's
 * pull-through cache: the first pull of an image not cached yet imports it (`ecr:BatchImportUpstreamImage`) into a
 * repository ECR creates on that pull (`ecr:CreateRepository`), per the Amazon ECR User Guide, "IAM permissions
 * required to sync an upstream registry" (pull-through-cache-iam.html). Only the repositories under the cache rules'
 * prefixes, in the cluster's own region and account; `ecr:CreatePullThroughCacheRule` stays with the deployer.
 */
export function pullThroughCachePolicy(args: { partition: string; region: string; accountId: string; prefixes: readonly string[] }): string {
  return document([{
    Sid: "PullThroughCache",
    Effect: "Allow",
    Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
    Resource: [...args.prefixes].sort().map((prefix) => `arn:${args.partition}:ecr:${args.region}:${args.accountId}:repository/${prefix}/*`),
  }]);
}
