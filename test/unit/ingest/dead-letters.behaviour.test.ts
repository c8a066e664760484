/**
 * Where dead letters are stored: one key per record, the same on every
 * redelivery and different for every other record or payload, under the day
 * of the event. Complements dead-letters.test.ts (serialization and replay).
 */
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../src/ingest/bulk.js';
import { deadLetterKey, UNDATED } from '../../../src/ingest/dead-letters.js';

// 2026-11-28T00:01:01Z
const T = 1795824061000;
const KEY = /^dl\/2026\/11\/28\/[0-9a-f]{32}\.ndjson$/;
const record = (over: Partial<DeadLetter> = {}): DeadLetter => ({
  stage: 'parse',
  reason: 'expected 14 space-separated fields, got 1',
  owner: '012345678901',
  logGroup: '/vpc/flow-logs',
  logStream: 'eni-0a1b2c3d4e5f60718-all',
  id: '37580000000000000001',
  timestamp: T,
  message: 'garbage',
  ...over,
});
const payload = (over: Partial<DeadLetter> = {}): DeadLetter => ({ stage: 'decode', reason: 'gzip: incorrect header check', data: 'bm90IGd6aXA=', ...over });

describe('deadLetterKey', () => {
  it('files a letter under the prefix and the UTC day of its event, as a 32-digit hex name', () => {
    expect(deadLetterKey('dl/', record())).toMatch(KEY);
    // 23:59:59.999 is still the 28th.
    expect(deadLetterKey('dl/', record({ timestamp: Date.UTC(2026, 10, 28, 23, 59, 59, 999) }))).toMatch(KEY);
    expect(deadLetterKey('other/', record())).toMatch(/^other\/2026\/11\/28\/[0-9a-f]{32}\.ndjson$/);
  });

  it('files a letter without a plausible time under undated/', () => {
    expect(UNDATED).toBe('undated');
    for (const timestamp of [undefined, Number.NaN, -1]) {
      expect(deadLetterKey('dl/', record({ timestamp }))).toMatch(/^dl\/undated\/[0-9a-f]{32}\.ndjson$/);
    }
    expect(deadLetterKey('dl/', payload())).toMatch(/^dl\/undated\/[0-9a-f]{32}\.ndjson$/);
  });

  it('gives a record the same key whatever the letter says of its failure, so a redelivery overwrites it', () => {
    const first = deadLetterKey('dl/', record());
    expect(deadLetterKey('dl/', record({ stage: 'index', status: 400, reason: 'mapper_parsing_exception', message: 'other text' }))).toBe(first);
    expect(deadLetterKey('dl/', { ...record(), owner: '999999999999' })).toBe(first);
  });

  it('gives different records different keys: another event id, stream or log group', () => {
    const keys = [
      record(),
      record({ id: '37580000000000000002' }),
      record({ logStream: 'eni-0a1b2c3d4e5f60718-accept' }),
      record({ logGroup: '/vpc/other' }),
      // The parts are kept apart: moving a character from group to stream is another record.
      record({ logGroup: '/vpc/flow-logse', logStream: 'ni-0a1b2c3d4e5f60718-all' }),
      record({ logStream: 'eni-0a1b2c3d4e5f60718-all3758', id: '0000000000000001' }),
    ].map((l) => deadLetterKey('dl/', l));

    expect(new Set(keys).size).toBe(6);
  });

  it('keys a record letter without group or stream apart from one with them', () => {
    const bare = deadLetterKey('dl/', { stage: 'index', reason: 'x', id: '1', timestamp: T });
    expect(bare).toMatch(KEY);
    expect(bare).not.toBe(deadLetterKey('dl/', record({ id: '1' })));
  });

  it('keys an undecodable payload by its data: the same data the same key, other data another', () => {
    const key = deadLetterKey('dl/', payload());
    expect(deadLetterKey('dl/', payload({ reason: 'another wording' }))).toBe(key);
    expect(deadLetterKey('dl/', payload({ data: 'H4sIAAAAAAAA' }))).not.toBe(key);
  });

  it('keys a payload letter without data, and a record letter without id, by the reason', () => {
    const a = deadLetterKey('dl/', { stage: 'decode', reason: 'event: awslogs.data is missing or not a string' });
    const b = deadLetterKey('dl/', { stage: 'decode', reason: 'event: not a CloudWatch Logs subscription event (no awslogs key)' });
    expect(a).toMatch(/^dl\/undated\/[0-9a-f]{32}\.ndjson$/);
    expect(a).not.toBe(b);

    const noId = record({ id: undefined, reason: 'log event lacks a string id or message' });
    const k = deadLetterKey('dl/', noId);
    expect(k).toMatch(KEY);
    expect(k).not.toBe(deadLetterKey('dl/', { ...noId, reason: 'another reason' }));
  });

  it('keys a record apart from a payload whose data reads like its fields', () => {
    expect(deadLetterKey('dl/', payload({ data: '/vpc/flow-logs', timestamp: T }))).not.toBe(deadLetterKey('dl/', record({ logStream: '', id: '' })));
  });

  it('never gives a payload the key of a record, even one whose data spells its fields', () => {
    const r = record();
    const lookalike = payload({ data: `${r.logGroup}\0${r.logStream}\0${r.id}`, timestamp: T });
    expect(deadLetterKey('dl/', lookalike)).not.toBe(deadLetterKey('dl/', r));
  });

  it('keys an undecodable payload by its data even when the letter carries an event id', () => {
    // A payload letter never names a record, whatever fields an edit or a replay left on it.
    expect(deadLetterKey('dl/', payload({ id: '1' }))).toBe(deadLetterKey('dl/', payload({ id: '2' })));
  });
});
