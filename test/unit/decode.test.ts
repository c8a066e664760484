import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeEvent, decodePayload } from '../../src/decode.js';
import { DecodeError } from '../../src/errors.js';
import { dataMessage, defaultRecord, subscriptionEvent } from '../helpers/events.js';

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

  it('rejects an event without awslogs, and an unknown message type', () => {
    expect(stageOf(() => decodeEvent({ Records: [] }))).toBe('event');
    expect(stageOf(() => decodeEvent(subscriptionEvent({ messageType: 'OTHER' })))).toBe('payload');
    expect(stageOf(() => decodeEvent(subscriptionEvent({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's' })))).toBe('payload');
  });
});
