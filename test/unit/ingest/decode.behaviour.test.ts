/**
 * Decoding as Lambda hands events over: events without data are named (so
 * they are dead-lettered, not retried forever by a TypeError), payloads
 * missing a required key are refused, and the JSON.parse fallback gives the
 * same slices as the scanner. Complements decode.test.ts.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeEvent, decodePayload, LazyPayloadDecoder, MAX_DECOMPRESSED_BYTES } from '../../../src/ingest/decode.js';
import { DecodeError } from '../../../src/errors.js';
import { dataMessage, defaultRecord, subscriptionEvent } from '../../helpers/events.js';

/** The DecodeError a call throws (anything else fails the test). */
function decodeErrorOf(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}

const gz = (text: string): string => gzipSync(Buffer.from(text)).toString('base64');

describe('decodeEvent on events without data', () => {
  it.each([
    ['{awslogs:{}}', { awslogs: {} }],
    ['empty data', { awslogs: { data: '' } }],
    ['data that is not a string', { awslogs: { data: 42 } }],
    ['awslogs null', { awslogs: null }],
    ['null', null],
    ['undefined', undefined],
  ])('names %s as a bad event, not a TypeError', (_, event) => {
    for (const decode of [() => decodeEvent(event), () => new LazyPayloadDecoder().decodeEvent(event)]) {
      const err = decodeErrorOf(decode);
      expect(err.stage).toBe('event');
      expect(err.message).toMatch(/^event: .*awslogs/);
    }
  });
});

describe('decodePayload, the payload shape', () => {
  const msg = dataMessage([defaultRecord()]);

  it.each(['owner', 'logGroup', 'logStream'] as const)('refuses a DATA_MESSAGE without %s, naming it', (key) => {
    const { [key]: _, ...rest } = msg;
    for (const text of [JSON.stringify(rest), JSON.stringify({ ...rest, [key]: 7 })]) {
      const err = decodeErrorOf(() => decodePayload(gz(text)));
      expect(err.stage).toBe('payload');
      expect(err.message).toBe(`payload: ${key} is missing or not a string`);
      expect(decodeErrorOf(() => new LazyPayloadDecoder().decodePayload(gz(text))).message).toBe(err.message);
    }
  });

  it('refuses a DATA_MESSAGE whose logEvents is not an array', () => {
    const err = decodeErrorOf(() => decodePayload(gz(JSON.stringify({ ...msg, logEvents: { 0: msg.logEvents[0] } }))));
    expect(err.message).toBe('payload: logEvents is missing or not an array');
  });

  it.each([
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a string', '"DATA_MESSAGE"'],
  ])('refuses JSON that is %s rather than an object', (_, text) => {
    const err = decodeErrorOf(() => decodePayload(gz(text)));
    expect(err.stage).toBe('payload');
    if (text !== '[1,2]') expect(err.message).toBe('payload: payload is not a JSON object');
  });

  it('names the message type it does not know', () => {
    expect(decodeErrorOf(() => decodePayload(gz('{"messageType":"SOMETHING_ELSE"}'))).message).toBe('payload: unknown messageType "SOMETHING_ELSE"');
    expect(decodeErrorOf(() => decodePayload(gz('{}'))).message).toBe('payload: unknown messageType undefined');
  });

  it('says what the bad stages were given', () => {
    expect(decodeErrorOf(() => decodePayload('abc')).message).toBe('base64: awslogs.data is not valid base64 (3 characters)');
    expect(decodeErrorOf(() => decodePayload(Buffer.from('plain').toString('base64'))).message).toMatch(/^gzip: awslogs.data is not gzip data: .+/);
    expect(decodeErrorOf(() => decodePayload(gz('{"a":'))).message).toMatch(/^json: payload is not JSON: .+/);
    const bomb = gzipSync(Buffer.alloc(2048, 32)).toString('base64');
    expect(decodeErrorOf(() => decodePayload(bomb, 1024)).message).toBe('size: payload inflates beyond 1024 bytes');
    expect(decodeErrorOf(() => new LazyPayloadDecoder(1024).decodePayload(bomb)).message).toBe('size: payload inflates beyond 1024 bytes');
  });

  it('accepts base64 with one and with two padding characters, and refuses a character outside the alphabet', () => {
    // gzip sizes vary with the content: pad until base64 texts with 0, 1 and 2 padding characters are found.
    const byPadding = new Map<number, string>();
    for (let k = 0; byPadding.size < 3 && k < 64; k++) {
      const t = gz(JSON.stringify({ ...msg, pad: 'x'.repeat(k) + String(k) }));
      byPadding.set(t.endsWith('==') ? 2 : t.endsWith('=') ? 1 : 0, t);
    }
    const texts = [...byPadding.values()];
    expect(texts).toHaveLength(3);
    for (const t of texts) expect(decodePayload(t)).toEqual(msg);
    const good = texts[0]!;
    expect(decodeErrorOf(() => decodePayload(good.slice(0, 8) + '*' + good.slice(9))).stage).toBe('base64');
    expect(decodeErrorOf(() => decodePayload(good.slice(0, -4))).stage).not.toBe('base64');
  });

  it('keeps the underlying error as the cause, for the logs', () => {
    expect(decodeErrorOf(() => decodePayload(Buffer.from('plain').toString('base64'))).cause).toBeInstanceOf(Error);
    expect(decodeErrorOf(() => decodePayload(gz('{"a":'))).cause).toBeInstanceOf(SyntaxError);
    expect(decodeErrorOf(() => decodePayload(gzipSync(Buffer.alloc(2048, 32)).toString('base64'), 1024)).cause).toBeInstanceOf(RangeError);
  });

  it('takes a payload as large as the limit, and refuses one byte more', () => {
    const text = JSON.stringify(msg);
    const n = Buffer.byteLength(text);
    expect(decodePayload(gz(text), n)).toEqual(msg);
    expect(decodeErrorOf(() => decodePayload(gz(text), n - 1)).stage).toBe('size');
    // 24 MiB: what CloudWatch Logs can deliver, with room (src/ingest/decode.ts says how).
    expect(MAX_DECOMPRESSED_BYTES).toBe(24 * 1024 * 1024);
  });
});

describe('LazyPayloadDecoder with large payloads', () => {
  it('decodes a first payload more than twice its starting buffer (1 MiB) whole', () => {
    const big = dataMessage(Array.from({ length: 16_000 }, (_, i) => defaultRecord({ bytes: i })));
    const event = subscriptionEvent(big);
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(2 * 1024 * 1024);

    const lazy = new LazyPayloadDecoder().decodeEvent(event);

    if (lazy.messageType !== 'DATA_MESSAGE') throw new Error('expected a DATA_MESSAGE');
    expect(lazy.eventCount).toBe(16_000);
    expect(lazy.events(15_999, 16_000)).toEqual(big.logEvents.slice(15_999));
  });
});

describe('LazyPayloadDecoder on the JSON.parse fallback path', () => {
  const msg = dataMessage([0, 1, 2, 3, 4].map((i) => defaultRecord({ bytes: i, action: i % 2 ? 'REJECT' : 'ACCEPT' })));
  // A number with an exponent is valid JSON the scanner declines, so JSON.parse reads the payload.
  const text = JSON.stringify(msg).replace(/^\{/, '{"extra":1e3,');

  it('gives each slice asked for, as Array#slice would', () => {
    const lazy = new LazyPayloadDecoder().decodePayload(gz(text));
    if (lazy.messageType !== 'DATA_MESSAGE') throw new Error('expected a DATA_MESSAGE');

    expect(lazy).toMatchObject({ owner: msg.owner, logGroup: msg.logGroup, logStream: msg.logStream, subscriptionFilters: msg.subscriptionFilters, eventCount: 5 });
    expect(lazy.events(1, 3)).toEqual(msg.logEvents.slice(1, 3));
    expect(lazy.events(3, 10)).toEqual(msg.logEvents.slice(3));
    expect(lazy.events(0, 5)).toEqual(msg.logEvents);
  });

  it('gives the same slices as the scanner path for the same events', () => {
    const decoder = new LazyPayloadDecoder();
    const fast = decoder.decodeEvent(subscriptionEvent(msg));
    if (fast.messageType !== 'DATA_MESSAGE') throw new Error('expected a DATA_MESSAGE');
    const fastSlices = [fast.events(0, 2), fast.events(2, 4), fast.events(4, 6), fast.events(5, 9)];
    const slow = decoder.decodePayload(gz(text));
    if (slow.messageType !== 'DATA_MESSAGE') throw new Error('expected a DATA_MESSAGE');

    expect([slow.events(0, 2), slow.events(2, 4), slow.events(4, 6), slow.events(5, 9)]).toEqual(fastSlices);
    expect(fastSlices.map((s) => s.length)).toEqual([2, 2, 1, 0]);
  });
});

describe('decodeEvent, bytes that are not UTF-8', () => {
  it('marks a DATA_MESSAGE that held bytes not UTF-8, and only such a one', () => {
    // 0xC3 0x28 is not UTF-8; it sits in a message.
    const json = Buffer.from(JSON.stringify(dataMessage([defaultRecord({ action: 'ACCEPTX' })])));
    json[json.indexOf('ACCEPTX') + 6] = 0xc3;
    const bad = { awslogs: { data: gzipSync(json).toString('base64') } };

    expect(decodeEvent(bad)).toMatchObject({ messageType: 'DATA_MESSAGE', invalidUtf8: true });
    expect(new LazyPayloadDecoder().decodeEvent(bad)).toMatchObject({ messageType: 'DATA_MESSAGE', invalidUtf8: true });
    const good = subscriptionEvent(dataMessage([defaultRecord({ action: 'ACCEPT\uFFFD' })]));
    expect(decodeEvent(good)).not.toHaveProperty('invalidUtf8');
    expect(new LazyPayloadDecoder().decodeEvent(good)).not.toHaveProperty('invalidUtf8');
  });

  it('returns a CONTROL_MESSAGE as such, whatever its bytes', () => {
    const json = Buffer.from('{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","note":"XX"}');
    json[json.indexOf('XX')] = 0xff;
    const event = { awslogs: { data: gzipSync(json).toString('base64') } };

    expect(decodeEvent(event)).toEqual({ messageType: 'CONTROL_MESSAGE' });
    expect(new LazyPayloadDecoder().decodeEvent(event)).toEqual({ messageType: 'CONTROL_MESSAGE' });
  });
});

describe('decodePayload, the size limit', () => {
  it('refuses every payload as too large under a limit of 0 bytes', () => {
    const data = gz(JSON.stringify(dataMessage([defaultRecord()])));
    expect(decodeErrorOf(() => decodePayload(data, 0)).message).toBe('size: payload inflates beyond 0 bytes');
    expect(decodeErrorOf(() => new LazyPayloadDecoder(0).decodePayload(data)).message).toBe('size: payload inflates beyond 0 bytes');
  });
});

describe('DecodeError, the time of a payload that does not decode', () => {
  const event = (timestamp: string) => `{"messageType":"OTHER","logEvents":[{"id":"1","timestamp":${timestamp},"message":"x"}]}`;

  it("keeps the first event's time, for the dead letter's day", () => {
    expect(decodeErrorOf(() => decodePayload(gz(event('1795824061000')))).timeMs).toBe(1795824061000);
    const noOwner = JSON.stringify({ ...dataMessage([defaultRecord()]), owner: undefined });
    expect(decodeErrorOf(() => decodePayload(gz(noOwner))).timeMs).toBe(1795824061000);
  });

  it('keeps no time that is not a finite number', () => {
    for (const t of ['"1795824061000"', '1e400', 'null']) {
      expect(decodeErrorOf(() => decodePayload(gz(event(t)))).timeMs).toBeUndefined();
    }
    expect(decodeErrorOf(() => decodePayload(gz('{"messageType":"OTHER","logEvents":[]}'))).timeMs).toBeUndefined();
    expect(decodeErrorOf(() => decodePayload(gz('{"messageType":"OTHER"}'))).timeMs).toBeUndefined();
  });
});

describe('decodePayload, a value nested deeper than the call stack', () => {
  it('decodes a payload whose unknown field nests 50,000 arrays (overflowing a recursive walk at some 10,000), as JSON.parse reads it', () => {
    const msg = dataMessage([defaultRecord({ bytes: 7 })]);
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    const text = JSON.stringify(msg).replace(/^\{/, `{"extra":${deep},`);

    const decoded = decodePayload(gz(text));

    // Not toEqual(msg): JSON.parse's result keeps "extra", which a deep comparison would recurse into.
    if (decoded.messageType !== 'DATA_MESSAGE') throw new Error('expected a DATA_MESSAGE');
    expect([decoded.owner, decoded.logGroup, decoded.logStream]).toEqual([msg.owner, msg.logGroup, msg.logStream]);
    expect(decoded.logEvents).toEqual(msg.logEvents);
    expect(new LazyPayloadDecoder().decodePayload(gz(text))).toMatchObject({ messageType: 'DATA_MESSAGE', eventCount: 1 });
  });
});
