/**
 * Backups are proven by restores: every resource an AWS Backup selection protects has a restore testing selection
 * of its resource type in the same region (joined through the AWS provider) that names it or all resources of the
 * type. Stores AWS Backup cannot restore-test (ElastiCache) and stores no selection protects are outside this rule.
 */
import type { StackRule, Subject } from "../../common/finding";
import { ofType } from "../../common/stack";
import { cannotTellYet, containsUnknown, isUnknown } from "../../common/unknown";
import { fsbp } from "./meta";

/** Restore testing resource type (AWS Backup `ProtectedResourceType`) of each Pulumi type it can restore. */
const RESTORE_TYPE: Readonly<Record<string, string>> = {
  "aws:rds/cluster:Cluster": "Aurora",
  "aws:rds/instance:Instance": "RDS",
  "aws:s3/bucket:Bucket": "S3",
  "aws:s3/bucketV2:BucketV2": "S3",
  "aws:dynamodb/table:Table": "DynamoDB",
  "aws:efs/fileSystem:FileSystem": "EFS",
  "aws:ebs/volume:Volume": "EBS",
  "aws:ec2/instance:Instance": "EC2",
};
const SELECTION = "aws:backup/selection:Selection";
const RESTORE_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection";

function regionOf(r: Subject): string | undefined {
  const region = r.provider?.type === "pulumi:providers:aws" ? r.provider.props.region : undefined;
  return typeof region === "string" && !isUnknown(region) ? region : undefined;
}

const sameRegion = (a: Subject, b: Subject) => regionOf(a) === undefined || regionOf(b) === undefined || regionOf(a) === regionOf(b);
const arnOf = (r: Subject) => (typeof r.props.arn === "string" && !isUnknown(r.props.arn) ? r.props.arn : undefined);

/** True when `list` (an input of `from`) names `target`: by property dependency, by ARN, or by the `*` wildcard. */
function names(from: Subject, prop: string, target: Subject): boolean {
  if ((from.propertyDependencies?.[prop] ?? []).includes(target.urn)) return true;
  const values = Array.isArray(from.props[prop]) ? (from.props[prop] as unknown[]) : [];
  const arn = arnOf(target);
  return values.some((v) => v === "*" || (arn !== undefined && v === arn));
}

export const restoreTested: StackRule = {
  meta: fsbp("WR-19", "aws-backup-restore-tested", "Every backed-up data store has a restore test", "high",
    "Add an aws.backup.RestoreTestingSelection (with a RestoreTestingPlan) in the store's region whose protectedResourceType matches it and whose protectedResourceArns include it.", undefined, "RESILIENCE"),
  judges: (t) => RESTORE_TYPE[t] !== undefined,
  check(resources) {
    const stores = resources.filter((r) => RESTORE_TYPE[r.type] !== undefined);
    const selections = ofType(resources, SELECTION);
    const tests = ofType(resources, RESTORE_SELECTION);
    const protectedStores = stores.filter((s) => selections.some((sel) => sameRegion(sel, s) && names(sel, "resources", s)));
    return protectedStores.flatMap((store) => {
      const type = RESTORE_TYPE[store.type];
      const candidates = tests.filter((t) => sameRegion(t, store) && (t.props.protectedResourceType === type || isUnknown(t.props.protectedResourceType)));
      if (candidates.some((t) => names(t, "protectedResourceArns", store))) return [];
      // An unknown ARN list with no dependency to follow cannot be judged yet: say so, never pass silently.
      const undecidable = candidates.find((t) => containsUnknown(t.props.protectedResourceArns) && !(t.propertyDependencies?.protectedResourceArns ?? []).length);
      if (undecidable) return [cannotTellYet(`RestoreTestingSelection ${undecidable.name}`, "protectedResourceArns", "aws-backup-restore-tested", store)];
      return [{ subject: store, message: `${type} store ${store.name} is backed up but never restore-tested; add a RestoreTestingSelection of type ${type} in its region that includes it.` }];
    });
  },
};
