/** The wiring's guarantees, checked on the CrossGuard policy objects it builds (no process needed). */
import type { ResourceRule, StackRule } from "../../../policy/common/finding";
import { COULD_NOT_EVALUATE, resourcePolicy, stackPolicy } from "../../../policy/common/wiring";
import { UNKNOWN } from "../../../policy/common/unknown";

const meta = { id: "test-rule", framework: "RESILIENCE", controlId: "T-1", title: "Test", severity: "low", remediation: "Fix it." } as const;

function validateArgs(props: Record<string, unknown>, config: Record<string, unknown> = {}) {
  // @pulumi/policy hands rules a proxy that throws on unknowns; the wiring must look through it.
  const proxied = new Proxy(props, {
    get: (o, k) => {
      if (k === "__isSpecialProxy") return true;
      if (k === "__getSpecialProxyTarget") return o;
      if ((o as any)[k] === UNKNOWN) throw new Error("UnknownValueError");
      return (o as any)[k];
    },
  });
  return { type: "test:index:Thing", name: "thing", urn: "urn:pulumi:s::p::test:index:Thing::thing", props: proxied, opts: {}, getConfig: () => config } as any;
}

function collect() {
  const reports: any[] = [];
  return { reports, report: (v: any) => reports.push(v) };
}

test("a rule that throws becomes one advisory 'rule could not evaluate' finding", () => {
  const rule: ResourceRule = { meta, types: () => true, check: () => { throw new TypeError("boom"); } };
  const { reports, report } = collect();
  (resourcePolicy(rule, { packDir: __dirname }).validateResource as any)(validateArgs({}), report);
  expect(reports).toEqual([
    { message: expect.stringMatching(new RegExp(`^${COULD_NOT_EVALUATE} test-rule on test:index:Thing thing failed \\(boom\\)`)), urn: "urn:pulumi:s::p::test:index:Thing::thing", enforcementLevel: "advisory" },
  ]);
});

test("a stack rule that throws is reported the same way", () => {
  const rule: StackRule = { meta, check: () => { throw new Error("bad join"); } };
  const { reports, report } = collect();
  (stackPolicy(rule, { packDir: __dirname }).validateStack as any)({ resources: [], getConfig: () => ({}) }, report);
  expect(reports).toEqual([{ message: expect.stringContaining("failed (bad join)"), urn: undefined, enforcementLevel: "advisory" }]);
});

test("rules see unknowns instead of being thrown at, and get the environment", () => {
  const seen: any[] = [];
  const rule: ResourceRule = { meta, types: () => true, check: (r, ctx) => (seen.push([r.props.value, ctx.environment]), []) };
  (resourcePolicy(rule, { packDir: __dirname }).validateResource as any)(validateArgs({ value: UNKNOWN }, { environment: "prod" }), collect().report);
  expect(seen).toEqual([[UNKNOWN, "prod"]]);
});

test("resources of other types are skipped without calling the rule", () => {
  const rule: ResourceRule = { meta, types: ["other:index:Type"], check: () => { throw new Error("must not run"); } };
  const { reports, report } = collect();
  (resourcePolicy(rule, { packDir: __dirname }).validateResource as any)(validateArgs({}), report);
  expect(reports).toEqual([]);
});

test("a rule of one type carries it as validateResourceOfType does (@pulumi/policy skips other types before deserialising); others do not", () => {
  const single: ResourceRule = { meta, types: ["aws:s3/bucket:Bucket"], check: () => [] };
  const two: ResourceRule = { meta, types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"], check: () => [] };
  const byFunction: ResourceRule = { meta, types: (t) => t.startsWith("aws:s3/"), check: () => [] };
  const tag = (rule: ResourceRule) => (resourcePolicy(rule, { packDir: __dirname }).validateResource as any).__pulumiType;
  expect([tag(single), tag(two), tag(byFunction)]).toEqual(["aws:s3/bucket:Bucket", undefined, undefined]);
});
