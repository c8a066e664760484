/**
 * What each report of the catalog asks every engine, written out by hand:
 * the Athena (Trino) SQL a user sees in the console or a named query, the
 * Logs Insights query text, and the OpenSearch `_search` body. The request
 * shapes follow the engines' docs (OpenSearch terms, multi_terms and
 * date_histogram aggregations; Trino window functions; Logs Insights stats,
 * sort and limit). Complements catalog.test.ts, which checks their parts.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { DEFAULT_FORMAT, formatOf } from '../../../src/format/flow-log-schema.js';
import {
  athenaReport,
  athenaReports,
  catalogReport,
  excludedRecords,
  insightsReport,
  NODATA_NOTE,
  REPORT_CATALOG,
  ReportError,
  reportNeeds,
  reportTable,
  type ReportId,
} from '../../../src/reports/catalog.js';

const TABLE = { database: 'vpcflowlogs', table: 'vpc_flow_logs' };
const sqlOf = (r: ReturnType<typeof athenaReport>): string => ('sql' in r ? r.sql : `skipped: ${r.missing.join(', ')}`);
const queryOf = (r: ReturnType<typeof insightsReport>): string => ('query' in r ? r.query : `skipped: ${r.missing.join(', ')}`);

// The seven-day window and the honest-figures filter every default-format query starts with.
const WHERE_DEFAULT = "WHERE day >= date_format(current_date - INTERVAL '6' DAY, '%Y/%m/%d')\n  AND log_status = 'OK'";
const FROM_DEFAULT = 'FROM "vpcflowlogs"."vpc_flow_logs"';
const lines = (...l: string[]): string => l.join('\n');

describe('the catalog entries', () => {
  it('title, key column, unit, chart, default rows and GeoIP need of every report', () => {
    expect(REPORT_CATALOG.map((r) => [r.id, r.title, r.keyLabel, r.unit, r.chartKind, r.defaultTop, r.geoip])).toEqual([
      ['accept-reject-ratio', 'ACCEPT/REJECT ratio', 'action', 'records', 'bars', 10, false],
      ['reject-by-protocol', 'REJECTed records by protocol', 'protocol', 'records', 'bars', 10, false],
      ['top-rejected-sources', 'Top REJECTed source IPs', 'source', 'records', 'bars', 10, false],
      ['rejected-by-port', 'REJECTed traffic by destination port', 'port', 'records', 'bars', 10, false],
      ['bytes-over-time', 'Bytes over time', 'time (UTC)', 'bytes', 'time', 10, false],
      ['bytes-per-interface', 'Bytes per interface', 'interface', 'bytes', 'bars', 10, false],
      ['packets-over-time', 'Packets over time', 'time (UTC)', 'packets', 'time', 10, false],
      ['packets-per-interface', 'Packets per interface', 'interface', 'packets', 'bars', 10, false],
      ['top-talkers', 'Top talkers (bytes by source and destination)', 'source → destination', 'bytes', 'bars', 10, false],
      ['top-source-countries', 'Top source countries (public sources)', 'country', 'records', 'bars', 10, true],
      ['top-source-networks', 'Top source networks (AS)', 'AS', 'records', 'bars', 10, true],
      ['rejected-sources-by-country', 'REJECTed sources by country', 'country', 'records', 'map', 250, true],
    ]);
  });

  it('says what the volume reports count, bytes or packets', () => {
    expect(catalogReport('bytes-over-time').counts).toBe('Bytes of all flows per time bucket (hourly unless asked otherwise), every bucket of the range included.');
    expect(catalogReport('packets-over-time').counts).toBe('Packets of all flows per time bucket (hourly unless asked otherwise), every bucket of the range included.');
    expect(catalogReport('bytes-per-interface').counts).toBe('Bytes of all flows per network interface, largest first.');
    expect(catalogReport('packets-per-interface').counts).toBe('Packets of all flows per network interface, largest first.');
  });

  it('prints under the figures what NODATA and SKIPDATA records are and that they are left out', () => {
    expect(NODATA_NOTE).toBe(
      'Figures count flow records with log status OK only. NODATA records (no traffic on the interface during the capture window) and ' +
        'SKIPDATA records (records skipped during the window for capacity or an internal error) are left out; where there are SKIPDATA ' +
        'records the figures are a lower bound.',
    );
  });

  it('names the known reports when asked for an unknown one', () => {
    expect(() => catalogReport('no-such-report' as ReportId)).toThrow(
      'unknown report "no-such-report" (known: accept-reject-ratio, reject-by-protocol, top-rejected-sources, rejected-by-port, bytes-over-time, ' +
        'bytes-per-interface, packets-over-time, packets-per-interface, top-talkers, top-source-countries, top-source-networks, rejected-sources-by-country)',
    );
  });
});

describe('athenaReport, the SQL of each report over the default format', () => {
  const sql = (id: ReportId, top?: number) => sqlOf(athenaReport(id, TABLE, DEFAULT_FORMAT, top === undefined ? {} : { top }));
  const PERCENT_OF_RECORDS = '  round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS percent';

  it('accept-reject-ratio: records per action, both actions, no row limit', () => {
    expect(sql('accept-reject-ratio', 1)).toBe(
      lines('SELECT', '  action,', '  count(*) AS records,', '  sum(bytes) AS bytes,', '  sum(packets) AS packets,', PERCENT_OF_RECORDS, FROM_DEFAULT, WHERE_DEFAULT,
        "  AND action IN ('ACCEPT', 'REJECT')", 'GROUP BY action', 'ORDER BY records DESC, action'),
    );
  });

  it('reject-by-protocol: REJECTed records per protocol, named by IANA keyword', () => {
    expect(sql('reject-by-protocol')).toBe(
      lines(
        'SELECT',
        '  protocol,',
        "  CASE protocol WHEN 1 THEN 'icmp' WHEN 6 THEN 'tcp' WHEN 17 THEN 'udp' WHEN 47 THEN 'gre' WHEN 50 THEN 'esp' WHEN 51 THEN 'ah' " +
          "WHEN 58 THEN 'ipv6-icmp' WHEN 132 THEN 'sctp' ELSE CAST(protocol AS varchar) END AS protocol_name,",
        '  count(*) AS records,', '  sum(bytes) AS bytes,', '  sum(packets) AS packets,', PERCENT_OF_RECORDS, FROM_DEFAULT, WHERE_DEFAULT,
        "  AND action = 'REJECT'", 'GROUP BY protocol', 'ORDER BY records DESC, protocol', 'LIMIT 10',
      ),
    );
  });

  it('top-rejected-sources: REJECTed records per source address', () => {
    expect(sql('top-rejected-sources', 3)).toBe(
      lines('SELECT', '  srcaddr,', '  count(*) AS records,', '  sum(bytes) AS bytes,', '  sum(packets) AS packets,', PERCENT_OF_RECORDS, FROM_DEFAULT, WHERE_DEFAULT,
        "  AND action = 'REJECT'", 'GROUP BY srcaddr', 'ORDER BY records DESC, srcaddr', 'LIMIT 3'),
    );
  });

  it('rejected-by-port: REJECTed TCP, UDP and SCTP records per destination port', () => {
    expect(sql('rejected-by-port')).toBe(
      lines('SELECT', '  dstport,', '  count(*) AS records,', '  sum(bytes) AS bytes,', '  sum(packets) AS packets,', PERCENT_OF_RECORDS, FROM_DEFAULT, WHERE_DEFAULT,
        "  AND action = 'REJECT'", '  AND protocol IN (6, 17, 132)', 'GROUP BY dstport', 'ORDER BY records DESC, dstport', 'LIMIT 10'),
    );
  });

  it('bytes-over-time and packets-over-time: hourly sums, every hour in time order', () => {
    for (const figure of ['bytes', 'packets'] as const) {
      expect(sql(`${figure}-over-time`)).toBe(
        lines('SELECT', "  date_trunc('hour', from_unixtime(start)) AS hour,", `  sum(${figure}) AS ${figure},`, '  count(*) AS records', FROM_DEFAULT, WHERE_DEFAULT,
          "GROUP BY date_trunc('hour', from_unixtime(start))", 'ORDER BY hour'),
      );
    }
  });

  it('bytes-per-interface and packets-per-interface: sums per interface with their share', () => {
    expect(sql('bytes-per-interface')).toBe(
      lines('SELECT', '  interface_id,', '  sum(bytes) AS bytes,', '  count(*) AS records,', '  round(100.0 * sum(bytes) / sum(sum(bytes)) OVER (), 2) AS percent',
        FROM_DEFAULT, WHERE_DEFAULT, 'GROUP BY interface_id', 'ORDER BY bytes DESC, interface_id', 'LIMIT 10'),
    );
    expect(sql('packets-per-interface', 5)).toBe(
      lines('SELECT', '  interface_id,', '  sum(packets) AS packets,', '  count(*) AS records,', '  round(100.0 * sum(packets) / sum(sum(packets)) OVER (), 2) AS percent',
        FROM_DEFAULT, WHERE_DEFAULT, 'GROUP BY interface_id', 'ORDER BY packets DESC, interface_id', 'LIMIT 5'),
    );
  });

  it('top-talkers: bytes per address pair', () => {
    expect(sql('top-talkers')).toBe(
      lines('SELECT', '  srcaddr,', '  dstaddr,', '  sum(bytes) AS bytes,', '  sum(packets) AS packets,', '  count(*) AS records,',
        '  round(100.0 * sum(bytes) / sum(sum(bytes)) OVER (), 2) AS percent', FROM_DEFAULT, WHERE_DEFAULT, 'GROUP BY srcaddr, dstaddr',
        'ORDER BY bytes DESC, srcaddr, dstaddr', 'LIMIT 10'),
    );
  });
});

describe('athenaReport, formats without some fields', () => {
  it('leaves out the sums and the protocol filter the format cannot give, and filters on action without log-status', () => {
    const format = formatOf(['srcaddr', 'dstport', 'action']);

    expect(sqlOf(athenaReport('rejected-by-port', TABLE, format))).toBe(
      lines('SELECT', '  dstport,', '  count(*) AS records,', '  round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS percent', FROM_DEFAULT,
        "WHERE day >= date_format(current_date - INTERVAL '6' DAY, '%Y/%m/%d')", "  AND action IN ('ACCEPT', 'REJECT')", "  AND action = 'REJECT'",
        'GROUP BY dstport', 'ORDER BY records DESC, dstport', 'LIMIT 10'),
    );
  });

  it('sums only the volume the format has', () => {
    const bytesOnly = sqlOf(athenaReport('top-rejected-sources', TABLE, formatOf(['srcaddr', 'bytes', 'action', 'log-status'])));
    const packetsOnly = sqlOf(athenaReport('top-rejected-sources', TABLE, formatOf(['srcaddr', 'packets', 'action', 'log-status'])));

    expect(bytesOnly).toContain('  count(*) AS records,\n  sum(bytes) AS bytes,\n  round(');
    expect(packetsOnly).toContain('  count(*) AS records,\n  sum(packets) AS packets,\n  round(');
  });

  it('asks top talkers for packets only where the format has them, and has no flow filter without action or log-status', () => {
    expect(sqlOf(athenaReport('top-talkers', TABLE, formatOf(['srcaddr', 'dstaddr', 'bytes']), { days: 1 }))).toBe(
      lines('SELECT', '  srcaddr,', '  dstaddr,', '  sum(bytes) AS bytes,', '  count(*) AS records,', '  round(100.0 * sum(bytes) / sum(sum(bytes)) OVER (), 2) AS percent',
        FROM_DEFAULT, "WHERE day >= date_format(current_date - INTERVAL '0' DAY, '%Y/%m/%d')", 'GROUP BY srcaddr, dstaddr', 'ORDER BY bytes DESC, srcaddr, dstaddr', 'LIMIT 10'),
    );
  });

  it('names what a report needs, and refuses a report without an Athena query', () => {
    expect(reportNeeds('top-talkers')).toEqual(['srcaddr', 'dstaddr', 'bytes']);
    expect(reportNeeds('bytes-over-time')).toEqual(['bytes', 'start']);
    expect(reportNeeds('packets-per-interface')).toEqual(['packets', 'interface_id']);
    expect(reportNeeds('rejected-by-port')).toEqual(['action', 'dstport']);
    expect(() => reportNeeds('top-source-countries')).toThrow(ConfigError);
    expect(() => athenaReport('no-such-report' as ReportId, TABLE, DEFAULT_FORMAT)).toThrow(ConfigError);
    expect(() => athenaReport('top-source-networks', TABLE, DEFAULT_FORMAT)).toThrow(
      'no Athena query for report "top-source-networks" (there are: accept-reject-ratio, reject-by-protocol, top-rejected-sources, rejected-by-port, ' +
        'bytes-over-time, bytes-per-interface, packets-over-time, packets-per-interface, top-talkers)',
    );
  });

  it('refuses a top that is not a positive whole number, and accepts 1', () => {
    expect(() => athenaReport('top-talkers', TABLE, DEFAULT_FORMAT, { top: 2.5 })).toThrow('top must be a positive whole number, got 2.5');
    expect(() => athenaReport('top-talkers', TABLE, DEFAULT_FORMAT, { top: -1 })).toThrow(ConfigError);
    expect(sqlOf(athenaReport('top-talkers', TABLE, DEFAULT_FORMAT, { top: 1 }))).toMatch(/\nLIMIT 1$/);
  });

  it('lists the reports a format cannot serve and what each lacks', () => {
    const { reports, skipped } = athenaReports(TABLE, formatOf(['action', 'log-status']));

    expect(reports.map((r) => r.id)).toEqual(['accept-reject-ratio']);
    expect(skipped).toEqual([
      { id: 'reject-by-protocol', missing: ['protocol'] },
      { id: 'top-rejected-sources', missing: ['srcaddr'] },
      { id: 'rejected-by-port', missing: ['dstport'] },
      { id: 'bytes-over-time', missing: ['bytes', 'start'] },
      { id: 'bytes-per-interface', missing: ['bytes', 'interface_id'] },
      { id: 'packets-over-time', missing: ['packets', 'start'] },
      { id: 'packets-per-interface', missing: ['packets', 'interface_id'] },
      { id: 'top-talkers', missing: ['srcaddr', 'dstaddr', 'bytes'] },
    ]);
  });
});

describe('insightsReport, the Logs Insights query of each report', () => {
  const q = (id: ReportId) => queryOf(insightsReport(id, DEFAULT_FORMAT));
  const OK = 'filter logStatus = "OK"';

  it('writes each default-format query over the fields Logs Insights discovers', () => {
    expect(q('accept-reject-ratio')).toBe(
      [OK, 'filter action in ["ACCEPT", "REJECT"]', 'stats count(*) as records, sum(bytes) as bytes, sum(packets) as packets by action', 'sort records desc'].join('\n| '),
    );
    expect(q('reject-by-protocol')).toBe(
      [OK, 'filter action = "REJECT"', 'stats count(*) as records, sum(bytes) as bytes, sum(packets) as packets by protocol', 'sort records desc', 'limit 10'].join('\n| '),
    );
    expect(q('rejected-by-port')).toBe(
      [OK, 'filter action = "REJECT"', 'filter protocol in [6, 17, 132]', 'stats count(*) as records, sum(bytes) as bytes, sum(packets) as packets by dstPort', 'sort records desc', 'limit 10'].join(
        '\n| ',
      ),
    );
    expect(q('bytes-over-time')).toBe([OK, 'stats sum(bytes) as bytes, count(*) as records by bin(1h)'].join('\n| '));
    expect(q('packets-per-interface')).toBe([OK, 'stats sum(packets) as packets, count(*) as records by interfaceId', 'sort packets desc', 'limit 10'].join('\n| '));
    expect(q('top-talkers')).toBe([OK, 'stats sum(bytes) as bytes, count(*) as records by srcAddr, dstAddr', 'sort bytes desc', 'limit 10'].join('\n| '));
  });

  it('leaves out the volumes and the protocol filter a custom format lacks, and the flow filter without log-status', () => {
    const format = formatOf(['dstport', 'action']);

    expect(queryOf(insightsReport('rejected-by-port', format, { top: 3 }))).toBe(
      ['parse @message "* *" as dstport, action', 'filter action = "REJECT"', 'stats count(*) as records by dstport', 'sort records desc', 'limit 3'].join('\n| '),
    );
    expect(queryOf(insightsReport('accept-reject-ratio', formatOf(['action', 'packets'])))).toBe(
      ['parse @message "* *" as action, packets', 'filter action in ["ACCEPT", "REJECT"]', 'stats count(*) as records, sum(packets) as packets by action', 'sort records desc'].join('\n| '),
    );
  });

  it('accepts a top from 1 to 10000 and a bin() period, and refuses others with the reason', () => {
    expect(queryOf(insightsReport('top-talkers', DEFAULT_FORMAT, { top: 10_000 }))).toMatch(/\| limit 10000$/);
    expect(queryOf(insightsReport('top-talkers', DEFAULT_FORMAT, { top: 1 }))).toMatch(/\| limit 1$/);
    expect(() => insightsReport('top-talkers', DEFAULT_FORMAT, { top: 10_001 })).toThrow('top must be a whole number from 1 to 10000, got 10001');
    expect(() => insightsReport('top-talkers', DEFAULT_FORMAT, { top: 1.5 })).toThrow(ConfigError);
    expect(queryOf(insightsReport('bytes-over-time', DEFAULT_FORMAT, { interval: '15mo' }))).toMatch(/by bin\(15mo\)$/);
    expect(() => insightsReport('bytes-over-time', DEFAULT_FORMAT, { interval: 'x1h' })).toThrow('interval must be a bin() period such as 5m or 1h, got "x1h"');
    expect(() => insightsReport('bytes-over-time', DEFAULT_FORMAT, { interval: '1hx' })).toThrow(ConfigError);
  });

  it('refuses a report without a Logs Insights query, naming the ones there are', () => {
    expect(() => insightsReport('rejected-sources-by-country', DEFAULT_FORMAT)).toThrow(
      'no Logs Insights query for report "rejected-sources-by-country" (there are: accept-reject-ratio, reject-by-protocol, top-rejected-sources, rejected-by-port, ' +
        'bytes-over-time, bytes-per-interface, packets-over-time, packets-per-interface, top-talkers)',
    );
  });

  it('refuses an id that is not a report with a ConfigError', () => {
    expect(() => insightsReport('no-such-report' as ReportId, DEFAULT_FORMAT)).toThrow(ConfigError);
  });

  it('names what a custom format lacks for a query', () => {
    expect(insightsReport('top-talkers', formatOf(['srcaddr']))).toEqual({ id: 'top-talkers', missing: ['dstaddr', 'bytes'] });
    expect(insightsReport('bytes-over-time', formatOf(['srcaddr']))).toEqual({ id: 'bytes-over-time', missing: ['bytes'] });
    expect(insightsReport('reject-by-protocol', formatOf(['srcaddr']))).toEqual({ id: 'reject-by-protocol', missing: ['action', 'protocol'] });
  });
});

describe('search, the OpenSearch body of a report', () => {
  const FROM_MS = Date.UTC(2026, 10, 28);
  const TO_MS = Date.UTC(2026, 10, 29);
  const QUERY = { bool: { filter: [{ range: { '@timestamp': { gte: FROM_MS, lt: TO_MS, format: 'epoch_millis' } } }] } };
  const STATUS = { terms: { field: 'log_status', size: 10 } };
  const SUMS = { bytes: { sum: { field: 'bytes' } }, packets: { sum: { field: 'packets' } } };

  it('reject-by-protocol: terms on the number with its name, inside the OK and REJECT filter', () => {
    expect(catalogReport('reject-by-protocol').search({ from: FROM_MS, to: TO_MS, top: 4 })).toEqual({
      size: 0,
      track_total_hits: true,
      query: QUERY,
      aggs: {
        log_status: STATUS,
        report: {
          filter: { bool: { filter: [{ term: { log_status: 'OK' } }, { term: { action: 'REJECT' } }] } },
          aggs: {
            rows: {
              terms: { field: 'protocol', size: 4, order: [{ _count: 'desc' }, { _key: 'asc' }] },
              aggs: { ...SUMS, name: { terms: { field: 'protocol_name', size: 1 } } },
            },
          },
        },
      },
    });
  });

  it('accept-reject-ratio: both actions whatever top says', () => {
    const body = catalogReport('accept-reject-ratio').search({ from: FROM_MS, to: TO_MS, top: 1 });

    expect(body.aggs).toEqual({
      log_status: STATUS,
      report: {
        filter: { bool: { filter: [{ term: { log_status: 'OK' } }] } },
        aggs: { rows: { terms: { field: 'action', size: 10, order: [{ _count: 'desc' }, { _key: 'asc' }] }, aggs: SUMS } },
      },
    });
  });

  it('top-talkers: multi_terms on the address pair by bytes, with the range total', () => {
    expect(catalogReport('top-talkers').search({ from: new Date(FROM_MS), to: new Date(TO_MS) }).aggs).toEqual({
      log_status: STATUS,
      report: {
        filter: { bool: { filter: [{ term: { log_status: 'OK' } }] } },
        aggs: {
          rows: { multi_terms: { terms: [{ field: 'srcaddr' }, { field: 'dstaddr' }], size: 10, order: [{ bytes: 'desc' }, { _key: 'asc' }] }, aggs: SUMS },
          total: { sum: { field: 'bytes' } },
        },
      },
    });
  });

  it('packets-over-time: a date histogram over the whole range, empty buckets included', () => {
    expect(catalogReport('packets-over-time').search({ from: '2026-11-28T00:00:00Z', to: '2026-11-29T00:00:00Z', top: 3 }).aggs).toEqual({
      log_status: STATUS,
      report: {
        filter: { bool: { filter: [{ term: { log_status: 'OK' } }] } },
        aggs: {
          rows: {
            date_histogram: { field: '@timestamp', fixed_interval: '1h', min_doc_count: 0, extended_bounds: { min: FROM_MS, max: TO_MS - 1 } },
            aggs: SUMS,
          },
          total: { sum: { field: 'packets' } },
        },
      },
    });
  });

  it('the GeoIP reports: only records with the enrichment key, the map with every country', () => {
    const filters = (id: ReportId) => (catalogReport(id).search({ from: FROM_MS, to: TO_MS }).aggs as { report: { filter: unknown } }).report.filter;
    const rows = (id: ReportId) => (catalogReport(id).search({ from: FROM_MS, to: TO_MS }).aggs as { report: { aggs: { rows: unknown } } }).report.aggs.rows;

    expect(filters('top-source-countries')).toEqual({ bool: { filter: [{ term: { log_status: 'OK' } }, { exists: { field: 'src_country' } }] } });
    expect(filters('top-source-networks')).toEqual({ bool: { filter: [{ term: { log_status: 'OK' } }, { exists: { field: 'src_asn' } }] } });
    expect(filters('rejected-sources-by-country')).toEqual({
      bool: { filter: [{ term: { log_status: 'OK' } }, { term: { action: 'REJECT' } }, { exists: { field: 'src_country' } }] },
    });
    expect(rows('rejected-sources-by-country')).toEqual({ terms: { field: 'src_country', size: 250, order: [{ _count: 'desc' }, { _key: 'asc' }] }, aggs: SUMS });
    expect(rows('top-source-networks')).toEqual({
      terms: { field: 'src_asn', size: 10, order: [{ _count: 'desc' }, { _key: 'asc' }] },
      aggs: { ...SUMS, name: { terms: { field: 'src_as_org', size: 1 } } },
    });
  });

  it('refuses a range of no length, a top that is not a positive whole number, and names a bound that is not a time', () => {
    const r = catalogReport('top-talkers');

    expect(() => r.search({ from: FROM_MS, to: FROM_MS })).toThrow('to (2026-11-28T00:00:00.000Z) must be after from (2026-11-28T00:00:00.000Z)');
    expect(r.search({ from: FROM_MS, to: FROM_MS + 1 }).query).toEqual({ bool: { filter: [{ range: { '@timestamp': { gte: FROM_MS, lt: FROM_MS + 1, format: 'epoch_millis' } } }] } });
    expect(() => r.search({ from: FROM_MS, to: TO_MS, top: 2.5 })).toThrow('top must be a positive integer, got 2.5');
    expect(r.search({ from: FROM_MS, to: TO_MS, top: 1 }).aggs).toHaveProperty('report.aggs.rows.multi_terms.size', 1);
    expect(() => r.search({ from: FROM_MS, to: TO_MS, top: -3 })).toThrow(ReportError);
    expect(() => r.search({ from: Number.NaN, to: TO_MS })).toThrow('from is not a time: NaN');
    expect(() => r.search({ from: FROM_MS, to: 'never' })).toThrow('to is not a time: never');
    expect(() => r.search({ from: FROM_MS, to: new Date(Number.NaN) })).toThrow(ReportError);
  });
});

describe('rows and reportTable, read from responses as OpenSearch shapes them', () => {
  const answer = (report: Record<string, unknown>, status?: unknown) => ({ aggregations: { ...(status === undefined ? {} : { log_status: status }), report } });

  it('top-talkers: a pair key as "source → destination", bytes as the value and share of the range total', () => {
    const body = answer({
      doc_count: 12,
      total: { value: 1000 },
      rows: { buckets: [{ key: ['10.0.0.5', '203.0.113.9'], key_as_string: '10.0.0.5|203.0.113.9', doc_count: 12, bytes: { value: 600 }, packets: { value: 9 } }] },
    });

    expect(catalogReport('top-talkers').rows(body)).toEqual([{ key: '10.0.0.5 → 203.0.113.9', value: 600, records: 12, share: 0.6, bytes: 600, packets: 9 }]);
  });

  it('bytes-over-time: keys a numeric bucket start as its ISO time, and a bucket without one by key_as_string', () => {
    const body = answer({
      doc_count: 3,
      total: { value: 40 },
      rows: {
        buckets: [
          { key: Date.UTC(2026, 10, 28, 5), key_as_string: 'ignored', doc_count: 3, bytes: { value: 40 }, packets: { value: 2 } },
          { key: 'not a number', key_as_string: '2026-11-28T06:00:00.000Z', doc_count: 0 },
          { key: 'only key', doc_count: 0 },
        ],
      },
    });

    expect(catalogReport('bytes-over-time').rows(body)).toEqual([
      { key: '2026-11-28T05:00:00.000Z', value: 40, records: 3, share: 1, bytes: 40, packets: 2 },
      { key: '2026-11-28T06:00:00.000Z', value: 0, records: 0, share: 0, bytes: 0, packets: 0 },
      { key: 'only key', value: 0, records: 0, share: 0, bytes: 0, packets: 0 },
    ]);
  });

  it('packets-per-interface: packets as the value; a share of 0 when the range total is 0 or missing', () => {
    const bucket = { key: 'eni-0a1b2c3d', doc_count: 4, bytes: { value: 100 }, packets: { value: 8 } };

    expect(catalogReport('packets-per-interface').rows(answer({ doc_count: 4, total: { value: 16 }, rows: { buckets: [bucket] } }))).toEqual([
      { key: 'eni-0a1b2c3d', value: 8, records: 4, share: 0.5, bytes: 100, packets: 8 },
    ]);
    expect(catalogReport('packets-per-interface').rows(answer({ doc_count: 4, rows: { buckets: [bucket] } }))[0]!.share).toBe(0);
    expect(catalogReport('packets-per-interface').rows(answer({ doc_count: 4, total: { value: 0 }, rows: { buckets: [bucket] } }))[0]!.share).toBe(0);
  });

  it('top-source-networks: an AS without an organisation is named by its number only', () => {
    const body = answer({ doc_count: 2, rows: { buckets: [{ key: 64496, doc_count: 2, name: { buckets: [] } }, { key: 64497, doc_count: 1 }] } });

    expect(catalogReport('top-source-networks').rows(body).map((r) => r.key)).toEqual(['AS64496', 'AS64497']);
  });

  it('reject-by-protocol: a name bucket that is not a string leaves the number', () => {
    const body = answer({ doc_count: 2, rows: { buckets: [{ key: 99, doc_count: 2, name: { buckets: [{ key: 5, doc_count: 2 }] } }, { key: 98, doc_count: 1, name: { buckets: ['tcp'] } }] } });

    expect(catalogReport('reject-by-protocol').rows(body).map((r) => r.key)).toEqual(['99', '98']);
  });

  it('reads figures that are not finite numbers as 0, and skips buckets that are not objects', () => {
    const body = answer({
      doc_count: 'many',
      rows: { buckets: [null, 'x', [1], { key: 'ACCEPT', doc_count: Number.POSITIVE_INFINITY, bytes: { value: '5' }, packets: 7 }] },
    });

    expect(catalogReport('accept-reject-ratio').rows(body)).toEqual([{ key: 'ACCEPT', value: 0, records: 0, share: 0, bytes: 0, packets: 0 }]);
  });

  it('names what the response lacks', () => {
    const r = catalogReport('accept-reject-ratio');

    expect(() => r.rows({ aggregations: [] })).toThrow('search response lacks aggregations: was it made from the catalog\'s search()?');
    expect(() => r.rows({ aggregations: { report: 1 } })).toThrow('search response lacks aggregations.report: was it made from the catalog\'s search()?');
    expect(() => r.rows(answer({ doc_count: 1, rows: null }))).toThrow('search response lacks aggregations.report.rows: was it made from the catalog\'s search()?');
    expect(() => r.rows(answer({ doc_count: 1, rows: { buckets: {} } }))).toThrow('search response lacks aggregations.report.rows.buckets');
  });

  it('reportTable: records and the bytes total of the range, NODATA and SKIPDATA beside them', () => {
    const body = answer(
      { doc_count: 7, total: { value: 2048 }, rows: { buckets: [] } },
      { buckets: [{ key: 'OK', doc_count: 7 }, { key: 'SKIPDATA', doc_count: 3 }, null, 'junk', { key: 'NODATA', doc_count: 5 }] },
    );

    expect(reportTable('top-talkers', body)).toEqual({
      id: 'top-talkers',
      title: 'Top talkers (bytes by source and destination)',
      keyLabel: 'source → destination',
      unit: 'bytes',
      rows: [],
      total: 2048,
      records: 7,
      noData: 5,
      skipData: 3,
    });
  });

  it('excludedRecords: zero for statuses without buckets or counts', () => {
    expect(excludedRecords({ aggregations: { log_status: { buckets: 'none' } } })).toEqual({ nodata: 0, skipdata: 0 });
    expect(excludedRecords({ aggregations: { log_status: [] } })).toEqual({ nodata: 0, skipdata: 0 });
    expect(excludedRecords({ aggregations: 'x' })).toEqual({ nodata: 0, skipdata: 0 });
    expect(excludedRecords({ aggregations: { log_status: { buckets: [{ key: 'NODATA', doc_count: '4' }, { key: 'SKIPDATA' }] } } })).toEqual({ nodata: 0, skipdata: 0 });
  });
});

describe('chart, the weekly report\'s picture of the rows', () => {
  const row = (key: string, value: number) => ({ key, value, records: value, share: 0.5, bytes: 1, packets: 1 });

  it('draws bars 420 px wide, 22 px a row but at least 44 px high', () => {
    const r = catalogReport('top-rejected-sources');

    expect(r.chart([row('a', 1)])).toMatchObject({ width: 420, height: 44 });
    expect(r.chart([row('a', 1), row('b', 2)])).toMatchObject({ width: 420, height: 44 });
    expect(r.chart([row('a', 1), row('b', 2), row('c', 3)])).toMatchObject({ width: 420, height: 66 });
  });

  it('draws the map 640 by 330 and a time series 560 by 200, whatever the rows', () => {
    expect(catalogReport('rejected-sources-by-country').chart([row('CN', 3)])).toMatchObject({ width: 640, height: 330 });
    expect(catalogReport('bytes-over-time').chart([row('2026-11-28T00:00:00.000Z', 3)])).toMatchObject({ width: 560, height: 200 });
  });

  it('says what it shows: title and what the report counts, and gives the rows inline without volumes', () => {
    const spec = catalogReport('accept-reject-ratio').chart([row('ACCEPT', 9)]);

    expect(spec.description).toBe('ACCEPT/REJECT ratio: Flow records per action (ACCEPT or REJECT), with their share of all flow records.');
    expect((spec.data as unknown[])[0]).toEqual({ name: 'rows', values: [{ key: 'ACCEPT', value: 9, records: 9, share: 0.5 }] });
  });
});
