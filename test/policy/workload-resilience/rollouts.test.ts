/**
 * Argo Rollouts in the scaling rules: a Deployment that only carries a Rollout's template (workloadRef, replicas 0)
 * is judged through the Rollout that runs its pods; anything else stays judged as it is.
 */
import { contextFor } from "../../../policy/common/finding";
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

function program(opts: { deploymentReplicas?: number; hpaMin?: number; hpaKind?: string; pdb?: boolean } = {}) {
  return [
    res(T.Deployment, "api", { metadata: meta, spec: { replicas: opts.deploymentReplicas ?? 0, selector: { matchLabels: { app: "api" } }, template } }),
    res(T.Rollout, "api", { metadata: meta, spec: { selector: { matchLabels: { app: "api" } }, workloadRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" } } }),
    res(T.Hpa, "api", { metadata: meta, spec: { scaleTargetRef: { apiVersion: "argoproj.io/v1alpha1", kind: opts.hpaKind ?? "Rollout", name: "api" }, minReplicas: opts.hpaMin ?? 3, maxReplicas: 10 } }),
    ...(opts.pdb === false ? [] : [res(T.Pdb, "api", { metadata: meta, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "api" } } } })]),
  ];
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
    expect(pdbPresent.check(program({ pdb: false }), prod).map((f) => f.subject.type)).toEqual([T.Rollout]);
  });

  test("a referenced Deployment that still runs pods (a migration) stays judged on its own", () => {
    const findings = replicasMinimum.check(program({ deploymentReplicas: 1 }), prod);
    expect(findings.map((f) => f.subject.type)).toEqual([T.Deployment]);
  });

  test("an HPA on the Deployment instead of the Rollout leaves the Rollout without a floor", () => {
    const findings = replicasMinimum.check(program({ hpaKind: "Deployment" }), prod);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining("Rollout api (namespace shop) can run 1 replica(s)")]);
  });
});
