/**
 * Builders for the weekly report's unit tests: catalog-shaped reports with a
 * small real Vega bar chart, rows, and a scripted {@link ReportSource}.
 */
import type { CatalogReport, ReportId, ReportRange } from '../../src/reports/catalog.js';
import type { ReportRun, ReportSource, WeekRange, WeeklyRow } from '../../src/reports/weekly.js';

/** A row with its share left at 0 unless given. */
export const row = (key: string, value: number, records = value, share = 0): WeeklyRow => ({ key, value, records, share });

/** A report with the catalog's shape; `chart` is a plain Vega bar chart of the rows. */
export function fakeReport(id: ReportId, unit: CatalogReport['unit'] = 'records', title = `Title of ${id}`): CatalogReport {
  return {
    id,
    title,
    counts: `What ${id} counts.`,
    keyLabel: 'key',
    unit,
    search: (range: ReportRange) => ({ fake: id, range }),
    rows: () => [],
    chart: (rows: readonly WeeklyRow[]) => ({
      $schema: 'https://vega.github.io/schema/vega/v6.json',
      width: 300,
      height: 120,
      data: [{ name: 'rows', values: rows.map((r) => ({ key: r.key, value: r.value })) }],
      scales: [
        { name: 'x', type: 'band', domain: { data: 'rows', field: 'key' }, range: 'width', padding: 0.1 },
        { name: 'y', type: 'linear', domain: { data: 'rows', field: 'value' }, range: 'height', nice: true },
      ],
      axes: [
        { orient: 'bottom', scale: 'x' },
        { orient: 'left', scale: 'y' },
      ],
      marks: [
        {
          type: 'rect',
          from: { data: 'rows' },
          encode: { enter: { x: { scale: 'x', field: 'key' }, width: { scale: 'x', band: 1 }, y: { scale: 'y', field: 'value' }, y2: { scale: 'y', value: 0 } } },
        },
      ],
    }),
    panel: () => ({}),
  } as unknown as CatalogReport;
}

/** The four reports the headline reads, plus top-rejected-sources for first-seen. */
export const HEADLINE_REPORTS: readonly CatalogReport[] = [
  fakeReport('accept-reject-ratio'),
  fakeReport('top-rejected-sources'),
  fakeReport('bytes-over-time', 'bytes'),
  fakeReport('packets-over-time', 'packets'),
];

/** One call the scripted source received. */
export interface SourceCall {
  readonly kind: 'run' | 'rejectedSourcesIn';
  readonly id?: string;
  readonly range: { readonly from: number; readonly to: number; readonly top?: number };
  readonly addresses?: readonly string[];
}

/**
 * A source answering from a table: `answers(id, range)` gives the rows (or
 * throws); `seen` gives the look-back's REJECTed sources.
 */
export function scriptedSource(
  answers: (id: string, range: ReportRange) => readonly WeeklyRow[],
  seen: (addresses: readonly string[], range: WeekRange) => readonly string[] = () => [],
  excluded = { nodata: 0, skipdata: 0 },
): ReportSource & { readonly calls: SourceCall[] } {
  const calls: SourceCall[] = [];
  return {
    name: 'scripted',
    calls,
    run(report, range): Promise<ReportRun> {
      calls.push({ kind: 'run', id: report.id, range: { from: Number(range.from), to: Number(range.to), ...(range.top !== undefined ? { top: range.top } : {}) } });
      try {
        return Promise.resolve({ rows: answers(report.id, range), excluded });
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
    rejectedSourcesIn(addresses, range) {
      calls.push({ kind: 'rejectedSourcesIn', range, addresses });
      try {
        return Promise.resolve(new Set(seen(addresses, range)));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
  };
}
