import { describe, expect, it } from 'vitest';
import { ATHENA_REPORTS, insightsReport, insightsReports } from '../../../src/reports/catalog.js';
import { ConfigError } from '../../../src/errors.js';
import { DEFAULT_FORMAT, formatOf, parseFormatString, formatString } from '../../../src/format/flow-log-schema.js';
import { DISCOVERED_FIELDS, insightsFieldNames, isDiscoveredFormat, parseCommand } from '../../../src/reports/logs-insights.js';

const query = (r: ReturnType<typeof insightsReport>) => ('query' in r ? r.query : `skipped: ${r.missing.join(', ')}`);

describe('insightsFieldNames', () => {
  it('uses the names Logs Insights discovers for the default format', () => {
    const names = insightsFieldNames(DEFAULT_FORMAT);

    expect(names).toMatchObject({ srcaddr: 'srcAddr', dstaddr: 'dstAddr', interface_id: 'interfaceId', log_status: 'logStatus', dstport: 'dstPort', start: 'startTime', bytes: 'bytes' });
    expect(Object.keys(names)).toEqual(Object.keys(DISCOVERED_FIELDS));
  });

  it('treats the default fields written out in order as the default format', () => {
    expect(isDiscoveredFormat(parseFormatString(formatString(DEFAULT_FORMAT)))).toBe(true);
    expect(isDiscoveredFormat(formatOf(['version', 'srcaddr']))).toBe(false);
  });

  it('uses the shared keys for a custom format', () => {
    expect(insightsFieldNames(formatOf(['srcaddr', 'interface-id', 'bytes']))).toEqual({ srcaddr: 'srcaddr', interface_id: 'interface_id', bytes: 'bytes' });
  });
});

describe('parseCommand', () => {
  it('parses nothing for the default format', () => {
    expect(parseCommand(DEFAULT_FORMAT)).toBeUndefined();
  });

  it('names every token of a custom format, one glob per field', () => {
    expect(parseCommand(formatOf(['version', 'vpc-id', 'srcaddr', 'bytes']))).toBe('parse @message "* * * *" as version, vpc_id, srcaddr, bytes');
  });
});

describe('insightsReports', () => {
  it('has a query for each report under its id for the default format', () => {
    const { reports, skipped } = insightsReports(DEFAULT_FORMAT);

    expect(reports.map((r) => r.id)).toEqual(ATHENA_REPORTS.map((r) => r.id));
    expect(skipped).toEqual([]);
  });

  it('writes the default format\'s queries over discovered fields, flows only', () => {
    expect(query(insightsReport('top-rejected-sources', DEFAULT_FORMAT))).toBe(
      ['filter logStatus = "OK"', 'filter action = "REJECT"', 'stats count(*) as records, sum(bytes) as bytes, sum(packets) as packets by srcAddr', 'sort records desc', 'limit 10'].join('\n| '),
    );
    expect(query(insightsReport('bytes-per-interface', DEFAULT_FORMAT, { top: 5 }))).toBe(
      ['filter logStatus = "OK"', 'stats sum(bytes) as bytes, count(*) as records by interfaceId', 'sort bytes desc', 'limit 5'].join('\n| '),
    );
    expect(query(insightsReport('packets-over-time', DEFAULT_FORMAT, { interval: '5m' }))).toBe(['filter logStatus = "OK"', 'stats sum(packets) as packets, count(*) as records by bin(5m)'].join('\n| '));
  });

  it('parses a custom format first and uses its keys', () => {
    const format = formatOf(['version', 'interface-id', 'srcaddr', 'dstaddr', 'dstport', 'protocol', 'bytes', 'action', 'log-status']);

    expect(query(insightsReport('rejected-by-port', format))).toBe(
      [
        'parse @message "* * * * * * * * *" as version, interface_id, srcaddr, dstaddr, dstport, protocol, bytes, action, log_status',
        'filter log_status = "OK"',
        'filter action = "REJECT"',
        'filter protocol in [6, 17, 132]',
        'stats count(*) as records, sum(bytes) as bytes by dstport',
        'sort records desc',
        'limit 10',
      ].join('\n| '),
    );
  });

  it('skips the reports whose fields the format lacks', () => {
    const { reports, skipped } = insightsReports(formatOf(['srcaddr', 'dstaddr', 'bytes']));

    expect(reports.map((r) => r.id)).toEqual(['bytes-over-time', 'top-talkers']);
    expect(skipped).toContainEqual({ id: 'bytes-per-interface', missing: ['interface_id'] });
  });

  it('refuses a bad top or interval', () => {
    expect(() => insightsReports(DEFAULT_FORMAT, { top: 0 })).toThrow(ConfigError);
    expect(() => insightsReports(DEFAULT_FORMAT, { interval: '1 hour' })).toThrow(ConfigError);
  });
});
