/**
 * CIS EKS 5.1.4 in prod over the analyzer protocol: images from the account's ECR repositories or pull-through cache
 * of the workload's region, or a configured mirror, pinned by digest; unknown images are left undecided; dev passes.
 */
import type { AnalyzerResource, PolicyPackClient } from "../../../src/testing/analyzer";
import { startPolicyPack } from "../../../src/testing/analyzer";
import { analyzeAll, clone, configForAll, packDir, res } from "../common/packs";

const MINE = ["cis-eks-5.1.4-approved-registries", "cis-eks-5.1.4-images-digest-pinned"];
const DIGEST = `sha256:${"b".repeat(64)}`;
const HOST = "111122223333.dkr.ecr.us-west-2.amazonaws.com";
const provider = (region: string) => ({ provider: { type: "pulumi:providers:aws", name: `aws-${region}`, urn: `urn:pulumi:test::platform::pulumi:providers:aws::aws-${region}`, props: { region } } });

function baseline(): AnalyzerResource[] {
  return [
    res("aws:ecr/repository:Repository", "checkout", { name: "payments/checkout", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } }, provider("us-west-2")),
    res("aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "quay", { ecrRepositoryPrefix: "quay", upstreamRegistryUrl: "quay.io" }, provider("us-west-2")),
    res("kubernetes:apps/v1:Deployment", "checkout", {
      metadata: { name: "checkout", namespace: "payments" },
      spec: { template: { spec: { containers: [{ name: "app", image: `${HOST}/payments/checkout@${DIGEST}` }], initContainers: [{ name: "init", image: `${HOST}/quay/prometheus/busybox@${DIGEST}` }] } } },
    }),
  ];
}
const container = (rs: AnalyzerResource[]) => ((rs[2].props.spec as any).template.spec.containers[0]) as Record<string, unknown>;
const mine = async (client: PolicyPackClient, rs: AnalyzerResource[]) => (await analyzeAll(client, rs)).filter((f) => MINE.includes(f.policyName));

let client: PolicyPackClient;
beforeAll(async () => {
  client = await startPolicyPack(packDir("kubernetes-cis"));
  await client.configure(await configForAll(client, "mandatory", { environment: "prod", approvedRegistries: ["mirror.example.com/platform"] }));
});
afterAll(async () => client?.close());

test("the compliant prod workload draws no finding", async () => {
  expect(await mine(client, baseline())).toEqual([]);
});

test.each<[string, (rs: AnalyzerResource[]) => void, string[]]>([
  ["public registry by tag", (rs) => (container(rs).image = "ghcr.io/acme/checkout:1.4.2"), MINE],
  ["public registry by digest", (rs) => (container(rs).image = `ghcr.io/acme/checkout@${DIGEST}`), ["cis-eks-5.1.4-approved-registries"]],
  ["ECR by tag", (rs) => (container(rs).image = `${HOST}/payments/checkout:1.4.2`), ["cis-eks-5.1.4-images-digest-pinned"]],
  ["Docker Hub short name", (rs) => (container(rs).image = "nginx"), MINE],
  ["ECR repository the program does not declare", (rs) => (container(rs).image = `${HOST}/payments/other@${DIGEST}`), ["cis-eks-5.1.4-approved-registries"]],
  ["declared repository, other region's registry", (rs) => (container(rs).image = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/checkout@${DIGEST}`), ["cis-eks-5.1.4-approved-registries"]],
  ["pull-through prefix of another upstream", (rs) => (container(rs).image = `${HOST}/ghcr/acme/x@${DIGEST}`), ["cis-eks-5.1.4-approved-registries"]],
])("%s → exactly the expected policies fire", async (_label, mutate, expected) => {
  const rs = clone(baseline());
  mutate(rs);
  const findings = await mine(client, rs);
  expect([...new Set(findings.map((f) => f.policyName))].sort()).toEqual([...expected].sort());
  for (const f of findings) expect(f.message).toMatch(/; .+\.$/);
});

test("a configured mirror is approved; an unknown image is \"cannot tell yet\" (advisory), never a silent pass", async () => {
  const rs = clone(baseline());
  container(rs).image = `mirror.example.com/platform/checkout@${DIGEST}`;
  expect(await mine(client, rs)).toEqual([]);
  container(rs).image = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const findings = await mine(client, rs);
  expect(findings.map((f) => [f.policyName, f.enforcementLevel]).sort()).toEqual(MINE.map((p) => [p, "advisory"]));
  for (const f of findings) expect(f.message).toMatch(/^cannot tell yet: Deployment payments\/checkout container app image is unknown/);
});

test("a workload the engine gave no properties (provider config unknown at first preview) is \"cannot tell yet\"", async () => {
  const rs = clone(baseline());
  rs[2] = { ...rs[2], props: {} };
  const findings = await mine(client, rs);
  expect(findings.map((f) => [f.policyName, f.enforcementLevel]).sort()).toEqual(MINE.map((p) => [p, "advisory"]));
  for (const f of findings) expect(f.message).toMatch(/^cannot tell yet: .*spec \(its containers' images\) is unknown/);
});

test("outside prod the rules pass deliberately", async () => {
  const dev = await startPolicyPack(packDir("kubernetes-cis"));
  try {
    const rs = clone(baseline());
    container(rs).image = "ghcr.io/acme/checkout:1.4.2";
    expect(await mine(dev, rs)).toEqual([]);
  } finally {
    await dev.close();
  }
});
