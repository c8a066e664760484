import { describe, expect, it } from 'vitest';
import { catalogReport, excludedRecords, isReportId, NODATA_NOTE, REPORT_CATALOG, ReportError, reportTable, STANDARD_REPORTS, type ReportId, type ReportRange } from '../../../src/reports/catalog.js';
import { dataUrls, parseUrl, roundInterval } from '../../helpers/dashboards-request.js';

const searchReport = (id: ReportId, range: ReportRange) => catalogReport(id).search(range);
const reportRows = (id: ReportId, body: unknown) => catalogReport(id).rows(body);

const FROM = '2026-11-28T00:00:00Z';
const TO = '2026-11-29T00:00:00Z';
const FROM_MS = Date.parse(FROM);
const TO_MS = Date.parse(TO);

type Json = Record<string, unknown>;
const aggsOf = (body: Json): Json => body.aggs as Json;
const reportAgg = (body: Json): { filter: { bool: { filter: Json[] } }; aggs: Json } => aggsOf(body).report as never;
const rowsAgg = (body: Json): Json => reportAgg(body).aggs.rows as Json;

/** A response as OpenSearch shapes it for a searchReport body. */
function response(report: Json, status: Record<string, number> = { OK: 90, NODATA: 8, SKIPDATA: 2 }): Json {
  return {
    took: 3,
    hits: { total: { value: 100, relation: 'eq' }, hits: [] },
    aggregations: {
      log_status: { buckets: Object.entries(status).map(([key, doc_count]) => ({ key, doc_count })) },
      report,
    },
  };
}

describe('search', () => {
  it('builds a body for each of the eight standard reports', () => {
    for (const r of STANDARD_REPORTS) {
      const body = searchReport(r.id, { from: FROM, to: TO });

      expect(body).toMatchObject({ size: 0, track_total_hits: true });
      expect(aggsOf(body)).toHaveProperty('log_status.terms.field', 'log_status');
      expect(rowsAgg(body)).toBeDefined();
    }
  });

  it('bounds the query by @timestamp over [from, to), in epoch milliseconds', () => {
    const body = searchReport('accept-reject-ratio', { from: new Date(FROM), to: TO_MS });

    expect(body.query).toEqual({ bool: { filter: [{ range: { '@timestamp': { gte: FROM_MS, lt: TO_MS, format: 'epoch_millis' } } }] } });
  });

  it('counts only log_status OK records inside the report', () => {
    for (const r of STANDARD_REPORTS) {
      expect(reportAgg(searchReport(r.id, { from: FROM, to: TO })).filter.bool.filter[0]).toEqual({ term: { log_status: 'OK' } });
    }
  });

  it('filters the REJECT reports on action REJECT, and the port report on protocols with ports', () => {
    const filters = (id: Parameters<typeof searchReport>[0]) => reportAgg(searchReport(id, { from: FROM, to: TO })).filter.bool.filter;

    for (const id of ['reject-by-protocol', 'top-rejected-sources', 'rejected-by-port'] as const) {
      expect(filters(id)).toContainEqual({ term: { action: 'REJECT' } });
    }
    expect(filters('rejected-by-port')).toContainEqual({ terms: { protocol: [6, 17, 132] } });
    expect(filters('accept-reject-ratio')).toHaveLength(1);
  });

  it('asks for top N terms, ordered by count then key', () => {
    const body = searchReport('top-rejected-sources', { from: FROM, to: TO, top: 5 });

    expect(rowsAgg(body)).toMatchObject({ terms: { field: 'srcaddr', size: 5, order: [{ _count: 'desc' }, { _key: 'asc' }] } });
    expect(rowsAgg(searchReport('rejected-by-port', { from: FROM, to: TO }))).toMatchObject({ terms: { field: 'dstport', size: 10 } });
    expect(rowsAgg(searchReport('reject-by-protocol', { from: FROM, to: TO }))).toMatchObject({
      terms: { field: 'protocol' },
      aggs: { name: { terms: { field: 'protocol_name', size: 1 } } },
    });
  });

  it('orders the per-interface reports by their sum, and totals the sum over the range', () => {
    const bytes = searchReport('bytes-per-interface', { from: FROM, to: TO });
    const packets = searchReport('packets-per-interface', { from: FROM, to: TO });

    expect(rowsAgg(bytes)).toMatchObject({ terms: { field: 'interface_id', order: [{ bytes: 'desc' }, { _key: 'asc' }] }, aggs: { bytes: { sum: { field: 'bytes' } } } });
    expect(rowsAgg(packets)).toMatchObject({ terms: { field: 'interface_id', order: [{ packets: 'desc' }, { _key: 'asc' }] } });
    expect(reportAgg(bytes).aggs.total).toEqual({ sum: { field: 'bytes' } });
    expect(reportAgg(packets).aggs.total).toEqual({ sum: { field: 'packets' } });
  });

  it('makes the time series hourly by default, with a bucket for every hour of the range', () => {
    expect(rowsAgg(searchReport('bytes-over-time', { from: FROM, to: TO }))).toMatchObject({
      date_histogram: { field: '@timestamp', fixed_interval: '1h', min_doc_count: 0, extended_bounds: { min: FROM_MS, max: TO_MS - 1 } },
      aggs: { bytes: { sum: { field: 'bytes' } }, packets: { sum: { field: 'packets' } } },
    });
    expect(rowsAgg(searchReport('packets-over-time', { from: FROM, to: TO, interval: '5m' }))).toHaveProperty('date_histogram.fixed_interval', '5m');
  });

  it('builds the GeoIP reports on the enrichment keys', () => {
    expect(REPORT_CATALOG.filter((r) => r.geoip).map((r) => r.id)).toEqual(['top-source-countries', 'top-source-networks', 'rejected-sources-by-country']);
    expect(rowsAgg(searchReport('top-source-countries', { from: FROM, to: TO }))).toHaveProperty('terms.field', 'src_country');
    expect(rowsAgg(searchReport('top-source-networks', { from: FROM, to: TO }))).toHaveProperty('terms.field', 'src_asn');
  });

  it('refuses an unknown id, an empty range and a bad top', () => {
    expect(() => searchReport('no-such-report' as never, { from: FROM, to: TO })).toThrow(ReportError);
    expect(() => searchReport('bytes-over-time', { from: TO, to: FROM })).toThrow(/must be after/);
    expect(() => searchReport('bytes-over-time', { from: 'yesterday', to: TO })).toThrow(/not a time/);
    expect(() => searchReport('top-rejected-sources', { from: FROM, to: TO, top: 0 })).toThrow(/top/);
  });

  it('knows its ids', () => {
    expect(STANDARD_REPORTS.every((r) => isReportId(r.id))).toBe(true);
    expect(isReportId('toString')).toBe(false);
  });
});

describe('rows', () => {
  it('reads terms buckets into rows of records, with shares of the whole', () => {
    const body = response({
      doc_count: 90,
      rows: {
        buckets: [
          { key: 'ACCEPT', doc_count: 81, bytes: { value: 9000 }, packets: { value: 90 } },
          { key: 'REJECT', doc_count: 9, bytes: { value: 400 }, packets: { value: 10 } },
        ],
      },
    });

    expect(reportRows('accept-reject-ratio', body)).toEqual([
      { key: 'ACCEPT', value: 81, records: 81, share: 0.9, bytes: 9000, packets: 90 },
      { key: 'REJECT', value: 9, records: 9, share: 0.1, bytes: 400, packets: 10 },
    ]);
  });

  it('names protocols by keyword, and keeps the number when there is none', () => {
    const body = response({
      doc_count: 10,
      rows: {
        buckets: [
          { key: 6, doc_count: 7, name: { buckets: [{ key: 'tcp', doc_count: 7 }] } },
          { key: 253, doc_count: 3, name: { buckets: [] } },
        ],
      },
    });

    expect(reportRows('reject-by-protocol', body).map((r) => [r.key, r.value])).toEqual([
      ['tcp', 7],
      ['253', 3],
    ]);
  });

  it('writes numeric keys (ports) as strings', () => {
    const body = response({ doc_count: 5, rows: { buckets: [{ key: 22, doc_count: 5 }] } });

    expect(reportRows('rejected-by-port', body)).toMatchObject([{ key: '22', value: 5, share: 1 }]);
  });

  it('reads sums as the value of the bytes and packets reports, shares of the range total', () => {
    const body = response({
      doc_count: 90,
      total: { value: 1000 },
      rows: {
        buckets: [
          { key: 'eni-1', doc_count: 60, bytes: { value: 750 }, packets: { value: 5 } },
          { key: 'eni-2', doc_count: 30, bytes: { value: 250 }, packets: { value: 3 } },
        ],
      },
    });

    expect(reportRows('bytes-per-interface', body)).toEqual([
      { key: 'eni-1', value: 750, records: 60, share: 0.75, bytes: 750, packets: 5 },
      { key: 'eni-2', value: 250, records: 30, share: 0.25, bytes: 250, packets: 3 },
    ]);
  });

  it('keys time buckets by their ISO start, empty buckets as zero', () => {
    const body = response({
      doc_count: 2,
      total: { value: 7 },
      rows: {
        buckets: [
          { key_as_string: '2026-11-28T00:00:00.000Z', key: FROM_MS, doc_count: 2, bytes: { value: 100 }, packets: { value: 7 } },
          { key_as_string: '2026-11-28T01:00:00.000Z', key: FROM_MS + 3_600_000, doc_count: 0, bytes: { value: 0 }, packets: { value: 0 } },
        ],
      },
    });

    expect(reportRows('packets-over-time', body).map((r) => [r.key, r.value])).toEqual([
      ['2026-11-28T00:00:00.000Z', 7],
      ['2026-11-28T01:00:00.000Z', 0],
    ]);
  });

  it('labels networks with AS number and organisation', () => {
    const body = response({ doc_count: 4, rows: { buckets: [{ key: 4134, doc_count: 4, name: { buckets: [{ key: 'Chinanet', doc_count: 4 }] } }] } });

    expect(reportRows('top-source-networks', body)[0]!.key).toBe('AS4134 Chinanet');
  });

  it('throws a ReportError for a response without the report', () => {
    expect(() => reportRows('accept-reject-ratio', { hits: { hits: [] } })).toThrow(ReportError);
    expect(() => reportRows('accept-reject-ratio', response({ doc_count: 0 }))).toThrow(/rows/);
    expect(() => reportRows('accept-reject-ratio', null)).toThrow(ReportError);
  });
});

describe('reportTable', () => {
  it('carries title, labels, totals and the left-out NODATA and SKIPDATA counts', () => {
    const body = response({ doc_count: 90, total: { value: 12345 }, rows: { buckets: [] } });

    expect(reportTable('bytes-per-interface', body)).toEqual({
      id: 'bytes-per-interface',
      title: 'Bytes per interface',
      keyLabel: 'interface',
      unit: 'bytes',
      rows: [],
      total: 12345,
      records: 90,
      noData: 8,
      skipData: 2,
    });
  });

  it('reads zero NODATA and SKIPDATA when the range has none', () => {
    const body = response({ doc_count: 3, rows: { buckets: [] } }, { OK: 3 });

    expect(reportTable('accept-reject-ratio', body)).toMatchObject({ noData: 0, skipData: 0, total: 3 });
  });
});

describe('the catalog', () => {
  it('lists the eight standard reports, top talkers and the three GeoIP ones, each id once', () => {
    expect(REPORT_CATALOG.map((r) => r.id)).toEqual([
      'accept-reject-ratio', 'reject-by-protocol', 'top-rejected-sources', 'rejected-by-port', 'bytes-over-time', 'bytes-per-interface',
      'packets-over-time', 'packets-per-interface', 'top-talkers', 'top-source-countries', 'top-source-networks', 'rejected-sources-by-country',
    ]);
    expect(STANDARD_REPORTS).toEqual(REPORT_CATALOG.slice(0, 8));
    for (const r of REPORT_CATALOG) expect(r.counts.length, r.id).toBeGreaterThan(20);
  });

  it('has an Athena and a Logs Insights query for every report but the GeoIP ones', () => {
    for (const r of REPORT_CATALOG) {
      expect(r.athena !== undefined, r.id).toBe(!r.geoip);
      expect(r.insights !== undefined, r.id).toBe(!r.geoip);
    }
  });

  it('makes a panel send the aggregations search() sends, once Dashboards has put the time range in', () => {
    const bounds = { min: FROM_MS, max: TO_MS - 1 };
    for (const r of REPORT_CATALOG) {
      const [url] = dataUrls(r.panel('vpcflowlogs'));
      const sent = parseUrl(url!, bounds);
      // Dashboards' %autointerval% fills the legacy `interval` key; search() names the same width `fixed_interval`.
      const aggs = JSON.parse(JSON.stringify(sent.body.aggs).replace('"interval":', '"fixed_interval":')) as unknown;

      expect(sent.index).toBe('vpcflowlogs-*');
      expect(aggs, r.id).toEqual(searchReport(r.id, { from: FROM, to: TO, interval: roundInterval((bounds.max - bounds.min) / 50) }).aggs);
    }
  });
});

describe('excludedRecords', () => {
  it('reads the NODATA and SKIPDATA counts of a response, zero when absent', () => {
    expect(excludedRecords(response({ doc_count: 0 }))).toEqual({ nodata: 8, skipdata: 2 });
    expect(excludedRecords(response({ doc_count: 0 }, { OK: 4 }))).toEqual({ nodata: 0, skipdata: 0 });
    expect(excludedRecords(null)).toEqual({ nodata: 0, skipdata: 0 });
  });

  it('has a note that says what is left out and why', () => {
    expect(NODATA_NOTE).toMatch(/NODATA/);
    expect(NODATA_NOTE).toMatch(/SKIPDATA/);
    expect(NODATA_NOTE).toMatch(/lower bound/);
  });
});
