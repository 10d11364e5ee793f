import { DataTier, DataTierArgs } from "../../../components/data";
import { ValidationError } from "../../../components/shared/validation";
import { installMockRuntime } from "../../../src/testing/mocks";
import { dataRegions, prodArgs, REGIONS } from "./fixtures";

describe("DataTier validation", () => {
  test("a backup schedule slower than the backup RPO is rejected before anything is created", () => {
    const recorder = installMockRuntime({ preview: true });
    const args = prodArgs({ recoveryObjectives: { rpoSeconds: 60, rtoSeconds: 900, backupRpoSeconds: 6 * 3600 }, backup: { schedule: "cron(0 5 ? * * *)" } });
    let error: unknown;
    try {
      new DataTier("data", args);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    expect(message).toContain('DataTier "data" is invalid');
    expect(message).toContain('backup.schedule: got "cron(0 5 ? * * *)"');
    expect(message).toContain("within the backup RPO of 21600 s (6 h)");
    expect(message).toContain('Fix: run backups more often, e.g. "cron(0 0/6 ? * * *)"');
    expect(recorder.resources.filter((r) => !r.type.startsWith("pulumi:providers:"))).toHaveLength(0);
  });

  test.each<[string, Partial<DataTierArgs>, string]>([
    ["unknown environment", { environment: "qa" as never }, 'environment: got "qa"'],
    ["unknown region", { regions: [...dataRegions().slice(0, 2), { ...dataRegions(["eu-west-1"])[0], region: "mars-1" }] }, 'regions[2].region: got "mars-1"'],
    ["duplicate region", { regions: [...dataRegions(), ...dataRegions(["us-east-1"])] }, "each region listed once"],
    ["one zone", { regions: dataRegions(REGIONS, 1) }, "regions[0].availabilityZones"],
    ["zones of another region", { regions: dataRegions().map((r, i) => (i === 1 ? { ...r, availabilityZones: ["us-east-1a", "us-east-1b"] } : r)) }, 'regions[1].availabilityZones: got ["us-east-1a","us-east-1b"]; expected zones of us-west-2'],
    ["no client security group", { regions: dataRegions().map((r) => ({ ...r, allowedSecurityGroupIds: [] })) }, "regions[0].allowedSecurityGroupIds"],
    ["burstable Aurora class", { aurora: { instanceClass: "db.t4g.medium" } }, 'aurora.instanceClass: got "db.t4g.medium"'],
    ["single Aurora instance", { aurora: { instancesPerCluster: 1 } }, "aurora.instancesPerCluster: got 1"],
    ["old cache node type", { redis: { nodeType: "cache.t3.medium" } }, 'redis.nodeType: got "cache.t3.medium"'],
    ["one cache node", { redis: { nodesPerShard: 1 } }, "redis.nodesPerShard: got 1"],
    ["RTC window other than 15", { backup: { replicationTimeMinutes: 5 } }, "backup.replicationTimeMinutes: got 5; expected 15"],
    ["alarm topic missing for a region", { alarmTopicArns: { "us-east-1": "arn:aws:sns:us-east-1:123456789012:t" } }, 'alarmTopicArns["us-west-2"]'],
  ])("%s", (_label, overrides, expected) => {
    installMockRuntime({ preview: true });
    expect(() => new DataTier("data", prodArgs(overrides))).toThrow(expected);
  });
});
