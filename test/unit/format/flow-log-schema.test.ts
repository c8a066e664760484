import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FORMAT,
  FLOW_LOG_FIELDS,
  fieldByName,
  filterPattern,
  formatOf,
  formatString,
  formatVersion,
  parseFormatString,
} from '../../../src/format/flow-log-schema.js';
import { FormatError, UnknownFieldError } from '../../../src/errors.js';

describe('FLOW_LOG_FIELDS', () => {
  it('documents the 14 default fields first, in the default order', () => {
    expect(DEFAULT_FORMAT.fields.map((f) => f.name)).toEqual([
      'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport',
      'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status',
    ]);
  });

  it('covers versions 2 to 8 with unique names and keys', () => {
    expect(new Set(FLOW_LOG_FIELDS.map((f) => f.version))).toEqual(new Set([2, 3, 4, 5, 7, 8]));
    expect(new Set(FLOW_LOG_FIELDS.map((f) => f.name)).size).toBe(FLOW_LOG_FIELDS.length);
    expect(new Set(FLOW_LOG_FIELDS.map((f) => f.key)).size).toBe(FLOW_LOG_FIELDS.length);
  });

  it('keeps account-id a string and bytes a bigint', () => {
    expect(fieldByName('account-id')).toMatchObject({ kind: 'string', glue: 'string', search: 'keyword' });
    expect(fieldByName('bytes')).toMatchObject({ kind: 'integer', glue: 'bigint', search: 'long' });
  });

  it('gives integer kinds exactly the Athena numeric columns', () => {
    for (const f of FLOW_LOG_FIELDS) expect(f.kind === 'integer').toBe(f.glue !== 'string');
  });
});

describe('parseFormatString', () => {
  it('reads any order and subset', () => {
    const f = parseFormatString('${srcaddr} ${bytes}  ${pkt-src-aws-service}');
    expect(f.fields.map((x) => x.key)).toEqual(['srcaddr', 'bytes', 'pkt_src_aws_service']);
    expect(formatVersion(f)).toBe(5);
  });

  it('treats an empty string as the default format', () => {
    expect(parseFormatString('')).toBe(DEFAULT_FORMAT);
    expect(parseFormatString(undefined)).toBe(DEFAULT_FORMAT);
  });

  it('names an unknown field', () => {
    expect(() => parseFormatString('${srcaddr} ${srcadr}')).toThrow(UnknownFieldError);
    expect(() => parseFormatString('${srcaddr} ${srcadr}')).toThrow(/"srcadr"/);
  });

  it('rejects text that is not ${field} tokens, and duplicates', () => {
    expect(() => parseFormatString('srcaddr dstaddr')).toThrow(FormatError);
    expect(() => parseFormatString('${srcaddr} ${srcaddr}')).toThrow(/twice/);
  });

  it('round-trips through formatString', () => {
    const f = formatOf(FLOW_LOG_FIELDS.map((x) => x.name));
    expect(parseFormatString(formatString(f)).fields).toEqual(f.fields);
  });
});

describe('filterPattern', () => {
  it('names every field of the format with underscores, in order', () => {
    expect(filterPattern(formatOf(['version', 'account-id', 'log-status']))).toBe('[version, account_id, log_status]');
  });
});

describe('formatOf and parseFormatString, what a user is told', () => {
  it('refuses a format of no fields', () => {
    expect(() => formatOf([])).toThrow(new FormatError('a flow-log format needs at least one field'));
  });

  it('lists every known field when a name is unknown', () => {
    const err = (() => {
      try {
        fieldByName('src-addr');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();

    expect(err).toBeInstanceOf(UnknownFieldError);
    expect(err?.message).toMatch(/^unknown flow-log field "src-addr" \(known fields: version, account-id, interface-id, srcaddr, dstaddr, srcport, /);
    expect(err?.message).toMatch(/, ecs-task-id, reject-reason\)$/);
  });

  it('says where a format string stops being ${field} tokens, and shows the next 20 characters', () => {
    expect(() => parseFormatString('${srcaddr} dstaddr and more text after it')).toThrow(
      new FormatError('format string is not a space-separated list of ${field} at character 12: "dstaddr and more tex"'),
    );
  });

  it('trims the string before reading it: blanks alone mean the default format', () => {
    expect(parseFormatString('   ')).toBe(DEFAULT_FORMAT);
    expect(parseFormatString('  ${srcaddr} ${bytes}\n').fields.map((f) => f.name)).toEqual(['srcaddr', 'bytes']);
  });

  it('writes the LogFormat string AWS is given', () => {
    expect(formatString(formatOf(['srcaddr', 'pkt-src-aws-service', 'bytes']))).toBe('${srcaddr} ${pkt-src-aws-service} ${bytes}');
  });

  it('gives the version a flow log writes: 2 for the default, else the highest among its fields', () => {
    expect(formatVersion(DEFAULT_FORMAT)).toBe(2);
    expect(formatVersion(formatOf(['srcaddr', 'vpc-id']))).toBe(3);
    expect(formatVersion(formatOf(['reject-reason', 'srcaddr']))).toBe(8);
  });
});
