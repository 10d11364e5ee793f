/**
 * The pieces of a BackupPlan, one function each, in the order the component creates them: each region's vault (and
 * its lock), the plan with its rule and copy actions, the AWS Backup service role, the selection. Child names are the
 * ones the component has always used (`<name>-<code>`, `<name>-plan`, `<name>-backup`, …): URNs are part of the
 * contract, so a piece moving here must not rename anything.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../shared/regions";

/** What every piece needs: the component and the choices resolved once in the constructor. */
export interface BackupPlanContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
  readonly retentionDays: number;
  readonly copyRetentionDays: number;
}

/** A region's vault as built. */
export interface BuiltVault {
  readonly region: string;
  readonly vault: aws.backup.Vault;
}

/** One region's KMS-encrypted vault, with a compliance-mode lock when `lock` holds. */
export function createVault(
  ctx: BackupPlanContext,
  r: { readonly region: string; readonly provider: aws.Provider; readonly kmsKeyArn: pulumi.Input<string> },
  options: { readonly forceDestroy: boolean; readonly lock: boolean; readonly lockBounds: { minRetentionDays: number; maxRetentionDays: number }; readonly graceDays: number },
): BuiltVault {
  const { name, protect, tags } = ctx;
  const code = regionCode(r.region);
  const child = { parent: ctx.parent, provider: r.provider };
  const vault = new aws.backup.Vault(`${name}-${code}`, { kmsKeyArn: r.kmsKeyArn, forceDestroy: options.forceDestroy, tags }, { ...child, protect });
  if (options.lock) {
    new aws.backup.VaultLockConfiguration(
      `${name}-${code}`,
      { backupVaultName: vault.name, ...options.lockBounds, changeableForDays: options.graceDays },
      { ...child, protect },
    );
  }
  return { region: r.region, vault };
}

/** The plan in the home region: one scheduled rule writing to the home vault and copying to every other vault. */
export function createPlan(ctx: BackupPlanContext, vaults: readonly BuiltVault[], schedule: string, homeProvider: aws.Provider): aws.backup.Plan {
  const [home, ...copies] = vaults;
  return new aws.backup.Plan(
    `${ctx.name}-plan`,
    {
      rules: [
        {
          ruleName: "scheduled",
          targetVaultName: home.vault.name,
          schedule,
          scheduleExpressionTimezone: "Etc/UTC",
          startWindow: 60,
          completionWindow: 180,
          lifecycle: { deleteAfter: ctx.retentionDays },
          copyActions: copies.map((c) => ({ destinationVaultArn: c.vault.arn, lifecycle: { deleteAfter: ctx.copyRetentionDays } })),
          recoveryPointTags: { ...ctx.tags, "backup-plan": ctx.name },
        },
      ],
      tags: ctx.tags,
    },
    { parent: ctx.parent, provider: homeProvider },
  );
}

/** The role AWS Backup backs up and restores with, and its AWS-managed policy attachments. */
export function createServiceRole(
  ctx: BackupPlanContext,
  homeProvider: aws.Provider,
): { role: aws.iam.Role; attachments: aws.iam.RolePolicyAttachment[] } {
  const { name } = ctx;
  const partition = aws.getPartitionOutput({}, { parent: ctx.parent, provider: homeProvider });
  const role = new aws.iam.Role(
    `${name}-backup`,
    {
      description: `AWS Backup service role for ${name} (${pulumi.getStack()})`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags: ctx.tags,
    },
    { parent: ctx.parent, provider: homeProvider },
  );
  const attachments = ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"].map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${policy.endsWith("Restores") ? "restores" : "backup"}`,
        { role: role.name, policyArn: pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/service-role/${policy}` },
        { parent: ctx.parent, provider: homeProvider },
      ),
  );
  return { role, attachments };
}
