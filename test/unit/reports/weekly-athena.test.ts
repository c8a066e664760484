import { describe, expect, it } from 'vitest';
import type { CatalogReport } from '../../../src/reports/catalog.js';
import { athenaRows, excludedFromResult, excludedSql, rangeConditions, rejectedSourcesSql, reportSql } from '../../../src/reports/weekly-athena.js';
import { fakeReport } from '../../helpers/weekly-fakes.js';

const WEEK = { from: Date.parse('2026-11-23T00:00:00Z'), to: Date.parse('2026-11-30T00:00:00Z') };
const TABLE = { database: 'flowlogs', table: 'vpc_flow_logs' };

describe('rangeConditions', () => {
  it('bounds the day folders (and the day after, for late delivery) and the record start, as literals', () => {
    // 2026-11-23T00:00Z = 1795392000 s, 2026-11-30T00:00Z = 1795996800 s (by hand: 20780 and 20787 days since 1970, times 86400).
    expect(rangeConditions(WEEK)).toEqual(["day >= '2026/11/23'", "day <= '2026/11/30'", 'start >= 1795392000', 'start < 1795996800']);
  });
});

describe('reportSql', () => {
  it('gives the catalog query the table, the range and the OK filter in place of its day window', () => {
    let seen: unknown;
    const report = { ...fakeReport('top-rejected-sources'), athena: { needs: [], sql: (c: unknown) => ((seen = c), 'SELECT 1') } } as unknown as CatalogReport;

    expect(reportSql(report, TABLE, { from: WEEK.from, to: WEEK.to, top: 25 }, () => true)).toBe('SELECT 1');
    expect(seen).toMatchObject({ from: '"flowlogs"."vpc_flow_logs"', top: 25, where: [...rangeConditions(WEEK), "log_status = 'OK'"] });
  });

  it('has none for a report without an Athena query, and refuses a bad table name', () => {
    expect(reportSql(fakeReport('top-source-countries'), TABLE, WEEK, () => true)).toBeUndefined();
    const report = { ...fakeReport('top-talkers'), athena: { needs: [], sql: () => 'x' } } as unknown as CatalogReport;
    expect(() => reportSql(report, { database: 'db"; DROP', table: 't' }, WEEK, () => true)).toThrow(/not a Glue name/);
  });
});

describe('excludedSql and rejectedSourcesSql', () => {
  it('count records per log_status over the range', () => {
    expect(excludedSql(TABLE, WEEK)).toBe(
      ['SELECT log_status, count(*) AS records', 'FROM "flowlogs"."vpc_flow_logs"', `WHERE day >= '2026/11/23'`, `  AND day <= '2026/11/30'`, '  AND start >= 1795392000', '  AND start < 1795996800', 'GROUP BY log_status'].join('\n'),
    );
  });

  it('look up REJECTed sources among IPv4 and IPv6 literals only', () => {
    const sql = rejectedSourcesSql(TABLE, ['198.51.100.7', '2001:db8::5'], WEEK);

    expect(sql).toContain("AND action = 'REJECT'");
    expect(sql).toContain("AND srcaddr IN ('198.51.100.7', '2001:db8::5')");
    expect(() => rejectedSourcesSql(TABLE, ["1.2.3.4') OR ('1'='1"], WEEK)).toThrow(/not an IP address/);
  });
});

describe('athenaRows', () => {
  it('reads key, figure, records, volumes and the query\'s percent', () => {
    const rows = athenaRows(fakeReport('bytes-per-interface', 'bytes'), {
      columns: ['interface_id', 'bytes', 'records', 'percent'],
      rows: [
        ['eni-0a', '7500', '30', '75.0'],
        ['eni-0b', '2500', '10', '25.0'],
      ],
    });

    expect(rows).toEqual([
      { key: 'eni-0a', value: 7500, records: 30, share: 0.75, bytes: 7500 },
      { key: 'eni-0b', value: 2500, records: 10, share: 0.25, bytes: 2500 },
    ]);
  });

  it('turns Athena timestamps into ISO keys and computes shares from the rows without a percent column', () => {
    const rows = athenaRows(fakeReport('packets-over-time', 'packets'), {
      columns: ['hour', 'packets', 'records'],
      rows: [
        ['2026-11-23 00:00:00.000', '30', '3'],
        ['2026-11-23 01:00:00.000', '10', '1'],
      ],
    });

    expect(rows.map((r) => [r.key, r.value, r.share])).toEqual([
      ['2026-11-23T00:00:00.000Z', 30, 0.75],
      ['2026-11-23T01:00:00.000Z', 10, 0.25],
    ]);
  });

  it('fails when the figure\'s column is missing', () => {
    expect(() => athenaRows(fakeReport('bytes-over-time', 'bytes'), { columns: ['hour', 'records'], rows: [] })).toThrow(/lacks the bytes column/);
  });

  it('reads the NODATA and SKIPDATA counts', () => {
    expect(excludedFromResult({ columns: ['log_status', 'records'], rows: [['OK', '100'], ['NODATA', '4'], ['SKIPDATA', '1']] })).toEqual({ nodata: 4, skipdata: 1 });
  });
});
