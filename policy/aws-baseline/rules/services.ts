/**
 * Data and container services peers check: EFS (CIS AWS 2.4.1), ECS task secrets (FSBP ECS.8), ECR repository
 * policies, DynamoDB (FSBP DynamoDB.2 + KMS encryption), OpenSearch (FSBP Opensearch.1/.3), Redshift (FSBP
 * Redshift.1/.10).
 */
import { Finding, ResourceRule, Subject } from "../../common/finding";
import { arrayOf, boolOf, cannotTellYet, isUnknown, mentionsUnknown, objectOf } from "../../common/unknown";
import { cisAws, fsbp, platformAws } from "./meta";
import { everyone, listOf, statementsOf } from "./policy-document";

export const SERVICES = {
  Efs: "aws:efs/fileSystem:FileSystem",
  TaskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  EcrPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
  DynamoTable: "aws:dynamodb/table:Table",
  OpenSearch: "aws:opensearch/domain:Domain",
  Elasticsearch: "aws:elasticsearch/domain:Domain",
  Redshift: "aws:redshift/cluster:Cluster",
} as const;
const kindOf = (r: Subject) => r.type.split(":").pop() ?? r.type;

/** A boolean that must be true: finding when false or unset (`defaultOff`), "cannot tell yet" when unknown. */
function mustBeTrue(r: Subject, value: unknown, field: string, policy: string, what: string): Finding[] {
  const v = boolOf(value);
  if (v === true) return [];
  if (v === "unknown") return [cannotTellYet(`${kindOf(r)} ${r.name}`, field, policy)];
  return [{ message: `${kindOf(r)} ${r.name} ${what}; set ${field} to true.` }];
}

export const efsEncrypted: ResourceRule = {
  meta: cisAws("2.4.1", "efs-encrypted", "Ensure that encryption is enabled for EFS file systems", "high", "Set encrypted to true (optionally kmsKeyId) on the EFS file system; it cannot be changed after creation.", ["awsguard efs-encrypted", "FSBP EFS.1"]),
  types: [SERVICES.Efs],
  check: (r) => mustBeTrue(r, r.props.encrypted, "encrypted", "cis-aws-2.4.1-efs-encrypted", "stores files unencrypted"),
};

/** Environment names that hold credentials (FSBP ECS.8 names the AWS keys; passwords and tokens are the same risk). */
const SECRET_NAME = /(^|_)(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|ECS_ENGINE_AUTH_DATA|PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|CREDENTIALS?)($|_)/i;

/** Container definitions of a task definition: JSON text (the provider's input) or already-parsed objects. */
function containerDefinitionsOf(value: unknown): unknown[] | "unknown" | undefined {
  if (isUnknown(value) || mentionsUnknown(value)) return "unknown";
  if (Array.isArray(value)) return value;
  if (typeof value !== "string") return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export const ecsNoPlainSecrets: ResourceRule = {
  meta: fsbp("ECS.8", "aws-ecs-no-secrets-in-environment", "Secrets should not be passed as container environment variables", "high", "Move the value to Secrets Manager or SSM Parameter Store and reference it in the container's secrets (valueFrom) instead of environment.", ["FSBP ECS.8"]),
  types: [SERVICES.TaskDefinition],
  check(r) {
    const defs = containerDefinitionsOf(r.props.containerDefinitions);
    if (defs === "unknown") return [cannotTellYet(`ECS task definition ${r.name}`, "containerDefinitions", "aws-ecs-no-secrets-in-environment")];
    return arrayOf(defs).flatMap((d): Finding[] => {
      const def = objectOf(d);
      const names = arrayOf(def?.environment)
        .map((e) => objectOf(e)?.name)
        .filter((n): n is string => typeof n === "string" && SECRET_NAME.test(n));
      return names.length === 0 ? [] : [{ message: `ECS task definition ${r.name} container ${String(def?.name ?? "?")} passes ${names.join(", ")} as plain environment variables; reference them from Secrets Manager or SSM in secrets (valueFrom) instead.` }];
    });
  },
};

/** ECR actions that change or delete what a registry serves. */
const ECR_WRITE = /^ecr:(\*|Put\w*|Batch(Delete|Import)\w*|Delete\w*|InitiateLayerUpload|UploadLayerPart|CompleteLayerUpload|SetRepositoryPolicy|ReplicateImage|Tag\w*|Untag\w*)$/i;

export const ecrNoPublicWrite: ResourceRule = {
  meta: platformAws(
    "PA-1",
    "aws-ecr-no-public-write",
    "ECR repository policies do not let everyone push or delete images",
    "critical",
    "Replace Principal \"*\" with the account or role ARNs that publish images, or add a condition (aws:PrincipalOrgID) that limits it.",
    ["CIS EKS 5.1.2 Minimize user access to Amazon ECR (Manual)", "Checkov CKV_AWS_32"],
  ),
  types: [SERVICES.EcrPolicy],
  check(r) {
    const statements = statementsOf(r.props.policy);
    if (statements === "unknown") return [cannotTellYet(`ECR repository policy ${r.name}`, "policy", "aws-ecr-no-public-write")];
    const open = statements.filter((s) => s.Effect === "Allow" && everyone(s.Principal) && s.Condition === undefined && (listOf(s.Action).some((a) => a === "*" || ECR_WRITE.test(a))));
    if (open.length === 0) return [];
    const actions = [...new Set(open.flatMap((s) => listOf(s.Action)).filter((a) => a === "*" || ECR_WRITE.test(a)))];
    return [{ message: `ECR repository policy ${r.name} lets any principal (Principal "*") ${actions.join(", ")}; grant push and delete only to your publishing roles.` }];
  },
};

export const dynamoPitr: ResourceRule = {
  meta: fsbp("DynamoDB.2", "aws-dynamodb-pitr", "DynamoDB tables should have point-in-time recovery enabled", "medium", "Set pointInTimeRecovery { enabled: true } on the table."),
  types: [SERVICES.DynamoTable],
  check: (r) => mustBeTrue(r, objectOf(r.props.pointInTimeRecovery)?.enabled ?? (isUnknown(r.props.pointInTimeRecovery) ? r.props.pointInTimeRecovery : undefined), "pointInTimeRecovery.enabled", "aws-dynamodb-pitr", "cannot be restored to a point in time"),
};

export const dynamoKms: ResourceRule = {
  meta: platformAws("PA-2", "aws-dynamodb-kms-encryption", "DynamoDB tables are encrypted with a KMS key", "medium", "Set serverSideEncryption { enabled: true, kmsKeyArn } so the table key is a KMS key you can audit and revoke.", ["awsguard dynamodb-table-encryption-enabled"]),
  types: [SERVICES.DynamoTable],
  check: (r) => mustBeTrue(r, objectOf(r.props.serverSideEncryption)?.enabled ?? (isUnknown(r.props.serverSideEncryption) ? r.props.serverSideEncryption : undefined), "serverSideEncryption.enabled", "aws-dynamodb-kms-encryption", "is encrypted only with an AWS owned key"),
};

const isSearchDomain = (t: string) => t === SERVICES.OpenSearch || t === SERVICES.Elasticsearch;
const block = (r: Subject, field: string) => (isUnknown(r.props[field]) ? r.props[field] : objectOf(r.props[field])?.enabled);

export const openSearchAtRest: ResourceRule = {
  meta: fsbp("Opensearch.1", "aws-opensearch-encryption-at-rest", "OpenSearch domains should have encryption at rest enabled", "high", "Set encryptAtRest { enabled: true } (with a KMS key) on the domain.", ["awsguard elasticsearch-encrypted-at-rest"]),
  types: isSearchDomain,
  check: (r) => mustBeTrue(r, block(r, "encryptAtRest"), "encryptAtRest.enabled", "aws-opensearch-encryption-at-rest", "stores indices unencrypted"),
};

export const openSearchNodeToNode: ResourceRule = {
  meta: fsbp("Opensearch.3", "aws-opensearch-node-to-node-encryption", "OpenSearch domains should encrypt data sent between nodes", "high", "Set nodeToNodeEncryption { enabled: true } on the domain."),
  types: isSearchDomain,
  check: (r) => mustBeTrue(r, block(r, "nodeToNodeEncryption"), "nodeToNodeEncryption.enabled", "aws-opensearch-node-to-node-encryption", "sends data between nodes in plaintext"),
};

export const redshiftNotPublic: ResourceRule = {
  meta: fsbp("Redshift.1", "aws-redshift-not-public", "Amazon Redshift clusters should prohibit public access", "critical", "Set publiclyAccessible to false and place the cluster in private subnets.", ["awsguard redshift-cluster-public-access"]),
  types: [SERVICES.Redshift],
  check(r) {
    const v = boolOf(r.props.publiclyAccessible);
    if (v === "unknown") return [cannotTellYet(`Redshift cluster ${r.name}`, "publiclyAccessible", "aws-redshift-not-public")];
    return v === true ? [{ message: `Redshift cluster ${r.name} is reachable from the internet; set publiclyAccessible to false.` }] : [];
  },
};

export const redshiftEncrypted: ResourceRule = {
  meta: fsbp("Redshift.10", "aws-redshift-encrypted", "Redshift clusters should be encrypted at rest", "high", "Set encrypted to true (and kmsKeyId to a customer managed key).", ["awsguard redshift-cluster-configuration"]),
  types: [SERVICES.Redshift],
  check: (r) => mustBeTrue(r, r.props.encrypted, "encrypted", "aws-redshift-encrypted", "is not declared encrypted at rest"),
};
