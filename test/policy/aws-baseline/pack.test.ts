/**
 * aws-baseline over the analyzer protocol: the compliant baseline has no finding; each row changes one thing and
 * names exactly the policies that must fire.
 */
import type { AnalyzerResource, PolicyPackClient } from "../../../src/testing/analyzer";
import { startPolicyPack } from "../../../src/testing/analyzer";
import { analyzeAll, clone, configForAll, packDir, policiesOf, oneChangeCases, OneChangeCase } from "../common/packs";
import { T, baseline, find } from "./fixtures";
import { packContract } from "../common/contract";
import { RULES } from "../../../policy/aws-baseline/rules";
import { INVENTORY } from "../../../policy/aws-baseline/inventory";

let client: PolicyPackClient;
beforeAll(async () => {
  client = await startPolicyPack(packDir("aws-baseline"));
});
afterAll(async () => client?.close());

/** The pack's policy names in serving order (pinned: a rename breaks exemptions and pack configs). */
const POLICIES = [
  "cis-aws-1.16-iam-no-full-admin",
  "cis-aws-2.1.1-s3-deny-http",
  "cis-aws-2.1.4-s3-block-public-access",
  "cis-aws-2.2.1-ebs-encryption",
  "cis-aws-2.2.1-ec2-block-devices-encrypted",
  "cis-aws-2.3.1-rds-storage-encrypted",
  "cis-aws-2.3.2-rds-auto-minor-version-upgrade",
  "cis-aws-2.3.3-rds-not-public",
  "cis-aws-2.4.1-efs-encrypted",
  "cis-aws-3.1-cloudtrail-multi-region",
  "cis-aws-3.2-cloudtrail-log-validation",
  "cis-aws-3.5-cloudtrail-kms-encryption",
  "cis-aws-3.6-kms-rotation",
  "cis-aws-3.7-vpc-flow-logs",
  "cis-aws-4.16-security-hub-enabled",
  "cis-aws-5.1-nacl-no-admin-ingress",
  "cis-aws-5.2-sg-no-ipv4-admin-ingress",
  "cis-aws-5.3-sg-no-ipv6-admin-ingress",
  "cis-aws-5.6-ec2-imdsv2-required",
  "aws-s3-bucket-versioning",
  "aws-s3-bucket-kms-encryption",
  "aws-s3-backup-bucket-replication",
  "aws-rds-multi-az",
  "aws-rds-backup-retention",
  "aws-rds-deletion-protection",
  "aws-rds-instance-deletion-protection",
  "aws-rds-iam-authentication",
  "aws-rds-instance-iam-authentication",
  "aws-elasticache-encryption-at-rest",
  "aws-elasticache-encryption-in-transit",
  "aws-elasticache-auth",
  "aws-elasticache-automatic-failover",
  "aws-eks-endpoint-not-public",
  "aws-eks-control-plane-logging",
  "aws-eks-secrets-encryption",
  "aws-guardduty-enabled",
  "aws-ec2-sg-no-high-risk-port-ingress",
  "aws-ec2-no-public-ip",
  "aws-ecs-no-secrets-in-environment",
  "aws-dynamodb-pitr",
  "aws-opensearch-encryption-at-rest",
  "aws-opensearch-node-to-node-encryption",
  "aws-redshift-not-public",
  "aws-redshift-encrypted",
  "aws-alb-access-logs",
  "aws-lb-deletion-protection",
  "aws-alb-http-to-https-redirect",
  "aws-apigateway-logging",
  "aws-ecr-no-public-write",
  "aws-dynamodb-kms-encryption",
  "aws-apigateway-tls12",
  "aws-backup-restore-tested",
];

packContract({
  pack: "aws-baseline",
  client: () => client,
  policies: POLICIES,
  rules: RULES,
  inventory: INVENTORY,
  violating: () => {
    const rs = clone(baseline());
    find(rs, "org").props.isMultiRegionTrail = false;
    return rs;
  },
});

const remove = (rs: AnalyzerResource[], name: string, type?: string) => rs.splice(rs.indexOf(find(rs, name, type)), 1);
const props = (rs: AnalyzerResource[], name: string, type?: string) => find(rs, name, type).props;

const CASES: OneChangeCase[] = [
  ["IAM policy allows *:*", (rs) => (props(rs, "app").policy = JSON.stringify({ Statement: { Effect: "Allow", Action: "*", Resource: "*" } })), ["cis-aws-1.16-iam-no-full-admin"]],
  ["bucket policy without TLS deny", (rs) => (props(rs, "assets-policy").policy = JSON.stringify({ Statement: [] })), ["cis-aws-2.1.1-s3-deny-http"]],
  ["no bucket policy at all", (rs) => remove(rs, "assets-policy"), ["cis-aws-2.1.1-s3-deny-http"]],
  ["public access block partly off", (rs) => (props(rs, "assets-pab").restrictPublicBuckets = false), ["cis-aws-2.1.4-s3-block-public-access"]],
  ["no public access block", (rs) => remove(rs, "assets-pab"), ["cis-aws-2.1.4-s3-block-public-access"]],
  ["EBS default encryption off", (rs) => (props(rs, "ebs").enabled = false), ["cis-aws-2.2.1-ebs-encryption"]],
  ["unencrypted EBS volume", (rs) => delete props(rs, "data", T.Volume).encrypted, ["cis-aws-2.2.1-ebs-encryption"]],
  ["Aurora unencrypted", (rs) => delete props(rs, "db").storageEncrypted, ["cis-aws-2.3.1-rds-storage-encrypted"]],
  ["RDS instance unencrypted", (rs) => (props(rs, "legacy").storageEncrypted = false), ["cis-aws-2.3.1-rds-storage-encrypted"]],
  ["public cluster instance", (rs) => (props(rs, "db-2").publiclyAccessible = true), ["cis-aws-2.3.3-rds-not-public"]],
  ["single-region trail", (rs) => (props(rs, "org").isMultiRegionTrail = false), ["cis-aws-3.1-cloudtrail-multi-region"]],
  ["trail without log validation", (rs) => delete props(rs, "org").enableLogFileValidation, ["cis-aws-3.2-cloudtrail-log-validation"]],
  ["trail without KMS", (rs) => delete props(rs, "org").kmsKeyId, ["cis-aws-3.5-cloudtrail-kms-encryption"]],
  ["KMS key not rotated", (rs) => (props(rs, "data", T.Key).enableKeyRotation = false), ["cis-aws-3.6-kms-rotation"]],
  ["VPC without flow log", (rs) => remove(rs, "main", T.FlowLog), ["cis-aws-3.7-vpc-flow-logs"]],
  ["no Security Hub", (rs) => remove(rs, "hub"), ["cis-aws-4.16-security-hub-enabled"]],
  ["SSH open to 0.0.0.0/0", (rs) => (props(rs, "ssh-from-vpn").cidrBlocks = ["0.0.0.0/0"]), ["cis-aws-5.2-sg-no-ipv4-admin-ingress", "aws-ec2-sg-no-high-risk-port-ingress"]],
  ["SSH open with protocol TCP (upper case)", (rs) => Object.assign(props(rs, "ssh-from-vpn"), { cidrBlocks: ["0.0.0.0/0"], protocol: "TCP" }), ["cis-aws-5.2-sg-no-ipv4-admin-ingress", "aws-ec2-sg-no-high-risk-port-ingress"]],
  ["all traffic (-1) open to 0.0.0.0/0", (rs) => props(rs, "web").ingress.push({ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }), ["cis-aws-5.2-sg-no-ipv4-admin-ingress", "aws-ec2-sg-no-high-risk-port-ingress"]],
  ["all traffic (all) open to 0.0.0.0/0", (rs) => props(rs, "web").ingress.push({ fromPort: 0, toPort: 65535, protocol: "all", cidrBlocks: ["0.0.0.0/0"] }), ["cis-aws-5.2-sg-no-ipv4-admin-ingress", "aws-ec2-sg-no-high-risk-port-ingress"]],
  ["RDP open to ::/0", (rs) => Object.assign(props(rs, "https-v6"), { fromPort: 3389, toPort: 3389 }), ["cis-aws-5.3-sg-no-ipv6-admin-ingress", "aws-ec2-sg-no-high-risk-port-ingress"]],
  ["MySQL 3306 open to 0.0.0.0/0 (FSBP EC2.19)", (rs) => props(rs, "web").ingress.push({ fromPort: 3306, toPort: 3306, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }), ["aws-ec2-sg-no-high-risk-port-ingress"]],
  ["NACL allows SSH from 0.0.0.0/0", (rs) => (props(rs, "private", T.Nacl).ingress[1].cidrBlock = "0.0.0.0/0"), ["cis-aws-5.1-nacl-no-admin-ingress"]],
  ["Role inline policy * on *", (rs) => (props(rs, "app", T.Role).inlinePolicies[0].policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] })), ["cis-aws-1.16-iam-no-full-admin"]],
  ["AdministratorAccess attached to a role", (rs) => (props(rs, "app-ssm").policyArn = "arn:aws:iam::aws:policy/AdministratorAccess"), ["cis-aws-1.16-iam-no-full-admin"]],
  ["TLS-only deny for one role only", (rs) => (props(rs, "assets-policy").policy = JSON.stringify({ Statement: [{ Effect: "Deny", Principal: { AWS: "arn:aws:iam::123456789012:role/app" }, Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] })), ["cis-aws-2.1.1-s3-deny-http"]],
  ["instance root volume unencrypted", (rs) => { remove(rs, "ebs"); props(rs, "bastion").rootBlockDevice.encrypted = false; }, ["cis-aws-2.2.1-ec2-block-devices-encrypted"]],
  ["launch template block device unencrypted", (rs) => { remove(rs, "ebs"); delete props(rs, "nodes").blockDeviceMappings[0].ebs.encrypted; }, ["cis-aws-2.2.1-ec2-block-devices-encrypted"]],
  ["instance accepts IMDSv1", (rs) => delete props(rs, "bastion").metadataOptions, ["cis-aws-5.6-ec2-imdsv2-required"]],
  ["launch template httpTokens optional", (rs) => (props(rs, "nodes").metadataOptions.httpTokens = "optional"), ["cis-aws-5.6-ec2-imdsv2-required"]],
  ["instance with a public IP", (rs) => (props(rs, "bastion").associatePublicIpAddress = true), ["aws-ec2-no-public-ip"]],
  ["launch template interface with a public IP", (rs) => (props(rs, "nodes").networkInterfaces[0].associatePublicIpAddress = true), ["aws-ec2-no-public-ip"]],
  ["EFS unencrypted", (rs) => delete props(rs, "shared").encrypted, ["cis-aws-2.4.1-efs-encrypted"]],
  ["DB password as a plain ECS environment variable", (rs) => (props(rs, "api", T.TaskDefinition).containerDefinitions = JSON.stringify([{ name: "api", image: "api:1", environment: [{ name: "DB_PASSWORD", value: "hunter2" }] }])), ["aws-ecs-no-secrets-in-environment"]],
  ["ECR policy lets everyone push and delete", (rs) => (props(rs, "api", T.EcrPolicy).policy = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: ["ecr:PutImage", "ecr:BatchDeleteImage"] }] })), ["aws-ecr-no-public-write"]],
  ["RDS minor upgrades off", (rs) => (props(rs, "legacy").autoMinorVersionUpgrade = false), ["cis-aws-2.3.2-rds-auto-minor-version-upgrade"]],
  ["DynamoDB without PITR", (rs) => delete props(rs, "orders").pointInTimeRecovery, ["aws-dynamodb-pitr"]],
  ["DynamoDB without KMS", (rs) => delete props(rs, "orders").serverSideEncryption, ["aws-dynamodb-kms-encryption"]],
  ["OpenSearch unencrypted at rest", (rs) => (props(rs, "search").encryptAtRest.enabled = false), ["aws-opensearch-encryption-at-rest"]],
  ["OpenSearch plaintext between nodes", (rs) => delete props(rs, "search").nodeToNodeEncryption, ["aws-opensearch-node-to-node-encryption"]],
  ["Redshift public", (rs) => (props(rs, "warehouse").publiclyAccessible = true), ["aws-redshift-not-public"]],
  ["Redshift unencrypted", (rs) => delete props(rs, "warehouse").encrypted, ["aws-redshift-encrypted"]],
  ["ALB without access logs", (rs) => delete props(rs, "public").accessLogs, ["aws-alb-access-logs"]],
  ["ALB without deletion protection", (rs) => delete props(rs, "public").enableDeletionProtection, ["aws-lb-deletion-protection"]],
  ["HTTP listener forwards instead of redirecting", (rs) => (props(rs, "http").defaultActions = [{ type: "forward", targetGroupArn: "arn:tg" }]), ["aws-alb-http-to-https-redirect"]],
  ["API Gateway stage without logging", (rs) => remove(rs, "prod-logging"), ["aws-apigateway-logging"]],
  ["API Gateway domain on TLS 1.0", (rs) => delete props(rs, "api", T.Domain).securityPolicy, ["aws-apigateway-tls12"]],
  ["versioning suspended", (rs) => (props(rs, "assets-versioning").versioningConfiguration.status = "Suspended"), ["aws-s3-bucket-versioning"]],
  ["SSE-S3 instead of KMS", (rs) => (props(rs, "assets-sse").rules[0].applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" }), ["aws-s3-bucket-kms-encryption"]],
  ["backup bucket not replicated", (rs) => remove(rs, "db-backups-replication"), ["aws-s3-backup-bucket-replication"]],
  ["Aurora with one instance", (rs) => remove(rs, "db-2"), ["aws-rds-multi-az"]],
  ["single-AZ RDS instance", (rs) => (props(rs, "legacy").multiAz = false), ["aws-rds-multi-az"]],
  ["short backup retention", (rs) => (props(rs, "db").backupRetentionPeriod = 1), ["aws-rds-backup-retention"]],
  ["default backup retention", (rs) => delete props(rs, "legacy").backupRetentionPeriod, ["aws-rds-backup-retention"]],
  ["cluster without deletion protection (RDS.7)", (rs) => (props(rs, "db").deletionProtection = false), ["aws-rds-deletion-protection"]],
  ["instance without deletion protection (RDS.8)", (rs) => (props(rs, "legacy").deletionProtection = false), ["aws-rds-instance-deletion-protection"]],
  ["cluster without IAM database auth (RDS.12)", (rs) => delete props(rs, "db").iamDatabaseAuthenticationEnabled, ["aws-rds-iam-authentication"]],
  ["instance without IAM database auth (RDS.10)", (rs) => delete props(rs, "legacy").iamDatabaseAuthenticationEnabled, ["aws-rds-instance-iam-authentication"]],
  ["cache unencrypted at rest", (rs) => (props(rs, "cache").atRestEncryptionEnabled = false), ["aws-elasticache-encryption-at-rest"]],
  ["cache plaintext in transit", (rs) => delete props(rs, "cache").transitEncryptionEnabled, ["aws-elasticache-encryption-in-transit"]],
  ["cache without auth", (rs) => delete props(rs, "cache").authToken, ["aws-elasticache-auth"]],
  ["cache without failover", (rs) => (props(rs, "cache").automaticFailoverEnabled = false), ["aws-elasticache-automatic-failover"]],
  ["EKS public endpoint (restricted CIDRs)", (rs) => Object.assign(props(rs, "main", T.Eks).vpcConfig, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }), ["aws-eks-endpoint-not-public"]],
  ["EKS missing scheduler logs", (rs) => (props(rs, "main", T.Eks).enabledClusterLogTypes = ["api", "audit", "authenticator", "controllerManager"]), ["aws-eks-control-plane-logging"]],
  ["EKS secrets not encrypted", (rs) => (props(rs, "main", T.Eks).encryptionConfig = { resources: [], provider: { keyArn: "arn:k" } }), ["aws-eks-secrets-encryption"]],
  ["GuardDuty disabled", (rs) => (props(rs, "gd").enable = false), ["aws-guardduty-enabled"]],
  ["no GuardDuty detector", (rs) => remove(rs, "gd"), ["aws-guardduty-enabled"]],
];

oneChangeCases(() => client, baseline, CASES, ["aws-backup-restore-tested"]); // restore.test.ts

test("inline (deprecated) bucket settings count like the separate resources", async () => {
  const resources = clone(baseline()).filter((r) => !r.name.startsWith("assets-"));
  const bucket = find(resources, "assets");
  Object.assign(bucket.props, {
    serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } } },
    versioning: { enabled: true },
    policy: JSON.stringify({ Statement: [{ Effect: "Deny", Action: "s3:*", Principal: "*", Condition: { Bool: { "aws:SecureTransport": false } } }] }),
  });
  resources.push({ type: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", name: "account", props: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } });
  expect(await analyzeAll(client, resources)).toEqual([]);
});

test("settings join their bucket by name when it is known and no dependency is recorded", async () => {
  const resources = clone(baseline());
  props(resources, "assets").bucket = "assets-prod-use1";
  for (const r of resources.filter((x) => x.name.startsWith("assets-"))) {
    (r as any).propertyDependencies = {};
    r.props.bucket = "assets-prod-use1";
  }
  expect(await analyzeAll(client, resources)).toEqual([]);
  props(resources, "assets-pab").bucket = "someone-else";
  expect(policiesOf(await analyzeAll(client, resources))).toEqual(["cis-aws-2.1.4-s3-block-public-access"]);
});

const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

test.each([
  ["unknown KMS key id counts as set", (rs: AnalyzerResource[]) => (props(rs, "db").kmsKeyId = U)],
  ["malformed ingress entries", (rs: AnalyzerResource[]) => (props(rs, "web").ingress = [null, 3, "x", { cidrBlocks: "0.0.0.0/0" }])],
  ["non-JSON policy", (rs: AnalyzerResource[]) => (props(rs, "app", T.IamPolicy).policy = "{not json")],
])("odd input: %s → no finding, no error", async (_, mutate) => {
  const resources = clone(baseline());
  mutate(resources);
  expect(await analyzeAll(client, resources)).toEqual([]);
});

test.each([
  ["unknown IAM policy document", (rs: AnalyzerResource[]) => (props(rs, "app", T.IamPolicy).policy = `{"Statement":[{"Resource":"${U}"}]}`), "cis-aws-1.16-iam-no-full-admin", "policy"],
  ["unknown encryption flag", (rs: AnalyzerResource[]) => (props(rs, "cache").atRestEncryptionEnabled = U), "aws-elasticache-encryption-at-rest", "atRestEncryptionEnabled"],
  ["unknown bucket policy", (rs: AnalyzerResource[]) => (props(rs, "assets-policy").policy = U), "cis-aws-2.1.1-s3-deny-http", "bucket policy"],
  ["unknown ingress CIDR", (rs: AnalyzerResource[]) => (props(rs, "ssh-from-vpn").cidrBlocks = [U]), "cis-aws-5.2-sg-no-ipv4-admin-ingress", "cidrBlocks"],
  ["unknown httpTokens", (rs: AnalyzerResource[]) => (props(rs, "bastion").metadataOptions.httpTokens = U), "cis-aws-5.6-ec2-imdsv2-required", "metadataOptions.httpTokens"],
  ["unknown container definitions", (rs: AnalyzerResource[]) => (props(rs, "api", T.TaskDefinition).containerDefinitions = U), "aws-ecs-no-secrets-in-environment", "containerDefinitions"],
])("preview unknown: %s → an advisory 'cannot tell yet' naming the field, never a silent pass", async (_, mutate, policy, field) => {
  const resources = clone(baseline());
  mutate(resources);
  const findings = await analyzeAll(client, resources);
  expect(findings.map((f) => [f.policyName, f.enforcementLevel])).toContainEqual([policy, "advisory"]);
  const mine = findings.filter((f) => f.policyName === policy);
  expect(mine.every((f) => f.message.startsWith("cannot tell yet:") && f.message.includes(field) && !f.message.includes(U))).toBe(true);
});

test("CIS 2.3.1 accepts the AWS-managed key: storageEncrypted without kmsKeyId is compliant", async () => {
  const resources = clone(baseline());
  delete props(resources, "db").kmsKeyId;
  delete props(resources, "legacy").kmsKeyId;
  expect(await analyzeAll(client, resources)).toEqual([]);
});

test("EBS encryption by default covers instances of its own account/region only", async () => {
  const resources = clone(baseline());
  props(resources, "bastion").rootBlockDevice.encrypted = false;
  const provider = (region: string) => ({ type: "pulumi:providers:aws", name: region, urn: `urn:pulumi:test::platform::pulumi:providers:aws::${region}`, props: { region } });
  // Default encryption in us-east-1; the instance is created in eu-west-1.
  Object.assign(find(resources, "ebs"), { provider: provider("us-east-1") });
  Object.assign(find(resources, "bastion"), { provider: provider("eu-west-1") });
  expect(policiesOf(await analyzeAll(client, resources))).toEqual(["cis-aws-2.2.1-ec2-block-devices-encrypted"]);
  Object.assign(find(resources, "bastion"), { provider: provider("us-east-1") });
  expect(await analyzeAll(client, resources)).toEqual([]);
});

test("expectAccountServices false: stacks that do not own GuardDuty/Security Hub are not asked for them", async () => {
  const resources = clone(baseline()).filter((r) => r.type !== T.Detector && r.type !== T.SecurityHub);
  expect(policiesOf(await analyzeAll(client, resources))).toEqual(["aws-guardduty-enabled", "cis-aws-4.16-security-hub-enabled"]);
  await client.configure({ ...(await configForAll(client, "advisory", {})), "aws-guardduty-enabled": { expectAccountServices: false }, "cis-aws-4.16-security-hub-enabled": { expectAccountServices: false } });
  try {
    expect(await analyzeAll(client, resources)).toEqual([]);
  } finally {
    await client.configure({ all: "advisory" });
  }
});

test("a global datastore secondary inherits encryption and AUTH from the global group", async () => {
  const resources = clone(baseline());
  resources.push({
    type: T.Redis,
    name: "cache-secondary",
    props: { description: "c", globalReplicationGroupId: "ldgnf-cache-global", automaticFailoverEnabled: true, multiAzEnabled: true, numCacheClusters: 2 },
  });
  expect(await analyzeAll(client, resources)).toEqual([]);
  delete find(resources, "cache-secondary").props.globalReplicationGroupId;
  expect(policiesOf(await analyzeAll(client, resources))).toEqual(["aws-elasticache-auth", "aws-elasticache-encryption-at-rest", "aws-elasticache-encryption-in-transit"]);
});

test("a backup bucket that is the destination of another bucket's replication needs no onward replication", async () => {
  const resources = clone(baseline());
  const source = find(resources, "db-backups-replication");
  resources.push({ type: T.Bucket, name: "dr", urn: "urn:pulumi:stack::project::aws:s3/bucket:Bucket::dr", props: { arn: "arn:aws:s3:::dr", tags: { purpose: "backup" } } });
  const withReplica = await analyzeAll(client, resources);
  expect(withReplica.filter((f) => f.policyName === "aws-s3-backup-bucket-replication")).toEqual([]);
  source.props.rules = [{ id: "all", status: "Enabled", destination: { bucket: "arn:aws:s3:::elsewhere" } }];
  const notReplica = await analyzeAll(client, resources);
  expect(notReplica.filter((f) => f.policyName === "aws-s3-backup-bucket-replication").map((f) => f.urn)).toEqual(["urn:pulumi:stack::project::aws:s3/bucket:Bucket::dr"]);
});
