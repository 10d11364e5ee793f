import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isDns1123Label } from "../shared/kubernetes";
import { argsObjectProblems, checkInteger, checkOneOf, isRecord, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { DashboardSpec, grafanaDashboard, PanelKind, PanelUnit, standardDashboards } from "./grafana";
import { MONITORING_NAMESPACE } from "./types";

/** Label the kube-prometheus-stack Grafana sidecar watches for (its defaults: `grafana_dashboard: "1"`). */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

export interface DashboardsArgs {
  /** Dashboards to deliver. @default service RED + SLO, cluster capacity and data tier */
  readonly dashboards?: readonly DashboardSpec[];
  /** Namespace Grafana's sidecar searches. @default "monitoring" */
  readonly namespace?: string;
}

const UID = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function dashboardsProblems(dashboards: readonly DashboardSpec[]): Problem[] {
  const problems = new Problems();
  if (!problems.check(Array.isArray(dashboards), { property: "dashboards", value: dashboards, rule: "a list of dashboards", fix: "pass dashboards as a list, or leave it out for the standard ones" })) return [...problems.list];
  const seen = new Set<string>();
  dashboards.forEach((d, i) => {
    if (!problems.check(isRecord(d) && Array.isArray(d.panels), { property: `dashboards[${i}]`, value: d, rule: "a dashboard { uid, title, panels }", fix: "give the dashboard a uid, a title and panels" })) return;
    problems.check(typeof d.uid === "string" && UID.test(d.uid) && !seen.has(d.uid), {
      property: `dashboards[${i}].uid`,
      value: d.uid,
      rule: "a unique id of lowercase letters, digits and '-', at most 40 characters (Grafana's uid limit)",
      fix: "give every dashboard its own short uid, e.g. checkout-red",
    });
    seen.add(d.uid);
    checkDashboardFields(problems, `dashboards[${i}]`, d);
    // Malformed panels and queries are reported one by one (checkPanel), not again as empty here.
    const panelShapes = d.panels.map((p, j) => checkPanel(problems, `dashboards[${i}].panels[${j}]`, p));
    problems.check(d.panels.length > 0 && d.panels.every((p, j) => !panelShapes[j] || (p.queries.length > 0 && p.queries.every((q) => !isRecord(q) || typeof q.expr !== "string" || q.expr.trim().length > 0))), {
      property: `dashboards[${i}].panels`,
      value: d.panels.map((p) => p?.title),
      rule: "at least one panel, each with at least one non-empty query",
      fix: "add queries to the empty panels or remove them",
    });
  });
  return [...problems.list];
}

const PANEL_KINDS = Object.values(PanelKind);
const PANEL_UNITS = Object.values(PanelUnit);

function isText(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

/** A dashboard's title, tags and variables (the uid and panels are judged by dashboardsProblems). */
function checkDashboardFields(problems: Problems, at: string, d: DashboardSpec): void {
  problems.check(isText(d.title), { property: `${at}.title`, value: d.title, rule: "a title", fix: `give ${at} a title` });
  problems.check(Array.isArray(d.tags) && d.tags.every((t) => isText(t)), { property: `${at}.tags`, value: d.tags, rule: "a list of tags (strings)", fix: `write ${at}.tags as e.g. ["checkout", "red"], or [] for none` });
  listField(problems, `${at}.variables`, d.variables).forEach((v, k) => {
    const where = `${at}.variables[${k}]`;
    problems.check(isRecord(v) && isText(v.name) && isText(v.label) && isText(v.query), {
      property: where, value: v, rule: "a variable { name, label, query } of strings", fix: `write ${where} as { name: "service", label: "Service", query: "label_values(...)" }`,
    });
  });
}

/** One panel: an object with a title, a known kind and a list of query objects; optional unit, texts and numbers. Returns whether its queries can be read. */
function checkPanel(problems: Problems, at: string, p: unknown): boolean {
  if (!isRecord(p)) {
    problems.add({ property: at, value: p, rule: "a panel { title, kind, queries }", fix: `write ${at} as an object, or remove it` });
    return false;
  }
  problems.check(isText(p.title), { property: `${at}.title`, value: p.title, rule: "a title", fix: `give ${at} a title` });
  checkOneOf(problems, `${at}.kind`, p.kind, PANEL_KINDS);
  if (p.unit !== undefined) checkOneOf(problems, `${at}.unit`, p.unit, PANEL_UNITS);
  if (p.description !== undefined) problems.check(typeof p.description === "string", { property: `${at}.description`, value: p.description, rule: "a text", fix: `write ${at}.description as a string, or leave it out` });
  for (const key of ["redAt", "warnAt"] as const) {
    if (p[key] !== undefined) problems.check(typeof p[key] === "number" && Number.isFinite(p[key]), { property: `${at}.${key}`, value: p[key], rule: "a number", fix: `set ${at}.${key} to the value at which the panel changes colour, or leave it out` });
  }
  if (p.width !== undefined) checkInteger(problems, `${at}.width`, p.width, 1, 24);
  if (!problems.check(Array.isArray(p.queries), { property: `${at}.queries`, value: p.queries, rule: "a list of queries { expr, legend? }", fix: `write ${at}.queries as [{ expr: "..." }]` })) return false;
  (p.queries as unknown[]).forEach((q, k) => {
    const where = `${at}.queries[${k}]`;
    if (!isRecord(q)) {
      problems.add({ property: where, value: q, rule: "a query { expr, legend? }", fix: `write ${where} as { expr: "..." }` });
      return;
    }
    problems.check(typeof q.expr === "string", { property: `${where}.expr`, value: q.expr, rule: "a PromQL expression (a string)", fix: `write ${where}.expr as a string` });
    if (q.legend !== undefined) problems.check(typeof q.legend === "string", { property: `${where}.legend`, value: q.legend, rule: "a legend format (a string)", fix: `write ${where}.legend as e.g. "{{code}}", or leave it out` });
  });
  return true;
}

/** Every problem with the arguments (validation contract, docs/architecture.md): never throws, whatever it is given. */
export function dashboardsArgsProblems(args: DashboardsArgs): Problem[] {
  const shape = argsObjectProblems(args, "Dashboards");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(dashboardsProblems(args.dashboards ?? standardDashboards()));
  if (args.namespace !== undefined) {
    problems.check(isDns1123Label(args.namespace), { property: "namespace", value: args.namespace, rule: "a Kubernetes namespace name (DNS label)", fix: "set namespace to the one Grafana's sidecar searches, or leave it out" });
  }
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the Dashboards constructor calls first. */
export function validateDashboardsArgs(name: string, args: DashboardsArgs): void {
  throwIfProblems(`Dashboards "${name}"`, dashboardsArgsProblems(args));
}

/** Grafana dashboards as ConfigMaps the Grafana sidecar loads: one ConfigMap per dashboard. */
export class Dashboards extends pulumi.ComponentResource {
  readonly configMapNames: pulumi.Output<string>[];

  constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    const dashboards = args.dashboards ?? standardDashboards();
    validateDashboardsArgs(name, args);
    super("production-platform:monitoring:Dashboards", name, {}, opts);

    this.configMapNames = dashboards.map(
      (d) =>
        new k8s.core.v1.ConfigMap(
          `${name}-${d.uid}`,
          {
            metadata: {
              name: `dashboard-${d.uid}`,
              namespace: args.namespace ?? MONITORING_NAMESPACE,
              labels: { ...DASHBOARD_LABEL, "app.kubernetes.io/managed-by": "pulumi" },
            },
            data: { [`${d.uid}.json`]: JSON.stringify(grafanaDashboard(d)) },
          },
          { parent: this },
        ).metadata.name,
    );
    this.registerOutputs({ configMapNames: this.configMapNames });
  }
}
