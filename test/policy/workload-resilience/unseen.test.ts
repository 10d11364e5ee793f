/**
 * Under the real engine, at a first preview, Kubernetes objects whose provider config is unknown reach AnalyzeStack
 * with no properties at all. The replica rules must say "cannot tell yet" for them, not "1 replica": `npm run
 * parity` found prod's first preview blocked by six false mandatory wr-replicas-minimum findings.
 */
import { contextFor, runRule, type Finding, type Subject } from "../../../policy/common/finding";
import { pdbPresent, replicasMinimum } from "../../../policy/workload-resilience/rules/scaling";

const urn = (type: string, name: string) => `urn:pulumi:prod::p::${type}::${name}`;
const deployment = (props: Record<string, unknown>): Subject => ({ type: "kubernetes:apps/v1:Deployment", name: "api", urn: urn("kubernetes:apps/v1:Deployment", "api"), props });
const hpa = (props: Record<string, unknown>, target: string): Subject => ({
  type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  name: "api-hpa",
  urn: urn("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa"),
  props,
  propertyDependencies: { spec: [target] },
});

/**
 * What an unseen object may get: no violation (the false mandatory findings parity found), and no silent pass either
 * (the house rule: a value that is unknown is never a pass). Each finding must be an advisory "cannot tell yet"
 * (`undecided: true`) for this rule, naming the field it is waiting for; there must be at least one.
 */
function expectOnlyCannotTellYet(findings: Finding[], policy: string, field: string): void {
  expect(findings.filter((f) => f.undecided !== true)).toEqual([]);
  expect(findings.length).toBeGreaterThan(0);
  for (const f of findings) {
    expect(f).toMatchObject({ undecided: true, message: expect.stringMatching(/^cannot tell yet: /) });
    expect(f.message).toContain(`${field} is unknown`);
    expect(f.message).toContain(policy);
  }
}

test("an unseen Deployment (empty outputs) is not a violation, only a cannot-tell-yet on spec.replicas", () => {
  expectOnlyCannotTellYet(runRule(replicasMinimum, [deployment({})], contextFor("prod")), "wr-replicas-minimum", "spec.replicas");
  expectOnlyCannotTellYet(runRule(pdbPresent, [deployment({})], contextFor("prod")), "wr-pdb-present", "spec.replicas");
});

test("a Deployment scaled by an unseen HPA is not a violation, only a cannot-tell-yet on the HPA's minReplicas", () => {
  const d = deployment({ metadata: { name: "api", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "api" } } } } });
  expectOnlyCannotTellYet(runRule(replicasMinimum, [d, hpa({}, d.urn)], contextFor("prod")), "wr-replicas-minimum", "HorizontalPodAutoscaler api-hpa spec.minReplicas");
});

test("a seen Deployment with one replica is still a finding (the rule still bites)", () => {
  const d = deployment({ metadata: { name: "api", namespace: "shop" }, spec: { replicas: 1 } });
  expect(runRule(replicasMinimum, [d], contextFor("prod")).map((f) => f.message)).toEqual([expect.stringMatching(/can run 1 replica\(s\); set spec.replicas to at least 3/)]);
});
