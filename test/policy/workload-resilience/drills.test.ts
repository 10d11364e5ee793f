/** WR-18 over the analyzer protocol: FIS templates stop on CloudWatch alarms of their own region. */
import type { AnalyzerResource, PolicyPackClient } from "../../../src/testing/analyzer";
import { startPolicyPack } from "../../../src/testing/analyzer";
import { analyzeAll, clone, packDir, res, urn } from "../common/packs";

const POLICY = "wr-fis-stop-conditions";
const TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const provider = (region: string) => ({ type: "pulumi:providers:aws", name: `aws-${region}`, urn: `urn:pulumi:test::platform::pulumi:providers:aws::aws-${region}`, props: { region } });

function baseline(): AnalyzerResource[] {
  return [
    res(ALARM, "availability", { threshold: 0.0144 }, { provider: provider("us-east-1") }),
    res(TEMPLATE, "zone-loss", { stopConditions: [{ source: "aws:cloudwatch:alarm", value: UNKNOWN }] }, { provider: provider("us-east-1"), propertyDependencies: { stopConditions: [urn(ALARM, "availability")] } }),
  ];
}
const template = (rs: AnalyzerResource[]) => rs[1];

let client: PolicyPackClient;
beforeAll(async () => {
  client = await startPolicyPack(packDir("workload-resilience"));
});
afterAll(async () => client?.close());

const mine = async (rs: AnalyzerResource[]) => (await analyzeAll(client, rs)).filter((f) => f.policyName === POLICY);

test("a template stopping on an alarm of its region passes", async () => {
  expect(await mine(baseline())).toEqual([]);
});

test.each<[string, (rs: AnalyzerResource[]) => void]>([
  ["no stop condition", (rs) => (template(rs).props.stopConditions = [])],
  ["stop conditions missing", (rs) => delete template(rs).props.stopConditions],
  ["source none", (rs) => (template(rs).props.stopConditions = [{ source: "none" }])],
  ["alarm without ARN", (rs) => (template(rs).props.stopConditions = [{ source: "aws:cloudwatch:alarm" }])],
  ["declared alarm in another region", (rs) => (rs[0] = { ...rs[0], provider: provider("us-west-2") })],
  ["literal ARN of another region", (rs) => {
    rs[1] = { ...template(rs), props: { stopConditions: [{ source: "aws:cloudwatch:alarm", value: "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:x" }] }, propertyDependencies: {} };
  }],
])("%s → the policy fires with a fix", async (_label, mutate) => {
  const rs = clone(baseline());
  mutate(rs);
  const findings = await mine(rs);
  expect(findings).toHaveLength(1);
  expect(findings[0].message).toMatch(/^FIS experiment template zone-loss .+; .+\.$/);
});

test("unknown stop conditions are not judged yet", async () => {
  const rs = clone(baseline());
  template(rs).props.stopConditions = UNKNOWN;
  expect(await mine(rs)).toEqual([]);
});
