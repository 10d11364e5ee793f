/**
 * Pack config reconciled and validated as the engine does (sdk/go/common/resource/analyzer/config.go), stricter
 * where the engine is lenient: schema defaults → initialConfig → `all` → per policy, then JSON-schema validation.
 */
import { AnalyzerInfo } from "../../src/testing/analyzer";
import { packConfigProblems, PackConfigError, reconcilePackConfig } from "../../src/testing/pack-config";

const info: AnalyzerInfo = {
  name: "demo",
  version: "1.0.0",
  policies: [
    {
      name: "a",
      displayName: "a",
      description: "",
      enforcementLevel: "mandatory",
      severity: "low",
      tags: [],
      remediationSteps: "",
      configSchema: { properties: { level: { type: "string", enum: ["x", "y"], default: "x" }, max: { type: "integer", minimum: 1, default: 3 } }, required: [] },
    },
    { name: "b", displayName: "b", description: "", enforcementLevel: "advisory", severity: "low", tags: [], remediationSteps: "", configSchema: { properties: {}, required: ["must"] } },
  ],
};

test("defaults, then initialConfig, then the file's all, then per policy", () => {
  const result = reconcilePackConfig(info, { a: { max: 5 }, b: { must: 1 } }, { all: "disabled", a: { enforcementLevel: "advisory", level: "y" } });
  expect(result.get("a")).toEqual({ enforcementLevel: "advisory", properties: { level: "y", max: 5 } });
  expect(result.get("b")).toEqual({ enforcementLevel: "disabled", properties: { must: 1 } });
});

test("every problem at once: unknown policy, schema violations, required property, each naming pack, policy and key", () => {
  let error: PackConfigError | undefined;
  try {
    reconcilePackConfig(info, {}, { c: "mandatory", a: { level: "z", max: 0 } }, "config prod.json");
  } catch (err) {
    error = err as PackConfigError;
  }
  expect(error).toBeInstanceOf(PackConfigError);
  expect(error!.problems).toEqual([
    'pack demo, config prod.json: unknown policy "c"; the pack\'s policies are a, b',
    'pack demo, policy a, key level: should be equal to one of the allowed values ("x", "y")',
    "pack demo, policy a, key max: should be >= 1",
    "pack demo, policy b, key must: should have required property 'must'",
  ]);
});

test.each([
  [{ all: "strict" }, /key "all": "strict" is not an enforcement level/],
  [{ a: 3 }, /key "a": 3 is not valid/],
  [{ a: { enforcementLevel: 1 } }, /key "a.enforcementLevel": 1 is not an enforcement level/],
  [[], /must be a JSON object/],
])("file shape %j is rejected like the engine's parsePolicyPackConfig", (doc, message) => {
  expect(packConfigProblems(doc).join("\n")).toMatch(message);
});
