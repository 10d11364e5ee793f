/** A compliant Kubernetes + EKS stack: every kubernetes-cis policy passes on it. Tests change one field at a time. */
import type { AnalyzerResource } from "../../../src/testing/analyzer";
import { res, urn } from "../common/packs";

export const T = {
  Namespace: "kubernetes:core/v1:Namespace",
  NetworkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  ServiceAccount: "kubernetes:core/v1:ServiceAccount",
  Role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  ClusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  RoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  ClusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  Deployment: "kubernetes:apps/v1:Deployment",
  CronJob: "kubernetes:batch/v1:CronJob",
  Release: "kubernetes:helm.sh/v3:Release",
  EksCluster: "aws:eks/cluster:Cluster",
  NodeGroup: "aws:eks/nodeGroup:NodeGroup",
  Addon: "aws:eks/addon:Addon",
  Subnet: "aws:ec2/subnet:Subnet",
  Ecr: "aws:ecr/repository:Repository",
  Ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  LogGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;

export const podSpec = () => ({
  serviceAccountName: "web",
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
  containers: [
    {
      name: "web",
      // Prod-compliant (CIS 5.1.4): the account's ECR repository below, pinned by digest.
      image: `111122223333.dkr.ecr.us-east-1.amazonaws.com/shop/web@sha256:${"c".repeat(64)}`,
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
      volumeMounts: [{ name: "creds", mountPath: "/etc/creds", readOnly: true }],
    },
  ],
  volumes: [{ name: "creds", secret: { secretName: "web-creds" } }],
});

export function baseline(): AnalyzerResource[] {
  return [
    res(T.Namespace, "shop", { metadata: { name: "shop" } }),
    res(T.NetworkPolicy, "shop-default-deny", { metadata: { name: "default-deny", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } }),
    res(T.ServiceAccount, "web-sa", { metadata: { name: "web", namespace: "shop" }, automountServiceAccountToken: false }),
    res(T.ServiceAccount, "shop-default-sa", { metadata: { name: "default", namespace: "shop" }, automountServiceAccountToken: false }),
    res(T.Role, "web-reader", { metadata: { name: "web-reader", namespace: "shop" }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }] }),
    res(T.RoleBinding, "web-reader", {
      metadata: { name: "web-reader", namespace: "shop" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "web-reader" },
      subjects: [{ kind: "ServiceAccount", name: "web", namespace: "shop" }],
    }),
    res(T.Deployment, "web", { metadata: { name: "web", namespace: "shop" }, spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: podSpec() } } }),
    res(T.Release, "ingress-nginx", { chart: "ingress-nginx", namespace: "kube-system", values: { controller: { hostNetwork: true } } }),
    res(T.Subnet, "private-a", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/19", mapPublicIpOnLaunch: false }),
    res(T.EksCluster, "main", {
      name: "main",
      roleArn: "arn:aws:iam::123456789012:role/eks",
      enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/abc" } },
      vpcConfig: { subnetIds: ["subnet-1"], endpointPrivateAccess: true, endpointPublicAccess: false },
      accessConfig: { authenticationMode: "API" },
    }),
    res(T.LogGroup, "main-audit", { name: "/aws/eks/main/cluster", retentionInDays: 365 }),
    res(T.Ingress, "web-ingress", {
      metadata: { name: "web", namespace: "shop" },
      spec: { tls: [{ hosts: ["shop.example.com"], secretName: "shop-tls" }], rules: [{ host: "shop.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }] },
    }),
    res(T.NodeGroup, "main-nodes", { clusterName: "main", subnetIds: ["subnet-1"] }, { propertyDependencies: { subnetIds: [urn(T.Subnet, "private-a")], clusterName: [urn(T.EksCluster, "main")] } }),
    res(T.Addon, "vpc-cni", { clusterName: "main", addonName: "vpc-cni", configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) }, { propertyDependencies: { clusterName: [urn(T.EksCluster, "main")] } }),
    res(T.Ecr, "images", { name: "shop/web", imageScanningConfiguration: { scanOnPush: true } }),
  ];
}

/** The fixture resource with this Pulumi name (throws when absent, so a typo fails loudly). */
export function find(resources: AnalyzerResource[], name: string): any {
  const r = resources.find((x) => x.name === name);
  if (!r) throw new Error(`fixture has no resource ${name}`);
  return r;
}
