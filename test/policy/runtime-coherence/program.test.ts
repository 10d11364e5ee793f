/**
 * A real Pulumi program (not hand-written fixtures) under the offline runtime in preview: two EKS clusters in two
 * regions, each with a Kubernetes provider built from its cluster's outputs, the same namespace and workload names
 * in both, and only cluster a given metrics-server. The program's recorded resources go through the pack over the
 * analyzer protocol exactly as `plan` sends them; only cluster b's HPA may be reported.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { analyzeRecording, runOffline } from "../../../src/testing";
import { packDir } from "../common/packs";

function region(key: "a" | "b", regionName: string, withMetricsServer: boolean): void {
  const awsProvider = new aws.Provider(`aws-${key}`, { region: regionName as aws.Region });
  const role = new aws.iam.Role(`eks-${key}`, { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }, { provider: awsProvider });
  const cluster = new aws.eks.Cluster(`eks-${key}`, { name: `shop-${key}`, roleArn: role.arn, version: "1.33", vpcConfig: { subnetIds: ["subnet-1", "subnet-2"], endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } }, { provider: awsProvider });
  if (withMetricsServer) new aws.eks.Addon(`metrics-server-${key}`, { clusterName: cluster.name, addonName: "metrics-server" }, { provider: awsProvider });
  const kubeconfig = pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority]).apply(([name, endpoint, ca]) => JSON.stringify({
    apiVersion: "v1", kind: "Config", clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": ca.data } }],
    contexts: [{ name, context: { cluster: name, user: name } }], "current-context": name,
    users: [{ name, user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", name] } } }],
  }));
  const provider = new k8s.Provider(`k8s-${key}`, { kubeconfig });
  const ns = new k8s.core.v1.Namespace(`shop-${key}`, { metadata: { name: "shop" } }, { provider });
  const labels = { app: "api" };
  const deployment = new k8s.apps.v1.Deployment(`api-${key}`, {
    metadata: { name: "api", namespace: ns.metadata.name },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: "api", image: "registry.example.com/api:1.0.0", resources: { requests: { cpu: "100m" }, limits: { cpu: "500m", memory: "256Mi" } } }] } } },
  }, { provider });
  new k8s.autoscaling.v2.HorizontalPodAutoscaler(`api-${key}`, {
    metadata: { name: "api", namespace: ns.metadata.name },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name }, minReplicas: 3, maxReplicas: 6, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] },
  }, { provider });
}

test("two clusters from one program: only the cluster without metrics-server is reported", async () => {
  const { recorder } = await runOffline(() => {
    region("a", "us-east-1", true);
    region("b", "eu-west-1", false);
  }, { preview: true, project: "shop", stack: "dev" });
  const findings = await analyzeRecording(recorder, { packs: [packDir("runtime-coherence")], stack: "dev", project: "shop" });
  expect(findings.map((f) => [f.policyName, f.urn?.split("::").pop()])).toEqual([["rc-hpa-metrics-api", "api-b"]]);
  expect(findings[0].message).toContain("cluster k8s-b (EKS shop-b)");
});
