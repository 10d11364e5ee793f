/**
 * Under the real engine, at a first preview, Kubernetes objects whose provider config is unknown reach AnalyzeStack
 * with no properties at all. The replica rules must say "cannot tell yet" for them, not "1 replica": `npm run
 * parity` found prod's first preview blocked by six false mandatory wr-replicas-minimum findings.
 */
import { contextFor, runRule, type Subject } from "../../../policy/common/finding";
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

test("an unseen Deployment (empty outputs) is not judged", () => {
  expect(runRule(replicasMinimum, [deployment({})], contextFor("prod"))).toEqual([]);
  expect(runRule(pdbPresent, [deployment({})], contextFor("prod"))).toEqual([]);
});

test("a Deployment scaled by an unseen HPA is not judged", () => {
  const d = deployment({ metadata: { name: "api", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "api" } } } } });
  expect(runRule(replicasMinimum, [d, hpa({}, d.urn)], contextFor("prod"))).toEqual([]);
});

test("a seen Deployment with one replica is still a finding (the rule still bites)", () => {
  const d = deployment({ metadata: { name: "api", namespace: "shop" }, spec: { replicas: 1 } });
  expect(runRule(replicasMinimum, [d], contextFor("prod")).map((f) => f.message)).toEqual([expect.stringMatching(/can run 1 replica\(s\); set spec.replicas to at least 3/)]);
});
