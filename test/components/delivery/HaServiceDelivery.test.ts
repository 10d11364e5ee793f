import * as k8s from "@pulumi/kubernetes";
import { DEFAULT_CANARY_STEPS, RolloutsController, rolloutsControllerValues } from "../../../components/delivery";
import { ValidationError } from "../../../components/shared/validation";
import { ingressNameOf } from "../../../components/traffic";
import { HaService, HaServiceArgs } from "../../../components/workload";
import { installMockRuntime, ResourceRecorder, settle } from "../../../src/testing/mocks";
import { CHECKOUT } from "../../support/services";

const T = {
  rollout: "kubernetes:argoproj.io/v1alpha1:Rollout",
  template: "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate",
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  release: "kubernetes:helm.sh/v3:Release",
};

const BASE: HaServiceArgs = {
  ...CHECKOUT,
  expose: { loadBalancerCidrs: ["10.0.0.0/24"] },
};

async function deploy(delivery: HaServiceArgs["delivery"], extra: Partial<HaServiceArgs> = {}): Promise<ResourceRecorder> {
  const rec = installMockRuntime({ preview: true, project: "platform", stack: "prod" });
  const provider = new k8s.Provider("use1-cluster", { kubeconfig: "{}" });
  const controller = new RolloutsController("use1-rollouts", { environment: "prod", kubernetesVersion: "1.33" }, { provider });
  new HaService("use1-checkout", { ...BASE, ...extra, delivery: delivery && { ...delivery, controller: controller.release } }, { provider });
  await settle();
  return rec;
}

describe("HaService delivery: canary", () => {
  test("a Rollout references the Deployment, which runs no pods; the HPA scales the Rollout", async () => {
    const rec = await deploy({ strategy: "canary", ingressName: ingressNameOf("checkout") });
    const rollout = rec.inputsOf(rec.one(T.rollout));
    expect(rollout.spec.workloadRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "checkout", scaleDown: "never" });
    expect(rollout.spec.replicas).toBeUndefined();
    expect(rec.inputsOf(rec.one(T.deployment)).spec.replicas).toBe(0);
    expect(rec.inputsOf(rec.one(T.hpa)).spec.scaleTargetRef).toEqual({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "checkout" });
    expect(rec.one(T.rollout).options.ignoreChanges).toEqual(["spec.replicas"]);
    // Spread per ReplicaSet uses the hash label Argo Rollouts puts on its pods.
    const spread = rec.inputsOf(rec.one(T.deployment)).spec.template.spec.topologySpreadConstraints;
    expect(spread.every((c: { matchLabelKeys: string[] }) => c.matchLabelKeys[0] === "rollouts-pod-template-hash")).toBe(true);
  });

  test("prod default steps: 10 → 25 → 50 → 100 %, each paused then analysed, traffic shifted on the ALB", async () => {
    const rec = await deploy({ strategy: "canary", ingressName: "checkout-public" });
    const canary = rec.inputsOf(rec.one(T.rollout)).spec.strategy.canary;
    expect(canary.stableService).toBe("checkout");
    expect(canary.canaryService).toBe("checkout-canary");
    expect(canary.trafficRouting).toEqual({ alb: { ingress: "checkout-public", servicePort: 8080 } });
    const weights = canary.steps.filter((s: Record<string, unknown>) => "setWeight" in s).map((s: { setWeight: number }) => s.setWeight);
    expect(weights).toEqual(DEFAULT_CANARY_STEPS.map((s) => s.weight));
    expect(weights).toEqual([10, 25, 50, 100]);
    expect(canary.steps.slice(0, 3)).toEqual([{ setWeight: 10 }, { pause: { duration: "300s" } }, { analysis: { templates: [{ templateName: "checkout-slo" }] } }]);
    expect(canary.steps.filter((s: Record<string, unknown>) => "analysis" in s)).toHaveLength(4);
  });

  test("the canary Service selects the same pods; the PDB covers both ReplicaSets", async () => {
    const rec = await deploy({ strategy: "canary", ingressName: "checkout-public" });
    const services = rec.ofType(T.service).map((s) => rec.inputsOf(s));
    const canary = services.find((s) => s.metadata.name === "checkout-canary");
    const stable = services.find((s) => s.metadata.name === "checkout");
    expect(canary?.spec).toEqual(stable?.spec);
    expect(rec.inputsOf(rec.one(T.pdb)).spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "checkout", "app.kubernetes.io/instance": "checkout" });
  });

  test("the Rollout and AnalysisTemplate depend on the release that installs their CRDs", async () => {
    const rec = await deploy({ strategy: "canary", ingressName: "checkout-public" });
    const release = rec.ofType(T.release).find((r) => r.name === "use1-rollouts-release");
    expect(release).toBeDefined();
    expect(rec.one(T.rollout).options.dependsOn).toContain(release!.urn);
    expect(rec.one(T.template).options.dependsOn).toContain(release!.urn);
  });

  test("the AnalysisTemplate reads the SLO recording rules: burn rate ≤ 1 and p95 ≤ 1 s", async () => {
    const rec = await deploy({ strategy: "canary", ingressName: "checkout-public" });
    const metrics = rec.inputsOf(rec.one(T.template)).spec.metrics;
    expect(metrics.map((m: { name: string }) => m.name)).toEqual(["error-budget-burn", "latency-p95"]);
    expect(metrics[0].provider.prometheus.query).toBe('max(slo:sli_error:ratio_rate5m{slo="checkout"}) / max(slo:error_budget:ratio{slo="checkout"})');
    expect(metrics[0].successCondition).toBe("result[0] <= 1");
    expect(metrics[0].failureCondition).toBe("result[0] > 1");
    expect(metrics[1].provider.prometheus.query).toBe('max(slo:latency_quantile:seconds_rate5m{slo="checkout",quantile="0.95"})');
    expect(metrics[0].provider.prometheus.address).toBe("http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090");
  });
});

describe("HaService delivery: blue-green and rolling", () => {
  test("blue-green: active = the stable Service, a preview Service, post-promotion analysis, old version kept 600 s", async () => {
    const rec = await deploy({ strategy: "blueGreen" }, { expose: undefined });
    const bg = rec.inputsOf(rec.one(T.rollout)).spec.strategy.blueGreen;
    expect(bg).toMatchObject({ activeService: "checkout", previewService: "checkout-preview", scaleDownDelaySeconds: 600 });
    expect(bg.postPromotionAnalysis).toEqual({ templates: [{ templateName: "checkout-slo" }] });
    expect(rec.ofType(T.service).map((s) => rec.inputsOf(s).metadata.name).sort()).toEqual(["checkout", "checkout-preview"]);
  });

  test("rolling (the default): no Rollout, no AnalysisTemplate, the Deployment runs its pods", async () => {
    const rec = await deploy(undefined);
    expect(rec.ofType(T.rollout)).toHaveLength(0);
    expect(rec.ofType(T.template)).toHaveLength(0);
    expect(rec.inputsOf(rec.one(T.deployment)).spec.replicas).toBeUndefined();
    expect(rec.inputsOf(rec.one(T.hpa)).spec.scaleTargetRef.kind).toBe("Deployment");
  });
});

describe("HaService delivery: bad input fails before anything is registered", () => {
  const cases: [string, HaServiceArgs["delivery"], Partial<HaServiceArgs>, string][] = [
    ["weights not increasing", { strategy: "canary", ingressName: "checkout-public", steps: [{ weight: 25 }, { weight: 10 }, { weight: 100 }] }, {}, "delivery.steps[1].weight"],
    ["weight out of range", { strategy: "canary", ingressName: "checkout-public", steps: [{ weight: 0 }, { weight: 100 }] }, {}, "delivery.steps[0].weight"],
    ["weight above 100", { strategy: "canary", ingressName: "checkout-public", steps: [{ weight: 50 }, { weight: 150 }] }, {}, "delivery.steps[1].weight"],
    ["last step below 100", { strategy: "canary", ingressName: "checkout-public", steps: [{ weight: 10 }, { weight: 50 }] }, {}, "delivery.steps[1].weight"],
    ["unknown metric", { strategy: "canary", ingressName: "checkout-public", analysis: { metrics: ["http_errors" as never] } }, {}, "delivery.analysis.metrics[0]"],
    ["no metrics", { strategy: "canary", ingressName: "checkout-public", analysis: { metrics: [] } }, {}, "delivery.analysis.metrics"],
    ["canary without an ingress", { strategy: "canary" }, {}, "delivery.ingressName"],
    ["canary of a service not exposed", { strategy: "canary", ingressName: "checkout-public" }, { expose: undefined }, "delivery.ingressName"],
    ["unknown strategy", { strategy: "recreate" as never }, {}, "delivery.strategy"],
    ["steps on blue-green", { strategy: "blueGreen", steps: [{ weight: 100 }] }, {}, "delivery.steps"],
    ["Rollout of a StatefulSet", { strategy: "blueGreen" }, { kind: "StatefulSet" }, "delivery.strategy"],
  ];
  test.each(cases)("%s", async (_label, delivery, extra, property) => {
    const rec = installMockRuntime({ preview: true, project: "platform", stack: "prod" });
    let error: unknown;
    try {
      new HaService("use1-checkout", { ...BASE, ...extra, delivery });
    } catch (e) {
      error = e;
    }
    await settle();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.property)).toContain(property);
    expect((error as ValidationError).message).toMatch(/Fix: /);
    expect(rec.resources).toHaveLength(0);
  });
});

describe("RolloutsController", () => {
  test("HA values: 2 replicas spread over zones, a PDB, metrics with a ServiceMonitor when monitoring is there", () => {
    const values = rolloutsControllerValues({ prod: true, replicas: 2, serviceMonitor: true }) as { controller: Record<string, any> };
    expect(values.controller.replicas).toBe(2);
    expect(values.controller.pdb).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(values.controller.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" });
    expect(values.controller.metrics).toEqual({ enabled: true, serviceMonitor: { enabled: true } });
  });

  test("one replica is refused", () => {
    installMockRuntime({ preview: true, project: "platform", stack: "prod" });
    expect(() => new RolloutsController("c", { environment: "prod", kubernetesVersion: "1.33", replicas: 1 })).toThrow(/replicas: got 1/);
  });
});
