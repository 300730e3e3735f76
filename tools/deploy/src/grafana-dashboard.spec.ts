import { readFileSync } from 'node:fs';
import { OPAL_METRICS } from '@opal/platform-observability';
import { DASHBOARD_FILE } from './lib/deploy-paths';
import { expressionProblems, knownMetrics, metricReferences } from './lib/metric-names';

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; datasource?: { uid: string } }>;
  gridPos: { x: number; y: number; w: number; h: number };
}

interface Dashboard {
  uid: string;
  title: string;
  templating: { list: Array<{ name: string; type: string; query?: string }> };
  panels: Panel[];
}

describe('Grafana dashboard', () => {
  const dashboard = () => JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
  const queryPanels = () => dashboard().panels.filter((panel) => panel.type !== 'row');

  describe('opal-dashboard.json', () => {
    it('should parse as a dashboard with a uid, a title and query panels', () => {
      expect(dashboard()).toMatchObject({ uid: 'opal-event-backbone', title: expect.any(String) });
      expect(queryPanels().length).toBeGreaterThan(5);
      for (const panel of queryPanels())
        expect([panel.title, panel.targets?.length]).toEqual([panel.title, expect.any(Number)]);
    });

    it('should query only metrics and labels the apps export', () => {
      const known = knownMetrics();
      const queries = queryPanels().flatMap((panel) =>
        (panel.targets ?? []).map((target) => [panel.title, target.expr]),
      );

      expect(queries.map(([title, expr]) => [title, expressionProblems(expr, known)])).toEqual(
        queries.map(([title]) => [title, []]),
      );
    });

    it('should chart every opal_ metric of the contract', () => {
      const known = knownMetrics();
      const charted = new Set(
        queryPanels().flatMap((panel) =>
          (panel.targets ?? []).flatMap((target) => metricReferences(target.expr, known).map((ref) => ref.metric)),
        ),
      );

      expect(
        Object.values(OPAL_METRICS)
          .map((metric) => metric.name)
          .filter((name) => !charted.has(name)),
      ).toEqual([]);
    });

    it('should read from the Prometheus data source variable', () => {
      const variable = dashboard().templating.list.find((entry) => entry.type === 'datasource');

      expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' });
      for (const panel of queryPanels())
        expect([panel.title, panel.datasource?.uid]).toEqual([panel.title, '${datasource}']);
    });

    it('should lay panels out without overlaps', () => {
      const cells = new Set<string>();
      const overlaps: string[] = [];
      for (const panel of dashboard().panels) {
        const { x, y, w, h } = panel.gridPos;
        for (let row = y; row < y + h; row += 1) {
          for (let column = x; column < x + w; column += 1) {
            const cell = `${row}:${column}`;
            if (cells.has(cell)) overlaps.push(`${panel.title} at ${cell}`);
            cells.add(cell);
          }
        }
        expect(x + w).toBeLessThanOrEqual(24);
      }

      expect(overlaps).toEqual([]);
    });
  });
});
