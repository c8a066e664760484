/**
 * Every chart of the catalog compiles and renders with the real `vega`
 * library to SVG, with no warning logged and with marks drawn: the weekly
 * report's `chart(rows)` and the Dashboards panel's `panel(prefix)` fed a
 * response of the shape OpenSearch returns for its request (the integration
 * test feeds real ones).
 */
import { describe, expect, it } from 'vitest';
import { REPORT_CATALOG, type CatalogReport, type ReportRow } from '../../../src/reports/catalog.js';
import { renderSpec, withResponse } from '../../helpers/vega.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-28T00:00:00Z');

function rowsFor(r: CatalogReport): ReportRow[] {
  if (r.chartKind === 'time') return [0, 1, 2].map((h) => ({ key: new Date(T0 + h * HOUR).toISOString(), value: 100 * (h + 1), records: h + 1, share: (h + 1) / 6 }));
  if (r.chartKind === 'map') {
    return [
      { key: 'CN', value: 30, records: 30, share: 0.6 },
      { key: 'US', value: 15, records: 15, share: 0.3 },
      { key: 'SG', value: 5, records: 5, share: 0.1 },
    ];
  }
  return [
    { key: 'first', value: 60, records: 60, share: 0.6 },
    { key: 'second', value: 40, records: 40, share: 0.4 },
  ];
}

/** A `_search` response of the shape OpenSearch gives the panel's request: one bucket per key, as the aggregation names them. */
function responseFor(r: CatalogReport): Record<string, unknown> {
  const sums = (n: number) => ({ bytes: { value: n * 1000 }, packets: { value: n * 10 } });
  const buckets =
    r.chartKind === 'time'
      ? [0, 1, 2].map((h) => ({ key: T0 + h * HOUR, key_as_string: new Date(T0 + h * HOUR).toISOString(), doc_count: h + 1, ...sums(h + 1) }))
      : r.id === 'top-talkers'
        ? [{ key: ['10.0.0.1', '10.0.0.2'], key_as_string: '10.0.0.1|10.0.0.2', doc_count: 3, ...sums(3) }]
        : r.chartKind === 'map'
          ? [{ key: 'CN', doc_count: 3, ...sums(3) }, { key: 'US', doc_count: 1, ...sums(1) }]
          : [
              { key: 'a', doc_count: 3, ...sums(3), name: { buckets: [{ key: 'named', doc_count: 3 }] } },
              { key: 7, doc_count: 1, ...sums(1), name: { buckets: [] } },
            ];
  const records = buckets.reduce((s, b) => s + b.doc_count, 0);
  return {
    took: 1,
    hits: { total: { value: records + 2, relation: 'eq' }, hits: [] },
    aggregations: {
      log_status: { buckets: [{ key: 'OK', doc_count: records }, { key: 'NODATA', doc_count: 2 }] },
      report: { doc_count: records, total: { value: records * 1000 }, rows: { buckets } },
    },
  };
}

const drawn = (marks: Readonly<Record<string, number>>, name: string) => marks[name] ?? 0;

describe('chart', () => {
  for (const r of REPORT_CATALOG) {
    it(`${r.id}: renders its rows to SVG without a warning`, async () => {
      const rows = rowsFor(r);

      const out = await renderSpec(r.chart(rows));

      expect(out.warnings).toEqual([]);
      expect(out.svg.startsWith('<svg')).toBe(true);
      if (r.chartKind === 'bars') expect(drawn(out.marks, 'bars')).toBe(rows.length);
      if (r.chartKind === 'time') {
        expect(drawn(out.marks, 'points')).toBe(rows.length);
        expect(drawn(out.marks, 'area')).toBe(rows.length);
      }
      if (r.chartKind === 'map') {
        // Natural Earth 1:110m has 177 shapes; Singapore is too small for it, so two of the three rows are coloured.
        expect(drawn(out.marks, 'shapes')).toBe(177);
        expect(out.data('countries').filter((c) => (c.value as number) > 0).map((c) => c.id).sort()).toEqual(['CN', 'US']);
      }
    });
  }

  it('draws bars largest first, top to bottom, longest for the largest value', async () => {
    const r = REPORT_CATALOG.find((x) => x.id === 'top-rejected-sources')!;

    const out = await renderSpec(r.chart(rowsFor(r)));
    const [first, second] = out.items('bars');

    expect(out.items('bars')).toHaveLength(2);
    expect(first!.y).toBeLessThan(second!.y);
    expect(first!.width / second!.width).toBeCloseTo(60 / 40, 5);
  });
});

describe('panel', () => {
  for (const r of REPORT_CATALOG) {
    it(`${r.id}: renders the answer to its request without a warning, one row per bucket`, async () => {
      const response = responseFor(r);
      const buckets = ((response.aggregations as { report: { rows: { buckets: unknown[] } } }).report.rows.buckets).length;

      const out = await renderSpec(withResponse(r.panel('vpcflowlogs'), response));

      expect(out.warnings).toEqual([]);
      expect(out.data('rows')).toHaveLength(buckets);
      // The panel reads the same rows from the response as the catalog's rows() does.
      expect(out.data('rows').map((t) => ({ key: t.key, value: t.value, records: t.records, share: t.share }))).toEqual(
        r.rows(response).map((row) => ({ key: row.key, value: row.value, records: row.records, share: row.share })),
      );
      const marks = r.chartKind === 'bars' ? 'bars' : r.chartKind === 'time' ? 'points' : 'shapes';
      expect(drawn(out.marks, marks)).toBeGreaterThan(0);
    });
  }
});
