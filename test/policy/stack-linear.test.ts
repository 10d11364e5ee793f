/**
 * Issue 22 "every rule linear": each rule of every pack reads each resource of the stack a bounded number of times,
 * however big the stack is. Not timed (timing lives in `npm run bench`): every resource is wrapped in a proxy that
 * counts reads of its fields (a rule that looks at a resource reads at least its `type` or `props`), and the reads
 * per resource on a stack four times bigger must stay within 1.5× (+2) of the smaller stack's. A rule that scans
 * the stack once per bucket, workload or HPA (quadratic) reads ≈ 4× more per resource there and fails, naming itself.
 *
 * Two stacks of repeated units: the bench's synthetic program (bench/synthetic: buckets with their settings,
 * `role: role` attachments, namespaces with a Deployment, Service, PDB and HPA, two regions and two clusters) run
 * under the mock runtime, and hand-built units of the AWS joins it lacks (VPC ↔ flow log, subnet ↔ instance and
 * node group, EKS cluster ↔ add-on, Aurora cluster ↔ instances, API stage ↔ method settings, bucket ↔ replication).
 */
import { installMockRuntime, settle } from "../../src/testing/mocks";
import { toAnalyzerResource } from "../../src/cli/engine-view";
import { contextFor, Rule, runRule, Subject } from "../../policy/common/finding";
import { PACK_RULES as PACKS } from "../../bench/pack-rules";
const UNITS = 48;

/** Reads of resource fields per resource while one rule judges the whole stack. */
function readsPerResource(rule: Rule, subjects: readonly Subject[]): number {
  let reads = 0;
  const counted = subjects.map((s) => new Proxy(s, { get: (target, key, receiver) => (reads++, Reflect.get(target, key, receiver)) }));
  runRule(rule, counted, contextFor("prod"));
  return reads / subjects.length;
}

/** Rules whose reads per resource grow with the stack: `[pack/rule, small, big]`. */
function superlinear(small: readonly Subject[], big: readonly Subject[]): [string, number, number][] {
  const out: [string, number, number][] = [];
  for (const [pack, rules] of Object.entries(PACKS)) {
    for (const rule of rules) {
      const a = readsPerResource(rule, small);
      const b = readsPerResource(rule, big);
      if (b > 1.5 * a + 2) out.push([`${pack}/${rule.meta.id}`, Math.round(a), Math.round(b)]);
    }
  }
  return out;
}

const unitOf = (s: Subject): number => Number(/u(\d+)/.exec(s.name)?.[1] ?? -1);

/** The synthetic program's resources (run once per test file: the module registers its resources when first loaded). */
let synthetic: Promise<Subject[]> | undefined;
const syntheticProgram = (): Promise<Subject[]> => (synthetic ??= runSyntheticProgram());

async function runSyntheticProgram(): Promise<Subject[]> {
  const recorder = installMockRuntime({ preview: false, project: "synthetic", stack: "linear", config: { "synthetic:resources": String(UNITS * 14) } });
  require("../../bench/synthetic/index");
  await settle();
  return recorder.resources
    .filter((r) => r.custom)
    .map((r) => toAnalyzerResource(r, recorder, true, { stack: "linear", project: "synthetic" }))
    .map((r) => ({ ...r, urn: r.urn ?? r.name }));
}

const provider = (region: string): Subject => ({ type: "pulumi:providers:aws", name: region, urn: `urn:pulumi:linear::joins::pulumi:providers:aws::${region}`, props: { region } });
const PROVIDERS = [provider("us-east-1"), provider("eu-west-1")];

/** One unit of the AWS joins, joined by property dependencies (as at preview) and by known ids (as after deploy). */
function awsJoinUnit(i: number): Subject[] {
  const at = (type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}): Subject => ({
    type, name: `u${i}-${name}`, urn: `urn:pulumi:linear::joins::${type}::u${i}-${name}`, props, propertyDependencies: deps, provider: PROVIDERS[i % 2],
  });
  const vpc = at("aws:ec2/vpc:Vpc", "vpc", { id: `vpc-${i}`, cidrBlock: "10.0.0.0/16" });
  const subnet = at("aws:ec2/subnet:Subnet", "subnet", { id: `subnet-${i}`, vpcId: `vpc-${i}`, mapPublicIpOnLaunch: i % 3 === 0 }, { vpcId: [vpc.urn] });
  const eks = at("aws:eks/cluster:Cluster", "eks", { name: `eks-${i}`, vpcConfig: { subnetIds: [`subnet-${i}`] } });
  const cluster = at("aws:rds/cluster:Cluster", "db", { clusterIdentifier: `db-${i}`, id: `db-${i}`, engine: "aurora-postgresql", storageEncrypted: true });
  const api = at("aws:apigateway/restApi:RestApi", "api", { id: `api-${i}` });
  const stage = at("aws:apigateway/stage:Stage", "stage", { stageName: "prod", restApi: `api-${i}` }, { restApi: [api.urn] });
  const bucket = at("aws:s3/bucket:Bucket", "backup", { id: `backup-${i}`, bucket: `backup-${i}`, arn: `arn:aws:s3:::backup-${i}`, tags: { backup: "true" } });
  return [
    vpc,
    subnet,
    at("aws:ec2/flowLog:FlowLog", "flow", { vpcId: `vpc-${i}`, trafficType: i % 4 === 0 ? "ACCEPT" : "ALL" }, { vpcId: [vpc.urn] }),
    at("aws:ec2/instance:Instance", "vm", { subnetId: `subnet-${i}`, instanceType: "m7i.large" }, { subnetId: [subnet.urn] }),
    eks,
    at("aws:eks/nodeGroup:NodeGroup", "nodes", { clusterName: `eks-${i}`, subnetIds: [`subnet-${i}`] }, { clusterName: [eks.urn], subnetIds: [subnet.urn] }),
    at("aws:eks/addon:Addon", "cni", { clusterName: `eks-${i}`, addonName: "vpc-cni" }, { clusterName: [eks.urn] }),
    cluster,
    ...[0, 1].map((n) => at("aws:rds/clusterInstance:ClusterInstance", `db-${n}`, { clusterIdentifier: `db-${i}` }, { clusterIdentifier: [cluster.urn] })),
    api,
    stage,
    at("aws:apigateway/methodSettings:MethodSettings", "logs", { stageName: "prod", restApi: `api-${i}`, settings: { loggingLevel: "ERROR" } }, { restApi: [api.urn] }),
    bucket,
    at("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "backup", { bucket: `backup-${i}`, rules: [{ status: "Enabled", destination: { bucket: `arn:aws:s3:::replica-${i}` } }] }, { bucket: [bucket.urn] }),
  ];
}

test("the synthetic program: no rule reads a resource more often per resource as the stack grows", async () => {
  const big = await syntheticProgram();
  const small = big.filter((s) => unitOf(s) < UNITS / 4 || unitOf(s) < 0);
  expect(big.length).toBeGreaterThan(3.5 * small.length);
  expect(superlinear(small, big)).toEqual([]);
});

test("the AWS joins: no rule reads a resource more often per resource as the stack grows", () => {
  const big = [...PROVIDERS, ...Array.from({ length: UNITS }, (_, i) => awsJoinUnit(i)).flat()];
  const small = big.filter((s) => unitOf(s) < UNITS / 4);
  expect(superlinear(small, big)).toEqual([]);
});

/** Freezes `value` and everything reachable from it. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** Rules that throw on frozen resources (a write to what they judge), with the error. */
function writers(subjects: readonly Subject[]): string[] {
  const frozen = deepFreeze(subjects.map((s) => structuredClone(s)));
  const out: string[] = [];
  for (const [pack, rules] of Object.entries(PACKS)) {
    for (const rule of rules) {
      try {
        runRule(rule, frozen, contextFor("prod"));
      } catch (err) {
        out.push(`${pack}/${rule.meta.id}: ${(err as Error).message}`);
      }
    }
  }
  return out;
}

// The packs share one deserialised copy of a request's properties between their policies
// (policy/common/deserialise-once.ts): a rule that wrote to what it judges would change what the next policy sees.
test("no rule writes to the resources it judges", async () => {
  const program = await syntheticProgram();
  expect(program.length).toBeGreaterThan(UNITS * 10);
  expect(writers(program)).toEqual([]);
  expect(writers([...PROVIDERS, ...Array.from({ length: 4 }, (_, i) => awsJoinUnit(i)).flat()])).toEqual([]);
});
