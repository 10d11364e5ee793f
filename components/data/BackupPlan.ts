import { environmentProblems, environmentProfile } from "../shared/environment";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argsObjectProblems, checkInteger, checkOptionalBoolean, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { BackupPlanContext, createPlan, createServiceRole, createVault } from "./backupPlanPieces";
import { checkRegionEntries } from "./network";
import { checkRegionCount } from "./recovery";
import { analyzeSchedule, BACKUP_MIN_INTERVAL_SECONDS } from "./schedule";
import { Environment } from "./types";

/** Grace period of a compliance-mode vault lock: after it, nobody (root included) can shorten retention or unlock. */
export const VAULT_LOCK_GRACE_DAYS = 3;

export interface BackupPlanSettings {
  /**
   * Days a recovery point is kept in the primary region's vault.
   * @default 35 in prod, 7 elsewhere
   */
  readonly retentionDays?: number;
  /**
   * Days the cross-region copies are kept.
   * @default same as retentionDays
   */
  readonly copyRetentionDays?: number;
  /**
   * Lock the vaults (compliance mode, after a 3-day grace period) so recovery points cannot be deleted early.
   * @default true in prod, false elsewhere
   */
  readonly vaultLock?: boolean;
}

export interface BackupPlanArgs extends BackupPlanSettings {
  readonly environment: Environment;
  /**
   * Regions with provider and KMS key: the plan runs in the first, recovery points are copied to the others. At least
   * two, except in dev, where one region keeps its recovery points in its own vault (no copy action).
   */
  readonly regions: readonly { readonly region: string; readonly provider: aws.Provider; readonly kmsKeyArn: pulumi.Input<string> }[];
  /** AWS Backup cron schedule; see `recovery.ts` for how it is derived from the objectives. */
  readonly schedule: string;
  /** ARNs of the resources to back up (the primary Aurora cluster); they must be in the first region. */
  readonly resourceArns: pulumi.Input<pulumi.Input<string>[]>;
  /** @default true in prod */
  readonly protect?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

export function backupPlanProblems(settings: BackupPlanSettings & { schedule?: string }, prefix = "backup"): Problem[] {
  const shape = argsObjectProblems(settings, "backup plan", prefix);
  if (shape.length > 0) return shape;
  const problems = new Problems();
  if (settings.retentionDays !== undefined) checkInteger(problems, `${prefix}.retentionDays`, settings.retentionDays, 1, 36500);
  if (settings.copyRetentionDays !== undefined) checkInteger(problems, `${prefix}.copyRetentionDays`, settings.copyRetentionDays, 1, 36500);
  checkOptionalBoolean(problems, `${prefix}.vaultLock`, settings.vaultLock);
  if (settings.schedule !== undefined) {
    const analysis = analyzeSchedule(settings.schedule);
    if (!analysis.ok) {
      problems.add({ property: `${prefix}.schedule`, value: settings.schedule, rule: analysis.reason, fix: 'use e.g. "cron(0 5 ? * * *)"' });
    } else {
      problems.check(analysis.minIntervalSeconds >= BACKUP_MIN_INTERVAL_SECONDS, {
        property: `${prefix}.schedule`,
        value: settings.schedule,
        rule: "runs at most once an hour (AWS Backup's limit)",
        fix: 'use an hourly or slower schedule such as "cron(0 * ? * * *)"',
      });
    }
  }
  return [...problems.list];
}

/** Vault lock bounds that accept every recovery point this plan creates. */
export function vaultLockBounds(retentionDays: number, copyRetentionDays: number): { minRetentionDays: number; maxRetentionDays: number } {
  return { minRetentionDays: Math.min(retentionDays, copyRetentionDays), maxRetentionDays: Math.max(retentionDays, copyRetentionDays) };
}

/** Every problem with the arguments (validation contract, docs/architecture.md): never throws, whatever it is given. */
export function backupPlanArgsProblems(args: BackupPlanArgs): Problem[] {
  const shape = argsObjectProblems(args, "BackupPlan");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(environmentProblems(args.environment)).addAll(backupPlanProblems(args, "backup"));
  const regions = listField(problems, "regions", args.regions);
  checkRegionEntries(problems, regions);
  checkOptionalBoolean(problems, "protect", args.protect);
  problems.check(args.schedule !== undefined && args.schedule !== null, { property: "backup.schedule", value: args.schedule, rule: "an AWS Backup cron schedule", fix: "pass DataTier's plan.backupSchedule" });
  checkRegionCount(problems, args.environment, regions.length, {
    single: "one region keeps its recovery points in its own vault, with no cross-region copy",
    multi: "(recovery points are copied out of the first)",
    singleFix: "pass the primary region",
    multiFix: "add a secondary region",
  });
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the BackupPlan constructor calls first. */
export function validateBackupPlanArgs(name: string, args: BackupPlanArgs): void {
  throwIfProblems(`BackupPlan "${name}"`, backupPlanArgsProblems(args));
}

/**
 * AWS Backup: a KMS-encrypted vault in every region (locked in prod), and a plan in the primary region whose rule
 * follows the schedule derived from the RPO and copies every recovery point to the other regions' vaults (none in a
 * single-region dev plan, which therefore does not survive a region loss).
 */
export class BackupPlan extends pulumi.ComponentResource {
  readonly planId: pulumi.Output<string>;
  /** Vault names in region order (primary first). */
  readonly vaultNames: pulumi.Output<string[]>;
  readonly vaults: readonly { readonly region: string; readonly vaultName: pulumi.Output<string> }[];

  constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
    validateBackupPlanArgs(name, args);
    super("production-platform:data:BackupPlan", name, {}, opts);

    const profile = environmentProfile(args.environment);
    const protect = args.protect ?? profile.protect;
    const tags = { ...args.tags };
    const retentionDays = args.retentionDays ?? profile.retention.backupPlanDays;
    const copyRetentionDays = args.copyRetentionDays ?? retentionDays;
    const lock = args.vaultLock ?? profile.protect;

    const ctx: BackupPlanContext = { name, parent: this, protect, tags, retentionDays, copyRetentionDays };
    const vaultOptions = { forceDestroy: !profile.protect, lock, lockBounds: vaultLockBounds(retentionDays, copyRetentionDays), graceDays: VAULT_LOCK_GRACE_DAYS };
    const vaults = args.regions.map((r) => createVault(ctx, r, vaultOptions));
    const homeProvider = args.regions[0].provider;
    const plan = createPlan(ctx, vaults, args.schedule, homeProvider);
    const { role, attachments } = createServiceRole(ctx, homeProvider);
    new aws.backup.Selection(
      `${name}-selection`,
      { planId: plan.id, iamRoleArn: role.arn, resources: args.resourceArns },
      { parent: this, provider: homeProvider, dependsOn: attachments },
    );

    this.planId = plan.id;
    this.vaults = vaults.map((v) => ({ region: v.region, vaultName: v.vault.name }));
    this.vaultNames = pulumi.all(vaults.map((v) => v.vault.name));
    this.registerOutputs({ planId: this.planId, vaultNames: this.vaultNames });
  }
}
