/**
 * HaService `metrics`: the PodMonitor over the service's pods (kept pod-template hash, `service` label the SLO rules
 * select), the blue-green pre-promotion AnalysisTemplate it makes possible, Prometheus admitted on the metrics port
 * (NetworkPolicy and mesh AuthorizationPolicy), and bad input refused before anything is registered.
 */
import * as k8s from "@pulumi/kubernetes";
import { RolloutsController } from "../../../components/delivery";
import { ValidationError } from "../../../components/shared/validation";
import { HaService, HaServiceArgs } from "../../../components/workload";
import { installMockRuntime, ResourceRecorder, settle } from "../../../src/testing/mocks";
import { CHECKOUT } from "../../support/services";

const T = {
  podMonitor: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
  rollout: "kubernetes:argoproj.io/v1alpha1:Rollout",
  template: "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate",
  authz: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
  netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};
const PROMETHEUS = "cluster.local/ns/monitoring/sa/kube-prometheus-stack-prometheus";

const BASE: HaServiceArgs = {
  ...CHECKOUT,
};

interface Deployed {
  rec: ResourceRecorder;
  monitoringUrn: string;
}

/** `delivery` gets the Rollouts controller's release, `metrics` the monitoring stand-in, `inMesh` a mesh with its own stand-in. */
async function deploy(extra: Partial<HaServiceArgs>, opts: { withMonitoring?: boolean; inMesh?: boolean } = {}): Promise<Deployed> {
  const rec = installMockRuntime({ preview: true, project: "platform", stack: "prod" });
  const provider = new k8s.Provider("use1-cluster", { kubeconfig: "{}" });
  const controller = new RolloutsController("use1-rollouts", { environment: "prod", kubernetesVersion: "1.33" }, { provider });
  const monitoring = new k8s.core.v1.Namespace("monitoring-stand-in", { metadata: { name: "monitoring" } }, { provider });
  const istio = new k8s.core.v1.Namespace("istio-stand-in", { metadata: { name: "istio-system" } }, { provider });
  const metrics = extra.metrics && { ...extra.metrics, ...(opts.withMonitoring === false ? {} : { monitoringRelease: monitoring }) };
  const delivery = extra.delivery && { ...extra.delivery, controller: controller.release };
  new HaService("use1-checkout", { ...BASE, ...extra, metrics, delivery, ...(opts.inMesh ? { mesh: { controlPlane: istio } } : {}) }, { provider });
  await settle();
  const urnOf = (name: string) => rec.resources.find((r) => r.name === name)?.urn as string;
  return { rec, monitoringUrn: urnOf("monitoring-stand-in") };
}

describe("HaService metrics: the PodMonitor", () => {
  test("selects the service's pods, keeps the pod-template hash, labels the series with the SLO's service name", async () => {
    const { rec, monitoringUrn } = await deploy({ metrics: { port: "http" } });
    const pm = rec.one(T.podMonitor);
    const inputs = rec.inputsOf(pm);
    expect(inputs.metadata).toMatchObject({ name: "checkout", namespace: "payments" });
    expect(inputs.spec.selector).toEqual({ matchLabels: { "app.kubernetes.io/name": "checkout", "app.kubernetes.io/instance": "checkout" } });
    expect(inputs.spec.podTargetLabels).toContain("rollouts-pod-template-hash");
    expect(inputs.spec.podMetricsEndpoints).toEqual([
      { port: "http", path: "/metrics", interval: "30s", relabelings: [{ action: "replace", targetLabel: "service", replacement: "checkout" }] },
    ]);
    expect(pm.options.dependsOn).toEqual([monitoringUrn]);
    expect(pm.parent).toBe(rec.resources.find((r) => r.type === "production-platform:workload:HaService")?.urn);
  });

  test("the service label follows delivery.analysis.sloName; path and interval as given; the port by number", async () => {
    const { rec } = await deploy({ metrics: { port: 8080, path: "/prom", intervalSeconds: 15 }, delivery: { strategy: "blueGreen", analysis: { sloName: "checkout-api" } } });
    const endpoint = rec.inputsOf(rec.one(T.podMonitor)).spec.podMetricsEndpoints[0];
    expect(endpoint).toMatchObject({ port: "http", path: "/prom", interval: "15s" });
    expect(endpoint.relabelings[0].replacement).toBe("checkout-api");
  });

  test("no monitoring release: the PodMonitor has no dependsOn; no metrics: no PodMonitor", async () => {
    expect((await deploy({ metrics: { port: "http" } }, { withMonitoring: false })).rec.one(T.podMonitor).options.dependsOn).toEqual([]);
    expect((await deploy({})).rec.ofType(T.podMonitor)).toHaveLength(0);
  });

  test("Prometheus' pods are admitted on the metrics port by the NetworkPolicy, on HBONE too in the mesh", async () => {
    const plain = (await deploy({ metrics: { port: "http" } })).rec;
    const prom = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } };
    expect(netpolOf(plain).spec.ingress).toContainEqual({ from: [prom], ports: [{ protocol: "TCP", port: 8080 }] });
    const meshed = (await deploy({ metrics: { port: "http" } }, { inMesh: true })).rec;
    expect(netpolOf(meshed).spec.ingress).toContainEqual({ from: [prom], ports: [{ protocol: "TCP", port: 8080 }, { protocol: "TCP", port: 15008 }] });
    const none = (await deploy({})).rec;
    expect(JSON.stringify(netpolOf(none).spec.ingress)).not.toContain("prometheus");
  });
});

function netpolOf(rec: ResourceRecorder): Record<string, any> {
  return rec.inputsOf(rec.one(T.netpol, "use1-checkout-netpol"));
}

describe("HaService metrics in the mesh: the AuthorizationPolicy admits Prometheus' scrape", () => {
  test("Prometheus' identity on the metrics port only, in addition to the callers", async () => {
    const { rec } = await deploy({ metrics: { port: "http" } }, { inMesh: true });
    const rules = rec.inputsOf(rec.one(T.authz, "use1-checkout-authz")).spec.rules as { from: { source: Record<string, string[]> }[]; to: { operation: { ports: string[] } }[] }[];
    expect(rules).toContainEqual({ from: [{ source: { principals: [PROMETHEUS] } }], to: [{ operation: { ports: ["8080"] } }] });
    expect(rules).toContainEqual({ from: [{ source: { namespaces: ["storefront"] } }], to: [{ operation: { ports: ["8080"] } }] });
    expect(rules).toHaveLength(2);
  });

  test("a service with no callers admits Prometheus and nobody else; without metrics, nobody at all", async () => {
    const scraped = (await deploy({ metrics: { port: "http" }, allowedCallers: [] }, { inMesh: true })).rec;
    expect(authzOf(scraped).spec.rules).toEqual([{ from: [{ source: { principals: [PROMETHEUS] } }], to: [{ operation: { ports: ["8080"] } }] }]);
    const closed = (await deploy({ allowedCallers: [] }, { inMesh: true })).rec;
    expect(authzOf(closed).spec.rules).toBeUndefined();
  });
});

function authzOf(rec: ResourceRecorder): Record<string, any> {
  return rec.inputsOf(rec.one(T.authz, "use1-checkout-authz"));
}

describe("HaService metrics with blue-green: pre-promotion analysis of the preview", () => {
  test("an AnalysisTemplate <app>-preview-slo selects the preview pods by the pod-template hash argument", async () => {
    const { rec } = await deploy({ metrics: { port: "http" }, delivery: { strategy: "blueGreen" } });
    const templates = rec.ofType(T.template);
    expect(templates.map((t) => rec.inputsOf(t).metadata.name).sort()).toEqual(["checkout-preview-slo", "checkout-slo"]);
    const preview = templates.find((t) => rec.inputsOf(t).metadata.name === "checkout-preview-slo")!;
    const spec = rec.inputsOf(preview).spec;
    expect(spec.args).toEqual([{ name: "preview-hash" }]);
    expect(spec.metrics.map((m: { name: string }) => m.name)).toEqual(["error-budget-burn", "latency-p95"]);
    for (const m of spec.metrics) {
      expect(m.provider.prometheus.query).toContain('service="checkout",rollouts_pod_template_hash="{{args.preview-hash}}"');
      expect(m.inconclusiveLimit).toBe(0);
    }
    const controller = rec.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release")!;
    expect(preview.options.dependsOn).toEqual([controller.urn]);
  });

  test("the Rollout runs it as prePromotionAnalysis with the Latest hash, keeps the post-promotion analysis, and waits for it", async () => {
    const { rec } = await deploy({ metrics: { port: "http" }, delivery: { strategy: "blueGreen" } });
    const rollout = rec.one(T.rollout);
    const bg = rec.inputsOf(rollout).spec.strategy.blueGreen;
    expect(bg.prePromotionAnalysis).toEqual({
      templates: [{ templateName: "checkout-preview-slo" }],
      args: [{ name: "preview-hash", valueFrom: { podTemplateHashValue: "Latest" } }],
    });
    expect(bg.postPromotionAnalysis).toEqual({ templates: [{ templateName: "checkout-slo" }] });
    expect(bg.activeService).toBe("checkout");
    expect(bg.previewService).toBe("checkout-preview");
    const preview = rec.ofType(T.template).find((t) => rec.inputsOf(t).metadata.name === "checkout-preview-slo")!;
    expect(rollout.options.dependsOn).toContain(preview.urn);
  });

  test("blue-green without metrics is unchanged: post-promotion analysis only, one template", async () => {
    const { rec } = await deploy({ delivery: { strategy: "blueGreen" } });
    const bg = rec.inputsOf(rec.one(T.rollout)).spec.strategy.blueGreen;
    expect(bg.prePromotionAnalysis).toBeUndefined();
    expect(bg.postPromotionAnalysis).toEqual({ templates: [{ templateName: "checkout-slo" }] });
    expect(rec.ofType(T.template)).toHaveLength(1);
  });

  test("canary or rolling with metrics: a PodMonitor, no preview template", async () => {
    const rolling = (await deploy({ metrics: { port: "http" } })).rec;
    expect(rolling.ofType(T.template)).toHaveLength(0);
    const canary = (await deploy({ metrics: { port: "http" }, expose: { loadBalancerCidrs: ["10.0.0.0/24"] }, delivery: { strategy: "canary", ingressName: "checkout-public" } })).rec;
    expect(canary.ofType(T.template)).toHaveLength(1);
    expect(canary.ofType(T.podMonitor)).toHaveLength(1);
  });
});

describe("HaService metrics: bad input fails before anything is registered", () => {
  const cases: [string, unknown, string, RegExp][] = [
    ["a port number that is not the container port", { port: 9090 }, "metrics.port", /"http" or 8080/],
    ["a port name that is not declared", { port: "metrics" }, "metrics.port", /declared container port/],
    ["a path without a leading slash", { port: "http", path: "metrics" }, "metrics.path", /starting with \//],
    ["an interval out of range", { port: "http", intervalSeconds: 1 }, "metrics.intervalSeconds", /from 10 to 300/],
    ["metrics not an object", "http", "metrics", /an object of metrics settings/],
  ];
  test.each(cases)("%s", async (_label, metrics, property, rule) => {
    const rec = installMockRuntime({ preview: true, project: "platform", stack: "prod" });
    let error: unknown;
    try {
      new HaService("use1-checkout", { ...BASE, metrics: metrics as HaServiceArgs["metrics"], delivery: { strategy: "blueGreen" } });
    } catch (e) {
      error = e;
    }
    await settle();
    expect(error).toBeInstanceOf(ValidationError);
    const problem = (error as ValidationError).problems.find((p) => p.property === property);
    expect(problem?.rule).toMatch(rule);
    expect(rec.resources).toHaveLength(0);
  });
});
