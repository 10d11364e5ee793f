/** WR-19 over the analyzer protocol: every store an AWS Backup selection protects has a restore test in its region. */
import type { AnalyzerResource, PolicyPackClient } from "../../../src/testing/analyzer";
import { startPolicyPack } from "../../../src/testing/analyzer";
import { analyzeAll, clone, packDir, res, urn } from "../common/packs";

const POLICY = "aws-backup-restore-tested";
const CLUSTER = "aws:rds/cluster:Cluster";
const BUCKET = "aws:s3/bucket:Bucket";
const SELECTION = "aws:backup/selection:Selection";
const TEST = "aws:backup/restoreTestingSelection:RestoreTestingSelection";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const at = (region: string) => ({ provider: { type: "pulumi:providers:aws", name: `aws-${region}`, urn: `urn:pulumi:test::platform::pulumi:providers:aws::aws-${region}`, props: { region } } });

function baseline(): AnalyzerResource[] {
  return [
    res(CLUSTER, "db", { storageEncrypted: true }, at("us-east-1")),
    res(BUCKET, "backups", {}, at("us-east-1")),
    res(SELECTION, "plan", { resources: [UNKNOWN, UNKNOWN] }, { ...at("us-east-1"), propertyDependencies: { resources: [urn(CLUSTER, "db"), urn(BUCKET, "backups")] } }),
    res(TEST, "aurora", { protectedResourceType: "Aurora", protectedResourceArns: [UNKNOWN] }, { ...at("us-east-1"), propertyDependencies: { protectedResourceArns: [urn(CLUSTER, "db")] } }),
    res(TEST, "buckets", { protectedResourceType: "S3", protectedResourceArns: ["*"] }, at("us-east-1")),
  ];
}

let client: PolicyPackClient;
beforeAll(async () => {
  client = await startPolicyPack(packDir("aws-baseline"));
});
afterAll(async () => client?.close());
const mine = async (rs: AnalyzerResource[]) => (await analyzeAll(client, rs)).filter((f) => f.policyName === POLICY);

test("backed-up stores with restore tests pass", async () => {
  expect(await mine(baseline())).toEqual([]);
});

test.each<[string, (rs: AnalyzerResource[]) => void, string]>([
  ["no Aurora restore test", (rs) => rs.splice(3, 1), "db"],
  ["restore test of the wrong type", (rs) => (rs[4].props.protectedResourceType = "Aurora"), "backups"],
  ["restore test in another region", (rs) => (rs[3] = { ...rs[3], ...at("us-west-2") }), "db"],
  ["restore test naming another cluster", (rs) => {
    rs.push(res(CLUSTER, "other", { storageEncrypted: true }, at("us-east-1")));
    rs[3] = { ...rs[3], propertyDependencies: { protectedResourceArns: [urn(CLUSTER, "other")] } };
  }, "db"],
])("%s → the store is reported", async (_label, mutate, store) => {
  const rs = clone(baseline());
  mutate(rs);
  const findings = await mine(rs);
  expect(findings.map((f) => f.urn)).toEqual([urn(rs.find((r) => r.name === store)!.type, store)]);
  expect(findings[0].message).toMatch(/never restore-tested; add .+\.$/);
});

test("a store no backup selection protects is outside the rule; an unknown ARN list is 'cannot tell yet', never a silent pass", async () => {
  const rs = clone(baseline());
  rs.splice(2, 1);
  expect(await mine(rs)).toEqual([]);
  const unknown = clone(baseline());
  unknown.splice(3, 1, res(TEST, "aurora", { protectedResourceType: "Aurora", protectedResourceArns: UNKNOWN }, at("us-east-1")));
  const findings = await mine(unknown);
  expect(findings.length).toBe(1);
  expect(findings[0].enforcementLevel).toBe("advisory");
  expect(findings[0].message).toMatch(/^cannot tell yet: .*protectedResourceArns/);
});
