import { BackupPlan, backupPlanProblems, vaultLockBounds } from "../../../components/data";
import { formatProblem } from "../../../components/shared/validation";
import { installMockRuntime, settle } from "../../../src/testing/mocks";
import { dataRegions, T } from "./fixtures";

function keyed() {
  return dataRegions(["us-east-1", "us-west-2"], 2).map((r) => ({ ...r, kmsKeyArn: `arn:aws:kms:${r.region}:123456789012:key/k` }));
}

describe.each([true, false])("BackupPlan (preview=%s)", (preview) => {
  test("vault lock on request outside prod, bounds covering primary and copy retention, service role attached first", async () => {
    const recorder = installMockRuntime({ preview, stack: "staging" });
    new BackupPlan("bk", { environment: "staging", regions: keyed(), schedule: "cron(0 0/6 ? * * *)", resourceArns: ["arn:aws:rds:us-east-1:1:cluster:db"], vaultLock: true, retentionDays: 14, copyRetentionDays: 30 });
    await settle();
    const locks = recorder.ofType(T.vaultLock);
    expect(locks).toHaveLength(2);
    expect(recorder.inputsOf(locks[1])).toMatchObject({ minRetentionDays: 14, maxRetentionDays: 30, changeableForDays: 3 });
    const [rule] = recorder.inputsOf(recorder.one(T.plan)).rules;
    expect(rule).toMatchObject({ schedule: "cron(0 0/6 ? * * *)", lifecycle: { deleteAfter: 14 }, copyActions: [{ lifecycle: { deleteAfter: 30 } }] });
    const selection = recorder.one(T.selection);
    expect(recorder.inputsOf(selection).resources).toEqual(["arn:aws:rds:us-east-1:1:cluster:db"]);
    expect(selection.options.dependsOn).toEqual(expect.arrayContaining(recorder.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.urn)));
  });
});

describe("backup plan settings", () => {
  test.each<[string, Parameters<typeof backupPlanProblems>[0], string]>([
    ["every 30 minutes", { schedule: "cron(0/30 * ? * * *)" }, "at most once an hour"],
    ["not cron", { schedule: "rate(12 hours)" }, 'backup.schedule: got "rate(12 hours)"'],
    ["zero retention", { retentionDays: 0 }, "backup.retentionDays: got 0"],
  ])("%s", (_label, settings, expected) => {
    expect(backupPlanProblems(settings).map(formatProblem).join("\n")).toContain(expected);
  });

  test("lock bounds accept every recovery point", () => {
    expect(vaultLockBounds(35, 7)).toEqual({ minRetentionDays: 7, maxRetentionDays: 35 });
  });
});
