import { replicationRolePolicy, ReplicatedBackupBuckets, tlsOnlyBucketPolicy } from "../../../components/data";
import { installMockRuntime, settle } from "../../../src/testing/mocks";
import { dataRegions, T } from "./fixtures";

describe.each([true, false])("ReplicatedBackupBuckets (preview=%s)", (preview) => {
  test("replication role may read the source, write replicas and use both keys; buckets are force-destroyable only outside prod", async () => {
    const recorder = installMockRuntime({ preview, stack: "dev" });
    const regions = dataRegions(["us-east-1", "eu-west-1"], 2).map((r) => ({ ...r, kmsKeyArn: `arn:aws:kms:${r.region}:123456789012:key/k` }));
    new ReplicatedBackupBuckets("bk", { environment: "dev", regions });
    await settle();
    for (const b of recorder.ofType(T.bucket)) expect(recorder.inputsOf(b).forceDestroy).toBe(true);
    const lifecycle = recorder.inputsOf(recorder.ofType(T.lifecycle)[0]).rules as any[];
    expect(lifecycle.find((r) => r.id === "age-out-old-versions").noncurrentVersionExpiration.noncurrentDays).toBe(31);
    if (!preview) {
      const policy = JSON.parse(recorder.inputsOf(recorder.one("aws:iam/rolePolicy:RolePolicy")).policy);
      const sids = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
      expect(sids.DecryptSource.Resource).toBe("arn:aws:kms:us-east-1:123456789012:key/k");
      expect(sids.DecryptSource.Condition.StringLike["kms:ViaService"]).toBe("s3.us-east-1.amazonaws.com");
      expect(sids.EncryptReplicas.Resource).toEqual(["arn:aws:kms:eu-west-1:123456789012:key/k"]);
    }
  });

  test("rejects an RTC window S3 does not offer", () => {
    installMockRuntime({ preview: true });
    const regions = dataRegions(["us-east-1", "eu-west-1"], 2).map((r) => ({ ...r, kmsKeyArn: "k" }));
    expect(() => new ReplicatedBackupBuckets("bk", { environment: "dev", regions, replicationTimeMinutes: 60 })).toThrow("backup.replicationTimeMinutes: got 60; expected 15");
  });
});

describe("bucket policy documents", () => {
  test("TLS-only policy denies every action on bucket and objects without secure transport", () => {
    const doc = JSON.parse(tlsOnlyBucketPolicy("arn:aws:s3:::b"));
    expect(doc.Statement[0]).toEqual(expect.objectContaining({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"] }));
  });

  test("replication policy lists every destination", () => {
    const doc = JSON.parse(replicationRolePolicy({ sourceBucketArn: "arn:aws:s3:::s", sourceKeyArn: "ks", sourceRegion: "us-east-1", destinations: [{ bucketArn: "arn:aws:s3:::d1", keyArn: "k1", region: "us-west-2" }, { bucketArn: "arn:aws:s3:::d2", keyArn: "k2", region: "eu-west-1" }] }));
    expect(doc.Statement.find((s: any) => s.Sid === "WriteReplicas").Resource).toEqual(["arn:aws:s3:::d1/*", "arn:aws:s3:::d2/*"]);
  });
});
