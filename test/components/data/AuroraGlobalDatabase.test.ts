import { AuroraGlobalDatabase, auroraProblems } from "../../../components/data";
import { formatProblem } from "../../../components/shared/validation";
import { installMockRuntime, settle } from "../../../src/testing/mocks";
import { isSecret } from "../../../src/testing/wire";
import { dataRegions, T } from "./fixtures";

function keyed(regions = dataRegions(["us-east-1", "us-west-2"], 2)) {
  return regions.map((r) => ({ ...r, kmsKeyArn: `arn:aws:kms:${r.region}:123456789012:key/k-${r.region}` }));
}

describe.each([true, false])("AuroraGlobalDatabase on its own (preview=%s)", (preview) => {
  test("global: primary with credentials, secondary attached to the global cluster with the secondary region's key", async () => {
    const recorder = installMockRuntime({ preview, stack: "staging" });
    new AuroraGlobalDatabase("db", { environment: "staging", regions: keyed(), global: true, managedRpoSeconds: 30 });
    await settle();
    const [primary, secondary] = recorder.ofType(T.cluster);
    expect(recorder.inputsOf(primary).kmsKeyId).toBe("arn:aws:kms:us-east-1:123456789012:key/k-us-east-1");
    expect(recorder.inputsOf(secondary).kmsKeyId).toBe("arn:aws:kms:us-west-2:123456789012:key/k-us-west-2");
    expect(isSecret(primary.props.masterPassword)).toBe(true);
    expect(secondary.props.masterPassword).toBeUndefined();
    expect(recorder.one(T.globalCluster).options.protect).toBe(false);
    expect(recorder.inputsOf(recorder.ofType(T.clusterParams)[0]).parameters).toContainEqual(expect.objectContaining({ name: "rds.global_db_rpo", value: "30" }));
    expect(recorder.ofType(T.instance)).toHaveLength(4);
    for (const instance of recorder.ofType(T.instance)) expect(recorder.inputsOf(instance).autoMinorVersionUpgrade).toBe(false);
  });

  test("not global: one regional cluster, no global cluster, no secret replicas", async () => {
    const recorder = installMockRuntime({ preview, stack: "dev" });
    new AuroraGlobalDatabase("db", { environment: "dev", regions: keyed(), global: false });
    await settle();
    expect(recorder.ofType(T.globalCluster)).toHaveLength(0);
    expect(recorder.ofType(T.cluster)).toHaveLength(1);
    expect(recorder.inputsOf(recorder.one(T.secret)).replicas).toEqual([]);
    expect(recorder.inputsOf(recorder.one(T.cluster)).globalClusterIdentifier).toBeUndefined();
  });
});

describe("Aurora settings validation", () => {
  test.each<[string, Parameters<typeof auroraProblems>[0], string]>([
    ["engine version without global database support", { engineVersion: "11.9" }, 'aurora.engineVersion: got "11.9"'],
    ["reserved user name", { masterUsername: "rdsadmin" }, 'aurora.masterUsername: got "rdsadmin"'],
    ["retention beyond Aurora's 35 days", { backupRetentionDays: 90 }, "aurora.backupRetentionDays: got 90"],
    ["Performance Insights retention AWS refuses", { performanceInsightsRetentionDays: 30 }, "aurora.performanceInsightsRetentionDays: got 30"],
    ["bad database name", { databaseName: "my-db" }, 'aurora.databaseName: got "my-db"'],
  ])("%s", (_label, settings, expected) => {
    expect(auroraProblems(settings).map(formatProblem).join("\n")).toContain(expected);
  });

  test("a region with one zone is rejected by the component", () => {
    installMockRuntime({ preview: true });
    const regions = keyed(dataRegions(["us-east-1", "us-west-2"], 1));
    expect(() => new AuroraGlobalDatabase("db", { environment: "dev", regions, global: true })).toThrow("regions[0].availabilityZones");
  });
});
