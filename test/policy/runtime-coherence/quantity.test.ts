/** Kubernetes quantities and LimitRange/pod defaulting as the quota rule computes them (pure, no pack process). */
import { quantityOf } from "../../../policy/runtime-coherence/rules/quantity";
import { limitRangeDefaults, podResources } from "../../../policy/runtime-coherence/rules/workloads";
import { awsScopeOf } from "../../../policy/runtime-coherence/rules/joins";

test.each([
  ["250m", 0.25], ["1", 1], ["1.5", 1.5], [".5", 0.5], ["512Mi", 512 * 2 ** 20], ["1Gi", 2 ** 30], ["1G", 1e9], ["129e6", 129e6], ["100k", 1e5], [2, 2],
])("quantity %p = %p", (text, value) => {
  expect(quantityOf(text)).toBeCloseTo(value as number, 9);
});

test.each([["lots"], ["1.2.3"], ["Mi"], [null], [{}]])("not a quantity: %p", (text) => {
  expect(quantityOf(text)).toBeUndefined();
});

test("LimitRange defaults: request falls back to the default limit; a container limit is its request", () => {
  const defaults = limitRangeDefaults([{ type: "kubernetes:core/v1:LimitRange", name: "l", urn: "u", props: { spec: { limits: [{ type: "Container", default: { cpu: "500m", memory: "512Mi" } }] } } }]);
  expect(defaults.request).toEqual({ cpu: 0.5, memory: 512 * 2 ** 20 });
  const pod = podResources({ containers: [{ name: "a" }, { name: "b", resources: { limits: { cpu: "2" } } }], initContainers: [{ name: "init", resources: { requests: { cpu: "4" }, limits: { cpu: "4" } } }] }, defaults);
  // app containers sum to 2.5 cpu; the init container's 4 is larger, so the pod's effective cpu is 4
  expect(pod).toEqual({ requests: { cpu: 4, memory: 2 * 512 * 2 ** 20 }, limits: { cpu: 4, memory: 2 * 512 * 2 ** 20 } });
});

test("a container with neither a value nor a default leaves the pod's value unset (the quota refuses it)", () => {
  const pod = podResources({ containers: [{ name: "a", resources: { requests: { cpu: "1" } } }] }, { request: {}, limit: {} });
  expect(pod).toEqual({ requests: { cpu: 1, memory: undefined }, limits: { cpu: undefined, memory: undefined } });
});

describe("account/region join from the AWS provider", () => {
  const subject = (props: Record<string, unknown> | undefined, name = "p") => ({
    type: "aws:guardduty/detector:Detector", name: "d", urn: "u", props: {},
    provider: props ? { type: "pulumi:providers:aws", name, urn: `urn:${name}`, props } : undefined,
  });

  test.each([
    [{ region: "us-east-1", allowedAccountIds: "[\"111111111111\"]" }, "111111111111|us-east-1"],
    [{ region: "eu-west-1", assumeRole: "{\"roleArn\":\"arn:aws:iam::222222222222:role/deploy\"}" }, "222222222222|eu-west-1"],
    [{ region: "eu-west-1", profile: "prod" }, "profile prod|eu-west-1"],
    [{ region: "eu-west-1" }, "the deploying credentials' account|eu-west-1"],
  ])("provider %j → %s", (props, key) => {
    expect(awsScopeOf(subject(props)).key).toBe(key);
    expect(awsScopeOf(subject(props)).note).toBeUndefined();
  });

  test("the default provider is joined but named: its region is the aws:region stack config", () => {
    expect(awsScopeOf(subject(undefined)).note).toContain("default AWS provider");
    expect(awsScopeOf(subject({ region: "us-east-1" }, "default_7_0_0")).note).toContain("default AWS provider");
  });
});
