/**
 * The mesh dashboard: valid Grafana JSON delivered by the monitoring stack's mechanism, every query parsed by
 * promtool, and the per-service error ratio and mTLS coverage computed by Prometheus' own engine on synthetic
 * waypoint and ztunnel series (a query that reads the wrong label or divides the wrong way fails here).
 */
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import { MESH_ERROR_RATIO, MESH_MTLS_COVERAGE, MESH_P95_SECONDS, meshDashboard, ServiceMesh } from "../../../components/mesh";
import { dashboardsProblems } from "../../../components/monitoring/Dashboards";
import { dashboardQueryRuleGroups, grafanaDashboard, substituteVariables } from "../../../components/monitoring/grafana";
import { installMockRuntime, settle } from "../../../src/testing/mocks";
import { counterSeries, run, steps, tempDir, toolAvailability, writeYaml } from "../monitoring/promtool-helpers";
import { expectReadableDashboard } from "../../support/grafana";

const promtool = toolAvailability("promtool", "prometheus");
const describePromtool = promtool.path ? describe : describe.skip;

describe("mesh dashboard", () => {
  const spec = meshDashboard();

  test("request rate, error ratio and p95 per service, mTLS coverage, istiod and ztunnel health", () => {
    expect(spec.panels.map((p) => p.title)).toEqual(expect.arrayContaining(["Request rate", "Error ratio (5xx)", "Latency p95", "mTLS coverage", "istiod up", "ztunnel up"]));
    const exprs = spec.panels.flatMap((p) => p.queries.map((q) => q.expr));
    for (const q of [MESH_ERROR_RATIO, MESH_P95_SECONDS]) expect(q).toContain("by (");
    expect(exprs.join("\n")).toContain('job="istio-system/istiod"');
    expect(exprs.join("\n")).toContain('job="istio-system/ztunnel"');
    expect(dashboardsProblems([spec])).toEqual([]);
  });

  test("JSON: unique panel ids, inside the 24-column grid without overlap, every panel on the datasource variable", () => {
    const json = grafanaDashboard(spec) as any;
    expectReadableDashboard(json);
    expect(json.uid).toBe("service-mesh");
    expect(json.templating.list.map((v: any) => v.name)).toEqual(["datasource", "service"]);
  });

  test("delivered as a Grafana sidecar ConfigMap in the monitoring namespace when the mesh has a monitoring release", async () => {
    const rec = installMockRuntime({ preview: true, project: "platform", stack: "prod" });
    const provider = new k8s.Provider("use1-cluster", { kubeconfig: "{}" });
    const monitoring = new k8s.core.v1.Namespace("monitoring-stand-in", { metadata: { name: "monitoring" } }, { provider });
    new ServiceMesh("use1-mesh", { environment: "prod", kubernetesVersion: "1.33", namespaces: ["payments"], monitoringRelease: monitoring }, { provider });
    await settle();
    const cm = rec.ofType("kubernetes:core/v1:ConfigMap").map((c) => rec.inputsOf(c)).find((c) => c.metadata.name === "dashboard-service-mesh");
    expect(cm?.metadata).toMatchObject({ namespace: "monitoring", labels: { grafana_dashboard: "1" } });
    expect(JSON.parse(cm!.data["service-mesh.json"]).title).toBe(spec.title);
  });
});

describePromtool("mesh dashboard queries under promtool", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir("mesh-dashboard-");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("every panel query parses as PromQL", () => {
    const file = writeYaml(dir, "mesh-dashboard.rules.yaml", { groups: dashboardQueryRuleGroups([spec()]) });
    const result = run(promtool.path as string, ["check", "rules", file], dir);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  test("error ratio per service and mTLS coverage on synthetic waypoint and ztunnel series", () => {
    const vars = spec().variables ?? [];
    const at = (expr: string) => `round(${substituteVariables(expr, vars).replace(/destination_service_name=~"example"/g, 'destination_service_name=~".+"')}, 0.001)`;
    const perMinute = (n: number) => counterSeries(steps(20, n));
    const tests = {
      evaluation_interval: "1m",
      tests: [{
        interval: "1m",
        input_series: [
          // checkout: 1000 req/min, 2 % 503; catalog: 500 req/min, no errors. The source reporter is not counted.
          { series: 'istio_requests_total{reporter="waypoint",destination_service_name="checkout",response_code="200"}', values: perMinute(980) },
          { series: 'istio_requests_total{reporter="waypoint",destination_service_name="checkout",response_code="503"}', values: perMinute(20) },
          { series: 'istio_requests_total{reporter="waypoint",destination_service_name="catalog",response_code="200"}', values: perMinute(500) },
          { series: 'istio_requests_total{reporter="source",destination_service_name="catalog",response_code="500"}', values: perMinute(500) },
          // 90 % of connections into meshed pods were mutual TLS, 10 % plaintext from the load balancer.
          { series: 'istio_tcp_connections_opened_total{reporter="destination",connection_security_policy="mutual_tls"}', values: perMinute(90) },
          { series: 'istio_tcp_connections_opened_total{reporter="destination",connection_security_policy="unknown"}', values: perMinute(10) },
        ],
        promql_expr_test: [
          { expr: at(MESH_ERROR_RATIO), eval_time: "15m", exp_samples: [{ labels: '{destination_service_name="catalog"}', value: 0 }, { labels: '{destination_service_name="checkout"}', value: 0.02 }] },
          { expr: at(MESH_MTLS_COVERAGE), eval_time: "15m", exp_samples: [{ labels: "{}", value: 0.9 }] },
        ],
      }],
    };
    const file = writeYaml(dir, "mesh-dashboard.test.yaml", tests);
    const result = run(promtool.path as string, ["test", "rules", path.basename(file)], dir);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  function spec() {
    return meshDashboard();
  }
});
