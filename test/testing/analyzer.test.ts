import * as path from "path";
import { PolicyPackClient, startPolicyPack } from "../../src/testing/analyzer";
import { secret, UNKNOWN } from "../../src/testing/wire";

const packDir = path.join(__dirname, "..", "fixtures", "noop-pack");
let pack: PolicyPackClient;

beforeAll(async () => {
  pack = await startPolicyPack(packDir, { stack: { stack: "dev", project: "p" } });
});
afterAll(async () => pack?.close());

test("GetAnalyzerInfo lists the pack's policies", async () => {
  const info = await pack.info();
  expect(info.name).toBe("noop-pack");
  expect(info.policies.map((p) => p.name).sort()).toEqual(["marked-resource", "stack-count"]);
});

test("Analyze round-trips findings with urn and enforcement, tolerating secrets and unknowns", async () => {
  const urn = "urn:pulumi:dev::p::test:index:Thing::a";
  const findings = await pack.analyze({ type: "test:index:Thing", name: "a", urn, props: { flag: true, password: secret("x"), later: UNKNOWN } });
  expect(findings).toEqual([
    expect.objectContaining({ policyName: "marked-resource", message: expect.stringContaining("flagged: a"), urn, enforcementLevel: "advisory" }),
  ]);
  expect(await pack.analyze({ type: "test:index:Thing", name: "b", props: {} })).toEqual([]);
});

test("Configure applies CLI-format config: 'all' level, per-policy properties, schema defaults", async () => {
  await pack.configure({ all: "mandatory", "stack-count": { max: 1 } });
  const stack = await pack.analyzeStack([
    { type: "test:index:Thing", name: "a", props: {} },
    { type: "test:index:Thing", name: "b", props: {} },
  ]);
  expect(stack).toEqual([expect.objectContaining({ policyName: "stack-count", enforcementLevel: "mandatory", message: expect.stringContaining("more than 1") })]);
  const one = await pack.analyze({ type: "test:index:Thing", name: "c", props: { flag: true } });
  expect(one[0]).toMatchObject({ enforcementLevel: "mandatory", message: expect.stringContaining("flagged: c") });
});

test("Configure rejects a config that names a policy the pack does not have", async () => {
  await expect(pack.configure({ "no-such-policy": "mandatory" })).rejects.toThrow(/unknown policy "no-such-policy"/);
});
