import { spawnSync } from "child_process";
import * as path from "path";
import * as YAML from "yaml";
import * as k8s from "@pulumi/kubernetes";
import { RolloutsController } from "../../components/delivery";
import { HaService } from "../../components/workload";
import { installMockRuntime, settle } from "../../src/testing/mocks";
import { planFor, readTree, STACKS } from "../support/plans";
import { CHECKOUT } from "../support/services";

/**
 * Models from the official Kubernetes OpenAPI schemas (kubernetes-models) and the CRDs' own schemas
 * (@kubernetes-models/prometheus-operator). An object of a kind without a model fails: add its model, do not skip it.
 */
const MODEL_PACKAGES: Record<string, string> = {
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  // No published models: a strict schema of the fields we write (test/support/models/kyverno).
  "kyverno.io": path.join(__dirname, "..", "support", "models", "kyverno"),
};
/** Model packages published as ES modules only: validated in a child Node process (validate-esm-models.mjs). */
const ESM_MODEL_PACKAGES: Record<string, string> = {
  "external-secrets.io": "@kubernetes-models/external-secrets",
  // Rollout, AnalysisTemplate (HaService delivery) and the Istio security CRs (ServiceMesh, HaService mesh).
  "argoproj.io": "@kubernetes-models/argo-rollouts",
  "security.istio.io": "@kubernetes-models/istio",
  // DestinationRule and VirtualService (HaService mesh.traffic at the waypoint).
  "networking.istio.io": "@kubernetes-models/istio",
  // The waypoints' Gateway (ServiceMesh).
  "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
};

function validateEsm(items: { file: string; package: string; object: unknown }[]): string[] {
  if (items.length === 0) return [];
  const result = spawnSync(process.execPath, [path.join(__dirname, "validate-esm-models.mjs")], { input: JSON.stringify(items), encoding: "utf8" });
  if (result.status !== 0) return [`ESM model validation failed to run: ${result.stderr}`];
  return JSON.parse(result.stdout);
}

function modelFor(apiVersion: string, kind: string): (new (data: unknown) => { validate(): void }) | undefined {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  const pkg = MODEL_PACKAGES[group] ?? "kubernetes-models";
  try {
    return require(`${pkg}/${apiVersion}/${kind}`)[kind];
  } catch {
    return undefined;
  }
}

/** Every object (by file or resource name) validated against its schema model; the failures. */
function schemaFailures(objects: readonly [string, { apiVersion: unknown; kind: string }][]): string[] {
  const failures: string[] = [];
  const esm: { file: string; package: string; object: unknown }[] = [];
  for (const [file, object] of objects) {
    const esmPackage = ESM_MODEL_PACKAGES[String(object.apiVersion).split("/")[0]];
    if (esmPackage) {
      esm.push({ file, package: esmPackage, object });
      continue;
    }
    const Model = modelFor(String(object.apiVersion), object.kind);
    if (!Model) {
      failures.push(`${file}: no schema model for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (err) {
      failures.push(`${file}: ${(err as Error).message}`);
    }
  }
  return [...failures, ...validateEsm(esm)];
}

describe.each(STACKS)("manifests of the %s stack", (stack) => {
  const files = [...readTree(path.join(planFor(stack).dir, "manifests")).entries()];

  test("exist", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test("every object validates against its Kubernetes or CRD schema", () => {
    expect(schemaFailures(files.map(([file, text]) => [file, YAML.parse(text)]))).toEqual([]);
  });
});

/**
 * Options no stack sets, so their objects are in no plan: HaService `metrics` with blue-green in the mesh (the
 * PodMonitor, the preview AnalysisTemplate and the Rollout's prePromotionAnalysis, the scrape rule of the
 * AuthorizationPolicy), built under the mock runtime and held to the same schemas.
 */
describe("objects of HaService metrics with blue-green in the mesh", () => {
  test("every custom resource and the NetworkPolicy validate against their schemas", async () => {
    const rec = installMockRuntime({ preview: true, project: "platform", stack: "prod" });
    const provider = new k8s.Provider("use1-cluster", { kubeconfig: "{}" });
    const controller = new RolloutsController("use1-rollouts", { environment: "prod", kubernetesVersion: "1.33" }, { provider });
    new HaService("use1-checkout", {
      ...CHECKOUT,
      delivery: { strategy: "blueGreen", controller: controller.release },
      metrics: { port: "http" },
      mesh: {},
    }, { provider });
    await settle();
    const kinds = ["PodMonitor", "AnalysisTemplate", "Rollout", "AuthorizationPolicy", "NetworkPolicy"];
    const objects = rec.resources
      .filter((r) => r.parent?.endsWith("use1-checkout") && kinds.includes(String(rec.inputsOf(r).kind)))
      .map((r): [string, { apiVersion: unknown; kind: string }] => [r.name, rec.inputsOf(r) as { apiVersion: unknown; kind: string }]);
    expect(objects.map(([, o]) => o.kind).sort()).toEqual(["AnalysisTemplate", "AnalysisTemplate", "AuthorizationPolicy", "NetworkPolicy", "PodMonitor", "Rollout"]);
    expect(schemaFailures(objects)).toEqual([]);
  });
});
