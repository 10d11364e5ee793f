import { dashboardQueryRuleGroups, grafanaDashboard, PanelKind, standardDashboards, substituteVariables } from "../../../components/monitoring/grafana";
import { dashboardsProblems, validateDashboardsArgs } from "../../../components/monitoring/Dashboards";
import { expectReadableDashboard } from "../../support/grafana";

describe("grafana dashboards", () => {
  const dashboards = standardDashboards();

  test("service RED + SLO, cluster capacity and data tier", () => {
    expect(dashboards.map((d) => d.uid)).toEqual(["service-red-slo", "cluster-capacity", "data-tier"]);
    expect(dashboardsProblems(dashboards)).toHaveLength(0);
  });

  test("the service dashboard shows the error budget from the SLO recording rules", () => {
    const exprs = dashboards[0].panels.flatMap((p) => p.queries.map((q) => q.expr));
    expect(exprs).toContain('slo:error_budget_remaining:ratio{slo="$service"}');
    expect(exprs.some((e) => e.includes("http_request_duration_seconds_bucket"))).toBe(true);
  });

  test("JSON: unique panel ids, panels inside the 24-column grid without overlap, datasource variable", () => {
    for (const spec of dashboards) {
      const json = grafanaDashboard(spec) as any;
      expectReadableDashboard(json);
      expect(json.templating.list[0]).toMatchObject({ type: "datasource", name: "datasource" });
    }
  });

  test("queries for a PromQL parser: Grafana variables replaced, one recording rule per query", () => {
    expect(substituteVariables('rate(x{service="$service"}[$__rate_interval])', [{ name: "service", label: "S", query: "q" }])).toBe('rate(x{service="example"}[5m])');
    const groups = dashboardQueryRuleGroups(dashboards);
    const total = dashboards.reduce((n, d) => n + d.panels.reduce((m, p) => m + p.queries.length, 0), 0);
    expect(groups.flatMap((g) => g.rules)).toHaveLength(total);
    for (const rule of groups.flatMap((g) => g.rules)) expect(rule.expr).not.toContain("$");
  });

  test("validation names the dashboard and what is wrong", () => {
    const bad = [
      { uid: "Bad UID", title: "x", tags: [], panels: [{ title: "p", kind: PanelKind.Stat, queries: [{ expr: "up" }] }] },
      { uid: "empty", title: "x", tags: [], panels: [{ title: "p", kind: PanelKind.Stat, queries: [{ expr: " " }] }] },
    ];
    expect(() => validateDashboardsArgs("dashboards", { dashboards: bad })).toThrow(/dashboards\[0\]\.uid: got "Bad UID"[\s\S]*dashboards\[1\]\.panels/);
  });
});
