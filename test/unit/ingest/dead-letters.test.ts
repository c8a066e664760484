import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../src/ingest/bulk.js';
import { parseDeadLetters, payloadsFromDeadLetters, serializeDeadLetters } from '../../../src/ingest/dead-letters.js';

// 2026-11-28T00:01:01Z
const T = 1795824061000;
const base = { owner: '012345678901', logGroup: '/vpc/flow-logs', logStream: 'eni-0a1b2c3d4e5f60718-all', timestamp: T };
const parseLetter = (id: string, message = 'garbage'): DeadLetter => ({ stage: 'parse', reason: 'expected 14 fields', ...base, id, message });

describe('serializeDeadLetters and parseDeadLetters', () => {
  it('round-trips letters as NDJSON, one per line', () => {
    const letters: DeadLetter[] = [parseLetter('1', 'with "quotes"\tand tab'), { stage: 'index', status: 400, reason: 'mapper_parsing_exception', ...base, id: '2', message: 'x' }];

    const text = serializeDeadLetters(letters);

    expect(text.split('\n')).toHaveLength(3);
    expect(text.endsWith('\n')).toBe(true);
    expect(parseDeadLetters(text)).toEqual(letters);
  });

  it('skips blank lines, CRLF endings included', () => {
    const text = '\n' + JSON.stringify(parseLetter('1')) + '\n   \n\r\n' + JSON.stringify(parseLetter('2')) + '\n\n';
    expect(parseDeadLetters(text).map((l) => l.id)).toEqual(['1', '2']);
  });

  it('names the source and line of a line that is not JSON', () => {
    const text = JSON.stringify(parseLetter('1')) + '\n{"stage": "parse"\n';
    expect(() => parseDeadLetters(text, 's3://bucket/dl/x.ndjson')).toThrow(/^s3:\/\/bucket\/dl\/x\.ndjson:2: not a JSON dead letter: /);
    expect(() => parseDeadLetters('nope')).toThrow(/^input:1: not a JSON dead letter/);
  });

  it('refuses JSON that is not a dead letter, naming the line', () => {
    for (const bad of ['42', 'null', '"parse"', '{"reason":"x"}', '{"stage":3}']) {
      expect(() => parseDeadLetters(`${JSON.stringify(parseLetter('1'))}\n${bad}\n`, 'f')).toThrow(/^f:2: not a dead letter \(no stage\)$/);
    }
  });

  it('reads no letters from empty text', () => {
    expect(parseDeadLetters('')).toEqual([]);
  });
});

describe('payloadsFromDeadLetters', () => {
  it('rebuilds one DATA_MESSAGE per log stream, with the original ids, times and messages, in order', () => {
    const other = { ...base, logStream: 'eni-2-all' };
    const letters: DeadLetter[] = [
      parseLetter('1', 'm1'),
      { stage: 'index', status: 400, reason: 'mapper', ...other, id: '2', timestamp: T + 1, message: 'm2' },
      parseLetter('3', 'm3'),
    ];

    const { payloads, undecodable } = payloadsFromDeadLetters(letters);

    expect(undecodable).toEqual([]);
    expect(payloads).toEqual([
      {
        messageType: 'DATA_MESSAGE',
        owner: '012345678901',
        logGroup: '/vpc/flow-logs',
        logStream: 'eni-0a1b2c3d4e5f60718-all',
        subscriptionFilters: ['replay'],
        logEvents: [
          { id: '1', timestamp: T, message: 'm1' },
          { id: '3', timestamp: T, message: 'm3' },
        ],
      },
      {
        messageType: 'DATA_MESSAGE',
        owner: '012345678901',
        logGroup: '/vpc/flow-logs',
        logStream: 'eni-2-all',
        subscriptionFilters: ['replay'],
        logEvents: [{ id: '2', timestamp: T + 1, message: 'm2' }],
      },
    ]);
  });

  it('keeps streams of the same name in different log groups apart', () => {
    const { payloads } = payloadsFromDeadLetters([parseLetter('1'), { ...parseLetter('1'), logGroup: '/vpc/other' }]);
    expect(payloads.map((p) => p.logGroup)).toEqual(['/vpc/flow-logs', '/vpc/other']);
  });

  it('returns apart the letters that hold no record: undecodable payloads and letters without id or message', () => {
    const decode: DeadLetter = { stage: 'decode', reason: 'gzip: bad', data: 'AAAA' };
    const noId: DeadLetter = { stage: 'parse', reason: 'lacks id', ...base, message: 'm' };
    const noMessage: DeadLetter = { stage: 'parse', reason: 'lacks message', ...base, id: '9' };
    // A decode letter that somehow carries an id and a message is still not a record.
    const decodeWithFields: DeadLetter = { ...decode, id: '8', message: 'm' };

    const { payloads, undecodable } = payloadsFromDeadLetters([decode, noId, parseLetter('1'), noMessage, decodeWithFields]);

    expect(undecodable).toEqual([decode, noId, noMessage, decodeWithFields]);
    expect(payloads.flatMap((p) => p.logEvents.map((e) => e.id))).toEqual(['1']);
  });

  it('fills what a letter lacks with empty values, so the payload still has its shape', () => {
    const { payloads } = payloadsFromDeadLetters([{ stage: 'index', reason: 'x', id: '1', message: 'm' }]);
    expect(payloads).toEqual([{ messageType: 'DATA_MESSAGE', owner: '', logGroup: '', logStream: '', subscriptionFilters: ['replay'], logEvents: [{ id: '1', timestamp: 0, message: 'm' }] }]);
  });
});
