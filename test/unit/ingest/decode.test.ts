import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeEvent, decodePayload, LazyPayloadDecoder } from '../../../src/ingest/decode.js';
import { wholeMessage } from '../../../src/ingest/payload-scan.js';
import { DecodeError } from '../../../src/errors.js';
import { dataMessage, defaultRecord, subscriptionEvent } from '../../helpers/events.js';

const stageOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DecodeError) return err.stage;
    throw err;
  }
  return undefined;
};

describe('decodeEvent', () => {
  it('decodes a DATA_MESSAGE', () => {
    const msg = dataMessage([defaultRecord()]);
    expect(decodeEvent(subscriptionEvent(msg))).toEqual(msg);
  });

  it('returns a CONTROL_MESSAGE as such', () => {
    expect(decodeEvent(subscriptionEvent({ messageType: 'CONTROL_MESSAGE', logEvents: [] }))).toEqual({ messageType: 'CONTROL_MESSAGE' });
  });

  it('names corrupt base64', () => {
    expect(stageOf(() => decodePayload('H4sI!!!!AAAA'))).toBe('base64');
    expect(stageOf(() => decodePayload('abc'))).toBe('base64');
  });

  it('names data that is not gzip', () => {
    expect(stageOf(() => decodePayload(Buffer.from('plain text, not gzip').toString('base64')))).toBe('gzip');
  });

  it('names a truncated gzip stream', () => {
    const gz = gzipSync(Buffer.from(JSON.stringify(dataMessage([defaultRecord()]))));
    expect(stageOf(() => decodePayload(gz.subarray(0, gz.length - 12).toString('base64')))).toBe('gzip');
  });

  it('names gzip that holds no JSON', () => {
    expect(stageOf(() => decodePayload(gzipSync(Buffer.from('{"messageType": DATA')).toString('base64')))).toBe('json');
  });

  it('stops a gzip bomb at the size limit', () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024, 32)).toString('base64');
    expect(stageOf(() => decodePayload(bomb, 1024 * 1024))).toBe('size');
  });

  // The gzip trailer's size field (ISIZE, RFC 1952 2.3.1) sizes the output buffer, but only as a hint.
  describe('gzip trailer', () => {
    const msg = dataMessage(Array.from({ length: 50 }, (_, i) => defaultRecord({ bytes: i })));
    const gz = gzipSync(Buffer.from(JSON.stringify(msg)));
    const withSize = (size: number): string => {
      const copy = Buffer.from(gz);
      copy.writeUInt32LE(size, copy.length - 4);
      return copy.toString('base64');
    };

    it('decodes a payload of two gzip members, whose trailer tells only the last one\'s size', () => {
      const text = Buffer.from(JSON.stringify(msg));
      const twoMembers = Buffer.concat([gzipSync(text.subarray(0, 1000)), gzipSync(text.subarray(1000))]);
      expect(twoMembers.readUInt32LE(twoMembers.length - 4)).toBe(text.length - 1000);
      expect(decodePayload(twoMembers.toString('base64'))).toEqual(msg);
      const lazy = new LazyPayloadDecoder().decodePayload(twoMembers.toString('base64'));
      if (lazy.messageType !== 'DATA_MESSAGE') throw new Error('expected a DATA_MESSAGE');
      expect(wholeMessage(lazy)).toEqual(msg);
    });

    it('names a payload whose trailer lies about its size as not gzip, whether the lie is small or beyond the limit', () => {
      for (const size of [0, 1, 0xffffffff, 1024 * 1024 + 1]) {
        expect(stageOf(() => decodePayload(withSize(size), 1024 * 1024))).toBe('gzip');
        expect(stageOf(() => new LazyPayloadDecoder(1024 * 1024).decodePayload(withSize(size)))).toBe('gzip');
      }
    });

    it('still stops a bomb at the limit when its trailer tells the true size', () => {
      const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024 + 7, 32));
      expect(bomb.readUInt32LE(bomb.length - 4)).toBe(2 * 1024 * 1024 + 7);
      expect(stageOf(() => decodePayload(bomb.toString('base64'), 2 * 1024 * 1024 + 6))).toBe('size');
      expect(stageOf(() => decodePayload(bomb.toString('base64'), 2 * 1024 * 1024 + 7))).toBe('json');
    });
  });

  it('rejects an event without awslogs, and an unknown message type', () => {
    expect(stageOf(() => decodeEvent({ Records: [] }))).toBe('event');
    expect(stageOf(() => decodeEvent(subscriptionEvent({ messageType: 'OTHER' })))).toBe('payload');
    expect(stageOf(() => decodeEvent(subscriptionEvent({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's' })))).toBe('payload');
  });
});

describe('LazyPayloadDecoder', () => {
  it('gives, slice by slice, the events decodeEvent gives at once', () => {
    const msg = dataMessage(Array.from({ length: 1100 }, (_, i) => defaultRecord({ bytes: i })));
    const lazy = new LazyPayloadDecoder().decodeEvent(subscriptionEvent(msg));
    if (lazy.messageType !== 'DATA_MESSAGE') throw new Error('expected a DATA_MESSAGE');
    expect(lazy.eventCount).toBe(1100);
    expect(wholeMessage(lazy)).toEqual(decodeEvent(subscriptionEvent(msg)));
    const slices = [lazy.events(0, 500), lazy.events(500, 1000), lazy.events(1000, 1500)];
    expect(slices.map((s) => s.length)).toEqual([500, 500, 100]);
    expect(slices.flat()).toEqual(msg.logEvents);
  });

  it('reuses its memory: each payload decodes right after a larger or a smaller one', () => {
    const decoder = new LazyPayloadDecoder();
    // Larger than the first buffer (1 MiB), then small, then large again.
    const big = dataMessage(Array.from({ length: 12_000 }, (_, i) => defaultRecord({ packets: i })), { logStream: 'big' });
    const small = dataMessage(['ünïcödé "quoted" \\ back', defaultRecord()], { logStream: 'small' });
    for (const msg of [big, small, big, small]) {
      const lazy = decoder.decodeEvent(subscriptionEvent(msg));
      if (lazy.messageType !== 'DATA_MESSAGE') throw new Error('expected a DATA_MESSAGE');
      expect(wholeMessage(lazy)).toEqual(msg);
    }
  });

  it('falls back to JSON.parse for a shape the scanner declines, and keeps its errors', () => {
    const decoder = new LazyPayloadDecoder(1024 * 1024);
    const msg = dataMessage([defaultRecord()]);
    // A key given twice: JSON.parse keeps the last, the scanner leaves it to JSON.parse.
    const events = JSON.stringify(msg.logEvents);
    const text = JSON.stringify({ ...msg, twice: 1 }).replace('"twice":1', '"logEvents":' + events);
    const lazy = decoder.decodePayload(gzipSync(Buffer.from(text)).toString('base64'));
    if (lazy.messageType !== 'DATA_MESSAGE') throw new Error('expected a DATA_MESSAGE');
    expect(wholeMessage(lazy)).toEqual(msg);
    expect(decoder.decodeEvent(subscriptionEvent({ messageType: 'CONTROL_MESSAGE', logEvents: [] }))).toEqual({ messageType: 'CONTROL_MESSAGE' });
    expect(stageOf(() => decoder.decodePayload('abc'))).toBe('base64');
    expect(stageOf(() => decoder.decodePayload(gzipSync(Buffer.from('{"messageType": DATA')).toString('base64')))).toBe('json');
    expect(stageOf(() => decoder.decodePayload(gzipSync(Buffer.alloc(4 * 1024 * 1024, 32)).toString('base64')))).toBe('size');
    expect(stageOf(() => decoder.decodeEvent({ Records: [] }))).toBe('event');
  });
});
