import * as aws from "@pulumi/aws";
import { RestoreTesting, RestoreTestingArgs, restoreTestingProblems, RESTORE_METRICS, VALIDATION_FUNCTION_SOURCE } from "../../../components/data";
import { formatProblem } from "../../../components/shared/validation";
import { installMockRuntime, settle } from "../../../src/testing/mocks";

const args = (overrides: Partial<RestoreTestingArgs> = {}): RestoreTestingArgs => ({
  region: "us-east-1",
  recoveryObjectives: { rpoSeconds: 60, rtoSeconds: 300 },
  backupIntervalSeconds: 3600,
  backupPlanId: "plan-1",
  backupVaultName: "vault-use1",
  auroraClusterArns: ["arn:aws:rds:us-east-1:123456789012:cluster:db"],
  bucketArns: ["arn:aws:s3:::backups-use1"],
  alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alarms",
  ...overrides,
});

describe.each([true, false])("RestoreTesting (preview=%s)", (preview) => {
  test("a plan, one selection per store type, buckets joined to the backup plan, validation wired to restore job events", async () => {
    const recorder = installMockRuntime({ preview, stack: "prod" });
    new RestoreTesting("data-restore-tests", args(), { provider: new aws.Provider("use1", { region: "us-east-1" }) });
    await settle();
    const plan = recorder.inputsOf(recorder.one("aws:backup/restoreTestingPlan:RestoreTestingPlan"));
    expect(plan.name).toMatch(/^[A-Za-z0-9_]+$/);
    expect(plan.recoveryPointSelection.algorithm).toBe("LATEST_WITHIN_WINDOW");
    const selections = recorder.ofType("aws:backup/restoreTestingSelection:RestoreTestingSelection").map((s) => recorder.inputsOf(s));
    expect(selections.map((s) => [s.protectedResourceType, s.protectedResourceArns])).toEqual([
      ["Aurora", ["arn:aws:rds:us-east-1:123456789012:cluster:db"]],
      ["S3", ["arn:aws:s3:::backups-use1"]],
    ]);
    expect(recorder.inputsOf(recorder.one("aws:backup/selection:Selection")).resources).toEqual(["arn:aws:s3:::backups-use1"]);
    const fn = recorder.inputsOf(recorder.one("aws:lambda/function:Function"));
    expect(fn.environment.variables).toEqual({ RESTORE_WINDOW_SECONDS: "300", MAX_RECOVERY_POINT_AGE_SECONDS: "3600" });
    expect(JSON.parse(recorder.inputsOf(recorder.one("aws:cloudwatch/eventRule:EventRule")).eventPattern)["detail-type"]).toEqual(["Restore Job State Change"]);
    const alarms = recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => recorder.inputsOf(a));
    expect(alarms.map((a) => a.metricQueries[0].expression).join("\n")).toContain(RESTORE_METRICS.namespace);
    expect(alarms.find((a) => a.alarmDescription.includes("longer than"))!.threshold).toBe(300);
    expect(alarms.every((a) => a.alarmActions[0] === "arn:aws:sns:us-east-1:123456789012:alarms")).toBe(true);
  });
});

test("the validation function fails a restore slower than the window or older than the backup interval", async () => {
  // Run the shipped source with fake AWS SDK clients: the same code the Lambda runs.
  const sent: { type: string; input: Record<string, any> }[] = [];
  const job = { RestoreTestingPlanArn: "arn:aws:backup:us-east-1:1:restore-testing-plan:p", Status: "COMPLETED", CreationDate: "2026-01-01T07:00:00Z", CompletionDate: "2026-01-01T07:20:00Z", RecoveryPointCreationDate: "2026-01-01T05:00:00Z", ResourceType: "Aurora" };
  class Client { send(cmd: { type: string; input: Record<string, any> }) { sent.push(cmd); return cmd.type === "DescribeRestoreJob" ? job : {}; } }
  const command = (type: string) => class { type = type; constructor(public input: Record<string, any>) {} };
  const source = VALIDATION_FUNCTION_SOURCE.replace(/^import .*$/gm, "").replace("export const handler", "exports.handler");
  const module = { exports: {} as Record<string, any> };
  new Function("exports", "process", "BackupClient", "CloudWatchClient", "DescribeRestoreJobCommand", "PutRestoreValidationResultCommand", "PutMetricDataCommand", source)(
    module.exports, { env: { RESTORE_WINDOW_SECONDS: "300", MAX_RECOVERY_POINT_AGE_SECONDS: "3600" } }, Client, Client,
    command("DescribeRestoreJob"), command("PutRestoreValidationResult"), command("PutMetricData"),
  );
  const result = await module.exports.handler({ detail: { restoreJobId: "r-1" } });
  expect(result.failed).toBe(true);
  expect(result.reasons.join("; ")).toMatch(/took 1200 s, window \(RTO\) 300 s; recovery point was 7200 s old, backup interval 3600 s/);
  expect(sent.find((c) => c.type === "PutRestoreValidationResult")!.input.ValidationStatus).toBe("FAILED");
});

describe("bad restore-testing input is rejected before anything registers", () => {
  test.each<[string, Partial<RestoreTestingArgs>, string]>([
    ["a restore window longer than the RTO", { settings: { restoreWindowSeconds: 301 } }, "settings.restoreWindowSeconds: got 301"],
    ["a schedule that tests less than daily", { settings: { schedule: "cron(0 7 ? * MON *)" } }, "settings.schedule"],
    ["a validation window AWS Backup refuses", { settings: { validationWindowHours: 200 } }, "settings.validationWindowHours: got 200"],
    ["nothing to test", { auroraClusterArns: [], bucketArns: [] }, "auroraClusterArns"],
  ])("%s", (_label, overrides, expected) => {
    const recorder = installMockRuntime({ preview: true });
    expect(() => new RestoreTesting("r", args(overrides))).toThrow(expected);
    expect(recorder.resources).toHaveLength(0);
  });

  test("the window defaults to the RTO", () => {
    expect(restoreTestingProblems({}, 300).map(formatProblem)).toEqual([]);
  });
});
