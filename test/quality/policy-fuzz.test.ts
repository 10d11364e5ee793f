/**
 * Property-based robustness of every pack, through the analyzer protocol: random and mutated resources (wrong types,
 * nulls, empty specs, unknowns, secrets, deep nesting) never make a pack fail an RPC or a rule crash, and the same
 * input always gives the same findings.
 */
import * as fc from "fast-check";
import * as path from "path";
import { AnalyzerFinding, AnalyzerResource, PolicyPackClient, startPolicyPack } from "../../src/testing/analyzer";
import { discoverPacks } from "../../src/cli/policy-run";
import { isSecret, secret, UNKNOWN } from "../../src/testing/wire";

const ROOT = path.resolve(__dirname, "..", "..");
const PACKS = discoverPacks(path.join(ROOT, "policy"));
const RESOURCES_PER_PACK = 1500;
const COULD_NOT_EVALUATE = "rule could not evaluate";

const container = { name: "app", image: "ghcr.io/acme/app:1.0.0", securityContext: { runAsNonRoot: true, capabilities: { drop: ["ALL"] } }, ports: [{ containerPort: 8080 }] };
const podSpec = { containers: [container], initContainers: [container], volumes: [{ name: "tmp", emptyDir: {} }], securityContext: { seccompProfile: { type: "RuntimeDefault" } } };
const template = { metadata: { labels: { app: "a" }, annotations: {} }, spec: podSpec };

/** Realistic starting points per type; mutations then break them in every way a program could. */
const BASELINES: Record<string, Record<string, unknown>> = {
  "kubernetes:core/v1:Pod": { metadata: { name: "p", namespace: "ns" }, spec: podSpec },
  "kubernetes:apps/v1:Deployment": { metadata: { name: "d", namespace: "ns" }, spec: { replicas: 3, selector: { matchLabels: { app: "a" } }, template } },
  "kubernetes:apps/v1:StatefulSet": { metadata: { name: "s", namespace: "ns" }, spec: { replicas: 3, serviceName: "s", selector: { matchLabels: { app: "a" } }, template } },
  "kubernetes:apps/v1:DaemonSet": { metadata: { name: "ds", namespace: "ns" }, spec: { selector: { matchLabels: { app: "a" } }, template } },
  "kubernetes:batch/v1:CronJob": { metadata: { name: "c", namespace: "ns" }, spec: { schedule: "* * * * *", jobTemplate: { spec: { template } } } },
  "kubernetes:core/v1:Namespace": { metadata: { name: "ns", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": { metadata: { name: "r" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] },
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": { metadata: { name: "b" }, roleRef: { kind: "ClusterRole", name: "r", apiGroup: "rbac.authorization.k8s.io" }, subjects: [{ kind: "Group", name: "g" }] },
  "kubernetes:policy/v1:PodDisruptionBudget": { metadata: { name: "pdb", namespace: "ns" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "a" } } } },
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": { metadata: { name: "h", namespace: "ns" }, spec: { minReplicas: 3, maxReplicas: 10, scaleTargetRef: { kind: "Deployment", name: "d", apiVersion: "apps/v1" } } },
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": { metadata: { name: "n", namespace: "ns" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
  "aws:s3/bucket:Bucket": { bucket: "b", tags: { a: "b" } },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { bucket: "b", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
  "aws:rds/cluster:Cluster": { engine: "aurora-postgresql", storageEncrypted: true, kmsKeyId: "k", backupRetentionPeriod: 7, deletionProtection: true },
  "aws:eks/cluster:Cluster": { vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false }, enabledClusterLogTypes: ["api", "audit"], encryptionConfig: { resources: ["secrets"], provider: { keyArn: "k" } } },
  "aws:ec2/securityGroup:SecurityGroup": { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }] },
  "aws:iam/policy:Policy": { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) },
  "aws:elasticache/replicationGroup:ReplicationGroup": { atRestEncryptionEnabled: true, transitEncryptionEnabled: true, automaticFailoverEnabled: true },
  "aws:kms/key:Key": { enableKeyRotation: true },
  "aws:cloudtrail/trail:Trail": { isMultiRegionTrail: true, enableLogFileValidation: true },
  "kubernetes:helm.sh/v3:Release": { chart: "x", values: { a: 1 } },
  "production-platform:workload:HaService": {},
};
const TYPES = Object.keys(BASELINES);

/**
 * Every path into a value, so mutations can hit any depth. Secret wrappers are leaves: the engine never sends a
 * broken wire marker, so corrupting one would test the SDK's decoder, not the packs.
 */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (isSecret(value)) return out;
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setAt(root: unknown, at: (string | number)[], value: unknown): unknown {
  if (at.length === 0) return value;
  const [head, ...rest] = at;
  const copy: any = Array.isArray(root) ? [...root] : root && typeof root === "object" ? { ...root } : {};
  copy[head] = setAt(copy[head], rest, value);
  return copy;
}

const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(UNKNOWN),
  fc.constant({}),
  fc.constant([]),
  fc.constant(""),
  fc.integer({ min: -5, max: 100000 }),
  fc.boolean(),
  fc.string({ maxLength: 12 }),
  fc.constantFrom("ALL", "SYS_ADMIN", "0.0.0.0/0", "*", "Unconfined", "latest", "privileged", "kube-system", "default"),
  fc.constant(secret("s3cr3t")),
  fc.letrec<{ deep: unknown }>((tie) => ({ deep: fc.oneof({ depthSize: "small" }, fc.constant(UNKNOWN), fc.dictionary(fc.string({ maxLength: 4 }), tie("deep"), { maxKeys: 2 }), fc.array(tie("deep"), { maxLength: 2 })) })).deep,
  fc.jsonValue({ maxDepth: 3 }),
);

const resourceArb: fc.Arbitrary<AnalyzerResource> = fc
  .record({
    type: fc.constantFrom(...TYPES),
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
    mutations: fc.array(fc.tuple(fc.nat(), oddValue), { maxLength: 4 }),
    replaceWhole: fc.option(fc.oneof(fc.constant({}), fc.dictionary(fc.string({ maxLength: 6 }), oddValue, { maxKeys: 3 })), { freq: 8 }),
  })
  .map(({ type, name, mutations, replaceWhole }) => {
    let props: unknown = replaceWhole ?? BASELINES[type];
    const targets = paths(props).filter((p) => p.length > 0);
    for (const [index, value] of mutations) if (targets.length > 0) props = setAt(props, targets[index % targets.length], value);
    const record = props && typeof props === "object" && !Array.isArray(props) ? (props as Record<string, unknown>) : { value: props };
    return { type, name, urn: `urn:pulumi:fuzz::fuzz::${type}::${name}`, props: record };
  });

function key(findings: readonly AnalyzerFinding[]): string[] {
  return findings.map((f) => `${f.policyName}|${f.enforcementLevel}|${f.urn}|${f.message}`).sort();
}

describe.each(PACKS.map((dir) => [path.basename(dir), dir]))("pack %s under random input", (_name, dir) => {
  let pack: PolicyPackClient;
  const sample = fc.sample(resourceArb, { numRuns: RESOURCES_PER_PACK, seed: 20261125 });

  beforeAll(async () => {
    pack = await startPolicyPack(dir, { config: { all: "mandatory" } });
  });
  afterAll(async () => pack?.close());

  test(`Analyze never fails and no rule crashes on ${RESOURCES_PER_PACK} random resources, deterministically`, async () => {
    const first = await Promise.all(sample.map((r) => pack.analyze(r)));
    const second = await Promise.all(sample.map((r) => pack.analyze(r)));
    const crashes = first.flat().filter((f) => f.message.includes(COULD_NOT_EVALUATE));
    expect(crashes.map((c) => `${c.policyName}: ${c.message}`).slice(0, 5)).toEqual([]);
    for (let i = 0; i < sample.length; i++) expect(key(second[i])).toEqual(key(first[i]));
  });

  test("AnalyzeStack never fails on the random stack, deterministically", async () => {
    const first = await pack.analyzeStack(sample);
    const second = await pack.analyzeStack(sample);
    expect(first.filter((f) => f.message.includes(COULD_NOT_EVALUATE)).map((f) => f.message).slice(0, 5)).toEqual([]);
    expect(key(second)).toEqual(key(first));
  });

  test("an empty stack and empty resources are judged without error", async () => {
    await expect(pack.analyzeStack([])).resolves.toBeDefined();
    for (const type of TYPES) await expect(pack.analyze({ type, name: "empty", props: {} })).resolves.toBeDefined();
  });
});
