/**
 * What every generated Grafana dashboard must be for Grafana to render it as intended: unique panel ids, panels inside
 * the 24-column grid without overlapping, each with a query, each on the dashboard's datasource variable.
 */
export function expectReadableDashboard(json: any): void {
  const ids = json.panels.map((p: any) => p.id);
  expect(new Set(ids).size).toBe(ids.length);
  const cells = new Set<string>();
  for (const panel of json.panels) {
    const { x, y, w, h } = panel.gridPos;
    expect(x + w).toBeLessThanOrEqual(24);
    for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
      expect(cells.has(`${i},${j}`)).toBe(false);
      cells.add(`${i},${j}`);
    }
    expect(panel.targets.length).toBeGreaterThan(0);
    expect(panel.datasource.uid).toBe("${datasource}");
  }
}
