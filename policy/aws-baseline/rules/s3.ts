/**
 * S3: aws provider v7 configures buckets through separate resources (BucketPublicAccessBlock,
 * BucketServerSideEncryptionConfiguration, BucketPolicy, BucketVersioning, BucketReplicationConfig), so these are
 * stack rules that join each setting to its bucket by the `bucket` input (property dependency or value). Settings
 * still given inline on the Bucket (deprecated) count too.
 */
import { Finding, StackRule, Subject } from "../../common/finding";
import { ofType, referrersOf } from "../../common/stack";
import { arrayOf, boolOf, cannotTellYet, isUnknown, objectOf } from "../../common/unknown";
import { cisAws, fsbp } from "./meta";
import { everyone, listOf, statementsOf } from "./policy-document";

export const S3 = {
  Bucket: "aws:s3/bucket:Bucket",
  BucketV2: "aws:s3/bucketV2:BucketV2",
  PublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  AccountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
  Encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  EncryptionV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  Policy: "aws:s3/bucketPolicy:BucketPolicy",
  Versioning: "aws:s3/bucketVersioning:BucketVersioning",
  VersioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
  Replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
} as const;

const buckets = (resources: readonly Subject[]) => resources.filter((r) => r.type === S3.Bucket || r.type === S3.BucketV2);
/** Setting resources of the given types, by the bucket they belong to (one index per check: linear in the stack). */
const settingsOf = (resources: readonly Subject[], ...types: string[]): ((bucket: Subject) => Subject[]) =>
  referrersOf(resources.filter((r) => types.includes(r.type)), "bucket", ["bucket", "id"]);
const label = (b: Subject) => `S3 bucket ${b.name}`;

/**
 * Whether a bucket is the destination of another bucket's replication: it already is the copy in the other region,
 * so it needs no onward replication of its own. One pass over the replication configs (linear in the stack).
 */
function replicaIndex(resources: readonly Subject[]): (bucket: Subject) => boolean {
  const sources = new Set<string>();
  const destinations = new Set<string>();
  for (const c of ofType(resources, S3.Replication)) {
    for (const urn of c.propertyDependencies?.rules ?? []) sources.add(urn);
    for (const rule of arrayOf(c.props.rules)) {
      const destination = objectOf(objectOf(rule)?.destination)?.bucket;
      if (typeof destination === "string") destinations.add(destination);
    }
  }
  return (bucket) => {
    const arn = bucket.props.arn;
    return sources.has(bucket.urn) || (typeof arn === "string" && !isUnknown(arn) && destinations.has(arn));
  };
}

const PAB_FIELDS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
const pabOff = (r: Subject) => PAB_FIELDS.filter((f) => boolOf(r.props[f]) !== true && boolOf(r.props[f]) !== "unknown");

export const s3BlockPublicAccess: StackRule = {
  meta: cisAws(
    "2.1.4",
    "s3-block-public-access",
    "Ensure that S3 is configured with 'Block Public Access' enabled",
    "high",
    "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
  ),
  judges: [S3.Bucket, S3.BucketV2],
  check(resources) {
    const account = ofType(resources, S3.AccountPublicAccessBlock).some((a) => pabOff(a).length === 0);
    const findings: Finding[] = [];
    const blocksOf = settingsOf(resources, S3.PublicAccessBlock);
    for (const b of buckets(resources)) {
      const blocks = blocksOf(b);
      if (blocks.length === 0) {
        if (!account) findings.push({ subject: b, message: `${label(b)} has no public access block; add an aws.s3.BucketPublicAccessBlock with all four settings true.` });
        continue;
      }
      for (const pab of blocks) {
        const off = pabOff(pab);
        if (off.length > 0 && !account) findings.push({ subject: pab, message: `${label(b)} public access block leaves ${off.join(", ")} off; set them to true.` });
      }
    }
    return findings;
  },
};

/** Encryption algorithms of a bucket's SSE rules (inline or separate resource); `["unknown"]` when not known. */
function sseAlgorithms(bucket: Subject, configs: readonly Subject[]): string[] {
  const inline = bucket.props.serverSideEncryptionConfiguration;
  const inlineRule = objectOf(inline)?.rule;
  const rules: unknown[] = [
    ...configs.flatMap((c) => (isUnknown(c.props.rules) ? ["unknown"] : arrayOf(c.props.rules))),
    ...(isUnknown(inline) ? ["unknown"] : inlineRule !== undefined ? [inlineRule] : []),
  ];
  return rules.map((r) => {
    if (r === "unknown" || isUnknown(r)) return "unknown";
    const d = objectOf(objectOf(r)?.applyServerSideEncryptionByDefault);
    const alg = d?.sseAlgorithm;
    return isUnknown(alg) ? "unknown" : typeof alg === "string" ? alg : "";
  });
}

export const s3EncryptedWithKms: StackRule = {
  meta: fsbp(
    "S3.17",
    "aws-s3-bucket-kms-encryption",
    "S3 general purpose buckets should be encrypted at rest with AWS KMS keys",
    "medium",
    "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with sseAlgorithm aws:kms and a KMS key.",
  ),
  judges: [S3.Bucket, S3.BucketV2],
  check(resources) {
    const configsOf = settingsOf(resources, S3.Encryption, S3.EncryptionV2);
    return buckets(resources).flatMap((b) => {
      const algs = sseAlgorithms(b, configsOf(b));
      if (algs.some((a) => a === "unknown" || a === "aws:kms" || a === "aws:kms:dsse")) return [];
      return [{ subject: b, message: `${label(b)} is not encrypted with a KMS key; add a BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms.` }];
    });
  },
};

/**
 * True when a policy document denies requests made without TLS to everyone: the deny must name `Principal: "*"`
 * (or `{ AWS: "*" }`); a deny for one role leaves every other principal free to use HTTP.
 */
function deniesInsecureTransport(policy: unknown): boolean | "unknown" {
  const statements = statementsOf(policy);
  if (statements === "unknown") return "unknown";
  return statements.some((s) => {
    if (s.Effect !== "Deny" || !everyone(s.Principal)) return false;
    const actions = listOf(s.Action);
    if (!actions.some((a) => a === "*" || a === "s3:*")) return false;
    const cond = objectOf(objectOf(s.Condition)?.Bool);
    const v = cond?.["aws:SecureTransport"];
    return v === false || v === "false" || (Array.isArray(v) && (v.includes("false") || v.includes(false)));
  });
}

export const s3TlsOnly: StackRule = {
  meta: cisAws(
    "2.1.1",
    "s3-deny-http",
    "Ensure S3 Bucket Policy is set to deny HTTP requests",
    "medium",
    "Add a bucket policy statement with Principal \"*\" that denies s3:* when aws:SecureTransport is false.",
    ["FSBP S3.5"],
  ),
  judges: [S3.Bucket, S3.BucketV2],
  check(resources) {
    const policiesOf = settingsOf(resources, S3.Policy);
    return buckets(resources).flatMap((b) => {
      const policies = [b.props.policy, ...policiesOf(b).map((p) => p.props.policy)].filter((p) => p !== undefined && p !== null);
      const verdicts = policies.map(deniesInsecureTransport);
      if (verdicts.some((v) => v === true)) return [];
      if (verdicts.some((v) => v === "unknown")) return [cannotTellYet(label(b), "bucket policy", "cis-aws-2.1.1-s3-deny-http", b)];
      return [{ subject: b, message: `${label(b)} accepts plain HTTP requests; add a BucketPolicy statement with Principal "*" denying s3:* when aws:SecureTransport is false.` }];
    });
  },
};

export const s3Versioning: StackRule = {
  meta: fsbp(
    "S3.14",
    "aws-s3-bucket-versioning",
    "S3 general purpose buckets should have versioning enabled",
    "medium",
    "Add an aws.s3.BucketVersioning for the bucket with versioningConfiguration.status Enabled.",
  ),
  judges: [S3.Bucket, S3.BucketV2],
  check(resources) {
    const versioningOf = settingsOf(resources, S3.Versioning, S3.VersioningV2);
    return buckets(resources).flatMap((b) => {
      const inline = boolOf(objectOf(b.props.versioning)?.enabled);
      const separate = versioningOf(b).map((v) => {
        const status = objectOf(v.props.versioningConfiguration)?.status;
        return isUnknown(v.props.versioningConfiguration) || isUnknown(status) ? "unknown" : status;
      });
      if (inline === true || inline === "unknown" || separate.some((s) => s === "Enabled" || s === "unknown")) return [];
      return [{ subject: b, message: `${label(b)} does not keep object versions; add a BucketVersioning with status Enabled.` }];
    });
  },
};

/** Buckets holding backups: tagged `backup=true` / `purpose=backup`, or named with "backup". */
export function isBackupBucket(b: Subject): boolean {
  const tags = objectOf(b.props.tags) ?? {};
  for (const [k, v] of Object.entries(tags)) {
    const key = k.toLowerCase();
    const value = typeof v === "string" ? v.toLowerCase() : v;
    if ((key === "backup" && (value === "true" || value === true)) || (key === "purpose" && value === "backup")) return true;
  }
  const name = [b.name, b.props.bucket, b.props.bucketPrefix].filter((n) => typeof n === "string" && !isUnknown(n)).join(" ");
  return /backup/i.test(name);
}

export const s3BackupReplication: StackRule = {
  meta: fsbp(
    "S3.7",
    "aws-s3-backup-bucket-replication",
    "S3 general purpose buckets should use cross-Region replication",
    "high",
    "Add an aws.s3.BucketReplicationConfig for the backup bucket with an Enabled rule to a bucket in another region.",
  ),
  judges: [S3.Bucket, S3.BucketV2],
  check(resources) {
    const configsOf = settingsOf(resources, S3.Replication);
    const isReplica = replicaIndex(resources);
    return buckets(resources)
      .filter(isBackupBucket)
      .flatMap((b) => {
        const configs = configsOf(b);
        const enabled = configs.some((c) => isUnknown(c.props.rules) || arrayOf(c.props.rules).some((r) => isUnknown(r) || objectOf(r)?.status === "Enabled" || isUnknown(objectOf(r)?.status)));
        const inline = objectOf(b.props.replicationConfiguration) !== undefined || isUnknown(b.props.replicationConfiguration);
        if (enabled || inline || isReplica(b)) return [];
        return [{ subject: b, message: `Backup ${label(b)} is not replicated to another region; add a BucketReplicationConfig with an Enabled rule.` }];
      });
  },
};
