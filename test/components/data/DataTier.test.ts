import { DataTier } from "../../../components/data";
import { regionCode } from "../../../components/shared/regions";
import { RecordedResource, ResourceRecorder } from "../../../src/testing/mocks";
import { containsSecret, isSecret, redact, UNKNOWN } from "../../../src/testing/wire";
import { build, generatedSecrets, keyBehind, prodArgs, REGIONS, T, value, visibleJson } from "./fixtures";

describe.each([true, false])("DataTier prod, RPO 60 s across three regions (preview=%s)", (preview) => {
  let recorder: ResourceRecorder;
  let tier: DataTier;
  beforeAll(async () => {
    ({ recorder, tier } = await build(preview, prodArgs));
  });

  test("one global cluster, in the primary region", () => {
    const global = recorder.one(T.globalCluster);
    expect(recorder.regionOf(global)).toBe("us-east-1");
    expect(recorder.inputsOf(global)).toMatchObject({ engine: "aurora-postgresql", engineVersion: "16.6", storageEncrypted: true, deletionProtection: true });
    expect(global.options.protect).toBe(true);
  });

  test("an Aurora cluster in every region, each with its own provider and that region's CMK", () => {
    const clusters = recorder.ofType(T.cluster);
    expect(clusters.map((c) => recorder.regionOf(c))).toEqual([...REGIONS]);
    for (const cluster of clusters) {
      const inputs = recorder.inputsOf(cluster);
      expect(inputs).toMatchObject({
        storageEncrypted: true,
        iamDatabaseAuthenticationEnabled: true,
        backupRetentionPeriod: 35,
        deletionProtection: true,
        skipFinalSnapshot: false,
        engineVersion: "16.6",
      });
      // Unique per incarnation: a fixed id collides with the snapshot the previous destroy left behind.
      expect(inputs.finalSnapshotIdentifier).toMatch(/^prod-data-aurora-[a-z0-9]+-final-[0-9a-f]{8}$/);
      expect(cluster.options.protect).toBe(true);
      const key = keyBehind(recorder, cluster, "kmsKeyId");
      expect(key && recorder.regionOf(key)).toBe(recorder.regionOf(cluster));
      expect(cluster.propertyDependencies.globalClusterIdentifier).toEqual([recorder.one(T.globalCluster).urn]);
    }
  });

  test("secondaries take no master credentials, ignore provider drift and wait for the primary's instances", () => {
    const [primary, ...secondaries] = recorder.ofType(T.cluster);
    expect(recorder.inputsOf(primary).masterUsername).toBe("dbadmin");
    expect(isSecret(primary.props.masterPassword)).toBe(true);
    const primaryInstances = recorder.ofType(T.instance).filter((i) => recorder.regionOf(i) === "us-east-1").map((i) => i.urn);
    for (const secondary of secondaries) {
      expect(secondary.props.masterUsername).toBeUndefined();
      expect(secondary.props.masterPassword).toBeUndefined();
      expect(secondary.props.databaseName).toBeUndefined();
      expect(secondary.options.ignoreChanges).toEqual(expect.arrayContaining(["globalClusterIdentifier", "replicationSourceIdentifier"]));
      expect(secondary.options.dependsOn).toEqual(expect.arrayContaining(primaryInstances));
    }
  });

  test("three instances per cluster in three different zones, Performance Insights encrypted", () => {
    for (const cluster of recorder.ofType(T.cluster)) {
      const instances = recorder.ofType(T.instance).filter((i) => i.propertyDependencies.clusterIdentifier?.includes(cluster.urn));
      expect(instances).toHaveLength(3);
      const zones = instances.map((i) => recorder.inputsOf(i).availabilityZone);
      expect(new Set(zones).size).toBe(3);
      for (const instance of instances) {
        expect(recorder.regionOf(instance)).toBe(recorder.regionOf(cluster));
        expect(recorder.inputsOf(instance)).toMatchObject({ performanceInsightsEnabled: true, publiclyAccessible: false, instanceClass: "db.r7g.large" });
        expect(recorder.regionOf(keyBehind(recorder, instance, "performanceInsightsKmsKeyId") as RecordedResource)).toBe(recorder.regionOf(cluster));
      }
    }
  });

  test("TLS is enforced by the cluster parameter group in every region", () => {
    const groups = recorder.ofType(T.clusterParams);
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      expect(recorder.inputsOf(group)).toMatchObject({ family: "aurora-postgresql16" });
      expect(recorder.inputsOf(group).parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: "rds.force_ssl", value: "1" }), expect.objectContaining({ name: "ssl_min_protocol_version", value: "TLSv1.2" })]),
      );
    }
  });

  test("ElastiCache global datastore with a member in every region, Multi-AZ, encrypted, AUTH on the primary", () => {
    const global = recorder.one(T.globalReplicationGroup);
    expect(recorder.regionOf(global)).toBe("us-east-1");
    const groups = recorder.ofType(T.replicationGroup);
    expect(groups.map((g) => recorder.regionOf(g))).toEqual([...REGIONS]);
    const [primary, ...secondaries] = groups;
    expect(global.propertyDependencies.primaryReplicationGroupId).toEqual([primary.urn]);
    expect(recorder.inputsOf(primary)).toMatchObject({
      engine: "redis",
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      nodeType: "cache.r7g.large",
    });
    expect(isSecret(primary.props.authToken)).toBe(true);
    for (const group of groups) {
      const inputs = recorder.inputsOf(group);
      expect(inputs).toMatchObject({ automaticFailoverEnabled: true, multiAzEnabled: true, numCacheClusters: 3, snapshotRetentionLimit: 7 });
      expect(new Set(inputs.preferredCacheClusterAzs).size).toBe(3);
      expect(recorder.regionOf(keyBehind(recorder, group, "kmsKeyId") as RecordedResource)).toBe(recorder.regionOf(group));
      expect(group.options.protect).toBe(true);
    }
    for (const secondary of secondaries) {
      expect(secondary.propertyDependencies.globalReplicationGroupId).toEqual([global.urn]);
      // Owned by the global datastore: setting them on a secondary is rejected by the provider.
      for (const owned of ["authToken", "transitEncryptionEnabled", "atRestEncryptionEnabled", "engine", "engineVersion", "nodeType"]) {
        expect(secondary.props[owned]).toBeUndefined();
      }
    }
  });

  test("stores sit in the private subnets behind security groups that admit only the cluster's nodes on their port", () => {
    for (const subnetType of ["aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup"]) {
      for (const group of recorder.ofType(subnetType)) {
        const code = regionCode(recorder.regionOf(group) as string);
        expect(recorder.inputsOf(group).subnetIds).toEqual([0, 1, 2].map((i) => `subnet-${code}-${i}`));
      }
    }
    // The rotation function's own group and the rule admitting it are asserted in MasterSecretRotation.test.ts.
    const rotationParts = new Set(recorder.descendantsOf(recorder.one(T.rotationComponent).urn).map((r) => r.urn));
    const groups = recorder.ofType(T.sg).filter((g) => !rotationParts.has(g.urn));
    expect(groups).toHaveLength(6);
    const rules = recorder.ofType(T.ingress).filter((r) => !rotationParts.has(r.urn));
    expect(rules).toHaveLength(6);
    for (const rule of rules) {
      const inputs = recorder.inputsOf(rule);
      expect(inputs.cidrIpv4).toBeUndefined();
      expect(inputs.referencedSecurityGroupId).toMatch(/^sg-nodes-/);
      expect([5432, 6379]).toContain(inputs.fromPort);
      expect(inputs.toPort).toBe(inputs.fromPort);
      expect(inputs.referencedSecurityGroupId).toBe(`sg-nodes-${regionCode(recorder.regionOf(rule) as string)}`);
    }
    for (const group of groups) expect(recorder.inputsOf(group).egress).toBeUndefined();
  });

  test("backup buckets: versioned, SSE-KMS with bucket keys, public access blocked, TLS-only, lifecycle", () => {
    const buckets = recorder.ofType(T.bucket);
    expect(buckets.map((b) => recorder.regionOf(b))).toEqual([...REGIONS]);
    for (const t of [T.versioning, T.sse, T.publicAccess, T.bucketPolicy, T.lifecycle]) expect(recorder.ofType(t)).toHaveLength(3);
    for (const sse of recorder.ofType(T.sse)) {
      expect(recorder.inputsOf(sse).rules[0]).toMatchObject({ bucketKeyEnabled: true, applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } });
      expect(recorder.regionOf(keyBehind(recorder, sse, "rules") as RecordedResource)).toBe(recorder.regionOf(sse));
    }
    for (const access of recorder.ofType(T.publicAccess)) {
      expect(recorder.inputsOf(access)).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    }
    if (!preview) {
      for (const policy of recorder.ofType(T.bucketPolicy)) {
        const doc = JSON.parse(recorder.inputsOf(policy).policy);
        expect(doc.Statement[0]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
      }
    }
  });

  test("replication from the primary bucket to both others with RTC 15 min, metrics and KMS re-encryption", () => {
    const replication = recorder.one(T.replication);
    expect(recorder.regionOf(replication)).toBe("us-east-1");
    const rules = recorder.inputsOf(replication).rules as any[];
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect(rule).toMatchObject({
        status: "Enabled",
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: { replicationTime: { status: "Enabled", time: { minutes: 15 } }, metrics: { status: "Enabled", eventThreshold: { minutes: 15 } } },
      });
    }
    expect(rules.map((r) => r.id)).toEqual(["to-usw2", "to-euw1"]);
    expect(replication.options.dependsOn).toEqual(expect.arrayContaining(recorder.ofType(T.versioning).map((v) => v.urn)));
  });

  test("AWS Backup: locked KMS vault per region, plan on the derived schedule copying to both secondaries, covering the primary cluster", () => {
    const vaults = recorder.ofType(T.vault);
    expect(vaults.map((v) => recorder.regionOf(v))).toEqual([...REGIONS]);
    for (const vault of vaults) expect(recorder.regionOf(keyBehind(recorder, vault, "kmsKeyArn") as RecordedResource)).toBe(recorder.regionOf(vault));
    const locks = recorder.ofType(T.vaultLock);
    expect(locks).toHaveLength(3);
    expect(recorder.inputsOf(locks[0])).toMatchObject({ minRetentionDays: 35, maxRetentionDays: 35, changeableForDays: 3 });
    const plan = recorder.one(T.plan);
    expect(recorder.regionOf(plan)).toBe("us-east-1");
    const [rule] = recorder.inputsOf(plan).rules;
    expect(rule.schedule).toBe("cron(0 5 ? * * *)");
    expect(rule.copyActions).toHaveLength(2);
    expect(rule.lifecycle.deleteAfter).toBe(35);
    const selection = recorder.one(T.selection);
    const primaryCluster = recorder.ofType(T.cluster)[0];
    expect(selection.propertyDependencies.resources).toEqual([primaryCluster.urn]);
    if (!preview) expect(recorder.inputsOf(selection).resources).toEqual([primaryCluster.outputs.arn]);
  });

  test("alarms on global lag, S3 replication, backup failures and headroom, each notifying the region's encrypted topic", () => {
    const alarms = recorder.ofType(T.alarm);
    const metrics = alarms.map((a) => {
      const inputs = recorder.inputsOf(a);
      return inputs.metricName ?? (inputs.metricQueries as any[]).map((q) => q.metric?.metricName ?? q.expression).join("|");
    });
    for (const expected of ["AuroraGlobalDBRPOLag", "AuroraGlobalDBReplicationLag", "GlobalDatastoreReplicationLag", "ReplicationLatency", "OperationsPendingReplication", "NumberOfBackupJobsFailed", "CPUUtilization", "FreeableMemory", "FreeLocalStorage", "EngineCPUUtilization", "DatabaseMemoryUsagePercentage"]) {
      expect(metrics.some((m) => m.includes(expected))).toBe(true);
    }
    const topics = recorder.ofType(T.topic);
    expect(topics.map((t) => recorder.regionOf(t))).toEqual([...REGIONS]);
    for (const topic of topics) expect(recorder.regionOf(keyBehind(recorder, topic, "kmsMasterKeyId") as RecordedResource)).toBe(recorder.regionOf(topic));
    for (const alarm of alarms) {
      const topic = topics.find((t) => recorder.regionOf(t) === recorder.regionOf(alarm)) as RecordedResource;
      expect(alarm.propertyDependencies.alarmActions).toEqual([topic.urn]);
      expect(alarm.propertyDependencies.okActions).toEqual([topic.urn]);
      expect(["breaching", "notBreaching", "missing"]).toContain(recorder.inputsOf(alarm).treatMissingData);
    }
    const rpoLag = alarms.filter((a) => recorder.inputsOf(a).metricName === "AuroraGlobalDBRPOLag");
    expect(rpoLag.map((a) => recorder.regionOf(a))).toEqual(["us-west-2", "eu-west-1"]);
    expect(recorder.inputsOf(rpoLag[0])).toMatchObject({ threshold: 30000, treatMissingData: "missing", dimensions: { SourceRegion: "us-east-1" } });
    expect(recorder.inputsOf(rpoLag[0]).insufficientDataActions).toHaveLength(1);
  });

  test("exposes achieved objectives, secret ARNs, bucket names and the global cluster id", async () => {
    const achieved = await value(tier.achievedObjectives);
    expect(achieved).toMatchObject({ topology: "GlobalReplication", rpoSeconds: 1, rtoSeconds: 300, met: true });
    expect(achieved.notes.length).toBeGreaterThan(3);
    if (!preview) {
      expect(await value(tier.masterSecretArn)).toMatch(/^arn:aws:secretsmanager:us-east-1:/);
      expect(await value(tier.redisAuthSecretArn)).toMatch(/^arn:aws:secretsmanager:us-east-1:/);
      expect(await value(tier.backupBucketNames)).toHaveLength(3);
      expect(await value(tier.globalClusterId)).toBeDefined();
      expect(Object.keys(await value(tier.alarmTopicArns))).toEqual([...REGIONS]);
      expect((await value(tier.auroraEndpoints)).map((e) => e.region)).toEqual([...REGIONS]);
    }
  });

  test("no password or AUTH token appears in plaintext in any recorded input, output or component output", () => {
    const generated = generatedSecrets(recorder);
    if (!preview) expect(generated).toHaveLength(2);
    const visible = visibleJson(recorder);
    for (const secret of generated) expect(visible).not.toContain(secret);
    const component = recorder.one("production-platform:data:DataTier");
    expect(containsSecret(component.outputs)).toBe(false);
    expect(JSON.stringify(redact(component.outputs))).not.toContain("[secret]");
    // In a preview the secret string waits on unknown endpoints, and unknowns travel without their secret flag.
    for (const version of recorder.ofType(T.secretVersion)) {
      expect(isSecret(version.props.secretString) || (preview && version.props.secretString === UNKNOWN)).toBe(true);
    }
    // Secrets are readable in the secondary regions after a failover.
    for (const secret of recorder.ofType(T.secret)) expect((recorder.inputsOf(secret).replicas as any[]).map((r) => r.region)).toEqual(["us-west-2", "eu-west-1"]);
  });

  test("every stateful resource is protected in prod", () => {
    for (const type of [T.globalCluster, T.cluster, T.instance, T.replicationGroup, T.globalReplicationGroup, T.bucket, T.vault, T.key, T.secret]) {
      for (const r of recorder.ofType(type)) expect({ urn: r.urn, protect: r.options.protect }).toEqual({ urn: r.urn, protect: true });
    }
  });
});
