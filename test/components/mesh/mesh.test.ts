import * as k8s from "@pulumi/kubernetes";
import { authorizationPolicySpecOf, HBONE_PORT, istiodValues, PROBE_SNAT_CIDR, ServiceMesh } from "../../../components/mesh";
import { HaService, HaServiceArgs } from "../../../components/workload";
import { installMockRuntime, ResourceRecorder, settle } from "../../../src/testing/mocks";
import { CHECKOUT } from "../../support/services";

const T = {
  authz: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
  peer: "kubernetes:security.istio.io/v1:PeerAuthentication",
  netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  nsPatch: "kubernetes:core/v1:NamespacePatch",
  release: "kubernetes:helm.sh/v3:Release",
};

const SERVICE: HaServiceArgs = {
  ...CHECKOUT,
  allowedCallers: [{ namespace: "storefront" }, { namespace: "monitoring" }],
};

async function deploy(service: Partial<HaServiceArgs>, environment: "prod" | "dev" = "prod"): Promise<ResourceRecorder> {
  const rec = installMockRuntime({ preview: true, project: "platform", stack: environment });
  const provider = new k8s.Provider("use1-cluster", { kubeconfig: "{}" });
  const mesh = new ServiceMesh("use1-mesh", { environment, kubernetesVersion: "1.33", namespaces: ["payments", "storefront"], permissiveNamespaces: ["monitoring"] }, { provider });
  new HaService("use1-checkout", { ...SERVICE, environment, ...service, mesh: { controlPlane: mesh.controlPlane } }, { provider });
  await settle();
  return rec;
}

const authzOf = (rec: ResourceRecorder) => rec.inputsOf(rec.ofType(T.authz)[0]);

describe("ServiceMesh", () => {
  test("strict mTLS mesh-wide in prod, permissive in dev; tenant namespaces enrolled in ambient", async () => {
    const rec = await deploy({});
    const meshWide = rec.ofType(T.peer).map((p) => rec.inputsOf(p)).find((p) => p.metadata.namespace === "istio-system");
    expect(meshWide?.spec).toEqual({ mtls: { mode: "STRICT" } });
    const enrolled = rec.ofType(T.nsPatch).map((p) => rec.inputsOf(p).metadata).filter((m) => m.labels?.["istio.io/dataplane-mode"] === "ambient").map((m) => m.name);
    expect(enrolled.sort()).toEqual(["monitoring", "payments", "storefront"]);
    const monitoring = rec.ofType(T.peer).map((p) => rec.inputsOf(p)).find((p) => p.metadata.namespace === "monitoring");
    expect(monitoring?.spec).toEqual({ mtls: { mode: "PERMISSIVE" } });
    const dev = await deploy({}, "dev");
    expect(dev.ofType(T.peer).map((p) => dev.inputsOf(p)).find((p) => p.metadata.namespace === "istio-system")?.spec.mtls.mode).toBe("PERMISSIVE");
  });

  test("control plane HA: istiod 2 replicas spread over zones with a PDB; one-year root, 24 h workload certificates", () => {
    const values = istiodValues({ strict: true, replicas: 2 }) as Record<string, any>;
    expect(values.pilot.replicaCount).toBe(2);
    expect(values.pilot.autoscaleMin).toBe(2);
    expect(values.pilot.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" });
    expect(values.global.defaultPodDisruptionBudget.enabled).toBe(true);
    expect(values.pilot.env.CITADEL_SELF_SIGNED_CA_CERT_TTL).toBe("8760h");
  });

  test("Istio objects depend on the base release that installs the CRDs", async () => {
    const rec = await deploy({});
    const base = rec.ofType(T.release).find((r) => r.name === "use1-mesh-istio-base");
    for (const cr of [...rec.ofType(T.authz), ...rec.ofType(T.peer)]) expect(cr.options.dependsOn).toContain(base!.urn);
  });

  test("bad input: one istiod replica, a kube-system namespace", () => {
    installMockRuntime({ preview: true, project: "platform", stack: "prod" });
    expect(() => new ServiceMesh("m", { environment: "prod", kubernetesVersion: "1.33", namespaces: ["kube-system"], istiodReplicas: 1 })).toThrow(/istiodReplicas: got 1[\s\S]*namespaces\[0\]: got "kube-system"/);
  });
});

describe("HaService in the mesh", () => {
  test("the AuthorizationPolicy admits exactly the declared callers' identities on the service port", async () => {
    const rec = await deploy({});
    expect(authzOf(rec).spec).toEqual({
      selector: { matchLabels: { "app.kubernetes.io/name": "checkout", "app.kubernetes.io/instance": "checkout" } },
      action: "ALLOW",
      rules: [{ from: [{ source: { namespaces: ["monitoring", "storefront"] } }], to: [{ operation: { ports: ["8080"] } }] }],
    });
  });

  test("a service with no callers admits nothing: an ALLOW policy without rules", async () => {
    const rec = await deploy({ allowedCallers: [] });
    expect(authzOf(rec).spec).toEqual({ selector: { matchLabels: { "app.kubernetes.io/name": "checkout", "app.kubernetes.io/instance": "checkout" } }, action: "ALLOW" });
    expect(authorizationPolicySpecOf({ selectorLabels: { app: "x" }, port: 80, callers: [], plaintextCidrs: [] }).rules).toBeUndefined();
  });

  test("exposed to the ALB: plaintext only from the load balancer subnets, on one port", async () => {
    const rec = await deploy({ expose: { loadBalancerCidrs: ["10.0.0.0/24"] } });
    expect(authzOf(rec).spec.rules[1]).toEqual({ from: [{ source: { ipBlocks: ["10.0.0.0/24"] } }], to: [{ operation: { ports: ["8080"] } }] });
    const peer = rec.ofType(T.peer).map((p) => rec.inputsOf(p)).find((p) => p.metadata.namespace === "payments");
    expect(peer?.spec).toMatchObject({ mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" } } });
  });

  test("the NetworkPolicy admits HBONE from the callers and the probe SNAT address, so traffic still flows", async () => {
    const rec = await deploy({});
    const netpol = rec.ofType(T.netpol).map((n) => rec.inputsOf(n)).find((n) => n.metadata.name === "checkout");
    const ingress = netpol?.spec.ingress;
    expect(ingress).toContainEqual({ from: expect.arrayContaining([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "storefront" } } }]), ports: [{ protocol: "TCP", port: HBONE_PORT }] });
    expect(ingress).toContainEqual({ from: [{ ipBlock: { cidr: PROBE_SNAT_CIDR } }], ports: [{ protocol: "TCP", port: 8080 }] });
  });
});
