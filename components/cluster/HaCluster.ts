import { throwIfProblems } from "../shared/validation";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environment, environmentProfile } from "../shared/environment";
import { regionCode } from "../shared/regions";
import { AddonContext, DEFAULT_STORAGE_CLASS, createNetworkingAddons, createWorkloadAddons, defaultStorageClass, installClusterAutoscaler, installMetricsServer } from "./addons";
import { PULL_THROUGH_UPSTREAMS, PullThroughUpstream } from "../shared/images";
import { ImageMirror } from "../shared/mirror";
import { clusterKeyPolicy, clusterKeyUsePolicy, pullThroughCachePolicy, serviceTrustPolicy } from "./iam";
import { attachManagedPolicies } from "./irsa";
import { buildKubeconfig } from "./kubeconfig";
import { createNodeGroups } from "./nodeGroups";
import { AmiType, CapacityType, CLUSTER_ADMIN_ACCESS_POLICY, CONTROL_PLANE_LOG_TYPES, TaintEffect } from "./types";
import { haClusterProblems } from "./validation";
import { KubernetesVersion, PINNED_VERSIONS } from "./versions";

/** One kind of worker node; the component creates one managed node group per zone from it. */
export interface NodeGroupArgs {
  /** Instance types of one size class (the autoscaler treats them as alike), e.g. `["m7i.large", "m6i.large"]`. */
  readonly instanceTypes: readonly string[];
  /** Nodes per zone the group never goes below. Prod requires 1 or more. */
  readonly minSizePerZone: number;
  /** Nodes per zone at creation; afterwards the cluster autoscaler owns it (changes here are ignored). */
  readonly desiredSizePerZone: number;
  /** Nodes per zone the autoscaler may scale up to. */
  readonly maxSizePerZone: number;
  /** @default on-demand capacity. */
  readonly capacityType?: CapacityType;
  /** @default Amazon Linux 2023 on x86_64. */
  readonly amiType?: AmiType;
  /** @default a 50 GiB encrypted gp3 root volume. */
  readonly diskSizeGiB?: number;
  /** @default up to 33% of a zone's nodes are replaced at once during a node group update. */
  readonly maxUnavailablePercentage?: number;
  /** @default only `production-platform/node-group=<key>`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default no taints. */
  readonly taints?: readonly { readonly key: string; readonly value?: string; readonly effect: TaintEffect }[];
}

export interface HaClusterArgs {
  /** Region of the cluster; must be the region of the `aws.Provider` in the resource options. */
  readonly region: string;
  /** Deployment environment. `prod` turns on deletion protection, `protect`, 3-zone and min-size rules. */
  readonly environment: Environment;
  /** Kubernetes minor version, `"1.30"` to `"1.34"`; selects the pinned add-on versions. */
  readonly kubernetesVersion: string;
  /**
   * VPC of the cluster. Not needed by EKS (it follows the subnets) but re-exported as `vpcId` for controllers that
   * cannot read it from instance metadata (IMDS hop limit 1), e.g. the AWS Load Balancer Controller.
   */
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets, one per zone, in the order of `availabilityZones` (pass `network.privateSubnetIds`). */
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Zones of the subnets, in the same order (pass `network.availabilityZones`). */
  readonly availabilityZones: readonly string[];
  /** Worker node kinds by key (the key is part of resource names: keep it stable). */
  readonly nodeGroups: Readonly<Record<string, NodeGroupArgs>>;
  /**
   * @default the API endpoint is private only (reachable from inside the VPC). A non-empty list also opens the
   * public endpoint to exactly these ranges; `0.0.0.0/0` is refused in prod.
   */
  readonly endpointPublicAccessCidrs?: readonly string[];
  /**
   * Ranges admitted on 443 of the cluster security group, i.e. to the private endpoint: where `pulumi up` and
   * operators connect from (a VPN or CI network routed into the VPC, e.g. through `Network`'s `transitGateway`).
   * @default none: only the VPC itself (nodes, pods) reaches the private endpoint
   */
  readonly endpointPrivateAccessCidrs?: readonly string[];
  /**
   * IAM roles granted cluster-admin through EKS access entries. Include the role that runs `pulumi up`: it needs
   * the Kubernetes API to install the autoscaler.
   * @default no admins besides what `bootstrapClusterCreatorAdminPermissions` grants.
   */
  readonly adminRoleArns?: readonly string[];
  /** @default false: the identity that creates the cluster gets no implicit, invisible admin access. */
  readonly bootstrapClusterCreatorAdminPermissions?: boolean;
  /** @default control-plane logs are kept 365 days in prod and 90 days elsewhere. */
  readonly logRetentionDays?: number;
  /**
   * Physical EKS cluster name. It must be known before the cluster exists, because the control-plane log group is
   * named after it and is created first.
   * @default `<project>-<stack>-<name>` (unique per stack; regions are separate namespaces for EKS names).
   */
  readonly clusterName?: string;
  /** @default `true` in prod: the cluster and its key cannot be deleted by a `pulumi up` or `destroy`. */
  readonly protect?: boolean;
  /** @default no extra tags. */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * The account's ECR pull-through cache in this region: the add-on charts pull their images through it (each
   * release depends on its cache rules) and the nodes may import upstream images into its prefixes.
   * @default none: the add-on charts pull from their public registries
   */
  readonly imageMirror?: ImageMirror;
}

const NODE_MANAGED_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"] as const;

/** Throws a `ValidationError` listing every problem with the arguments. */
export function validateHaClusterArgs(name: string, args: HaClusterArgs): void {
  throwIfProblems(`HaCluster "${name}"`, haClusterProblems(args));
}

/** `<project>-<stack>-<name>`, cut to EKS's 100 characters and its character set. */
export function defaultClusterName(name: string, project = pulumi.getProject(), stack = pulumi.getStack()): string {
  return `${project}-${stack}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 100);
}

/** What every piece of the cluster is built from: the component, its arguments and the derived names and tags. */
interface ClusterContext {
  readonly name: string;
  readonly args: HaClusterArgs;
  readonly clusterName: string;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
  /** The HaCluster component, the parent of every child. */
  readonly component: pulumi.ComponentResource;
  readonly partition: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
}

/** The customer-managed key for secrets envelope encryption and the control-plane logs. */
function createClusterKey(c: ClusterContext): aws.kms.Key {
  return new aws.kms.Key(
    `${c.name}-eks`,
    {
      description: `EKS ${c.clusterName}: secrets envelope encryption and control-plane logs`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi
        .all([c.partition, c.accountId])
        .apply(([p, accountId]) => clusterKeyPolicy({ partition: p, region: c.args.region, accountId, clusterName: c.clusterName })),
      tags: c.tags,
    },
    { parent: c.component, protect: c.protect },
  );
}

/**
 * The EKS cluster, created after its log group (named after the cluster, so it exists before EKS writes to it), its
 * role's policies and the role's use of the key.
 */
function createControlPlane(c: ClusterContext, key: aws.kms.Key): aws.eks.Cluster {
  const { name, args, clusterName, tags } = c;
  const parent = { parent: c.component };
  const retentionInDays = args.logRetentionDays ?? environmentProfile(args.environment).retention.controlPlaneLogDays;
  const publicCidrs = [...(args.endpointPublicAccessCidrs ?? [])];
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-eks-control-plane`,
    { name: `/aws/eks/${clusterName}/cluster`, retentionInDays, kmsKeyId: key.arn, tags },
    parent,
  );

  const clusterRole = new aws.iam.Role(
    `${name}-eks-cluster`,
    { description: `EKS control plane of ${clusterName}`, assumeRolePolicy: serviceTrustPolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]), tags },
    parent,
  );
  const clusterRolePolicies = attachManagedPolicies(`${name}-eks-cluster`, clusterRole, ["AmazonEKSClusterPolicy"], c.partition, c.component);
  const clusterKeyUse = new aws.iam.RolePolicy(`${name}-eks-cluster-kms`, { role: clusterRole.id, policy: key.arn.apply(clusterKeyUsePolicy) }, parent);

  return new aws.eks.Cluster(
    `${name}-eks`,
    {
      name: clusterName,
      version: args.kubernetesVersion,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: args.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        publicAccessCidrs: publicCidrs.length > 0 ? publicCidrs : undefined,
      },
      accessConfig: {
        authenticationMode: "API",
        bootstrapClusterCreatorAdminPermissions: args.bootstrapClusterCreatorAdminPermissions ?? false,
      },
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
      // The core add-ons are installed below as pinned EKS add-ons instead of EKS's unmanaged defaults.
      bootstrapSelfManagedAddons: false,
      deletionProtection: environmentProfile(args.environment).protect,
      tags,
    },
    { parent: c.component, protect: c.protect, dependsOn: [logGroup, clusterKeyUse, ...clusterRolePolicies] },
  );
}

/**
 * Mirrors EKS "Cluster endpoint access control": the private endpoint admits what the cluster security group
 * admits; one rule per range, named after it, so adding a range never replaces another.
 */
function createPrivateEndpointAccess(c: ClusterContext, cluster: aws.eks.Cluster): aws.vpc.SecurityGroupIngressRule[] {
  return (c.args.endpointPrivateAccessCidrs ?? []).map((cidr) => new aws.vpc.SecurityGroupIngressRule(
    `${c.name}-api-from-${cidr.replace(/[./]/g, "-")}`,
    {
      securityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
      cidrIpv4: cidr,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "Kubernetes API (private endpoint) from the deployer network",
      tags: c.tags,
    },
    { parent: c.component },
  ));
}

/** The IAM OIDC provider for the cluster's issuer, which IRSA roles trust. */
function createOidcProvider(c: ClusterContext, cluster: aws.eks.Cluster): { provider: aws.iam.OpenIdConnectProvider; issuer: pulumi.Output<string> } {
  const issuer = cluster.identities.apply((ids) => {
    const found = ids?.[0]?.oidcs?.[0]?.issuer;
    if (!found) throw new Error(`HaCluster "${c.name}": EKS returned no OIDC issuer for ${c.clusterName}`);
    return found;
  });
  const provider = new aws.iam.OpenIdConnectProvider(`${c.name}-oidc`, { url: issuer, clientIdLists: ["sts.amazonaws.com"], tags: c.tags }, { parent: c.component });
  return { provider, issuer };
}

/** An access entry with the cluster-admin policy for each of `adminRoleArns`. */
function grantClusterAdmins(c: ClusterContext, cluster: aws.eks.Cluster): aws.eks.AccessPolicyAssociation[] {
  return (c.args.adminRoleArns ?? []).map((principalArn) => {
    const roleName = principalArn.split("/").pop()!.replace(/[^A-Za-z0-9-]/g, "-");
    const entry = new aws.eks.AccessEntry(`${c.name}-admin-${roleName}`, { clusterName: cluster.name, principalArn, type: "STANDARD", tags: c.tags }, { parent: c.component });
    return new aws.eks.AccessPolicyAssociation(
      `${c.name}-admin-${roleName}`,
      {
        clusterName: cluster.name,
        principalArn,
        policyArn: pulumi.interpolate`arn:${c.partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_ACCESS_POLICY}`,
        accessScope: { type: "cluster" },
      },
      { parent: c.component, dependsOn: [entry] },
    );
  });
}

/** The nodes' role with its managed policies and, with an image mirror, the right to pull through its cache. */
function createNodeRole(c: ClusterContext): { role: aws.iam.Role; policies: pulumi.Resource[] } {
  const { name, args, tags } = c;
  const parent = { parent: c.component };
  // No CNI policy here: the VPC CNI gets it through its own IRSA role, so pods cannot use it via the node.
  const role = new aws.iam.Role(`${name}-eks-node`, { description: `EKS nodes of ${c.clusterName}`, assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"), tags }, parent);
  const policies: pulumi.Resource[] = attachManagedPolicies(`${name}-eks-node`, role, NODE_MANAGED_POLICIES, c.partition, c.component);
  if (args.imageMirror !== undefined) {
    const prefixes = (Object.keys(args.imageMirror.cacheRules) as PullThroughUpstream[]).map((u) => PULL_THROUGH_UPSTREAMS[u].prefix);
    policies.push(new aws.iam.RolePolicy(`${name}-eks-node-pull-through`, {
      role: role.name,
      policy: pulumi.all([c.partition, c.accountId]).apply(([p, accountId]) => pullThroughCachePolicy({ partition: p, region: args.region, accountId, prefixes })),
    }, parent));
  }
  return { role, policies };
}

/** The managed node groups (one per node kind and zone), created once the node role and networking add-ons exist. */
function createZonalNodeGroups(c: ClusterContext, cluster: aws.eks.Cluster, nodeRole: aws.iam.Role, dependsOn: pulumi.Resource[]): aws.eks.NodeGroup[] {
  return createNodeGroups(
    {
      name: c.name,
      clusterName: cluster.name,
      kubernetesVersion: cluster.version,
      nodeRoleArn: nodeRole.arn,
      zones: c.args.availabilityZones,
      privateSubnetIds: c.args.privateSubnetIds,
      tags: c.tags,
      dependsOn,
      parent: c.component,
    },
    c.args.nodeGroups,
  );
}

/** The secret kubeconfig (exec-based auth: short-lived tokens) of the cluster. */
function clusterKubeconfig(cluster: aws.eks.Cluster, region: string): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data])
      .apply(([n, endpoint, ca]) => buildKubeconfig({ clusterName: n, endpoint, certificateAuthorityData: ca, region })),
  );
}

/** The Kubernetes provider for the cluster, created once `waitFor` (admin access, nodes, API access) exists. */
function createClusterProvider(c: ClusterContext, kubeconfig: pulumi.Output<string>, waitFor: pulumi.Resource[]): k8s.Provider {
  return new k8s.Provider(
    `${c.name}-k8s`,
    { kubeconfig, enableServerSideApply: true },
    // Waiting for admin access and nodes means the first Kubernetes resource does not fail on a half-built cluster.
    { parent: c.component, dependsOn: waitFor },
  );
}

/**
 * One highly available EKS cluster in one region: private API endpoint, API-mode access entries, all control-plane
 * logs, KMS envelope encryption of secrets, zonal managed node groups, IRSA, pinned core add-ons and the cluster
 * autoscaler, plus a Kubernetes provider for everything deployed onto it.
 */
export class HaCluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  /** Provider for Kubernetes resources on this cluster (exec-based auth: short-lived tokens). */
  readonly provider: k8s.Provider;
  /** Secret: contains the endpoint and CA; authentication is `aws eks get-token`. */
  readonly kubeconfig: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly oidcIssuer: pulumi.Output<string>;
  /** The EKS cluster security group, which managed nodes use. */
  readonly nodeSecurityGroupId: pulumi.Output<string>;
  readonly nodeRoleArn: pulumi.Output<string>;
  readonly kubernetesVersion: pulumi.Output<string>;
  readonly region: string;
  readonly vpcId: pulumi.Output<string>;
  /** The default StorageClass (gp3, encrypted with the cluster key); claims without a class get it. */
  readonly storageClass: k8s.storage.v1.StorageClass;
  readonly storageClassName: string;
  /** metrics-server, which serves the resource metrics HPAs read. */
  readonly metricsServer: k8s.helm.v3.Release;

  constructor(name: string, args: HaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    validateHaClusterArgs(name, args);
    super("production-platform:cluster:HaCluster", name, {}, opts);

    const clusterName = args.clusterName ?? defaultClusterName(name);
    const tags: Record<string, string> = { ...args.tags, "production-platform/cluster": clusterName, "production-platform/region": regionCode(args.region) };
    const parent = { parent: this };
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;
    const protect = args.protect ?? environmentProfile(args.environment).protect;
    const c: ClusterContext = { name, args, clusterName, protect, tags, component: this, partition, accountId: identity.accountId };

    const key = createClusterKey(c);
    const cluster = createControlPlane(c, key);
    const apiAccess = createPrivateEndpointAccess(c, cluster);
    const oidcProvider = createOidcProvider(c, cluster);
    const oidc = { providerArn: oidcProvider.provider.arn, issuerUrl: oidcProvider.issuer };
    const adminAccess = grantClusterAdmins(c, cluster);
    const nodeRole = createNodeRole(c);

    const pinned = PINNED_VERSIONS[args.kubernetesVersion as KubernetesVersion];
    const addonContext: AddonContext = { name, cluster, clusterName, region: args.region, pinned, oidc, partition, tags, keyArn: key.arn, parent: this, imageMirror: args.imageMirror };
    const networking = createNetworkingAddons(addonContext);
    const nodeGroups = createZonalNodeGroups(c, cluster, nodeRole.role, [...nodeRole.policies, ...networking]);
    const workloadAddons = createWorkloadAddons(addonContext, nodeGroups);

    this.kubeconfig = clusterKubeconfig(cluster, args.region);
    this.provider = createClusterProvider(c, this.kubeconfig, [...adminAccess, ...nodeGroups, ...apiAccess]);
    installClusterAutoscaler(addonContext, this.provider);
    this.metricsServer = installMetricsServer(addonContext, this.provider);
    this.storageClass = defaultStorageClass(addonContext, this.provider, workloadAddons);
    this.storageClassName = DEFAULT_STORAGE_CLASS;

    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.oidcProviderArn = oidcProvider.provider.arn;
    this.oidcIssuer = oidcProvider.issuer;
    this.nodeSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
    this.nodeRoleArn = nodeRole.role.arn;
    this.kubernetesVersion = cluster.version;
    this.region = args.region;
    this.vpcId = pulumi.output(args.vpcId);
    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      kubeconfig: this.kubeconfig,
      oidcProviderArn: this.oidcProviderArn,
      oidcIssuer: this.oidcIssuer,
      nodeSecurityGroupId: this.nodeSecurityGroupId,
      nodeRoleArn: this.nodeRoleArn,
      kubernetesVersion: this.kubernetesVersion,
      region: this.region,
      vpcId: this.vpcId,
      storageClassName: this.storageClassName,
    });
  }
}
