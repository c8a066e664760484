/**
 * The parser as OpenSearch reads its output: integers that a double cannot
 * hold exactly, the time of a record whose format has no `${start}`, what a
 * document says about a flow that has only some of its fields, and strings
 * that must be escaped to survive as UTF-8 JSON. Complements parse.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT, parseFormatString } from '../../../src/format/flow-log-schema.js';
import type { GeoLookup } from '../../../src/enrich/geoip.js';
import { isPlausibleMs, jsonString, RecordParser, type BulkHead } from '../../../src/format/parse.js';
import { defaultRecord } from '../../helpers/events.js';

const docOf = (p: RecordParser, line: string, fallbackMs?: number): Record<string, unknown> => {
  const r = p.parse(line, fallbackMs);
  if (!r.ok) throw new Error(`expected a document, got: ${r.reason}`);
  return r.value;
};

/** What OpenSearch receives: the JSON text as UTF-8 bytes, decoded again. */
const overTheWire = (json: string): unknown => JSON.parse(Buffer.from(json, 'utf8').toString('utf8'));

describe('RecordParser, integers a double cannot hold', () => {
  const parser = new RecordParser(DEFAULT_FORMAT);

  it('takes 16-digit counts up to 2^53 - 1 exactly', () => {
    expect(docOf(parser, defaultRecord({ bytes: '9007199254740991' })).bytes).toBe(9_007_199_254_740_991);
    expect(docOf(parser, defaultRecord({ bytes: '1000000000000000' })).bytes).toBe(1_000_000_000_000_000);
    expect(docOf(parser, defaultRecord({ packets: '999999999999999' })).packets).toBe(999_999_999_999_999);
  });

  it('refuses a 16-digit count above 2^53 rather than rounding it silently', () => {
    // 2^53 + 1 would be read as 2^53.
    const r = parser.parse(defaultRecord({ bytes: '9007199254740993' }));

    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/field "bytes"/);
    expect(parser.parse(defaultRecord({ packets: '9999999999999999' })).ok).toBe(false);
  });

  it('refuses an empty integer field (two spaces in a record of the expected width)', () => {
    const p = new RecordParser(parseFormatString('${bytes} ${action}'));
    expect(p.parse(' ACCEPT').ok).toBe(false);
  });
});

describe('RecordParser, a format without ${start}', () => {
  const parser = new RecordParser(parseFormatString('${srcaddr} ${dstaddr} ${bytes} ${end}'));

  it('dates the document by the CloudWatch event time it is given', () => {
    const doc = docOf(parser, '10.0.0.1 10.0.0.2 512 1795824060', Date.UTC(2026, 10, 28, 0, 1, 1, 250));

    expect(doc['@timestamp']).toBe('2026-11-28T00:01:01.250Z');
    expect(doc.end_time).toBe('2026-11-28T00:01:00.000Z');
    // No start, so no duration.
    expect(doc).not.toHaveProperty('duration');
  });

  it('writes no @timestamp when it has neither a start nor an event time', () => {
    expect(docOf(parser, '10.0.0.1 10.0.0.2 512 1795824060')).not.toHaveProperty('@timestamp');
  });

  it('dates a record whose start is "-" by the event time, and tells the action line it has no start', () => {
    const p = new RecordParser(DEFAULT_FORMAT);
    const starts: (number | null)[] = [];
    const head: BulkHead = {
      line: (startSec) => {
        starts.push(startSec);
        return '{"index":{}}\n';
      },
    };
    const r = p.toBulkLines(defaultRecord({ start: '-', end: '-' }), Date.UTC(2026, 10, 28, 12), head);

    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(starts).toEqual([null]);
    expect(r.startSec).toBeNull();
    const [action, source, rest] = r.value.split('\n');
    expect(action).toBe('{"index":{}}');
    expect(rest).toBe('');
    expect(JSON.parse(source!)).toMatchObject({ start: null, end: null, '@timestamp': '2026-11-28T12:00:00.000Z' });
    expect(JSON.parse(source!)).not.toHaveProperty('end_time');
  });

  it('gives the action line the record start when there is one', () => {
    const starts: (number | null)[] = [];
    const r = new RecordParser(DEFAULT_FORMAT).toBulkLines(defaultRecord(), 0, { line: (s) => (starts.push(s), '') });

    expect(starts).toEqual([1795824000]);
    expect(r.ok && r.startSec).toBe(1795824000);
  });
});

describe('RecordParser, times of many records', () => {
  it('gives each record its own times when records alternate between a few seconds', () => {
    const parser = new RecordParser(DEFAULT_FORMAT);
    const a = 1795824000; // 2026-11-28T00:00:00Z
    const starts = [a, a + 7, a, a + 7, a + 3661, a, a + 86_400];

    const got = starts.map((s) => docOf(parser, defaultRecord({ start: s, end: s + 60 })));

    expect(got.map((d) => d['@timestamp'])).toEqual([
      '2026-11-28T00:00:00.000Z',
      '2026-11-28T00:00:07.000Z',
      '2026-11-28T00:00:00.000Z',
      '2026-11-28T00:00:07.000Z',
      '2026-11-28T01:01:01.000Z',
      '2026-11-28T00:00:00.000Z',
      '2026-11-29T00:00:00.000Z',
    ]);
    expect(got.map((d) => d.end_time)).toEqual([
      '2026-11-28T00:01:00.000Z',
      '2026-11-28T00:01:07.000Z',
      '2026-11-28T00:01:00.000Z',
      '2026-11-28T00:01:07.000Z',
      '2026-11-28T01:02:01.000Z',
      '2026-11-28T00:01:00.000Z',
      '2026-11-29T00:01:00.000Z',
    ]);
    expect(got.every((d) => d.duration === 60)).toBe(true);
  });
});

describe('RecordParser, enrichment of a record', () => {
  it('writes no protocol name for a number without one, and flag names only when the flags are given', () => {
    const parser = new RecordParser(DEFAULT_FORMAT);
    const doc = docOf(parser, defaultRecord({ protocol: 253 }));
    expect(doc.protocol).toBe(253);
    expect(doc).not.toHaveProperty('protocol_name');
    expect(doc).not.toHaveProperty('tcp_flag_names');

    const flags = new RecordParser(parseFormatString('${tcp-flags} ${action}'));
    expect(docOf(flags, '2 ACCEPT').tcp_flag_names).toEqual(['SYN']);
    expect(docOf(flags, '0 ACCEPT').tcp_flag_names).toEqual([]);
    expect(docOf(flags, '- ACCEPT')).not.toHaveProperty('tcp_flag_names');
    // The same flags twice give the same names (they are remembered per value).
    expect(docOf(flags, '2 ACCEPT').tcp_flag_names).toEqual(['SYN']);
    expect(docOf(flags, '19 ACCEPT').tcp_flag_names).toEqual(['FIN', 'SYN', 'ACK']);
  });

  it('writes every GeoIP key it is given, city and location included, for both sides', () => {
    const geo: GeoLookup = {
      metadata: { database: 'fake', databaseType: 'fake', buildEpoch: new Date(0), asnRanges: { v4: 0, v6: 0 }, loadMs: 0 },
      lookup: (ip) => (ip === '1.1.1.1' ? undefined : ip === '9.9.9.9' ? {} : { country: 'GB', city: 'Lon"don', location: { lat: 51.5, lon: -0.09 }, asn: 5089, asOrg: 'Virgin Media' }),
    };
    const parser = new RecordParser(DEFAULT_FORMAT, { geo });

    const doc = docOf(parser, defaultRecord({ srcaddr: '81.2.69.160', dstaddr: '52.95.110.1' }));
    const noGeo = docOf(parser, defaultRecord({ srcaddr: '1.1.1.1', dstaddr: '9.9.9.9' }));

    expect(doc).toMatchObject({
      src_addr_scope: 'public',
      src_country: 'GB',
      src_city: 'Lon"don',
      src_location: { lat: 51.5, lon: -0.09 },
      src_asn: 5089,
      src_as_org: 'Virgin Media',
      dst_addr_scope: 'public',
      dst_country: 'GB',
      dst_city: 'Lon"don',
      dst_location: { lat: 51.5, lon: -0.09 },
      dst_asn: 5089,
      dst_as_org: 'Virgin Media',
    });
    // One address the database does not know, one it knows nothing about.
    expect(Object.keys(noGeo).filter((k) => k.startsWith('src_') || k.startsWith('dst_'))).toEqual(['src_addr_scope', 'dst_addr_scope']);
  });

  it('writes no address keys for an address that is "-"', () => {
    const doc = docOf(new RecordParser(DEFAULT_FORMAT), defaultRecord({ srcaddr: '-', dstaddr: '10.0.1.5' }));
    expect(doc).not.toHaveProperty('src_addr_scope');
    expect(doc.dst_addr_scope).toBe('private');
  });

  it('keeps the scope of each side apart from the record before', () => {
    const parser = new RecordParser(DEFAULT_FORMAT);
    docOf(parser, defaultRecord({ srcaddr: '10.0.0.1', dstaddr: '8.8.8.8' }));
    expect(docOf(parser, defaultRecord({ srcaddr: '8.8.4.4', dstaddr: '192.168.1.1' }))).toMatchObject({ src_addr_scope: 'public', dst_addr_scope: 'private' });
  });
});

describe('RecordParser, made inside each test', () => {
  // Parsers built while a test runs, so mutation testing sees these tests reach the constructor.
  it('names the protocol of a default record', () => {
    expect(docOf(new RecordParser(DEFAULT_FORMAT), defaultRecord({ protocol: 6 })).protocol_name).toBe('tcp');
  });

  it('lists the fields it expected when a record has the wrong number', () => {
    const r = new RecordParser(parseFormatString('${srcaddr} ${bytes}')).parse('10.0.0.1');
    expect(!r.ok && r.reason).toBe('expected 2 space-separated fields (srcaddr bytes), found 1');
  });

  it('reads a one-field record with a trailing newline', () => {
    expect(docOf(new RecordParser(parseFormatString('${bytes}')), '42\n').bytes).toBe(42);
  });

  it('scopes dstaddr by itself, not by another address field after it', () => {
    const p = new RecordParser(parseFormatString('${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr}'));
    expect(docOf(p, '8.8.8.8 10.0.0.1 10.0.0.2 8.8.4.4')).toMatchObject({ src_addr_scope: 'public', dst_addr_scope: 'private' });
  });
});

describe('RecordParser, strings in the JSON it writes', () => {
  const p = new RecordParser(parseFormatString('${vpc-id} ${bytes}'));

  it.each([
    ['a tab', 'vpc-\t1'],
    ['a control character', 'vpc-\u00011'],
    ['a quote', 'vpc-"1'],
    ['a backslash', 'vpc-\\1'],
    ['non-ASCII text', 'vpc-é✓'],
    ['a lone surrogate', 'vpc-\ud8001'],
    ['DEL and tilde', 'vpc-\u007f~'],
  ])('keeps %s intact as OpenSearch reads the UTF-8 body', (_, value) => {
    const r = p.toJson(`${value} 1`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(overTheWire(r.value)).toMatchObject({ vpc_id: value, bytes: 1 });
    if (value.includes('\ud800')) expect(r.value).toContain('\\ud800');
  });

  it('writes ids and names as JSON strings the same way (jsonString)', () => {
    for (const s of ['', 'plain', 'with space', 'q"uote', '"', 'back\\slash', '\\', 'nl\n', 'é', '\ud800', '~', '\u001f']) {
      expect(JSON.parse(Buffer.from(jsonString(s), 'utf8').toString('utf8'))).toBe(s);
    }
  });
});

describe('RecordParser, the event time that dates a record without a start', () => {
  it('takes event times from 2000-01-01T00:00:00.000Z up to 2099-12-31T23:59:59.999Z, in milliseconds', () => {
    // Date.UTC(2000, 0, 1) and Date.UTC(2100, 0, 1), written out.
    expect(isPlausibleMs(946_684_800_000)).toBe(true);
    expect(isPlausibleMs(946_684_799_999)).toBe(false);
    expect(isPlausibleMs(4_102_444_799_999)).toBe(true);
    expect(isPlausibleMs(4_102_444_800_000)).toBe(false);
    // Seconds instead of milliseconds, and a number in a string, are not event times.
    expect(isPlausibleMs(1_795_824_000)).toBe(false);
    expect(isPlausibleMs('1795824000000')).toBe(false);
    expect(isPlausibleMs(undefined)).toBe(false);
  });

  it('dates the first and last plausible milliseconds as themselves', () => {
    const p = new RecordParser(parseFormatString('${srcaddr} ${bytes}'));

    expect(docOf(p, '10.0.0.1 5', 946_684_800_000)['@timestamp']).toBe('2000-01-01T00:00:00.000Z');
    expect(docOf(p, '10.0.0.1 5', 4_102_444_799_999)['@timestamp']).toBe('2099-12-31T23:59:59.999Z');
    expect(p.parse('10.0.0.1 5', 4_102_444_800_000).ok).toBe(false);
  });

  it('refuses a bulk record with neither start nor event time, saying so, and asks for no action line', () => {
    const p = new RecordParser(parseFormatString('${srcaddr} ${bytes}'));
    const asked: (number | null)[] = [];

    const r = p.toBulkLines('10.0.0.1 5', undefined, { line: (s) => (asked.push(s), '{"index":{}}\n') });

    expect(r).toEqual({ ok: false, reason: 'the record has no start and its event time null is not a Unix time in milliseconds between 2000-01-01 and 2099-12-31' });
    expect(asked).toEqual([]);
  });

  it('names the event time it could not use', () => {
    const p = new RecordParser(parseFormatString('${srcaddr} ${bytes}'));

    expect(p.toJson('10.0.0.1 5', 12)).toEqual({ ok: false, reason: 'the record has no start and its event time 12 is not a Unix time in milliseconds between 2000-01-01 and 2099-12-31' });
  });
});

describe('RecordParser, counts OpenSearch maps as long', () => {
  it('keeps bytes and packets above 2^31 - 1, which integer-mapped fields refuse', () => {
    const p = new RecordParser(DEFAULT_FORMAT);

    const doc = docOf(p, defaultRecord({ bytes: '5000000000', packets: '2147483648' }));

    expect(doc.bytes).toBe(5_000_000_000);
    expect(doc.packets).toBe(2_147_483_648);
    expect(p.parse(defaultRecord({ srcport: '2147483648' })).ok).toBe(false);
  });
});
