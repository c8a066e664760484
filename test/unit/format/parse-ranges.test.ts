/**
 * What the strict index mapping would refuse is refused at parse time, with
 * the field and the value, so one such record is a dead letter of its own and
 * never an exception that sinks its batch (issue 11, defect 1).
 * Ranges by hand: ports are 16-bit, the IANA protocol number 8-bit, an
 * OpenSearch `integer` is a signed 32-bit value (max 2147483647).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT, parseFormatString } from '../../../src/format/flow-log-schema.js';
import { RecordParser } from '../../../src/format/parse.js';
import { defaultRecord } from '../../helpers/events.js';

const parser = new RecordParser(DEFAULT_FORMAT);
const reasonOf = (line: string, p: RecordParser = parser): string => {
  const r = p.toJson(line);
  if (r.ok) throw new Error(`expected a failure, got ${r.value}`);
  return r.reason;
};

describe('RecordParser value ranges', () => {
  it('refuses a start of 9999999999999 (year 318857) instead of throwing', () => {
    const line = '2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 9999999999999 9999999999999 ACCEPT OK';
    expect(() => parser.toJson(line)).not.toThrow();
    expect(reasonOf(line)).toMatch(/^field "start" must be a Unix time in seconds between .*, found "9999999999999"$/);
  });

  it('refuses a start in the year 10000 that would write a malformed @timestamp', () => {
    // 253402300800 = 10000-01-01T00:00:00Z
    expect(reasonOf(defaultRecord({ start: 253402300800, end: 253402300800 }))).toMatch(/field "start"/);
  });

  it('refuses an end out of range even when start is fine', () => {
    expect(reasonOf(defaultRecord({ end: 99999999999 }))).toMatch(/field "end"/);
  });

  it('accepts the edges of the time range and refuses just outside', () => {
    // 946684800 = 2000-01-01T00:00:00Z, 4102444799 = 2099-12-31T23:59:59Z
    expect(parser.toJson(defaultRecord({ start: 946684800, end: 946684800 })).ok).toBe(true);
    expect(parser.toJson(defaultRecord({ start: 4102444799, end: 4102444799 })).ok).toBe(true);
    expect(reasonOf(defaultRecord({ start: 946684799 }))).toMatch(/field "start"/);
    expect(reasonOf(defaultRecord({ start: 4102444799, end: 4102444800 }))).toMatch(/field "end"/);
  });

  it('refuses ports above 65535 and accepts 0 and 65535', () => {
    expect(reasonOf(defaultRecord({ dstport: 65536 }))).toBe('field "dstport" must be an integer from 0 to 65535 or "-", found "65536"');
    expect(reasonOf(defaultRecord({ srcport: 4294967296 }))).toMatch(/^field "srcport" must be an integer from 0 to 65535/);
    expect(parser.toJson(defaultRecord({ srcport: 0, dstport: 65535 })).ok).toBe(true);
  });

  it('refuses a protocol above 255', () => {
    expect(reasonOf(defaultRecord({ protocol: 256 }))).toBe('field "protocol" must be an integer from 0 to 255 or "-", found "256"');
    expect(parser.toJson(defaultRecord({ protocol: 255 })).ok).toBe(true);
  });

  it('refuses an integer-mapped field beyond 2147483647 and accepts it at the limit', () => {
    const p = new RecordParser(parseFormatString('${version} ${tcp-flags} ${traffic-path}'));
    expect(reasonOf('2147483648 1 1', p)).toBe('field "version" must be an integer from 0 to 2147483647 or "-", found "2147483648"');
    expect(reasonOf('2 1 2147483648', p)).toMatch(/^field "traffic-path" must be an integer from 0 to 2147483647/);
    expect(p.toJson('2147483647 2147483647 2147483647').ok).toBe(true);
  });

  it('reads long-mapped bytes up to 2^53 - 1 and refuses beyond', () => {
    expect(parser.toJson(defaultRecord({ bytes: 9007199254740991 })).ok).toBe(true);
    expect(reasonOf(defaultRecord({ bytes: '9007199254740992' }))).toMatch(/field "bytes"/);
  });

  it('refuses a record without start whose event time is not a plausible time, instead of throwing', () => {
    const p = new RecordParser(parseFormatString('${version} ${srcaddr}'));
    expect(() => p.toJson('2 10.0.0.1', 8.64e15 + 1)).not.toThrow();
    expect(p.toJson('2 10.0.0.1', 8.64e15 + 1)).toMatchObject({ ok: false, reason: expect.stringMatching(/event time/) });
    expect(p.toJson('2 10.0.0.1', Number.NaN)).toMatchObject({ ok: false });
  });
});

describe('RecordParser replaced bytes', () => {
  it('marks a document whose record had bytes that were not UTF-8, with the count', () => {
    const r = parser.toJson(defaultRecord({ action: 'ACC\uFFFDPT\uFFFD' }), undefined, 2);
    if (!r.ok) throw new Error(r.reason);
    expect(JSON.parse(r.value)).toMatchObject({ action: 'ACC\uFFFDPT\uFFFD', utf8_replacements: 2 });
  });

  it('leaves a clean record unmarked', () => {
    const r = parser.toJson(defaultRecord());
    if (!r.ok) throw new Error(r.reason);
    expect(JSON.parse(r.value)).not.toHaveProperty('utf8_replacements');
  });
});
