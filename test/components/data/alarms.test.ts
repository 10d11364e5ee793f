import { alarmSpecs, AlarmTargets, alarmThresholds } from "../../../components/data";

const targets: AlarmTargets = {
  thresholds: alarmThresholds(60),
  auroraClusters: [
    { region: "us-east-1", role: "primary", clusterIdentifier: "db-use1" },
    { region: "us-west-2", role: "secondary", clusterIdentifier: "db-usw2" },
  ],
  redisGroups: [
    { region: "us-east-1", role: "primary", replicationGroupId: "rg-use1", memberClusterIds: ["rg-use1-001", "rg-use1-002"] },
    { region: "us-west-2", role: "secondary", replicationGroupId: "rg-usw2", memberClusterIds: ["rg-usw2-001", "rg-usw2-002"] },
  ],
  replicationRoutes: [{ sourceRegion: "us-east-1", destinationRegion: "us-west-2", sourceBucket: "src", destinationBucket: "dst", ruleId: "to-usw2" }],
  backupVault: { region: "us-east-1", vaultName: "vault-use1" },
};

describe("alarmSpecs", () => {
  const specs = alarmSpecs(targets);
  const byKey = new Map(specs.map((s) => [s.key, s]));

  test("keys are unique and stable", () => {
    expect(new Set(specs.map((s) => s.key)).size).toBe(specs.length);
    expect([...byKey.keys()]).toEqual([
      "aurora-use1-cpu", "aurora-use1-memory", "aurora-use1-local-storage",
      "aurora-usw2-rpo-lag", "aurora-usw2-replication-lag", "aurora-usw2-cpu", "aurora-usw2-memory", "aurora-usw2-local-storage",
      "redis-use1-cpu", "redis-use1-memory",
      "redis-usw2-replication-lag", "redis-usw2-cpu", "redis-usw2-memory",
      "s3-to-usw2-latency", "s3-to-usw2-pending",
      "backup-jobs-failed", "copy-jobs-failed",
    ]);
  });

  test("lag alarms sit on the secondary, at half the RPO, on the published dimensions, and notify silence without breaching", () => {
    expect(byKey.get("aurora-usw2-rpo-lag")).toMatchObject({
      region: "us-west-2",
      args: { metricName: "AuroraGlobalDBRPOLag", dimensions: { DBClusterIdentifier: "db-usw2", SourceRegion: "us-east-1" }, threshold: 30000, unit: "Milliseconds", treatMissingData: "missing", evaluationPeriods: 1 },
      notifyInsufficientData: true,
    });
    const redisLag = byKey.get("redis-usw2-replication-lag")?.args;
    expect(redisLag).toMatchObject({ threshold: 30, treatMissingData: "missing" });
    const queries = redisLag?.metricQueries as any[];
    expect(queries.map((q) => q.metric?.dimensions?.CacheClusterId).filter(Boolean)).toEqual(["rg-usw2-001", "rg-usw2-002"]);
    expect(queries.find((q) => q.returnData)?.expression).toBe("MAX([m0, m1])");
  });

  test("S3 alarms follow RTC's 15 minutes and live in the source region", () => {
    expect(byKey.get("s3-to-usw2-latency")).toMatchObject({
      region: "us-east-1",
      args: { namespace: "AWS/S3", metricName: "ReplicationLatency", threshold: 900, dimensions: { SourceBucket: "src", DestinationBucket: "dst", RuleId: "to-usw2" }, treatMissingData: "notBreaching" },
    });
  });

  test("backup failures alarm on the first failed job, silence is fine", () => {
    expect(byKey.get("backup-jobs-failed")?.args).toMatchObject({ comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 1, treatMissingData: "notBreaching" });
  });

  test("headroom thresholds can be overridden", () => {
    const custom = alarmSpecs({ ...targets, headroom: { cpuPercent: 65, freeableMemoryBytes: 2 ** 31 } });
    expect(custom.find((s) => s.key === "aurora-use1-cpu")?.args.threshold).toBe(65);
    expect(custom.find((s) => s.key === "aurora-use1-memory")?.args.threshold).toBe(2 ** 31);
  });
});
