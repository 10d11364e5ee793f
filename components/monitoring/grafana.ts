/**
 * Grafana dashboards as typed code: panels in, dashboard JSON out.
 *
 * The JSON is what Grafana's own "export" produces for the same panels (schemaVersion 39), so the sidecar can load
 * it as is. Every query can be extracted (`dashboardQueryRuleGroups`) and parsed by `promtool check rules`, which
 * is how tests prove that no panel ships with a broken query.
 */
import { SloRecords } from "./slo";
import { RuleGroup } from "./types";

/** Units Grafana knows by these ids. */
export const PanelUnit = {
  PercentUnit: "percentunit",
  Seconds: "s",
  RequestsPerSecond: "reqps",
  Bytes: "bytes",
  Cores: "short",
  Count: "none",
} as const;
export type PanelUnit = (typeof PanelUnit)[keyof typeof PanelUnit];

export const PanelKind = {
  TimeSeries: "timeseries",
  Stat: "stat",
  Gauge: "gauge",
} as const;
export type PanelKind = (typeof PanelKind)[keyof typeof PanelKind];

export interface PanelQuery {
  /** PromQL; may use `$service`, `$__rate_interval` and the other variables of its dashboard. */
  readonly expr: string;
  /** Series name in the legend, e.g. `{{code}}`. @default Grafana's own naming */
  readonly legend?: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly kind: PanelKind;
  readonly queries: readonly PanelQuery[];
  readonly unit?: PanelUnit;
  readonly description?: string;
  /** Value at which the panel turns red (and amber at `warnAt`). @default no thresholds */
  readonly redAt?: number;
  readonly warnAt?: number;
  /** Grid width out of 24. @default 12 for time series, 6 for stat and gauge */
  readonly width?: number;
}

export interface DashboardVariable {
  readonly name: string;
  readonly label: string;
  /** A Prometheus `label_values(...)` query. */
  readonly query: string;
}

export interface DashboardSpec {
  /** Stable id; links and the ConfigMap name derive from it. */
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly variables?: readonly DashboardVariable[];
  readonly panels: readonly PanelSpec[];
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

function height(kind: PanelKind): number {
  return kind === PanelKind.TimeSeries ? 8 : 5;
}

/** Flow layout on Grafana's 24-column grid: panels fill a row left to right and wrap. */
function layout(panels: readonly PanelSpec[]): { x: number; y: number; w: number; h: number }[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((panel) => {
    const w = panel.width ?? (panel.kind === PanelKind.TimeSeries ? 12 : 6);
    const h = height(panel.kind);
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const pos = { x, y, w, h };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return pos;
  });
}

function thresholds(panel: PanelSpec): Record<string, unknown> {
  const steps: { color: string; value: number | null }[] = [{ color: "green", value: null }];
  if (panel.warnAt !== undefined) steps.push({ color: "orange", value: panel.warnAt });
  if (panel.redAt !== undefined) steps.push({ color: "red", value: panel.redAt });
  return { mode: "absolute", steps };
}

/** Dashboard JSON as Grafana stores it. */
export function grafanaDashboard(spec: DashboardSpec): Record<string, unknown> {
  const positions = layout(spec.panels);
  return {
    uid: spec.uid,
    title: spec.title,
    tags: [...spec.tags],
    timezone: "utc",
    schemaVersion: 39,
    version: 1,
    // Edits in the UI would be overwritten by the next deploy; change the code instead.
    editable: false,
    refresh: "1m",
    time: { from: "now-6h", to: "now" },
    templating: {
      list: [
        { type: "datasource", name: "datasource", label: "Data source", query: "prometheus", current: {}, hide: 0 },
        ...(spec.variables ?? []).map((v) => ({
          type: "query",
          name: v.name,
          label: v.label,
          datasource: DATASOURCE,
          definition: v.query,
          query: { query: v.query, refId: `${v.name}-variable` },
          refresh: 2,
          sort: 1,
          includeAll: false,
          multi: false,
          current: {},
          hide: 0,
        })),
      ],
    },
    annotations: { list: [] },
    panels: spec.panels.map((panel, i) => ({
      id: i + 1,
      type: panel.kind,
      title: panel.title,
      ...(panel.description ? { description: panel.description } : {}),
      gridPos: positions[i],
      datasource: DATASOURCE,
      targets: panel.queries.map((q, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource: DATASOURCE,
        expr: q.expr,
        ...(q.legend ? { legendFormat: q.legend } : {}),
      })),
      fieldConfig: { defaults: { unit: panel.unit ?? PanelUnit.Count, thresholds: thresholds(panel) }, overrides: [] },
      options: panel.kind === PanelKind.TimeSeries ? { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } } : { reduceOptions: { calcs: ["lastNotNull"] } },
    })),
  };
}

/** Values Grafana substitutes at query time, replaced by something PromQL-valid for syntax checks. */
const VARIABLE_STANDINS: Record<string, string> = {
  $__rate_interval: "5m",
  $__interval: "1m",
  $__range: "1h",
};

/** A dashboard query with its variables replaced, ready for a PromQL parser. */
export function substituteVariables(expr: string, variables: readonly DashboardVariable[]): string {
  let out = expr;
  for (const [name, value] of Object.entries(VARIABLE_STANDINS)) out = out.split(name).join(value);
  for (const v of variables) out = out.split(`$${v.name}`).join("example");
  return out;
}

/** Every panel query as a recording rule, so `promtool check rules` parses each one. */
export function dashboardQueryRuleGroups(dashboards: readonly DashboardSpec[]): RuleGroup[] {
  return dashboards.map((d) => ({
    name: `dashboard-${d.uid}`,
    rules: d.panels.flatMap((panel, i) =>
      panel.queries.map((q, j) => ({ record: `dashboard:${d.uid.replace(/[^a-zA-Z0-9_]/g, "_")}:panel_${i + 1}_query_${j + 1}`, expr: substituteVariables(q.expr, d.variables ?? []) })),
    ),
  }));
}

const SERVICE = '{service="$service"}';
const SLO = '{slo="$service"}';

/** Requests, errors, duration and the SLO's error budget for one service (chosen by the `$service` variable). */
export function serviceDashboard(): DashboardSpec {
  const quantile = (q: number) => ({
    expr: `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket${SERVICE}[$__rate_interval])))`,
    legend: `p${q * 100}`,
  });
  return {
    uid: "service-red-slo",
    title: "Service: RED and SLO",
    tags: ["platform", "slo", "red"],
    variables: [{ name: "service", label: "Service", query: `label_values(${SloRecords.objective}, slo)` }],
    panels: [
      { title: "Error budget remaining", kind: PanelKind.Stat, unit: PanelUnit.PercentUnit, warnAt: 0.25, redAt: 0, queries: [{ expr: `${SloRecords.errorBudgetRemaining}${SLO}` }] },
      { title: "Objective", kind: PanelKind.Stat, unit: PanelUnit.PercentUnit, queries: [{ expr: `${SloRecords.objective}${SLO}` }] },
      { title: "Availability over the SLO window", kind: PanelKind.Stat, unit: PanelUnit.PercentUnit, queries: [{ expr: `1 - ${SloRecords.errorRatioPeriod}${SLO}` }] },
      {
        title: "Burn rate (1 h)",
        kind: PanelKind.Stat,
        warnAt: 6,
        redAt: 14.4,
        description: "How many times faster than sustainable the budget is being spent; 14.4 pages.",
        queries: [{ expr: `${SloRecords.errorRatio("1h")}${SLO} / ${SloRecords.errorBudget}${SLO}` }],
      },
      { title: "Request rate", kind: PanelKind.TimeSeries, unit: PanelUnit.RequestsPerSecond, queries: [{ expr: `sum by (code) (rate(http_requests_total${SERVICE}[$__rate_interval]))`, legend: "{{code}}" }] },
      {
        title: "Error ratio",
        kind: PanelKind.TimeSeries,
        unit: PanelUnit.PercentUnit,
        queries: [
          { expr: `${SloRecords.errorRatio("5m")}${SLO}`, legend: "5m" },
          { expr: `${SloRecords.errorRatio("1h")}${SLO}`, legend: "1h" },
          { expr: `${SloRecords.errorBudget}${SLO}`, legend: "budget" },
        ],
      },
      { title: "Latency", kind: PanelKind.TimeSeries, unit: PanelUnit.Seconds, redAt: 1, queries: [quantile(0.5), quantile(0.95), quantile(0.99)] },
      { title: "Error budget remaining over time", kind: PanelKind.TimeSeries, unit: PanelUnit.PercentUnit, queries: [{ expr: `${SloRecords.errorBudgetRemaining}${SLO}`, legend: "remaining" }] },
    ],
  };
}

/** Whether the cluster has room: requests against allocatable, node usage, pod slots. */
export function clusterCapacityDashboard(): DashboardSpec {
  const requested = (resource: string) =>
    `sum(kube_pod_container_resource_requests{resource="${resource}"}) / sum(kube_node_status_allocatable{resource="${resource}"})`;
  return {
    uid: "cluster-capacity",
    title: "Cluster capacity",
    tags: ["platform", "capacity"],
    panels: [
      { title: "Nodes", kind: PanelKind.Stat, queries: [{ expr: "count(kube_node_info)" }] },
      { title: "CPU requested / allocatable", kind: PanelKind.Gauge, unit: PanelUnit.PercentUnit, warnAt: 0.7, redAt: 0.85, queries: [{ expr: requested("cpu") }] },
      { title: "Memory requested / allocatable", kind: PanelKind.Gauge, unit: PanelUnit.PercentUnit, warnAt: 0.7, redAt: 0.85, queries: [{ expr: requested("memory") }] },
      {
        title: "Pod slots used",
        kind: PanelKind.Gauge,
        unit: PanelUnit.PercentUnit,
        warnAt: 0.8,
        redAt: 0.9,
        queries: [{ expr: 'sum(kube_pod_status_phase{phase="Running"}) / sum(kube_node_status_allocatable{resource="pods"})' }],
      },
      {
        title: "Node CPU utilisation",
        kind: PanelKind.TimeSeries,
        unit: PanelUnit.PercentUnit,
        queries: [{ expr: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))', legend: "{{instance}}" }],
      },
      {
        title: "Node memory utilisation",
        kind: PanelKind.TimeSeries,
        unit: PanelUnit.PercentUnit,
        queries: [{ expr: "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", legend: "{{instance}}" }],
      },
      {
        title: "Pods not ready",
        kind: PanelKind.TimeSeries,
        queries: [{ expr: 'sum by (namespace) (kube_pod_status_ready{condition="false"})', legend: "{{namespace}}" }],
      },
      {
        title: "Container restarts (1 h)",
        kind: PanelKind.TimeSeries,
        queries: [{ expr: "sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h]))", legend: "{{namespace}}" }],
      },
    ],
  };
}

/** PostgreSQL and Redis as their standard exporters (postgres_exporter, redis_exporter) report them. */
export function dataTierDashboard(): DashboardSpec {
  return {
    uid: "data-tier",
    title: "Data tier",
    tags: ["platform", "data"],
    panels: [
      { title: "PostgreSQL up", kind: PanelKind.Stat, redAt: 0, queries: [{ expr: "min(pg_up)" }] },
      { title: "Redis up", kind: PanelKind.Stat, redAt: 0, queries: [{ expr: "min(redis_up)" }] },
      {
        title: "PostgreSQL connections used",
        kind: PanelKind.Gauge,
        unit: PanelUnit.PercentUnit,
        warnAt: 0.7,
        redAt: 0.9,
        queries: [{ expr: "max by (instance) (sum by (instance) (pg_stat_database_numbackends) / on (instance) pg_settings_max_connections)" }],
      },
      {
        title: "Redis memory used",
        kind: PanelKind.Gauge,
        unit: PanelUnit.PercentUnit,
        warnAt: 0.75,
        redAt: 0.9,
        queries: [{ expr: "max(redis_memory_used_bytes / (redis_memory_max_bytes > 0))" }],
      },
      {
        title: "PostgreSQL replication lag",
        kind: PanelKind.TimeSeries,
        unit: PanelUnit.Seconds,
        redAt: 30,
        queries: [{ expr: "max by (instance) (pg_replication_lag_seconds)", legend: "{{instance}}" }],
      },
      {
        title: "PostgreSQL transactions",
        kind: PanelKind.TimeSeries,
        queries: [
          { expr: "sum(rate(pg_stat_database_xact_commit[$__rate_interval]))", legend: "commits/s" },
          { expr: "sum(rate(pg_stat_database_xact_rollback[$__rate_interval]))", legend: "rollbacks/s" },
        ],
      },
      {
        title: "Redis hit ratio",
        kind: PanelKind.TimeSeries,
        unit: PanelUnit.PercentUnit,
        queries: [
          {
            expr: "sum(rate(redis_keyspace_hits_total[$__rate_interval])) / (sum(rate(redis_keyspace_hits_total[$__rate_interval])) + sum(rate(redis_keyspace_misses_total[$__rate_interval])))",
            legend: "hit ratio",
          },
        ],
      },
      { title: "Redis clients", kind: PanelKind.TimeSeries, queries: [{ expr: "sum by (instance) (redis_connected_clients)", legend: "{{instance}}" }] },
    ],
  };
}

/** The dashboards every regional cluster gets. */
export function standardDashboards(): DashboardSpec[] {
  return [serviceDashboard(), clusterCapacityDashboard(), dataTierDashboard()];
}
