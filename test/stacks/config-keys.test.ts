/** Unknown stack config keys are rejected with the closest known key, together with every other problem. */
import { closestKey, unknownKeyProblems } from "../../stacks/config-keys";
import { CONFIG_KEYS, loadPlatformConfig } from "../../stacks/config";
import { setupOfflineRuntime } from "../../src/testing";

const KNOWN = [...CONFIG_KEYS, "pagerDutyRoutingKey"];

test.each([
  ["natGateway", "natGateways"],
  ["region", "regions"],
  ["availabilityZone", "availabilityZones"],
  ["kubernetesversion", "kubernetesVersion"],
  ["databaseRotationDay", "databaseRotationDays"],
  ["colour", undefined],
])("closestKey(%j) is %j", (key, expected) => {
  expect(closestKey(key, KNOWN)).toBe(expected);
});

test("only keys of the stack's namespace count, path entries by their top-level key", () => {
  const problems = unknownKeyProblems(
    { "production-platform:natGateway": "Single", "production-platform:services[0].name": "x", "aws:region": "us-east-1", "production-platform:regions": "[]" },
    "production-platform",
    KNOWN,
  );
  expect(problems.map((p) => [p.property, p.fix.split("?")[0]])).toEqual([["production-platform:natGateway", "did you mean production-platform:natGateways"]]);
});

test("loadPlatformConfig rejects a mistyped key before anything is registered, listing it with the other problems", () => {
  const runtime = setupOfflineRuntime({ preview: true, project: "production-platform", stack: "prod", config: { environment: "prod", natGateway: "Single" } });
  let message = "";
  try {
    loadPlatformConfig();
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toContain("production-platform:natGateway: got \"Single\"");
  expect(message).toContain("did you mean production-platform:natGateways?");
  expect(message).toContain("production-platform:regions");
  expect(runtime.recorder.resources).toEqual([]);
});
