/**
 * The mesh's Grafana dashboard, delivered through the monitoring stack's dashboard mechanism (Dashboards: a
 * ConfigMap the Grafana sidecar loads). Every query reads a metric the mesh's own PodMonitors scrape (ServiceMesh):
 *
 * - per-service traffic from the waypoints, which report Istio's standard L7 metrics (`istio_requests_total`,
 *   `istio_request_duration_milliseconds`) with `reporter="waypoint"` (Istio "Use Layer 7 features", Observability:
 *   the full set of Istio traffic metrics is exported by a waypoint);
 * - mTLS coverage from ztunnel's L4 metrics: connections accepted by the destination ztunnel, by their
 *   `connection_security_policy` (`mutual_tls` or `unknown` for plaintext, e.g. the load balancer's);
 * - control plane and node agent health from the scrape targets themselves (`up`, job `<namespace>/<PodMonitor>`)
 *   and istiod's own counters (`pilot_xds_pushes`, `pilot_total_xds_rejects`).
 */
import { DashboardSpec, PanelKind, PanelUnit } from "../monitoring/grafana";
import { MESH_ROOT_NAMESPACE } from "./meshPolicy";

const WAYPOINT = 'reporter="waypoint",destination_service_name=~"$service"';
const RATE = "[$__rate_interval]";

/** Request rate by service (requests per second through the waypoints). */
export const MESH_REQUEST_RATE = `sum by (destination_service_name) (rate(istio_requests_total{${WAYPOINT}}${RATE}))`;
/**
 * Share of requests answered 5xx, by service. A service that served no 5xx has no 5xx series at all: `or … * 0`
 * gives it a 0 instead of "no data", so a healthy service reads 0 % rather than looking unscraped.
 */
export const MESH_ERROR_RATIO = `(sum by (destination_service_name) (rate(istio_requests_total{${WAYPOINT},response_code=~"5.."}${RATE})) or ${MESH_REQUEST_RATE} * 0) / ${MESH_REQUEST_RATE}`;
/** p95 latency by service, seconds (Istio records milliseconds). */
export const MESH_P95_SECONDS = `histogram_quantile(0.95, sum by (le, destination_service_name) (rate(istio_request_duration_milliseconds_bucket{${WAYPOINT}}${RATE}))) / 1000`;
/** Share of connections into meshed pods that were mutually authenticated, mesh-wide. */
export const MESH_MTLS_COVERAGE = `sum(rate(istio_tcp_connections_opened_total{reporter="destination",connection_security_policy="mutual_tls"}${RATE})) / sum(rate(istio_tcp_connections_opened_total{reporter="destination"}${RATE}))`;

const up = (job: string) => `sum(up{job="${MESH_ROOT_NAMESPACE}/${job}"})`;
const targets = (job: string) => `count(up{job="${MESH_ROOT_NAMESPACE}/${job}"})`;

export function meshDashboard(): DashboardSpec {
  return {
    uid: "service-mesh",
    title: "Service mesh: traffic, mTLS, control plane",
    tags: ["platform", "mesh", "istio"],
    variables: [{ name: "service", label: "Service", query: 'label_values(istio_requests_total{reporter="waypoint"}, destination_service_name)' }],
    panels: [
      { title: "mTLS coverage", kind: PanelKind.Stat, unit: PanelUnit.PercentUnit, warnAt: 0.99, description: "Connections into meshed pods that were mutual TLS; the rest is plaintext (the load balancer's, or a namespace on PERMISSIVE).", queries: [{ expr: MESH_MTLS_COVERAGE }] },
      { title: "istiod up", kind: PanelKind.Stat, description: "Scraped istiod replicas that answer; below 2 the control plane has lost its redundancy.", queries: [{ expr: up("istiod"), legend: "up" }, { expr: targets("istiod"), legend: "targets" }] },
      { title: "ztunnel up", kind: PanelKind.Stat, description: "Node agents that answer, of those scraped: a node without ztunnel drops its meshed pods' traffic.", queries: [{ expr: up("ztunnel"), legend: "up" }, { expr: targets("ztunnel"), legend: "targets" }] },
      { title: "istiod config rejected (1 h)", kind: PanelKind.Stat, redAt: 1, description: "xDS pushes a proxy refused: a proxy running on stale configuration.", queries: [{ expr: "sum(increase(pilot_total_xds_rejects[1h]))" }] },
      { title: "Request rate", kind: PanelKind.TimeSeries, unit: PanelUnit.RequestsPerSecond, queries: [{ expr: MESH_REQUEST_RATE, legend: "{{destination_service_name}}" }] },
      { title: "Error ratio (5xx)", kind: PanelKind.TimeSeries, unit: PanelUnit.PercentUnit, queries: [{ expr: MESH_ERROR_RATIO, legend: "{{destination_service_name}}" }] },
      { title: "Latency p95", kind: PanelKind.TimeSeries, unit: PanelUnit.Seconds, redAt: 1, queries: [{ expr: MESH_P95_SECONDS, legend: "{{destination_service_name}}" }] },
      { title: "istiod xDS pushes", kind: PanelKind.TimeSeries, queries: [{ expr: `sum by (type) (rate(pilot_xds_pushes${RATE}))`, legend: "{{type}}" }] },
    ],
  };
}
