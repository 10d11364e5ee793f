/**
 * The consumer's jest tests, written with the platform's test kit: the program in preview and update mode, and the
 * platform's policy packs over what it registered, as `pulumi preview --policy-pack` would judge it. The jest config
 * is only the TypeScript transform (package.json "jest"); the test kit needs nothing else.
 */
import type * as k8s from "@pulumi/kubernetes";
import { analyzeRecording, componentOf, resourcesOfType, runOffline } from "production-platform/testing";

const CONFIG = { environment: "dev", clusterName: "use1-cluster", kubernetesVersion: "1.33" };
/** Running a program and starting policy packs takes seconds, more than jest's default 5 s on a busy CI runner. */
const SLOW = 120_000;

describe.each([true, false])("shop-checkout (preview=%s)", (preview) => {
  test("one restricted Deployment per service, in the tenant's namespace", async () => {
    const { recorder } = await runOffline(() => require("./index"), { preview, project: "shop-checkout", stack: "dev", config: CONFIG });
    const service = componentOf(recorder, "production-platform:workload:HaService", "checkout");
    const deployments = resourcesOfType<k8s.apps.v1.DeploymentArgs>(recorder, "kubernetes:apps/v1:Deployment", service);
    expect(deployments).toHaveLength(1);
    expect(deployments[0].inputs.metadata?.namespace).toBe("shop");
    expect(deployments[0].inputs.spec?.template?.spec?.containers?.[0]?.securityContext?.allowPrivilegeEscalation).toBe(false);
  }, SLOW);
});

test("the platform's policy packs find no mandatory violation in dev", async () => {
  const { recorder } = await runOffline(() => require("./index"), { preview: true, project: "shop-checkout", stack: "dev", config: CONFIG });
  const findings = await analyzeRecording(recorder, { stack: "dev", project: "shop-checkout" });
  expect(findings.length).toBeGreaterThan(0); // the example has advisory findings in dev (e.g. no GuardDuty of its own)
  for (const f of findings) expect(["aws-baseline", "kubernetes-cis", "pod-security", "runtime-coherence", "workload-resilience"]).toContain(f.policyPackName);
  expect(findings.filter((f) => f.enforcementLevel === "mandatory")).toEqual([]);
}, SLOW);
