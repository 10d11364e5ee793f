/** RDS and Aurora: encryption with a customer managed key, availability, backups, protection, exposure, IAM auth. */
import { ResourceRule, StackRule, Subject } from "../../common/finding";
import { ofType, references } from "../../common/stack";
import { boolOf, isSet, numberOf } from "../../common/unknown";
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

export const rdsEncryptedWithCmk: ResourceRule = {
  meta: cisAws(
    "2.3.1",
    "rds-encrypted-with-cmk",
    "Ensure that encryption-at-rest is enabled for RDS instances",
    "high",
    "Set storageEncrypted to true and kmsKeyId to a customer managed KMS key.",
  ),
  types: clusterOrStandalone,
  check(r) {
    if (r.type === RDS.Instance && !standalone(r)) return [];
    const encrypted = boolOf(r.props.storageEncrypted);
    const problems: string[] = [];
    if (encrypted !== true && encrypted !== "unknown") problems.push("set storageEncrypted to true");
    if (!isSet(r.props.kmsKeyId)) problems.push("set kmsKeyId to a customer managed KMS key");
    return problems.length === 0 ? [] : [{ message: `${label(r)} is not encrypted with a customer managed key; ${problems.join(" and ")}.` }];
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
  check(resources) {
    const instances = ofType(resources, RDS.ClusterInstance);
    const findings = ofType(resources, RDS.Instance)
      .filter(standalone)
      .filter((i) => boolOf(i.props.multiAz) === false || i.props.multiAz === undefined || i.props.multiAz === null)
      .map((i) => ({ subject: i, message: `${label(i)} runs in a single zone; set multiAz to true.` }));
    for (const c of ofType(resources, RDS.Cluster)) {
      if (c.props.engineMode === "serverless") continue;
      const members = instances.filter((i) => references(i, "clusterIdentifier", c, ["clusterIdentifier", "id"]));
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
    if (days === "unknown" || (days !== undefined && days >= min)) return [];
    return [{ message: `${label(r)} keeps ${days ?? "the default 1"} day(s) of backups; set backupRetentionPeriod to at least ${min}.` }];
  },
};

export const rdsDeletionProtection: ResourceRule = {
  meta: fsbp("RDS.7", "aws-rds-deletion-protection", "RDS clusters should have deletion protection enabled", "medium", "Set deletionProtection to true."),
  types: clusterOrStandalone,
  check(r) {
    if (r.type === RDS.Instance && !standalone(r)) return [];
    const v = boolOf(r.props.deletionProtection);
    return v === true || v === "unknown" ? [] : [{ message: `${label(r)} can be deleted by a single API call; set deletionProtection to true.` }];
  },
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
    return boolOf(r.props.publiclyAccessible) === true ? [{ message: `${label(r)} is reachable from the internet; set publiclyAccessible to false.` }] : [];
  },
};

export const rdsIamAuth: ResourceRule = {
  meta: fsbp(
    "RDS.12",
    "aws-rds-iam-authentication",
    "IAM authentication should be configured for RDS clusters",
    "medium",
    "Set iamDatabaseAuthenticationEnabled to true.",
  ),
  types: clusterOrStandalone,
  check(r) {
    if (r.type === RDS.Instance && !standalone(r)) return [];
    const v = boolOf(r.props.iamDatabaseAuthenticationEnabled);
    return v === true || v === "unknown" ? [] : [{ message: `${label(r)} only accepts password logins; set iamDatabaseAuthenticationEnabled to true.` }];
  },
};

