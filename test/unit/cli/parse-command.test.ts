import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultRecord } from '../../helpers/events.js';
import { runCli } from '../../helpers/run-cli.js';

const lines = (out: string) => out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('flowlogs parse', () => {
  it('writes one JSON object per line, in order, and exits 0 when all parsed', () => {
    const input = [defaultRecord(), '2 000123456789 eni-0a1b2c3d4e5f60718 - - - - - - - 1795824000 1795824060 - NODATA'].join('\n') + '\n';
    const r = runCli(['parse', '--no-geoip'], input);
    expect(r.status).toBe(0);
    const [a, b] = lines(r.stdout);
    expect(a).toMatchObject({ version: 2, account_id: '012345678901', srcport: 44321, log_status: 'OK' });
    expect(b).toMatchObject({ account_id: '000123456789', srcaddr: null, bytes: null, log_status: 'NODATA' });
    expect(lines(r.stdout)).toHaveLength(2);
  });

  it('puts {"error": ...} at the position of a bad line and exits 2', () => {
    const r = runCli(['parse', '--no-geoip'], [defaultRecord(), 'not a flow log', defaultRecord({ bytes: 'x' }), defaultRecord()].join('\n'));
    expect(r.status).toBe(2);
    const out = lines(r.stdout);
    expect(out).toHaveLength(4);
    expect(out[1]).toEqual({ error: expect.stringMatching(/expected 14 space-separated fields/) });
    expect(out[2]).toEqual({ error: 'field "bytes" must be a non-negative integer or "-", found "x"' });
    expect(out[3]).toMatchObject({ log_status: 'OK' });
  });

  it('prints an error line for a start of 9999999999999 and still prints the good records (issue 11)', () => {
    const bad = '2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 9999999999999 9999999999999 ACCEPT OK';
    const r = runCli(['parse', '--no-geoip'], [defaultRecord(), bad, defaultRecord({ dstport: 65536 })].join('\n') + '\n');
    expect(r.status).toBe(2);
    const out = lines(r.stdout);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({ log_status: 'OK' });
    expect(out[1]).toEqual({ error: expect.stringMatching(/^field "start" must be a Unix time/) });
    expect(out[2]).toEqual({ error: 'field "dstport" must be an integer from 0 to 65535 or "-", found "65536"' });
  });

  it('reads a custom format with underscored keys', () => {
    const r = runCli(['parse', '--no-geoip', '--format', '${pkt-srcaddr} ${tcp-flags} ${account-id} ${traffic-path}'], '10.0.0.1 2 012345678901 -\n');
    expect(r.status).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ pkt_srcaddr: '10.0.0.1', tcp_flags: 2, account_id: '012345678901', traffic_path: null });
  });

  it('exits 1 with a message for an unknown field in --format', () => {
    const r = runCli(['parse', '--no-geoip', '--format', '${srcaddr} ${nope}'], defaultRecord());
    expect(r.stderr).toMatch(/^flowlogs: --format \(or FLOW_LOG_FORMAT\): unknown flow-log field "nope"/);
    expect(r.stderr).toMatch(/unknown flow-log field "nope"/);
    expect(r.stdout).toBe('');
  });

  it('exits 1 for an unknown option', () => {
    expect(runCli(['parse', '--frmat', 'x'], '').status).toBe(1);
  });

  it('adds GeoIP country and AS for public addresses from the bundled database', () => {
    const r = runCli(['parse'], defaultRecord({ srcaddr: '8.8.8.8', dstaddr: '10.0.0.5' }));
    expect(r.status).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ src_addr_scope: 'public', src_country: 'US', src_asn: 15169, dst_addr_scope: 'private' });
  });

  it('takes the header line of a flow-log file in S3 as the format, and skips blank lines', () => {
    // The header S3 delivery writes for a custom format: the field names, hyphenated.
    const input = 'version pkt-srcaddr srcaddr bytes log-status\n\n5 10.0.0.9 10.0.0.1 4242 OK\n\n5 - - - NODATA\n';

    const r = runCli(['parse', '--no-geoip'], input);

    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual([
      expect.objectContaining({ version: 5, pkt_srcaddr: '10.0.0.9', srcaddr: '10.0.0.1', bytes: 4242, log_status: 'OK' }),
      expect.objectContaining({ version: 5, pkt_srcaddr: null, bytes: null, log_status: 'NODATA' }),
    ]);
  });

  it('skips the header of a default-format file', () => {
    const header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

    const r = runCli(['parse', '--no-geoip'], `${header}\n${defaultRecord()}\n`);

    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual([expect.objectContaining({ version: 2, log_status: 'OK' })]);
  });

  it('reads flow-log files from S3 as they are stored, gzip, several concatenated, each with its header (it printed an error line per binary line)', () => {
    const header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
    const file = (record: string) => gzipSync(`${header}\n${record}\n`);

    const r = runCli(['parse', '--no-geoip'], Buffer.concat([file(defaultRecord()), file(defaultRecord({ dstport: 22 }))]));

    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual([expect.objectContaining({ version: 2, dstport: 443 }), expect.objectContaining({ version: 2, dstport: 22 })]);
  });

  it('refuses input that starts as gzip but does not decompress, in one line', () => {
    const r = runCli(['parse', '--no-geoip'], Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));

    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^flowlogs: parse: the input starts as gzip does but does not decompress \(.+\)\n$/);
  });
});
