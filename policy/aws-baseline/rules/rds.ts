/** RDS and Aurora: encryption with a customer managed key, availability, backups, protection, exposure, IAM auth. */
import { Finding, ResourceRule, StackRule, Subject } from "../../common/finding";
import { referrersInScope } from "../../common/scope";
import { ofType } from "../../common/stack";
import { boolOf, cannotTellYet, isSet, numberOf } from "../../common/unknown";
import { cisAws, fsbp } from "./meta";

export const RDS = {
  Cluster: "aws:rds/cluster:Cluster",
  Instance: "aws:rds/instance:Instance",
  ClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
} as const;

const label = (r: Subject) => (r.type === RDS.Cluster ? `RDS cluster ${r.name}` : r.type === RDS.ClusterInstance ? `RDS cluster instance ${r.name}` : `RDS instance ${r.name}`);
/** A standalone instance (not a member of an Aurora cluster, whose cluster carries these settings). */
const standalone = (r: Subject) => r.type === RDS.Instance && !isSet(r.props.dbClusterIdentifier);
const clusterOrStandalone = (t: string) => t === RDS.Cluster || t === RDS.Instance;

/** A boolean setting that must be true: `[]`, a "cannot tell yet", or the violation message. */
function requireTrue(r: Subject, field: string, policy: string, problem: string): Finding[] {
  const v = boolOf(r.props[field]);
  if (v === true) return [];
  if (v === "unknown") return [cannotTellYet(label(r), field, policy)];
  return [{ message: `${label(r)} ${problem}; set ${field} to true.` }];
}

export const rdsEncrypted: ResourceRule = {
  meta: cisAws(
    "2.3.1",
    "rds-storage-encrypted",
    "Ensure that encryption-at-rest is enabled for RDS instances",
    "high",
    "Set storageEncrypted to true; the AWS managed aws/rds key is compliant, kmsKeyId selects a customer managed key.",
    ["awsguard rds-storage-encrypted", "FSBP RDS.3"],
  ),
  types: clusterOrStandalone,
  check(r) {
    if (r.type === RDS.Instance && !standalone(r)) return [];
    // CIS asks for encryption only: without kmsKeyId, RDS uses the AWS managed key, which is compliant.
    return requireTrue(r, "storageEncrypted", "cis-aws-2.3.1-rds-storage-encrypted", "stores data unencrypted");
  },
};

export const rdsAutoMinorUpgrade: ResourceRule = {
  meta: cisAws("2.3.2", "rds-auto-minor-version-upgrade", "Ensure Auto Minor Version Upgrade feature is Enabled for RDS Instances", "medium", "Remove autoMinorVersionUpgrade false (the default is true) so security patches are applied in the maintenance window.", ["FSBP RDS.13"]),
  types: [RDS.Instance, RDS.ClusterInstance],
  check(r) {
    const v = boolOf(r.props.autoMinorVersionUpgrade);
    if (v === "unknown") return [cannotTellYet(label(r), "autoMinorVersionUpgrade", "cis-aws-2.3.2-rds-auto-minor-version-upgrade")];
    return v === false ? [{ message: `${label(r)} never receives minor engine upgrades; set autoMinorVersionUpgrade to true.` }] : [];
  },
};

export const rdsMultiAz: StackRule = {
  meta: fsbp(
    "RDS.5",
    "aws-rds-multi-az",
    "RDS DB instances should be configured with multiple Availability Zones",
    "high",
    "Set multiAz to true on RDS instances; give Aurora clusters at least two instances (a writer and a reader in another zone).",
  ),
  judges: [RDS.Instance, RDS.Cluster],
  check(resources) {
    const instances = ofType(resources, RDS.ClusterInstance);
    const membersOf = referrersInScope(instances, "clusterIdentifier", ["clusterIdentifier", "id"]);
    const findings = ofType(resources, RDS.Instance)
      .filter(standalone)
      .filter((i) => boolOf(i.props.multiAz) === false || i.props.multiAz === undefined || i.props.multiAz === null)
      .map((i) => ({ subject: i, message: `${label(i)} runs in a single zone; set multiAz to true.` }));
    for (const c of ofType(resources, RDS.Cluster)) {
      if (c.props.engineMode === "serverless") continue;
      // Cluster identifiers are unique per account/region only: join within the cluster's AWS provider scope.
      const members = membersOf(c);
      if (members.length < 2) findings.push({ subject: c, message: `${label(c)} has ${members.length} instance(s); add a reader ClusterInstance so it survives the loss of a zone.` });
    }
    return findings;
  },
};

export const rdsBackupRetention: ResourceRule = {
  meta: fsbp("RDS.11", "aws-rds-backup-retention", "RDS instances should have automatic backups enabled", "medium", "Set backupRetentionPeriod to at least 7 days."),
  types: clusterOrStandalone,
  configSchema: { minimumRetentionDays: { type: "integer", minimum: 1, default: 7, description: "Minimum backupRetentionPeriod in days." } },
  check(r, ctx) {
    if (r.type === RDS.Instance && !standalone(r)) return [];
    const min = typeof ctx.config.minimumRetentionDays === "number" ? ctx.config.minimumRetentionDays : 7;
    const days = numberOf(r.props.backupRetentionPeriod);
    if (days === "unknown") return [cannotTellYet(label(r), "backupRetentionPeriod", "aws-rds-backup-retention")];
    if (days !== undefined && days >= min) return [];
    return [{ message: `${label(r)} keeps ${days ?? "the default 1"} day(s) of backups; set backupRetentionPeriod to at least ${min}.` }];
  },
};

export const rdsClusterDeletionProtection: ResourceRule = {
  meta: fsbp("RDS.7", "aws-rds-deletion-protection", "RDS clusters should have deletion protection enabled", "medium", "Set deletionProtection to true."),
  types: [RDS.Cluster],
  check: (r) => requireTrue(r, "deletionProtection", "aws-rds-deletion-protection", "can be deleted by a single API call"),
};

export const rdsInstanceDeletionProtection: ResourceRule = {
  meta: fsbp("RDS.8", "aws-rds-instance-deletion-protection", "RDS DB instances should have deletion protection enabled", "medium", "Set deletionProtection to true."),
  types: [RDS.Instance],
  check: (r) => (standalone(r) ? requireTrue(r, "deletionProtection", "aws-rds-instance-deletion-protection", "can be deleted by a single API call") : []),
};

export const rdsNotPublic: ResourceRule = {
  meta: cisAws(
    "2.3.3",
    "rds-not-public",
    "Ensure that public access is not given to RDS Instance",
    "critical",
    "Set publiclyAccessible to false and place the database in private subnets.",
  ),
  types: [RDS.Instance, RDS.ClusterInstance],
  check(r) {
    if (boolOf(r.props.publiclyAccessible) === "unknown") return [cannotTellYet(label(r), "publiclyAccessible", "cis-aws-2.3.3-rds-not-public")];
    return boolOf(r.props.publiclyAccessible) === true ? [{ message: `${label(r)} is reachable from the internet; set publiclyAccessible to false.` }] : [];
  },
};

export const rdsClusterIamAuth: ResourceRule = {
  meta: fsbp("RDS.12", "aws-rds-iam-authentication", "IAM authentication should be configured for RDS clusters", "medium", "Set iamDatabaseAuthenticationEnabled to true."),
  types: [RDS.Cluster],
  check: (r) => requireTrue(r, "iamDatabaseAuthenticationEnabled", "aws-rds-iam-authentication", "only accepts password logins"),
};

export const rdsInstanceIamAuth: ResourceRule = {
  meta: fsbp("RDS.10", "aws-rds-instance-iam-authentication", "IAM authentication should be configured for RDS instances", "medium", "Set iamDatabaseAuthenticationEnabled to true."),
  types: [RDS.Instance],
  check: (r) => (standalone(r) ? requireTrue(r, "iamDatabaseAuthenticationEnabled", "aws-rds-instance-iam-authentication", "only accepts password logins") : []),
};
