import {
  alarmThresholds,
  BACKUP_COPY_MARGIN_SECONDS,
  GLOBAL_FAILOVER_RTO_SECONDS,
  planRecovery,
  recoveryProblems,
  RecoveryInput,
  RESTORE_RTO_SECONDS,
  SINGLE_REGION_ENVIRONMENTS,
  singleRegionAllowed,
  Topology,
} from "../../../components/data";
import { Environment, ENVIRONMENT_PROFILES, Environments } from "../../../components/shared/environment";
import { formatProblem } from "../../../components/shared/validation";

const base: RecoveryInput = { objectives: { rpoSeconds: 60, rtoSeconds: 900 }, regionCount: 3 };

function messages(input: RecoveryInput): string[] {
  return recoveryProblems(input).map(formatProblem);
}

describe("topology from objectives", () => {
  test("RPO 60 s needs global database and global datastore, with lag alarms at half the RPO", () => {
    expect(messages(base)).toEqual([]);
    const plan = planRecovery(base);
    expect(plan.topology).toBe(Topology.GlobalReplication);
    expect(plan.auroraGlobal).toBe(true);
    expect(plan.redisGlobal).toBe(true);
    expect(plan.alarms.replicationLagSeconds).toBe(30);
    expect(plan.alarms.replicationLagPeriods).toBe(1);
    expect(plan.achieved).toMatchObject({ topology: Topology.GlobalReplication, rpoSeconds: 1, rtoSeconds: GLOBAL_FAILOVER_RTO_SECONDS, met: true });
    // Backups still run (daily by default) against logical damage that replication would copy everywhere.
    expect(plan.backupSchedule).toBe("cron(0 5 ? * * *)");
  });

  test("an RTO below a restore needs global replication even with a relaxed RPO", () => {
    const plan = planRecovery({ objectives: { rpoSeconds: 86400, rtoSeconds: 1800 }, regionCount: 2 });
    expect(plan.topology).toBe(Topology.GlobalReplication);
  });

  test("relaxed objectives give backup-and-restore, with a schedule that leaves room for the copy", () => {
    const input: RecoveryInput = { objectives: { rpoSeconds: 86400, rtoSeconds: 86400 }, regionCount: 2 };
    expect(messages(input)).toEqual([]);
    const plan = planRecovery(input);
    expect(plan.topology).toBe(Topology.BackupAndRestore);
    expect(plan.auroraGlobal).toBe(false);
    expect(plan.redisGlobal).toBe(false);
    expect(plan.backupBoundSeconds).toBe(86400 - BACKUP_COPY_MARGIN_SECONDS);
    expect(plan.backupSchedule).toBe("cron(0 0/12 ? * * *)");
    expect(plan.achieved).toMatchObject({ rpoSeconds: 12 * 3600 + BACKUP_COPY_MARGIN_SECONDS, rtoSeconds: RESTORE_RTO_SECONDS, met: true });
    expect(plan.achieved.notes.join("\n")).toMatch(/cache is not replicated/);
  });

  test("objectives the design cannot meet are reported with the reason, not hidden", () => {
    const plan = planRecovery({ objectives: { rpoSeconds: 0, rtoSeconds: 60 }, regionCount: 2 });
    expect(plan.achieved.met).toBe(false);
    const notes = plan.achieved.notes.join("\n");
    expect(notes).toMatch(/Cannot meet RPO 0 s: zero data loss across regions needs synchronous replication/);
    expect(notes).toMatch(/Cannot meet RTO 60 s \(1 min\)/);
  });

  test("enforced RPO sets Aurora managed RPO to the declared RPO", () => {
    const plan = planRecovery({ ...base, enforceAuroraRpo: true });
    expect(plan.managedRpoSeconds).toBe(60);
    expect(plan.achieved.rpoSeconds).toBe(60);
    expect(plan.achieved.notes.join("\n")).toMatch(/rds.global_db_rpo=60/);
  });

  test("alarm thresholds scale with the RPO and stay at least one second", () => {
    expect(alarmThresholds(1)).toMatchObject({ replicationLagSeconds: 1, replicationLagPeriods: 1 });
    expect(alarmThresholds(600)).toMatchObject({ replicationLagSeconds: 300, replicationLagPeriods: 5 });
    expect(alarmThresholds(600).s3ReplicationLatencySeconds).toBe(900);
  });
});

describe("backup schedule against the backup RPO", () => {
  test("a daily schedule with a one-hour backup RPO is rejected, naming property, value, rule and fix", () => {
    const found = messages({ ...base, objectives: { ...base.objectives, backupRpoSeconds: 3600 }, backupSchedule: "cron(0 5 ? * * *)" });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('backup.schedule: got "cron(0 5 ? * * *)"');
    expect(found[0]).toContain("longest gap (86400 s (1 d)) is within the backup RPO of 3600 s (1 h)");
    expect(found[0]).toContain('Fix: run backups more often, e.g. "cron(0 * ? * * *)"');
  });

  test("without global replication the RPO itself bounds the schedule, minus the copy time", () => {
    const found = messages({ objectives: { rpoSeconds: 7200, rtoSeconds: 86400 }, regionCount: 2, backupSchedule: "cron(0 0/2 ? * * *)" });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("backup RPO of 3600 s (1 h) (the RPO of 7200 s (2 h) minus 3600 s (1 h) for the cross-region copy)");
  });

  test("a schedule within the bound is accepted and used", () => {
    const input: RecoveryInput = { ...base, objectives: { ...base.objectives, backupRpoSeconds: 6 * 3600 }, backupSchedule: "cron(0 0/4 ? * * *)" };
    expect(messages(input)).toEqual([]);
    expect(planRecovery(input)).toMatchObject({ backupSchedule: "cron(0 0/4 ? * * *)", backupIntervalSeconds: 4 * 3600 });
  });
});

describe("invalid objectives", () => {
  test.each<[string, RecoveryInput, string[]]>([
    ["negative RPO", { ...base, objectives: { rpoSeconds: -1, rtoSeconds: 900 } }, ["recoveryObjectives.rpoSeconds: got -1", "Fix: set recoveryObjectives.rpoSeconds"]],
    ["zero RTO", { ...base, objectives: { rpoSeconds: 60, rtoSeconds: 0 } }, ["recoveryObjectives.rtoSeconds: got 0"]],
    ["backup RPO below AWS Backup's hourly limit", { ...base, objectives: { rpoSeconds: 60, rtoSeconds: 900, backupRpoSeconds: 600 } }, ["recoveryObjectives.backupRpoSeconds: got 600", "at most hourly", "point-in-time restore"]],
    ["one region", { ...base, regionCount: 1 }, ["regions: got 1", "at least 2 regions", "Fix: add a secondary region"]],
    ["four regions with a global datastore", { ...base, regionCount: 4 }, ["regions: got 4", "at most 3 regions", "ElastiCache global datastore"]],
    ["schedule more frequent than hourly", { ...base, backupSchedule: "cron(0/15 * ? * * *)" }, ['backup.schedule: got "cron(0/15 * ? * * *)"', "at most once an hour", "900 s (15 min)"]],
    ["not a cron expression", { ...base, backupSchedule: "rate(1 hour)" }, ['backup.schedule: got "rate(1 hour)"', 'Fix: use a schedule such as "cron(0 5 ? * * *)"']],
    ["managed RPO below Aurora's minimum", { ...base, objectives: { rpoSeconds: 10, rtoSeconds: 900 }, enforceAuroraRpo: true }, ["aurora.enforceRpo", "at least 20", "Fix: raise rpoSeconds to 20"]],
  ])("%s", (_label, input, expected) => {
    const text = messages(input).join("\n");
    for (const part of expected) expect(text).toContain(part);
  });

  test("reports every problem at once", () => {
    expect(messages({ objectives: { rpoSeconds: 60, rtoSeconds: 900, backupRpoSeconds: 10 }, regionCount: 1 })).toHaveLength(2);
  });
});

describe("single-region data tier follows the environment profile", () => {
  // One source of truth: the profile's minRegions decides it, not a second list in the data tier.
  test.each(Environments)("%s", (env) => {
    const single = ENVIRONMENT_PROFILES[env].minRegions <= 1;
    expect(singleRegionAllowed(env)).toBe(single);
    expect(SINGLE_REGION_ENVIRONMENTS.includes(env)).toBe(single);
    expect(recoveryProblems({ ...base, objectives: { rpoSeconds: 86400, rtoSeconds: 86400 }, regionCount: 1, environment: env }).some((p) => p.property === "regions")).toBe(!single);
  });

  test("an unknown or absent environment needs two regions (the stricter answer)", () => {
    expect(singleRegionAllowed(undefined)).toBe(false);
    expect(singleRegionAllowed("production" as Environment)).toBe(false);
  });
});
