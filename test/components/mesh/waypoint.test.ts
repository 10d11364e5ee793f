/**
 * Waypoints and per-service resilience in the ambient mesh: the Gateway API CRDs, one HA waypoint per tenant, the
 * DestinationRule and VirtualService at their documented defaults, authorization split between ztunnel and the
 * waypoint, and service-account callers. Both preview modes, a provider built like the stacks' (one per cluster).
 */
import * as k8s from "@pulumi/kubernetes";
import { MESH_TRAFFIC_DEFAULTS, meshTrafficProblems, ServiceMesh, waypointPrincipalOf } from "../../../components/mesh";
import { HaService, HaServiceArgs } from "../../../components/workload";
import { installMockRuntime, ResourceRecorder, settle } from "../../../src/testing/mocks";
import { CHECKOUT } from "../../support/services";

const T = {
  authz: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  configMap: "kubernetes:core/v1:ConfigMap",
  nsPatch: "kubernetes:core/v1:NamespacePatch",
  dr: "kubernetes:networking.istio.io/v1:DestinationRule",
  vs: "kubernetes:networking.istio.io/v1:VirtualService",
  netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  chart: "kubernetes:helm.sh/v4:Chart",
  release: "kubernetes:helm.sh/v3:Release",
};

const SERVICE: HaServiceArgs = {
  ...CHECKOUT,
  allowedCallers: [{ namespace: "storefront" }, { namespace: "monitoring" }],
};

type Env = "prod" | "staging" | "dev";

async function deploy(service: Partial<HaServiceArgs> = {}, environment: Env = "prod", preview = true): Promise<ResourceRecorder> {
  const rec = installMockRuntime({ preview, project: "platform", stack: environment });
  const provider = new k8s.Provider("use1-cluster", { kubeconfig: "{}" });
  const mesh = new ServiceMesh("use1-mesh", { environment, kubernetesVersion: "1.33", namespaces: ["payments", "storefront"], permissiveNamespaces: ["monitoring"] }, { provider });
  new HaService("use1-checkout", {
    ...SERVICE,
    environment,
    ...service,
    mesh: { controlPlane: mesh.controlPlane, waypoint: mesh.waypointFor("payments"), ...service.mesh },
  }, { provider });
  await settle();
  return rec;
}

const byName = (rec: ResourceRecorder, type: string, name: string) => rec.ofType(type).find((r) => r.name === name)!;

describe.each([true, false])("waypoints (preview %s)", (preview) => {
  test("one waypoint Gateway per tenant, in the platform's waypoint namespace, after the Gateway API CRDs and istiod", async () => {
    const rec = await deploy({}, "prod", preview);
    const gateways = rec.ofType(T.gateway).map((g) => rec.inputsOf(g));
    expect(gateways.map((g) => g.metadata.name).sort()).toEqual(["payments-waypoint", "storefront-waypoint"]);
    const payments = gateways.find((g) => g.metadata.name === "payments-waypoint")!;
    expect(payments.metadata).toMatchObject({ namespace: "istio-waypoints", labels: { "istio.io/waypoint-for": "service" } });
    expect(payments.spec).toMatchObject({
      gatewayClassName: "istio-waypoint",
      listeners: [{ name: "mesh", port: 15008, protocol: "HBONE", allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { "kubernetes.io/metadata.name": "payments" } } } } }],
      infrastructure: { parametersRef: { group: "", kind: "ConfigMap", name: "payments-waypoint-options" } },
    });
    const chart = byName(rec, T.chart, "use1-mesh-gateway-api-crds");
    expect(rec.inputsOf(chart)).toMatchObject({ chart: "oci://docker.io/envoyproxy/gateway-crds-helm", version: "v1.6.1", values: { crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: false } } } });
    const istiod = byName(rec, T.release, "use1-mesh-istiod");
    const gw = byName(rec, T.gateway, "use1-mesh-payments-waypoint-gateway");
    expect(gw.options.dependsOn).toEqual(expect.arrayContaining([chart.urn, istiod.urn]));
  });

  test("HA in prod: HPA from 2, a PDB allowing one eviction, hard zone spread (istiod generates them from the Gateway's options); the namespace is redirected only after its waypoint", async () => {
    const rec = await deploy({}, "prod", preview);
    const cm = rec.inputsOf(byName(rec, T.configMap, "use1-mesh-payments-waypoint-options"));
    expect(cm.metadata).toMatchObject({ name: "payments-waypoint-options", namespace: "istio-waypoints" });
    expect(JSON.parse(cm.data.horizontalPodAutoscaler).spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(JSON.parse(cm.data.podDisruptionBudget).spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "payments-waypoint" } } });
    const options = JSON.parse(cm.data.deployment);
    expect(options.spec.template.spec.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" });
    expect(byName(rec, T.gateway, "use1-mesh-payments-waypoint-gateway").options.dependsOn).toContain(byName(rec, T.configMap, "use1-mesh-payments-waypoint-options").urn);
    const use = byName(rec, T.nsPatch, "use1-mesh-payments-ambient");
    expect(rec.inputsOf(use).metadata).toMatchObject({ name: "payments", labels: { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "payments-waypoint", "istio.io/use-waypoint-namespace": "istio-waypoints" } });
    expect(use.options.dependsOn).toContain(byName(rec, T.gateway, "use1-mesh-payments-waypoint-gateway").urn);
    // The permissive monitoring namespace is enrolled but gets no waypoint.
    expect(rec.inputsOf(byName(rec, T.nsPatch, "use1-mesh-monitoring-ambient")).metadata.labels).toEqual({ "istio.io/dataplane-mode": "ambient" });
  });

  test("the waypoint namespace admits HBONE from the mesh's namespaces by name and sends HBONE only to the tenants", async () => {
    const rec = await deploy({}, "prod", preview);
    const policies = rec.ofType(T.netpol).map((n) => rec.inputsOf(n)).filter((n) => n.metadata.namespace === "istio-waypoints");
    const names = policies.map((p) => p.metadata.name).sort();
    expect(names).toEqual(expect.arrayContaining(["allow-egress-hbone-payments", "allow-egress-hbone-storefront", "allow-egress-istiod", "allow-ingress-hbone-monitoring", "allow-ingress-hbone-payments", "allow-ingress-hbone-storefront", "default-deny-all"]));
    expect(names).not.toContain("allow-egress-hbone-monitoring");
  });

  test("staging keeps two waypoint pods; dev runs one with a soft spread", async () => {
    const hpaOf = (rec: ResourceRecorder) => JSON.parse(rec.inputsOf(byName(rec, T.configMap, "use1-mesh-payments-waypoint-options")).data.horizontalPodAutoscaler).spec;
    expect(hpaOf(await deploy({}, "staging", preview)).minReplicas).toBe(2);
    const dev = await deploy({}, "dev", preview);
    expect(hpaOf(dev).minReplicas).toBe(1);
    const options = JSON.parse(dev.inputsOf(byName(dev, T.configMap, "use1-mesh-payments-waypoint-options")).data.deployment);
    expect(options.spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable).toBe("ScheduleAnyway");
  });
});

describe("a service behind its waypoint", () => {
  test("DestinationRule: circuit breaker and outlier detection at the documented defaults, on the service host", async () => {
    const rec = await deploy();
    const dr = rec.inputsOf(rec.ofType(T.dr)[0]);
    expect(dr.metadata).toMatchObject({ name: "checkout", namespace: "payments" });
    expect(dr.spec).toEqual({
      host: "checkout.payments.svc.cluster.local",
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 1024, connectTimeout: "2s" }, http: { http1MaxPendingRequests: 256, http2MaxRequests: 1024, maxRetries: 32 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
      },
    });
  });

  test("VirtualService: a 15 s timeout and 2 bounded retries of 5 s on failures that never reached the app", async () => {
    const rec = await deploy();
    const vs = rec.inputsOf(rec.ofType(T.vs)[0]);
    expect(vs.spec).toEqual({
      hosts: ["checkout.payments.svc.cluster.local"],
      http: [{
        route: [{ destination: { host: "checkout.payments.svc.cluster.local", port: { number: 8080 } } }],
        timeout: "15s",
        retries: { attempts: 2, perTryTimeout: "5s", retryOn: MESH_TRAFFIC_DEFAULTS.retries.retryOn },
      }],
    });
    expect(MESH_TRAFFIC_DEFAULTS.retries.retryOn).not.toMatch(/5xx|reset,|gateway-error/);
  });

  test("overrides reach the objects; attempts 0 turns retries off", async () => {
    const rec = await deploy({ mesh: { traffic: { timeoutSeconds: 4, retries: { attempts: 0 }, circuitBreaker: { maxPendingRequests: 10 }, outlierDetection: { maxEjectionPercent: 30 } } } });
    const vs = rec.inputsOf(rec.ofType(T.vs)[0]);
    expect(vs.spec.http[0]).toMatchObject({ timeout: "4s", retries: { attempts: 0 } });
    const dr = rec.inputsOf(rec.ofType(T.dr)[0]);
    expect(dr.spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests).toBe(10);
    expect(dr.spec.trafficPolicy.outlierDetection.maxEjectionPercent).toBe(30);
  });

  test("every waypoint object depends on the waypoint and on the release that installs Istio's CRDs", async () => {
    const rec = await deploy();
    const gateway = byName(rec, T.gateway, "use1-mesh-payments-waypoint-gateway");
    const base = byName(rec, T.release, "use1-mesh-istio-base");
    for (const name of ["use1-checkout-destination-rule", "use1-checkout-virtual-service"]) {
      const r = rec.ofType(name.endsWith("rule") ? T.dr : T.vs).find((x) => x.name === name)!;
      expect(r.options.dependsOn).toEqual(expect.arrayContaining([gateway.urn, base.urn]));
    }
    expect(byName(rec, T.authz, "use1-checkout-waypoint-authz").options.dependsOn).toEqual(expect.arrayContaining([gateway.urn, base.urn]));
  });

  test("authorization: callers at the waypoint (targetRefs the Service); ztunnel admits the waypoint's identity too", async () => {
    const rec = await deploy();
    const atWaypoint = rec.inputsOf(byName(rec, T.authz, "use1-checkout-waypoint-authz"));
    expect(atWaypoint.metadata).toMatchObject({ name: "checkout-waypoint", namespace: "payments" });
    expect(atWaypoint.spec).toEqual({
      targetRefs: [{ kind: "Service", group: "", name: "checkout" }],
      action: "ALLOW",
      rules: [{ from: [{ source: { namespaces: ["monitoring", "storefront"] } }], to: [{ operation: { ports: ["8080"] } }] }],
    });
    const atZtunnel = rec.inputsOf(byName(rec, T.authz, "use1-checkout-authz"));
    expect(atZtunnel.spec.rules[0].from).toEqual([{ source: { namespaces: ["monitoring", "storefront"] } }, { source: { principals: [waypointPrincipalOf("payments")] } }]);
    expect(waypointPrincipalOf("payments")).toBe("cluster.local/ns/istio-waypoints/sa/payments-waypoint");
  });

  test("no callers: the waypoint policy has no rules (admits nobody); ztunnel admits only the waypoint", async () => {
    const rec = await deploy({ allowedCallers: [] });
    expect(rec.inputsOf(byName(rec, T.authz, "use1-checkout-waypoint-authz")).spec).toEqual({ targetRefs: [{ kind: "Service", group: "", name: "checkout" }], action: "ALLOW" });
    expect(rec.inputsOf(byName(rec, T.authz, "use1-checkout-authz")).spec.rules).toEqual([{ from: [{ source: { principals: [waypointPrincipalOf("payments")] } }], to: [{ operation: { ports: ["8080"] } }] }]);
  });

  test("the NetworkPolicy admits HBONE from the tenant's waypoint pods", async () => {
    const rec = await deploy();
    const netpol = rec.ofType(T.netpol).map((n) => rec.inputsOf(n)).find((n) => n.metadata.name === "checkout")!;
    const hbone = netpol.spec.ingress.find((i: any) => i.ports[0].port === 15008);
    expect(hbone.from).toContainEqual({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-waypoints" } },
      podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "payments-waypoint" } },
    });
  });
});

describe("callers with pod labels", () => {
  test("a caller that names its service account is admitted as that principal only, at ztunnel and at the waypoint", async () => {
    const rec = await deploy({ allowedCallers: [{ namespace: "storefront", podLabels: { "app.kubernetes.io/name": "web" }, serviceAccount: "web" }] });
    const principal = "cluster.local/ns/storefront/sa/web";
    expect(rec.inputsOf(byName(rec, T.authz, "use1-checkout-waypoint-authz")).spec.rules[0].from).toEqual([{ source: { principals: [principal] } }]);
    const ztunnel = rec.inputsOf(byName(rec, T.authz, "use1-checkout-authz")).spec.rules[0].from;
    expect(ztunnel).toEqual([{ source: { principals: [waypointPrincipalOf("payments"), principal].sort() } }]);
    expect(JSON.stringify(ztunnel)).not.toContain("namespaces");
  });

  test("a whole-namespace caller and a service-account caller of the same namespace: the namespace is admitted once", async () => {
    const rec = await deploy({ allowedCallers: [{ namespace: "storefront" }, { namespace: "storefront", podLabels: { app: "web" }, serviceAccount: "web" }] });
    expect(rec.inputsOf(byName(rec, T.authz, "use1-checkout-waypoint-authz")).spec.rules[0].from).toEqual([{ source: { namespaces: ["storefront"] } }]);
  });
});

describe("bad input is refused before anything registers", () => {
  test.each([
    ["podLabels without serviceAccount in the mesh", { allowedCallers: [{ namespace: "storefront", podLabels: { app: "web" } }] }, /allowedCallers\[0\]\.serviceAccount: got undefined[\s\S]*mesh identities are service accounts/],
    ["a service account that is not a name", { allowedCallers: [{ namespace: "storefront", serviceAccount: "Web_App" }] }, /allowedCallers\[0\]\.serviceAccount: got "Web_App"/],
    ["traffic without a waypoint", { mesh: { waypoint: undefined, traffic: { timeoutSeconds: 5 } } }, /mesh\.traffic: got[\s\S]*ztunnel is an L4 proxy/],
    ["too many retries", { mesh: { traffic: { retries: { attempts: 9 } } } }, /mesh\.traffic\.retries\.attempts: got 9/],
    ["ejecting most pods", { mesh: { traffic: { outlierDetection: { maxEjectionPercent: 90 } } } }, /maxEjectionPercent: got 90[\s\S]*outage/],
    ["a timeout shorter than one attempt", { mesh: { traffic: { timeoutSeconds: 2, retries: { perTryTimeoutSeconds: 5 } } } }, /mesh\.traffic\.timeoutSeconds: got 2[\s\S]*use 15/],
    ["a retry condition list with spaces", { mesh: { traffic: { retries: { retryOn: "5xx, reset" } } } }, /retryOn: got "5xx, reset"/],
  ] as [string, Partial<HaServiceArgs>, RegExp][])("%s", async (_label, bad, message) => {
    installMockRuntime({ preview: true, project: "platform", stack: "prod" });
    const mesh = new ServiceMesh("m", { environment: "prod", kubernetesVersion: "1.33", namespaces: ["payments"] });
    const build = () => new HaService("svc", { ...SERVICE, ...bad, mesh: { controlPlane: mesh.controlPlane, waypoint: mesh.waypointFor("payments"), ...bad.mesh } });
    expect(build).toThrow(message);
    // The mesh registered before the refusal: let its registrations finish under this test's mocks, not the next's.
    await settle();
  });

  test("waypoint replicas below the environment's floor are refused", () => {
    installMockRuntime({ preview: true, project: "platform", stack: "prod" });
    expect(() => new ServiceMesh("m", { environment: "prod", kubernetesVersion: "1.33", namespaces: ["payments"], waypointReplicas: { min: 1 } })).toThrow(/waypointReplicas\.min: got 1[\s\S]*from 2/);
  });

  test("the waypoint namespace is not a tenant", () => {
    installMockRuntime({ preview: true, project: "platform", stack: "prod" });
    expect(() => new ServiceMesh("m", { environment: "prod", kubernetesVersion: "1.33", namespaces: ["istio-waypoints"] })).toThrow(/namespaces\[0\]: got "istio-waypoints"/);
  });

  test("meshTrafficProblems accepts the defaults and nothing at all", () => {
    expect(meshTrafficProblems(undefined)).toEqual([]);
    expect(meshTrafficProblems({ ...MESH_TRAFFIC_DEFAULTS })).toEqual([]);
  });
});
