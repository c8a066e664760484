import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT, parseFormatString } from '../../../src/format/flow-log-schema.js';
import type { GeoLookup } from '../../../src/enrich/geoip.js';
import { RecordParser, isoSeconds } from '../../../src/format/parse.js';
import { defaultRecord } from '../../helpers/events.js';

const parser = new RecordParser(DEFAULT_FORMAT);

const ok = (line: string, p: RecordParser = parser): Record<string, unknown> => {
  const r = p.parse(line);
  if (!r.ok) throw new Error(`expected a document, got: ${r.reason}`);
  return r.value;
};
const reasonOf = (line: string, p: RecordParser = parser): string => {
  const r = p.parse(line);
  if (r.ok) throw new Error('expected a failure');
  return r.reason;
};

describe('RecordParser', () => {
  it('reads a default record: integers as numbers, strings as strings', () => {
    const doc = ok(defaultRecord());
    expect(doc).toMatchObject({
      version: 2,
      account_id: '012345678901',
      interface_id: 'eni-0a1b2c3d4e5f60718',
      srcaddr: '198.18.0.10',
      dstport: 443,
      protocol: 6,
      bytes: 8400,
      action: 'ACCEPT',
      log_status: 'OK',
    });
  });

  it('keeps an account id with a leading zero as a string', () => {
    expect(ok(defaultRecord({ account_id: '000123456789' })).account_id).toBe('000123456789');
  });

  it('reads bytes beyond 2^32 exactly', () => {
    expect(ok(defaultRecord({ bytes: 9_876_543_210_123 })).bytes).toBe(9_876_543_210_123);
  });

  it('turns "-" into null and keeps NODATA records', () => {
    const doc = ok('2 012345678901 eni-0a1b2c3d4e5f60718 - - - - - - - 1795824000 1795824060 - NODATA');
    expect(doc).toMatchObject({ srcaddr: null, dstport: null, bytes: null, action: null, log_status: 'NODATA' });
    expect(doc['@timestamp']).toBe('2026-11-28T00:00:00.000Z');
  });

  it('keeps SKIPDATA records', () => {
    expect(ok('2 012345678901 eni-0a1b2c3d4e5f60718 - - - - - - - 1795824000 1795824060 - SKIPDATA').log_status).toBe('SKIPDATA');
  });

  it('adds @timestamp, end_time, duration and the protocol name', () => {
    const doc = ok(defaultRecord({ start: 1795824000, end: 1795824045, protocol: 17 }));
    expect(doc).toMatchObject({ '@timestamp': '2026-11-28T00:00:00.000Z', end_time: '2026-11-28T00:00:45.000Z', duration: 45, protocol_name: 'udp' });
  });

  it('marks address scopes and looks up only public addresses', () => {
    const looked: string[] = [];
    const geo: GeoLookup = {
      metadata: { database: 'fake', databaseType: 'fake', buildEpoch: new Date(0), asnRanges: { v4: 0, v6: 0 }, loadMs: 0 },
      lookup(ip: string) {
        looked.push(ip);
        return { country: 'JP', asn: 64500, asOrg: 'Example "Net"' };
      },
    };
    const p = new RecordParser(DEFAULT_FORMAT, { geo });
    const doc = ok(defaultRecord({ srcaddr: '52.95.110.1', dstaddr: '10.0.1.5' }), p);
    expect(doc).toMatchObject({ src_addr_scope: 'public', src_country: 'JP', src_asn: 64500, src_as_org: 'Example "Net"', dst_addr_scope: 'private' });
    expect(doc).not.toHaveProperty('dst_country');
    expect(looked).toEqual(['52.95.110.1']);
  });

  it('reads a custom format in any order, with tcp flag names', () => {
    const p = new RecordParser(parseFormatString('${tcp-flags} ${srcaddr} ${flow-direction} ${bytes}'));
    expect(ok('18 10.0.0.1 ingress 120', p)).toEqual({ tcp_flags: 18, srcaddr: '10.0.0.1', flow_direction: 'ingress', bytes: 120, tcp_flag_names: ['SYN', 'ACK'], src_addr_scope: 'private' });
  });

  it('escapes strings that need it', () => {
    const p = new RecordParser(parseFormatString('${vpc-id} ${bytes}'));
    expect(ok('vpc-"x"\\y 1', p).vpc_id).toBe('vpc-"x"\\y');
  });

  it('says how many fields it expected and found', () => {
    expect(reasonOf('2 012345678901 eni-1 10.0.0.1')).toMatch(/expected 14 space-separated fields .* found 4/);
  });

  it('names the field and value of a wrong type', () => {
    expect(reasonOf(defaultRecord({ bytes: 'lots' }))).toBe('field "bytes" must be a non-negative integer or "-", found "lots"');
    expect(reasonOf(defaultRecord({ dstport: '-1' }))).toMatch(/field "dstport"/);
    expect(reasonOf(defaultRecord({ packets: '1e3' }))).toMatch(/field "packets"/);
    expect(reasonOf(defaultRecord({ bytes: '99999999999999999' }))).toMatch(/field "bytes"/);
  });

  it('names an address that is not an IP address', () => {
    expect(reasonOf(defaultRecord({ srcaddr: '10.0.0.256' }))).toBe('field "srcaddr" must be an IP address or "-", found "10.0.0.256"');
  });

  it('tolerates a trailing newline or doubled spaces', () => {
    expect(ok(defaultRecord() + '\n').log_status).toBe('OK');
    expect(ok(defaultRecord().replace(' ', '  ')).version).toBe(2);
  });

  it('writes the document as this JSON text, checked by hand', () => {
    // 1795824000 is 2026-11-28T00:00:00Z; 198.18.0.0/15 is benchmarking (RFC 2544); protocol 6 is tcp.
    const expected =
      '{"version":2,"account_id":"012345678901","interface_id":"eni-0a1b2c3d4e5f60718","srcaddr":"198.18.0.10","dstaddr":"10.0.1.5",' +
      '"srcport":44321,"dstport":443,"protocol":6,"packets":10,"bytes":8400,"start":1795824000,"end":1795824060,"action":"ACCEPT","log_status":"OK",' +
      '"@timestamp":"2026-11-28T00:00:00.000Z","end_time":"2026-11-28T00:01:00.000Z","duration":60,"protocol_name":"tcp","src_addr_scope":"benchmarking","dst_addr_scope":"private"}';

    const json = parser.toJson(defaultRecord());

    expect(json).toEqual({ ok: true, value: expected, startSec: 1795824000 });
  });
});

describe('isoSeconds', () => {
  it('equals Date#toISOString across days, leap days and the epoch', () => {
    for (const sec of [0, 59, 86_399, 86_400, 951_782_400 /* 2000-02-29 */, 1_795_824_000, 1_795_910_399, 4_102_444_800, 1_709_251_199]) {
      expect(isoSeconds(sec)).toBe(new Date(sec * 1000).toISOString());
    }
  });
});
