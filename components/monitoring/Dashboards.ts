import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { argsObjectProblems, isRecord, Problem, Problems, throwIfProblems } from "../shared/validation";
import { DashboardSpec, grafanaDashboard, standardDashboards } from "./grafana";
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
    problems.check(d.panels.length > 0 && d.panels.every((p) => p.queries.length > 0 && p.queries.every((q) => q.expr.trim().length > 0)), {
      property: `dashboards[${i}].panels`,
      value: d.panels.map((p) => p.title),
      rule: "at least one panel, each with at least one non-empty query",
      fix: "add queries to the empty panels or remove them",
    });
  });
  return [...problems.list];
}

/** Every problem with the arguments (validation contract, docs/architecture.md): never throws, whatever it is given. */
export function dashboardsArgsProblems(args: DashboardsArgs): Problem[] {
  const shape = argsObjectProblems(args, "Dashboards");
  if (shape.length > 0) return shape;
  return dashboardsProblems(args.dashboards ?? standardDashboards());
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
