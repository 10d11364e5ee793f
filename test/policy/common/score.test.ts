import { Control, controlsOf, inventoryProblems, manualControl, scoreCompliance } from "../../../policy/common/score";
import { INVENTORY as CIS } from "../../../policy/kubernetes-cis/inventory";
import { INVENTORY as AWS } from "../../../policy/aws-baseline/inventory";
import { INVENTORY as WR } from "../../../policy/workload-resilience/inventory";

const inventory: Control[] = [
  { framework: "CIS-EKS-1.8", controlId: "4.1.1", title: "cluster-admin", policies: ["a"], decidable: true },
  { framework: "CIS-EKS-1.8", controlId: "4.1.10", title: "ten", policies: ["b", "b2"], decidable: true },
  { framework: "CIS-EKS-1.8", controlId: "4.1.2", title: "secrets", policies: ["c"], decidable: true },
  manualControl("CIS-EKS-1.8", "4.1.7", "system:masters"),
  { framework: "RESILIENCE", controlId: "WR-1", title: "replicas", policies: ["r"], decidable: true },
];

test("passed / applicable per framework, failing and exempted controls listed, manual ones not decidable", () => {
  const score = scoreCompliance(inventory, [
    { policyName: "a", message: "X binds cluster-admin; bind less.", enforcementLevel: "mandatory", urn: "u1" },
    { policyName: "a", message: "Y binds cluster-admin; bind less.", enforcementLevel: "mandatory", urn: "u2" },
    { policyName: "b2", message: "[exempted: needed for agent, owner team-x, expires 2030-01-01] Z is wrong; fix.", enforcementLevel: "advisory", urn: "u3" },
    { policyName: "unmapped", message: "ignored", enforcementLevel: "mandatory" },
  ]);
  expect(Object.keys(score)).toEqual(["CIS-EKS-1.8", "RESILIENCE"]);
  const cis = score["CIS-EKS-1.8"];
  expect([cis.passed, cis.applicable, cis.percent, cis.mandatoryViolations]).toEqual([2, 3, 66.67, 2]);
  expect(cis.failing.map((f) => [f.controlId, f.violations.length, f.mandatory])).toEqual([["4.1.1", 2, 2]]);
  expect(cis.exempted).toEqual([{ controlId: "4.1.10", title: "ten", exemptions: [{ urn: "u3", policyName: "b2", reason: "needed for agent", owner: "team-x", expires: "2030-01-01" }] }]);
  expect(cis.notDecidable).toEqual([{ controlId: "4.1.7", title: "system:masters", note: "Manual in the benchmark: not decidable from code" }]);
  expect(score.RESILIENCE).toMatchObject({ passed: 1, applicable: 1, percent: 100, failing: [] });
});

test("advisory findings still fail their control; evaluation errors too (nothing was proven)", () => {
  const score = scoreCompliance(inventory, [
    { policyName: "c", message: "S reads secrets; narrow it.", enforcementLevel: "advisory" },
    { policyName: "r", message: "rule could not evaluate: r on T x failed (boom); check.", enforcementLevel: "advisory" },
  ]);
  expect(score["CIS-EKS-1.8"].failing.map((f) => f.controlId)).toEqual(["4.1.2"]);
  expect(score.RESILIENCE).toMatchObject({ passed: 0, applicable: 1, percent: 0, mandatoryViolations: 0 });
});

test("no findings → 100 % everywhere", () => {
  for (const s of Object.values(scoreCompliance([...CIS, ...AWS, ...WR], []))) {
    expect(s.percent).toBe(100);
    expect(s.passed).toBe(s.applicable);
  }
});

test("inventoryProblems catches unmapped policies, unknown policies, duplicates and decidable controls without policy", () => {
  const problems = inventoryProblems(
    [...controlsOf([{ meta: { id: "p", framework: "PSS", controlId: "1", title: "t", severity: "low" } }]), { framework: "PSS", controlId: "1", title: "t", policies: [], decidable: true }],
    ["p", "q"],
  );
  expect(problems).toEqual([
    "policy q is not mapped to any control",
    "control PSS 1 is decidable but no policy decides it",
    "control PSS 1 is listed twice",
  ]);
});

test("pack inventories list the benchmark's manual controls as not decidable", () => {
  const cis = scoreCompliance(CIS, [])["CIS-EKS-1.8"];
  expect(cis.notDecidable.map((c) => c.controlId)).toEqual(expect.arrayContaining(["4.1.7", "4.3.1", "4.4.2", "5.1.2"]));
  expect(cis.applicable).toBe(23);
});
