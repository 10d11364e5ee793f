import { memberClusterIds, RedisGlobalDatastore, redisProblems } from "../../../components/data";
import { formatProblem } from "../../../components/shared/validation";
import { installMockRuntime, settle } from "../../../src/testing/mocks";
import { reveal } from "../../../src/testing/wire";
import { dataRegions, REGIONS, T } from "./fixtures";

function keyed(regions = dataRegions(["us-east-1", "us-west-2"], 2)) {
  return regions.map((r) => ({ ...r, kmsKeyArn: `arn:aws:kms:${r.region}:123456789012:key/k-${r.region}` }));
}

describe.each([true, false])("RedisGlobalDatastore on its own (preview=%s)", (preview) => {
  test("valkey global datastore; AUTH token only from the allowed alphabet and only on the primary", async () => {
    const recorder = installMockRuntime({ preview, stack: "staging" });
    const store = new RedisGlobalDatastore("cache", { environment: "staging", regions: keyed(), global: true, engine: "valkey" });
    await settle();
    const password = recorder.one("random:index/randomPassword:RandomPassword");
    expect(recorder.inputsOf(password)).toMatchObject({ special: true, overrideSpecial: "!&#$^<>-" });
    const [primary, secondary] = recorder.ofType(T.replicationGroup);
    expect(recorder.inputsOf(primary)).toMatchObject({ engine: "valkey", engineVersion: "8.0", replicationGroupId: "staging-cache-use1" });
    expect(secondary.props.authToken).toBeUndefined();
    expect(store.groups[1].memberClusterIds).toEqual(["staging-cache-usw2-001", "staging-cache-usw2-002"]);
    if (!preview) expect(reveal(password.outputs.result)).toMatch(/^[A-Za-z0-9!&#$^<>-]{64}$/);
  });
});

describe("Redis validation", () => {
  test.each<[string, Parameters<typeof redisProblems>[0], string]>([
    ["unknown engine", { engine: "memcached" as never }, 'redis.engine: got "memcached"'],
    ["old engine version", { engineVersion: "5.0" }, 'redis.engineVersion: got "5.0"'],
    ["snapshots off", { snapshotRetentionDays: 0 }, "redis.snapshotRetentionDays: got 0"],
  ])("%s", (_label, settings, expected) => {
    expect(redisProblems(settings).map(formatProblem).join("\n")).toContain(expected);
  });

  test("a global datastore spans at most three regions", () => {
    installMockRuntime({ preview: true });
    const regions = keyed(dataRegions([...REGIONS, "eu-central-1"], 2));
    expect(() => new RedisGlobalDatastore("cache", { environment: "dev", regions, global: true })).toThrow("at most 3 regions for a global datastore");
  });

  test("member ids follow ElastiCache's numbering", () => {
    expect(memberClusterIds("rg", 3)).toEqual(["rg-001", "rg-002", "rg-003"]);
  });
});
