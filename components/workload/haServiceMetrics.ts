/**
 * Prometheus scraping of an HaService's own pods (`metrics`): the PodMonitor, the ingress Prometheus needs to reach
 * the metrics port (NetworkPolicy, and the mesh identity in the AuthorizationPolicy) and the validation of `metrics`.
 *
 * Why a PodMonitor and not a ServiceMonitor: the series must keep each pod's `rollouts-pod-template-hash`, so a query
 * can read one version (the blue-green preview) apart from the other; `podTargetLabels` copies that pod label onto
 * every series (as `rollouts_pod_template_hash`, Prometheus label names have no dashes).
 */
import * as k8s from "@pulumi/kubernetes";
import { ROLLOUTS_HASH_LABEL } from "../delivery/rolloutSpec";
import { HBONE_PORT } from "../mesh/meshPolicy";
import { PROMETHEUS_POD_LABELS, PROMETHEUS_SERVICE_ACCOUNT } from "../monitoring/prometheusStack";
import { MONITORING_NAMESPACE } from "../monitoring/types";
import { argsObjectProblems, checkInteger, Problems } from "../shared/validation";
import { CONTAINER_PORT_NAME, HaServiceArgs, ResolvedMetrics } from "./haServiceArgs";

export const PODMONITOR_API_VERSION = "monitoring.coreos.com/v1";
/** The series label the SLO recording rules select a service by (SloRules' default selector `service="<slo>"`). */
export const SERVICE_SERIES_LABEL = "service";

/**
 * `spec` of the PodMonitor. `service` is set to the SLO's name (`delivery.analysis.sloName`, default the app name):
 * the SLO's default queries select `http_requests_total{service="<slo>"}`, so the recording rules, the post-promotion
 * analysis and the preview analysis all read these series.
 */
export function podMonitorSpecOf(selectorLabels: Record<string, string>, m: ResolvedMetrics, sloName: string): Record<string, unknown> {
  return {
    selector: { matchLabels: { ...selectorLabels } },
    podTargetLabels: [ROLLOUTS_HASH_LABEL],
    podMetricsEndpoints: [
      {
        port: m.portName,
        path: m.path,
        interval: `${m.intervalSeconds}s`,
        relabelings: [{ action: "replace", targetLabel: SERVICE_SERIES_LABEL, replacement: sloName }],
      },
    ],
  };
}

/** Prometheus' mesh identity (SPIFFE), admitted on the metrics port only. */
export function prometheusPrincipal(): string {
  return `cluster.local/ns/${MONITORING_NAMESPACE}/sa/${PROMETHEUS_SERVICE_ACCOUNT}`;
}

/**
 * NetworkPolicy ingress for the scrape: the Prometheus pods of the monitoring namespace on the metrics port; in the
 * mesh their ztunnel delivers on HBONE, so that port too. Empty without `metrics`.
 */
export function scrapeIngressRulesOf(m: ResolvedMetrics | undefined, inMesh: boolean): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
  if (!m) return [];
  const from = [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": MONITORING_NAMESPACE } }, podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } } }];
  return [{ from, ports: [{ protocol: "TCP", port: m.port }, ...(inMesh ? [{ protocol: "TCP", port: HBONE_PORT }] : [])] }];
}

/** Records the problems of `metrics`: the port must be the declared container port, by name or number. */
export function checkMetrics(p: Problems, args: HaServiceArgs): void {
  const m: unknown = args.metrics;
  if (m === undefined) return;
  const shape = argsObjectProblems(m, "metrics", "metrics");
  if (shape.length > 0) {
    p.addAll(shape);
    return;
  }
  const metrics = m as NonNullable<HaServiceArgs["metrics"]>;
  p.check(metrics.port === CONTAINER_PORT_NAME || (typeof metrics.port === "number" && metrics.port === args.port), {
    property: "metrics.port",
    value: metrics.port,
    rule: `a declared container port of the service: "${CONTAINER_PORT_NAME}" or ${args.port} (the service port); the PodMonitor scrapes a named container port`,
    fix: `serve the metrics on the service port and set metrics.port to "${CONTAINER_PORT_NAME}"`,
  });
  if (metrics.path !== undefined) {
    p.check(typeof metrics.path === "string" && /^\/\S*$/.test(metrics.path), { property: "metrics.path", value: metrics.path, rule: "an HTTP path starting with /", fix: "use /metrics (the default)" });
  }
  if (metrics.intervalSeconds !== undefined) checkInteger(p, "metrics.intervalSeconds", metrics.intervalSeconds, 10, 300, "use 30 (the default) or 15");
}
