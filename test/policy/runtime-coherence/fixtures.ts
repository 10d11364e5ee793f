/**
 * A compliant two-cluster program for runtime-coherence: two regions (AWS providers), an EKS cluster in each with a
 * Kubernetes provider built from the cluster's outputs, the same namespaces and workloads in both clusters (so a
 * join by name instead of by provider would be caught), alarms, a hosted zone and a DNS-validated certificate.
 */
import type { AnalyzerResource } from "../../../src/testing/analyzer";
import { res, urn } from "../common/packs";

export const T = {
  AwsProvider: "pulumi:providers:aws",
  K8sProvider: "pulumi:providers:kubernetes",
  Eks: "aws:eks/cluster:Cluster",
  Addon: "aws:eks/addon:Addon",
  NodeGroup: "aws:eks/nodeGroup:NodeGroup",
  SgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  Alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  Rds: "aws:rds/cluster:Cluster",
  Zone: "aws:route53/zone:Zone",
  Record: "aws:route53/record:Record",
  Cert: "aws:acm/certificate:Certificate",
  Detector: "aws:guardduty/detector:Detector",
  Namespace: "kubernetes:core/v1:Namespace",
  Deployment: "kubernetes:apps/v1:Deployment",
  StatefulSet: "kubernetes:apps/v1:StatefulSet",
  Hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  Pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  Service: "kubernetes:core/v1:Service",
  NetPol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  Quota: "kubernetes:core/v1:ResourceQuota",
  LimitRange: "kubernetes:core/v1:LimitRange",
  Pvc: "kubernetes:core/v1:PersistentVolumeClaim",
  StorageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
  Release: "kubernetes:helm.sh/v3:Release",
} as const;

export const REGIONS = { a: "us-east-1", b: "eu-west-1" } as const;
export type Side = keyof typeof REGIONS;

const providerRef = (r: AnalyzerResource) => ({ type: r.type, name: r.name, urn: r.urn as string, props: r.props });

export function awsProvider(side: Side): AnalyzerResource {
  return res(T.AwsProvider, `aws-${side}`, { region: REGIONS[side] });
}

function k8sProvider(side: Side): AnalyzerResource {
  const eks = urn(T.Eks, `eks-${side}`);
  return res(T.K8sProvider, `k8s-${side}`, { kubeconfig: `{"clusters":[{"name":"platform-${side}"}]}` }, { dependencies: [eks], propertyDependencies: { kubeconfig: [eks] } });
}

const pod = (app: string, cpuLimit: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: app, image: `registry.example.com/${app}:1.0.0`, ports: [{ name: "http", containerPort: 8080 }], resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: cpuLimit, memory: "256Mi" } } }] },
});

const allowDns = (ns: string) => ({ metadata: { name: "allow-dns", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }], to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }] }] } });
const denyAll = (ns: string) => ({ metadata: { name: "default-deny", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });

/** The Kubernetes objects of one cluster: namespaces shop and web, web calls the api in shop. */
function kubernetes(side: Side): AnalyzerResource[] {
  const provider = providerRef(k8sProvider(side));
  const k = (type: string, name: string, props: Record<string, unknown>) => res(type, `${side}-${name}`, props, { provider });
  return [
    k(T.Namespace, "shop", { metadata: { name: "shop" } }),
    k(T.Namespace, "web", { metadata: { name: "web" } }),
    k(T.Deployment, "api", { metadata: { name: "api", namespace: "shop" }, spec: { selector: { matchLabels: { app: "api" } }, strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } }, template: pod("api", "500m") } }),
    k(T.Hpa, "api", { metadata: { name: "api", namespace: "shop" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" }, minReplicas: 3, maxReplicas: 10, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] } }),
    k(T.Pdb, "api", { metadata: { name: "api", namespace: "shop" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "api" } } } }),
    k(T.Service, "api", { metadata: { name: "api", namespace: "shop" }, spec: { selector: { app: "api" }, ports: [{ port: 80, targetPort: "http" }] } }),
    k(T.StatefulSet, "cache", { metadata: { name: "cache", namespace: "shop" }, spec: { replicas: 3, serviceName: "cache", selector: { matchLabels: { app: "cache" } }, template: pod("cache", "250m"), volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } } }] } }),
    k(T.Quota, "shop-quota", { metadata: { name: "quota", namespace: "shop" }, spec: { hard: { pods: "20", "limits.cpu": "8", "limits.memory": "8Gi", "requests.cpu": "4" } } }),
    k(T.LimitRange, "shop-limits", { metadata: { name: "limits", namespace: "shop" }, spec: { limits: [{ type: "Container", default: { cpu: "500m", memory: "512Mi" }, defaultRequest: { cpu: "100m", memory: "128Mi" } }] } }),
    k(T.NetPol, "shop-deny", denyAll("shop")),
    k(T.NetPol, "shop-dns", allowDns("shop")),
    k(T.NetPol, "shop-https-out", { metadata: { name: "https-out", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 443 }], to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] } }),
    k(T.NetPol, "api-callers", { metadata: { name: "api-callers", namespace: "shop" }, spec: { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "web" } } }], ports: [{ port: 8080 }] }] } }),
    k(T.Deployment, "web", { metadata: { name: "web", namespace: "web" }, spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: pod("web", "500m") } }),
    k(T.Pdb, "web", { metadata: { name: "web", namespace: "web" }, spec: { minAvailable: 2, selector: { matchLabels: { app: "web" } } } }),
    k(T.Service, "web", { metadata: { name: "web", namespace: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] } }),
    k(T.NetPol, "web-deny", denyAll("web")),
    k(T.NetPol, "web-dns", allowDns("web")),
    k(T.NetPol, "web-to-api", { metadata: { name: "to-api", namespace: "web" }, spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 8080 }], to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } }, podSelector: { matchLabels: { app: "api" } } }] }] } }),
    k(T.StorageClass, "gp3", { metadata: { name: "gp3" }, provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true" } }),
    k(T.Pvc, "uploads", { metadata: { name: "uploads", namespace: "web" }, spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } } }),
    k(T.Release, "kube-prometheus-stack", { chart: "kube-prometheus-stack", namespace: "monitoring", values: { prometheus: { prometheusSpec: { storageSpec: { volumeClaimTemplate: { spec: { storageClassName: "gp3", resources: { requests: { storage: "50Gi" } } } } } } } } }),
  ];
}

/** AWS side of one region: the cluster, its add-ons and node group, an access path, alarms. */
function aws(side: Side): AnalyzerResource[] {
  const provider = providerRef(awsProvider(side));
  const a = (type: string, name: string, props: Record<string, unknown>, extra: Partial<AnalyzerResource> = {}) => res(type, `${side}-${name}`, props, { provider, ...extra });
  const cluster = `platform-${side}`;
  const eks = res(T.Eks, `eks-${side}`, { name: cluster, version: "1.33", vpcConfig: side === "a" ? { endpointPrivateAccess: true, endpointPublicAccess: false, securityGroupIds: ["sg-a"], subnetIds: ["s1"] } : { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"], subnetIds: ["s2"] } }, { provider });
  return [
    awsProvider(side),
    eks,
    k8sProvider(side),
    a(T.Addon, "metrics-server", { addonName: "metrics-server", clusterName: cluster }),
    a(T.Addon, "ebs-csi", { addonName: "aws-ebs-csi-driver", clusterName: cluster, configurationValues: JSON.stringify({ defaultStorageClass: { enabled: true } }) }),
    a(T.Addon, "observability", { addonName: "amazon-cloudwatch-observability", clusterName: cluster }),
    a(T.NodeGroup, "nodes", { clusterName: cluster, scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 9 } }),
    ...(side === "a" ? [a(T.SgIngress, "deployer-443", { securityGroupId: "sg-a", fromPort: 443, toPort: 443, ipProtocol: "tcp", cidrIpv4: "10.99.0.0/24" })] : []),
    a(T.Alarm, "nodes-cpu", { namespace: "ContainerInsights", metricName: "node_cpu_utilization", dimensions: { ClusterName: cluster }, comparisonOperator: "GreaterThanThreshold", threshold: 80, evaluationPeriods: 3 }),
    a(T.Rds, "orders", { clusterIdentifier: `orders-${side}`, engine: "aurora-postgresql" }),
    a(T.Alarm, "orders-cpu", { namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: { DBClusterIdentifier: `orders-${side}` }, comparisonOperator: "GreaterThanThreshold", threshold: 80, evaluationPeriods: 3 }),
  ];
}

/** Public name and certificate (one region). */
function dns(): AnalyzerResource[] {
  const provider = providerRef(awsProvider("a"));
  const cert = res(T.Cert, "cert", { domainName: "app.example.com", validationMethod: "DNS", domainValidationOptions: [{ domainName: "app.example.com", resourceRecordName: "_abc.app.example.com.", resourceRecordType: "CNAME", resourceRecordValue: "_x.acm-validations.aws." }] }, { provider });
  return [
    res(T.Zone, "zone", { name: "example.com", zoneId: "Z1" }, { provider }),
    cert,
    res(T.Record, "cert-validation", { zoneId: "Z1", name: "_abc.app.example.com.", type: "CNAME", records: ["_x.acm-validations.aws."], ttl: 300 }, { provider, propertyDependencies: { name: [cert.urn as string], zoneId: [urn(T.Zone, "zone")] } }),
    res(T.Record, "app", { zoneId: "Z1", name: "app.example.com", type: "A", aliases: [{ name: "lb.elb.amazonaws.com", zoneId: "Z35", evaluateTargetHealth: true }] }, { provider }),
  ];
}

export function baseline(): AnalyzerResource[] {
  return [...aws("a"), ...aws("b"), ...kubernetes("a"), ...kubernetes("b"), ...dns()];
}

export function find(rs: AnalyzerResource[], type: string, name: string): any {
  const r = rs.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} ${name}`);
  return r;
}

export const remove = (rs: AnalyzerResource[], type: string, name: string): void => {
  rs.splice(rs.indexOf(find(rs, type, name)), 1);
};
