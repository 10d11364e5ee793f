import { dataTierRegionCountAllowed, DataTier, DataTierArgs, Topology } from "../../../components/data";
import { ValidationError } from "../../../components/shared/validation";
import { installMockRuntime, ResourceRecorder } from "../../../src/testing/mocks";
import { build, dataRegions, T, value } from "./fixtures";

const IAM_ROLE = "aws:iam/role:Role";

function devArgs(overrides: Partial<DataTierArgs> = {}): DataTierArgs {
  return {
    environment: "dev",
    recoveryObjectives: { rpoSeconds: 86400, rtoSeconds: 86400 },
    regions: dataRegions(["us-east-1"], 2),
    ...overrides,
  };
}

describe.each([true, false])("DataTier in one dev region (preview=%s)", (preview) => {
  let recorder: ResourceRecorder;
  let tier: DataTier;
  beforeAll(async () => {
    ({ recorder, tier } = await build(preview, () => devArgs()));
  });

  test("backup-and-restore in the one region: a Multi-AZ Aurora cluster of 2 instances across zones and a Multi-AZ cache", () => {
    expect(tier.topology).toBe(Topology.BackupAndRestore);
    expect(recorder.ofType(T.globalCluster)).toHaveLength(0);
    expect(recorder.ofType(T.globalReplicationGroup)).toHaveLength(0);
    expect(recorder.ofType(T.cluster).map((c) => recorder.regionOf(c))).toEqual(["us-east-1"]);
    const zones = recorder.ofType(T.instance).map((i) => recorder.inputsOf(i).availabilityZone);
    expect(zones).toHaveLength(2);
    expect(new Set(zones)).toEqual(new Set(["us-east-1a", "us-east-1b"]));
    const [group] = recorder.ofType(T.replicationGroup);
    expect(recorder.regionOf(group)).toBe("us-east-1");
    expect(recorder.inputsOf(group)).toMatchObject({ multiAzEnabled: true, automaticFailoverEnabled: true });
  });

  test("the backup bucket is not replicated: no replication config, no replication role", () => {
    expect(recorder.ofType(T.bucket)).toHaveLength(1);
    expect(recorder.ofType(T.replication)).toHaveLength(0);
    expect(recorder.ofType(IAM_ROLE).some((r) => r.name.includes("replication"))).toBe(false);
    // Still versioned, encrypted and closed to the public.
    expect(recorder.ofType(T.versioning)).toHaveLength(1);
    expect(recorder.ofType(T.sse)).toHaveLength(1);
    expect(recorder.ofType(T.publicAccess)).toHaveLength(1);
  });

  test("the backup plan has one vault and no copy actions", () => {
    expect(recorder.ofType(T.vault)).toHaveLength(1);
    const [rule] = recorder.inputsOf(recorder.one(T.plan)).rules;
    expect(rule.copyActions ?? []).toEqual([]);
    expect(rule.schedule).toBe("cron(0 5 ? * * *)");
    expect(recorder.ofType(T.selection)).toHaveLength(1);
  });

  test("the stores sit in the region's private subnets", () => {
    for (const subnetType of ["aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup"]) {
      const groups = recorder.ofType(subnetType).filter((g) => recorder.regionOf(g) === "us-east-1");
      expect(groups.length).toBeGreaterThan(0);
      for (const group of groups) expect(recorder.inputsOf(group).subnetIds).toEqual(["subnet-use1-0", "subnet-use1-1"]);
    }
  });

  test("headroom and backup-job alarms are there; no replication or copy-job alarms", () => {
    const names = recorder.ofType(T.alarm).map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(["data-alarms-aurora-use1-cpu", "data-alarms-backup-jobs-failed"]));
    expect(names.filter((n) => n.includes("lag") || n.includes("s3-to-") || n.includes("copy-jobs"))).toEqual([]);
    expect(recorder.ofType(T.alarm).every((a) => recorder.regionOf(a) === "us-east-1")).toBe(true);
  });

  test("the master secret still rotates", () => {
    expect(recorder.ofType(T.secretRotation)).toHaveLength(1);
  });

  test("achievedObjectives says plainly that a region loss loses the data tier", async () => {
    const achieved = await value(tier.achievedObjectives);
    expect(achieved.met).toBe(false);
    expect(achieved.topology).toBe(Topology.BackupAndRestore);
    expect(achieved.notes.join("\n")).toContain("a region loss loses the data tier");
    expect(achieved.notes.join("\n")).toContain("NOT met for a regional disaster");
    expect(achieved.notes.join("\n")).not.toContain("Replication Time Control");
  });
});

describe("DataTier single-region rule", () => {
  test.each<[string, Partial<DataTierArgs>, string[]]>([
    ["one staging region", { environment: "staging" }, ["regions: got 1", "at least 2 regions", "Fix: add a secondary region"]],
    ["one prod region", { environment: "prod" }, ["regions: got 1", "at least 2 regions", "Fix: add a secondary region"]],
    [
      "one dev region with objectives that need global replication",
      { recoveryObjectives: { rpoSeconds: 60, rtoSeconds: 900 } },
      ['recoveryObjectives: got {"rpoSeconds":60,"rtoSeconds":900,"regions":1}', "single-region data tier (allowed in dev only)", "Fix: add a second region, or raise recoveryObjectives.rpoSeconds to 7200"],
    ],
    ["no region at all in dev", { regions: [] }, ["regions: got 0", "at least 1 region in dev", "Fix: pass the primary region"]],
  ])("%s is rejected before anything is created", (_label, overrides, expected) => {
    const recorder = installMockRuntime({ preview: true });
    let error: unknown;
    try {
      new DataTier("data", devArgs(overrides));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    for (const part of expected) expect((error as Error).message).toContain(part);
    expect(recorder.resources.filter((r) => !r.type.startsWith("pulumi:providers:"))).toHaveLength(0);
  });
});

describe("dataTierRegionCountAllowed (what stacks/platform.ts asks before building the tier)", () => {
  test.each<[DataTierArgs["environment"], number, boolean]>([
    ["dev", 0, false],
    ["dev", 1, true],
    ["dev", 2, true],
    ["staging", 1, false],
    ["staging", 2, true],
    ["prod", 1, false],
    ["prod", 3, true],
  ])("%s with %i region(s) → %s", (environment, count, allowed) => {
    expect(dataTierRegionCountAllowed(environment, count)).toBe(allowed);
  });
});
