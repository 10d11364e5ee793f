import { Control, controlsOf, inventoryProblems, manualControl, scoreCompliance } from "../../../policy/common/score";
import { INVENTORY as CIS } from "../../../policy/kubernetes-cis/inventory";
import { INVENTORY as AWS } from "../../../policy/aws-baseline/inventory";
import { INVENTORY as WR } from "../../../policy/workload-resilience/inventory";

const inventory: Control[] = [
  { framework: "CIS-EKS-1.8", controlId: "4.1.1", title: "cluster-admin", policies: ["a"], decidable: true },
  { framework: "CIS-EKS-1.8", controlId: "4.1.10", title: "ten", policies: ["b", "b2"], decidable: true },
  { framework: "CIS-EKS-1.8", controlId: "4.1.2", title: "secrets", policies: ["c"], decidable: true },
  manualControl("CIS-EKS-1.8", "4.5.1", "namespaces as boundaries"),
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
  expect(cis.notDecidable).toEqual([{ controlId: "4.5.1", title: "namespaces as boundaries", note: "Manual in the benchmark: not decidable from code" }]);
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

test("no findings and no program types given → every decidable control counts, 100 % everywhere", () => {
  for (const s of Object.values(scoreCompliance([...CIS, ...AWS, ...WR], []))) {
    expect(s.percent).toBe(100);
    expect(s.passed).toBe(s.applicable);
  }
});

test("a framework with nothing applicable in the program says not applicable, never 100 %", () => {
  // A Kubernetes-only program: no AWS resource at all.
  const types = ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service", "kubernetes:policy/v1:PodDisruptionBudget"];
  const score = scoreCompliance([...CIS, ...AWS, ...WR], [], types);
  for (const fw of ["CIS-AWS-3.0", "AWS-FSBP", "PLATFORM-AWS"]) {
    expect(score[fw]).toMatchObject({ status: "not-applicable", percent: null, applicable: 0, passed: 0 });
    expect(score[fw].notApplicable.length).toBeGreaterThan(0);
  }
  // The Kubernetes frameworks still score, only on controls that judge these kinds.
  expect(score.RESILIENCE.status).toBe("scored");
  expect(score.RESILIENCE.notApplicable.map((c) => c.controlId)).toContain("WR-10"); // no HPA in the program
  expect(score["CIS-EKS-1.8"].notApplicable.map((c) => c.controlId)).toEqual(expect.arrayContaining(["2.1.1", "5.4.2"])); // no EKS cluster
});

test("a 'cannot tell yet' leaves its control undecided: not passed, not failed, and the percentage below 100", () => {
  const score = scoreCompliance(inventory, [{ policyName: "r", message: "cannot tell yet: Deployment web spec.replicas is unknown until …; r is decided …", enforcementLevel: "advisory" }]);
  expect(score.RESILIENCE).toMatchObject({ passed: 0, applicable: 1, percent: 0, failing: [], status: "scored" });
  expect(score.RESILIENCE.undecided.map((c) => c.controlId)).toEqual(["WR-1"]);
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
  expect(cis.notDecidable.map((c) => c.controlId)).toEqual(expect.arrayContaining(["3.1.1", "3.2.9", "4.3.1", "4.4.2", "4.5.1", "5.1.2"]));
  expect(cis.notDecidable.map((c) => c.controlId)).not.toContain("3.3.1");
  expect(cis.applicable).toBe(30); // 5.1.4 is decided since the approved-registries rules
});
