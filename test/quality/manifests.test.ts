import { spawnSync } from "child_process";
import * as path from "path";
import * as YAML from "yaml";
import { planFor, readTree, STACKS } from "../support/plans";

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

describe.each(STACKS)("manifests of the %s stack", (stack) => {
  const files = [...readTree(path.join(planFor(stack).dir, "manifests")).entries()];

  test("exist", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test("every object validates against its Kubernetes or CRD schema", () => {
    const failures: string[] = [];
    const esm: { file: string; package: string; object: unknown }[] = [];
    for (const [file, text] of files) {
      const object = YAML.parse(text);
      const esmPackage = ESM_MODEL_PACKAGES[String(object.apiVersion).split("/")[0]];
      if (esmPackage) {
        esm.push({ file, package: esmPackage, object });
        continue;
      }
      const Model = modelFor(object.apiVersion, object.kind);
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
    failures.push(...validateEsm(esm));
    expect(failures).toEqual([]);
  });
});
