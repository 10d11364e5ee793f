/**
 * Argo Rollouts in the scaling rules: a Deployment that only carries a Rollout's template (workloadRef, replicas 0)
 * is judged through the Rollout that runs its pods; anything else stays judged as it is.
 */
import { contextFor, Subject } from "../../../policy/common/finding";
import { rolloutAnalysed } from "../../../policy/workload-resilience/rules/delivery";
import { replicasMinimum, pdbPresent } from "../../../policy/workload-resilience/rules/scaling";
import { res } from "../common/packs";

const T = {
  Deployment: "kubernetes:apps/v1:Deployment",
  Rollout: "kubernetes:argoproj.io/v1alpha1:Rollout",
  Hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  Pdb: "kubernetes:policy/v1:PodDisruptionBudget",
};
const meta = { name: "api", namespace: "shop" };
const template = { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "x@sha256:" + "a".repeat(64) }] } };

function program(opts: { deploymentReplicas?: number; hpaMin?: number; hpaKind?: string; pdb?: boolean } = {}): Subject[] {
  return [
    res(T.Deployment, "api", { metadata: meta, spec: { replicas: opts.deploymentReplicas ?? 0, selector: { matchLabels: { app: "api" } }, template } }),
    res(T.Rollout, "api", { metadata: meta, spec: { selector: { matchLabels: { app: "api" } }, workloadRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" } } }),
    res(T.Hpa, "api", { metadata: meta, spec: { scaleTargetRef: { apiVersion: "argoproj.io/v1alpha1", kind: opts.hpaKind ?? "Rollout", name: "api" }, minReplicas: opts.hpaMin ?? 3, maxReplicas: 10 } }),
    ...(opts.pdb === false ? [] : [res(T.Pdb, "api", { metadata: meta, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "api" } } } })]),
  ] as Subject[];
}
const prod = contextFor("prod");

describe("scaling rules with an Argo Rollout", () => {
  test("the Rollout with its HPA (min 3) and a PDB over the referenced template's labels passes; the 0-replica template is not flagged", () => {
    expect(replicasMinimum.check(program(), prod)).toEqual([]);
    expect(pdbPresent.check(program(), prod)).toEqual([]);
  });

  test("the Rollout's HPA minimum is what counts", () => {
    const findings = replicasMinimum.check(program({ hpaMin: 1 }), prod);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining("Rollout api (namespace shop) can run 1 replica(s)")]);
  });

  test("a Rollout without a PDB over its pods is flagged", () => {
    expect(pdbPresent.check(program({ pdb: false }), prod).map((f) => f.subject?.type)).toEqual([T.Rollout]);
  });

  test("a referenced Deployment that still runs pods (a migration) stays judged on its own", () => {
    const findings = replicasMinimum.check(program({ deploymentReplicas: 1 }), prod);
    expect(findings.map((f) => f.subject?.type)).toEqual([T.Deployment]);
  });

  test("an HPA on the Deployment instead of the Rollout leaves the Rollout without a floor", () => {
    const findings = replicasMinimum.check(program({ hpaKind: "Deployment" }), prod);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining("Rollout api (namespace shop) can run 1 replica(s)")]);
  });
});

const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const Template = "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate";
const rollout = (strategy: unknown, namespace = "shop"): Subject => res(T.Rollout, "api", { metadata: { name: "api", namespace }, spec: { strategy } }) as Subject;
const analysisTemplate = (name: string, namespace = "shop"): Subject => res(Template, name, { metadata: { name, namespace }, spec: { metrics: [] } }) as Subject;
const canary = { canary: { steps: [{ setWeight: 10 }, { analysis: { templates: [{ templateName: "api-slo" }] } }, { setWeight: 100 }] } };

describe("wr-rollout-analysed", () => {
  test.each([
    ["canary with an analysis step", canary],
    ["canary with background analysis", { canary: { analysis: { templates: [{ templateName: "api-slo" }] }, steps: [{ setWeight: 50 }] } }],
    ["blue-green with post-promotion analysis", { blueGreen: { activeService: "api", postPromotionAnalysis: { templates: [{ templateName: "api-slo" }] } } }],
  ])("passes: %s", (_label, strategy) => {
    expect(rolloutAnalysed.check([rollout(strategy), analysisTemplate("api-slo")], contextFor("prod"))).toEqual([]);
  });

  test.each([
    ["canary on pause timers only", { canary: { steps: [{ setWeight: 10 }, { pause: { duration: "5m" } }] } }, /without an analysis/],
    ["blue-green without analysis", { blueGreen: { activeService: "api" } }, /without an analysis/],
  ])("fails: %s", (_label, strategy, message) => {
    const findings = rolloutAnalysed.check([rollout(strategy), analysisTemplate("api-slo")], contextFor("prod"));
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(message)]);
  });

  test("fails: the named template is in another namespace (joined per cluster and namespace)", () => {
    const findings = rolloutAnalysed.check([rollout(canary), analysisTemplate("api-slo", "other")], contextFor("prod"));
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining("names AnalysisTemplate api-slo, which this program does not define")]);
  });

  test("cannot tell yet when the strategy is unknown at preview", () => {
    const findings = rolloutAnalysed.check([rollout(U), analysisTemplate("api-slo")], contextFor("prod"));
    expect(findings).toHaveLength(1);
    expect(findings[0].undecided).toBe(true);
    expect(findings[0].message).toMatch(/^cannot tell yet:/);
  });

  test("cannot tell yet when the Rollout is seen with no properties at all", () => {
    const blank = { ...rollout(canary), props: {} } as Subject;
    expect(rolloutAnalysed.check([blank], contextFor("prod")).map((f) => f.undecided)).toEqual([true]);
  });

  test("odd input never throws", () => {
    for (const strategy of [null, 42, "canary", { canary: null }, { canary: { steps: "x" } }, { blueGreen: { prePromotionAnalysis: { templates: [null] } } }]) {
      expect(() => rolloutAnalysed.check([rollout(strategy)], contextFor("prod"))).not.toThrow();
    }
  });
});
