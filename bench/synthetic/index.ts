/**
 * A synthetic program for `npm run bench` (issue 22): `synthetic:resources` resources in units of 14, written with
 * the idioms of a real stack (a component per unit, `role: role` references, a bucket with its public access block
 * and encryption, a Deployment with its Service, PDB and HPA in its own namespace), spread over two AWS regions and
 * two Kubernetes clusters (explicit providers with known config, so every pack judges every object). One unit in
 * eight carries a violation (privileged container, public bucket) so the packs report findings in proportion.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";

const UNIT_SIZE = 14;
const config = new pulumi.Config();
const units = Math.max(1, Math.round((config.getNumber("resources") ?? 1000) / UNIT_SIZE));

const KUBECONFIG = JSON.stringify({
  apiVersion: "v1",
  kind: "Config",
  clusters: [{ name: "c", cluster: { server: "https://synthetic.example.com" } }],
  contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
  "current-context": "c",
  users: [{ name: "u", user: { token: "synthetic" } }],
});

const regions = ["us-east-1", "eu-west-1"].map((region) => new aws.Provider(region, { region }));
const clusters = ["east", "west"].map((name) => new k8s.Provider(name, { kubeconfig: KUBECONFIG }));

interface UnitArgs {
  readonly index: number;
  readonly aws: aws.Provider;
  readonly k8s: k8s.Provider;
}

class Unit extends pulumi.ComponentResource {
  constructor(name: string, args: UnitArgs, opts?: pulumi.ComponentResourceOptions) {
    super("synthetic:bench:Unit", name, {}, opts);
    const faulty = args.index % 8 === 0;
    const awsOpts = { parent: this, provider: args.aws };
    const bucket = new aws.s3.Bucket(`${name}-data`, {}, awsOpts);
    new aws.s3.BucketPublicAccessBlock(`${name}-data`, { bucket: bucket.id, blockPublicAcls: !faulty, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, awsOpts);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-data`, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }, awsOpts);
    const role = new aws.iam.Role(`${name}-app`, { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ec2.amazonaws.com" } }] }) }, awsOpts);
    new aws.iam.RolePolicyAttachment(`${name}-app`, { role: role, policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }, awsOpts);
    new aws.ec2.SecurityGroup(`${name}-app`, { vpcId: "vpc-0123456789abcdef0", description: `${name} app`, egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] }] }, awsOpts);
    new aws.cloudwatch.LogGroup(`${name}-app`, { retentionInDays: 365 }, awsOpts);

    const k8sOpts = { parent: this, provider: args.k8s };
    const ns = new k8s.core.v1.Namespace(name, { metadata: { name, labels: { "pod-security.kubernetes.io/enforce": "restricted" } } }, k8sOpts);
    const namespace = ns.metadata.name;
    const labels = { app: name };
    new k8s.core.v1.ConfigMap(name, { metadata: { name, namespace }, data: { LOG_LEVEL: "info" } }, k8sOpts);
    const deployment = new k8s.apps.v1.Deployment(name, {
      metadata: { name, namespace },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{
              name: "app",
              image: "registry.example.com/app@sha256:0000000000000000000000000000000000000000000000000000000000000000",
              ports: [{ containerPort: 8080 }],
              resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
              readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
              livenessProbe: { httpGet: { path: "/healthz", port: 8080 } },
              securityContext: { allowPrivilegeEscalation: faulty, privileged: faulty, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
            }],
          },
        },
      },
    }, k8sOpts);
    new k8s.core.v1.Service(name, { metadata: { name, namespace }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } }, k8sOpts);
    new k8s.policy.v1.PodDisruptionBudget(name, { metadata: { name, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } }, k8sOpts);
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, {
      metadata: { name, namespace },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
        minReplicas: 3,
        maxReplicas: 10,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
      },
    }, k8sOpts);
    this.registerOutputs({});
  }
}

for (let i = 0; i < units; i++) {
  new Unit(`u${i}`, { index: i, aws: regions[i % regions.length], k8s: clusters[i % clusters.length] });
}

export const unitCount = units;
