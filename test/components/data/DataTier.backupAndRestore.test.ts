import { ResourceRecorder } from "../../../src/testing/mocks";
import { build, dataRegions, T } from "./fixtures";

describe.each([true, false])("DataTier dev with relaxed objectives (preview=%s)", (preview) => {
  let recorder: ResourceRecorder;
  beforeAll(async () => {
    ({ recorder } = await build(preview, () => ({
      environment: "dev",
      recoveryObjectives: { rpoSeconds: 86400, rtoSeconds: 86400 },
      regions: dataRegions(["us-east-1", "us-west-2"], 2),
    })));
  });

  test("backup-and-restore: stores only in the primary region, no global resources", () => {
    expect(recorder.ofType(T.globalCluster)).toHaveLength(0);
    expect(recorder.ofType(T.globalReplicationGroup)).toHaveLength(0);
    expect(recorder.ofType(T.cluster).map((c) => recorder.regionOf(c))).toEqual(["us-east-1"]);
    expect(recorder.ofType(T.replicationGroup).map((c) => recorder.regionOf(c))).toEqual(["us-east-1"]);
    expect(recorder.ofType(T.instance)).toHaveLength(2);
  });

  test("backups every 12 h copied to the secondary region; no vault lock, no protect outside prod", () => {
    const [rule] = recorder.inputsOf(recorder.one(T.plan)).rules;
    expect(rule.schedule).toBe("cron(0 0/12 ? * * *)");
    expect(rule.copyActions).toHaveLength(1);
    expect(recorder.ofType(T.vaultLock)).toHaveLength(0);
    expect(recorder.ofType(T.cluster)[0].options.protect).toBe(false);
    expect(recorder.inputsOf(recorder.ofType(T.cluster)[0]).deletionProtection).toBe(false);
  });

  test("no replication-lag alarms without replication, headroom and backup alarms still there", () => {
    const names = recorder.ofType(T.alarm).map((a) => a.name);
    expect(names.some((n) => n.includes("lag"))).toBe(false);
    expect(names).toEqual(expect.arrayContaining(["data-alarms-aurora-use1-cpu", "data-alarms-backup-jobs-failed", "data-alarms-s3-to-usw2-latency"]));
  });
});
