/** Shared inputs for the data tier tests: three regions with providers, VPCs, private subnets and node groups. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DataRegion, DataTier, DataTierArgs } from "../../../components/data";
import { regionCode, zonesOf } from "../../../components/shared/regions";
import { installMockRuntime, RecordedResource, ResourceRecorder, settle } from "../../../src/testing/mocks";
import { redact, reveal } from "../../../src/testing/wire";

export const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"] as const;

export function dataRegions(regions: readonly string[] = REGIONS, zones = 3): DataRegion[] {
  return regions.map((region) => {
    const code = regionCode(region);
    return {
      region,
      provider: new aws.Provider(code, { region: region as aws.Region }),
      vpcId: `vpc-${code}`,
      privateSubnetIds: zonesOf(region, zones).map((_z, i) => `subnet-${code}-${i}`),
      allowedSecurityGroupIds: [`sg-nodes-${code}`],
      availabilityZones: zonesOf(region, zones),
    };
  });
}

/** Every value a resource of this type generated as `result` (the fake random passwords / tokens). */
export function generatedSecrets(recorder: ResourceRecorder): string[] {
  return recorder
    .ofType("random:index/randomPassword:RandomPassword")
    .map((r) => reveal(r.outputs.result))
    .filter((v): v is string => typeof v === "string" && v.length > 0);
}

/** The recorded program as a person or a plan file would see it: secrets replaced by a placeholder. */
export function visibleJson(recorder: ResourceRecorder): string {
  return JSON.stringify(recorder.resources.map((r) => ({ urn: r.urn, props: redact(r.props), outputs: redact(r.outputs) })));
}

export const T = {
  globalCluster: "aws:rds/globalCluster:GlobalCluster",
  cluster: "aws:rds/cluster:Cluster",
  instance: "aws:rds/clusterInstance:ClusterInstance",
  clusterParams: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  globalReplicationGroup: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  bucket: "aws:s3/bucket:Bucket",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  plan: "aws:backup/plan:Plan",
  selection: "aws:backup/selection:Selection",
  vault: "aws:backup/vault:Vault",
  vaultLock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  topic: "aws:sns/topic:Topic",
  key: "aws:kms/key:Key",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  sarStack: "aws:serverlessrepository/cloudFormationStack:CloudFormationStack",
  secretRotation: "aws:secretsmanager/secretRotation:SecretRotation",
  rotationComponent: "production-platform:data:MasterSecretRotation",
};

export function prodArgs(overrides: Partial<DataTierArgs> = {}): DataTierArgs {
  return { environment: "prod", recoveryObjectives: { rpoSeconds: 60, rtoSeconds: 900 }, regions: dataRegions(), ...overrides };
}

export async function build(preview: boolean, args: () => DataTierArgs): Promise<{ recorder: ResourceRecorder; tier: DataTier }> {
  const recorder = installMockRuntime({ preview, project: "platform", stack: "prod" });
  const tier = new DataTier("data", args());
  await settle();
  return { recorder, tier };
}

export function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** The KMS key that one of this resource's inputs was built from. */
export function keyBehind(recorder: ResourceRecorder, resource: RecordedResource, property: string): RecordedResource | undefined {
  const deps = resource.propertyDependencies[property] ?? [];
  const keyFrom = (urn: string): RecordedResource | undefined => {
    const found = recorder.get(urn);
    if (!found) return undefined;
    if (found.type === T.key) return found;
    return recorder.childrenOf(urn).find((c) => c.type === T.key);
  };
  return deps.map(keyFrom).find((k) => k !== undefined);
}
