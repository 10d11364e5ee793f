/** A compliant AWS stack: every aws-baseline policy passes on it. S3 settings join their bucket through `bucket`. */
import type { AnalyzerResource } from "../../../src/testing/analyzer";
import { res, urn } from "../common/packs";

export const T = {
  Bucket: "aws:s3/bucket:Bucket",
  Pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  Sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  BucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  Versioning: "aws:s3/bucketVersioning:BucketVersioning",
  Replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  RdsCluster: "aws:rds/cluster:Cluster",
  RdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  RdsInstance: "aws:rds/instance:Instance",
  Redis: "aws:elasticache/replicationGroup:ReplicationGroup",
  Key: "aws:kms/key:Key",
  Trail: "aws:cloudtrail/trail:Trail",
  Detector: "aws:guardduty/detector:Detector",
  SecurityHub: "aws:securityhub/account:Account",
  SecurityGroup: "aws:ec2/securityGroup:SecurityGroup",
  SgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  SgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  IamPolicy: "aws:iam/policy:Policy",
  EbsDefault: "aws:ebs/encryptionByDefault:EncryptionByDefault",
  Volume: "aws:ebs/volume:Volume",
  Vpc: "aws:ec2/vpc:Vpc",
  FlowLog: "aws:ec2/flowLog:FlowLog",
  Eks: "aws:eks/cluster:Cluster",
  Role: "aws:iam/role:Role",
  Attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  Efs: "aws:efs/fileSystem:FileSystem",
  Instance: "aws:ec2/instance:Instance",
  LaunchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  Subnet: "aws:ec2/subnet:Subnet",
  Nacl: "aws:ec2/networkAcl:NetworkAcl",
  TaskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  EcrPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
  Table: "aws:dynamodb/table:Table",
  OpenSearch: "aws:opensearch/domain:Domain",
  Redshift: "aws:redshift/cluster:Cluster",
  Lb: "aws:lb/loadBalancer:LoadBalancer",
  Listener: "aws:lb/listener:Listener",
  Stage: "aws:apigateway/stage:Stage",
  MethodSettings: "aws:apigateway/methodSettings:MethodSettings",
  Domain: "aws:apigateway/domainName:DomainName",
} as const;

const KEY = "arn:aws:kms:us-east-1:123456789012:key/abc";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The settings resources of one bucket, joined by property dependency (the bucket id is unknown at preview). */
function bucketWithSettings(name: string, tags: Record<string, string> = {}): AnalyzerResource[] {
  const b = urn(T.Bucket, name);
  const dep = { propertyDependencies: { bucket: [b] } };
  return [
    res(T.Bucket, name, { tags }),
    res(T.Pab, `${name}-pab`, { bucket: UNKNOWN, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, dep),
    res(T.Sse, `${name}-sse`, { bucket: UNKNOWN, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY } }] }, dep),
    res(
      T.BucketPolicy,
      `${name}-policy`,
      {
        bucket: UNKNOWN,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::x", "arn:aws:s3:::x/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
        }),
      },
      dep,
    ),
    res(T.Versioning, `${name}-versioning`, { bucket: UNKNOWN, versioningConfiguration: { status: "Enabled" } }, dep),
  ];
}

/** Compute, containers, data services and entry points a program outside this platform typically has. */
function services(): AnalyzerResource[] {
  const role = urn(T.Role, "app");
  const restApi = "api-123";
  return [
    res(T.Role, "app", {
      assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      inlinePolicies: [{ name: "read", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) }],
    }),
    res(T.Attachment, "app-ssm", { role: "app", policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }, { propertyDependencies: { role: [role] } }),
    res(T.Efs, "shared", { encrypted: true }),
    res(T.Subnet, "private-a", { vpcId: "vpc-1", cidrBlock: "10.0.1.0/24", mapPublicIpOnLaunch: false }),
    res(T.Instance, "bastion", {
      ami: "ami-123",
      instanceType: "t3.micro",
      subnetId: "subnet-private-a",
      associatePublicIpAddress: false,
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
      rootBlockDevice: { encrypted: true, volumeSize: 20 },
      ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true, volumeSize: 10 }],
    }),
    res(T.LaunchTemplate, "nodes", {
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 50 } }],
      networkInterfaces: [{ associatePublicIpAddress: "false" }],
    }),
    res(T.Nacl, "private", { vpcId: "vpc-1", ingress: [{ ruleNo: 100, action: "allow", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlock: "0.0.0.0/0" }, { ruleNo: 110, action: "allow", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "10.0.0.0/8" }] }),
    res(T.TaskDefinition, "api", {
      family: "api",
      containerDefinitions: JSON.stringify([
        { name: "api", image: "api:1.2.3", environment: [{ name: "LOG_LEVEL", value: "info" }], secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" }] },
      ]),
    }),
    res(T.EcrPolicy, "api", {
      repository: "api",
      policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/ci" }, Action: ["ecr:PutImage", "ecr:BatchDeleteImage"] }, { Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } } }] }),
    }),
    res(T.Table, "orders", { hashKey: "id", pointInTimeRecovery: { enabled: true }, serverSideEncryption: { enabled: true, kmsKeyArn: KEY } }),
    res(T.OpenSearch, "search", { encryptAtRest: { enabled: true }, nodeToNodeEncryption: { enabled: true } }),
    res(T.Redshift, "warehouse", { clusterIdentifier: "wh", nodeType: "ra3.xlplus", publiclyAccessible: false, encrypted: true }),
    res(T.Lb, "public", { loadBalancerType: "application", enableDeletionProtection: true, accessLogs: { bucket: "lb-logs", enabled: true } }),
    res(T.Listener, "http", { loadBalancerArn: "arn:lb", port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] }),
    res(T.Listener, "https", { loadBalancerArn: "arn:lb", port: 443, protocol: "HTTPS", certificateArn: "arn:acm", defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] }),
    res(T.Stage, "prod", { restApi, stageName: "prod", deployment: "d-1" }),
    res(T.MethodSettings, "prod-logging", { restApi, stageName: "prod", methodPath: "*/*", settings: { loggingLevel: "ERROR", metricsEnabled: true } }),
    res(T.Domain, "api", { domainName: "api.example.com", regionalCertificateArn: "arn:acm", securityPolicy: "TLS_1_2" }),
  ];
}

export function baseline(): AnalyzerResource[] {
  const cluster = urn(T.RdsCluster, "db");
  const vpc = urn(T.Vpc, "main");
  return [
    ...bucketWithSettings("assets"),
    ...bucketWithSettings("db-backups", { purpose: "backup" }),
    res(T.Replication, "db-backups-replication", { bucket: UNKNOWN, role: "arn:aws:iam::123456789012:role/r", rules: [{ id: "all", status: "Enabled", destination: { bucket: "arn:aws:s3:::dr" } }] }, { propertyDependencies: { bucket: [urn(T.Bucket, "db-backups")] } }),
    res(T.RdsCluster, "db", { engine: "aurora-postgresql", storageEncrypted: true, kmsKeyId: KEY, backupRetentionPeriod: 14, deletionProtection: true, iamDatabaseAuthenticationEnabled: true }),
    res(T.RdsClusterInstance, "db-1", { clusterIdentifier: UNKNOWN, instanceClass: "db.r6g.large", publiclyAccessible: false }, { propertyDependencies: { clusterIdentifier: [cluster] } }),
    res(T.RdsClusterInstance, "db-2", { clusterIdentifier: UNKNOWN, instanceClass: "db.r6g.large", publiclyAccessible: false }, { propertyDependencies: { clusterIdentifier: [cluster] } }),
    res(T.RdsInstance, "legacy", { engine: "postgres", multiAz: true, storageEncrypted: true, kmsKeyId: KEY, backupRetentionPeriod: 7, deletionProtection: true, iamDatabaseAuthenticationEnabled: true, publiclyAccessible: false }),
    res(T.Redis, "cache", { description: "c", atRestEncryptionEnabled: true, transitEncryptionEnabled: true, authToken: "s3cr3t-token-long-enough", automaticFailoverEnabled: true, multiAzEnabled: true, numCacheClusters: 2 }),
    res(T.Key, "data", { enableKeyRotation: true }),
    res(T.Key, "signing", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }),
    res(T.Trail, "org", { s3BucketName: "trail", isMultiRegionTrail: true, enableLogFileValidation: true, kmsKeyId: KEY }),
    res(T.Detector, "gd", { enable: true }),
    res(T.SecurityHub, "hub", {}),
    res(T.SecurityGroup, "web", { ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }, { fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["10.0.0.0/8"] }] }),
    res(T.SgRule, "ssh-from-vpn", { type: "ingress", fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["10.8.0.0/16"], securityGroupId: "sg-1" }),
    res(T.SgIngress, "https-v6", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" }),
    res(T.IamPolicy, "app", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }] }) }),
    res(T.EbsDefault, "ebs", { enabled: true }),
    res(T.Volume, "data", { availabilityZone: "us-east-1a", size: 10, encrypted: true }),
    res(T.Vpc, "main", { cidrBlock: "10.0.0.0/16" }),
    res(T.FlowLog, "main", { vpcId: UNKNOWN, trafficType: "ALL", logDestination: "arn:aws:logs:x" }, { propertyDependencies: { vpcId: [vpc] } }),
    res(T.Eks, "main", {
      roleArn: "arn:aws:iam::123456789012:role/eks",
      enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: KEY } },
      vpcConfig: { subnetIds: ["subnet-1"], endpointPrivateAccess: true, endpointPublicAccess: false },
    }),
    ...services(),
  ];
}

export function find(resources: AnalyzerResource[], name: string, type?: string): any {
  const r = resources.find((x) => x.name === name && (type === undefined || x.type === type));
  if (!r) throw new Error(`fixture has no resource ${name}`);
  return r;
}
