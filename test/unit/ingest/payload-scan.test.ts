import { describe, expect, it } from 'vitest';
import { scanDataMessage } from '../../../src/ingest/payload-scan.js';
import { dataMessage, defaultRecord, viaJsonParse } from '../../helpers/events.js';

const withExtracted = (msg: ReturnType<typeof dataMessage>) => ({
  ...msg,
  logEvents: msg.logEvents.map((e) => ({ ...e, extractedFields: Object.fromEntries(e.message.split(' ').map((v, i) => [`f${i}`, v])) })),
});

describe('scanDataMessage', () => {
  it('reads what JSON.parse reads, without extractedFields', () => {
    const text = JSON.stringify(withExtracted(dataMessage([defaultRecord(), defaultRecord({ bytes: 5 })])));
    expect(scanDataMessage(Buffer.from(text))).toEqual(viaJsonParse(text));
  });

  it('agrees with JSON.parse on escapes, unicode, white space and key order', () => {
    const msg = withExtracted(dataMessage(['tab\there "quoted" back\\slash', 'ünïcödé ✓ \u2028', 'plain'], { logGroup: '/a"b', logStream: 's\\t' }));
    const reordered = { logEvents: msg.logEvents.map((e) => ({ extractedFields: e.extractedFields, message: e.message, timestamp: e.timestamp, id: e.id, other: [1, true, null, { x: -2.5e3 }] })), logStream: msg.logStream, extra: { nested: ['a', { b: [] }] }, messageType: msg.messageType, owner: msg.owner, logGroup: msg.logGroup, subscriptionFilters: msg.subscriptionFilters };
    for (const text of [JSON.stringify(reordered), JSON.stringify(reordered, null, 2)]) {
      expect(scanDataMessage(Buffer.from(text))).toEqual(viaJsonParse(text));
    }
  });

  it('reads keys written with escapes, and steps over extractedFields of any shape', () => {
    const msg = dataMessage([defaultRecord(), defaultRecord({ bytes: 7 })]);
    const fields = [
      { a: 'x', b: 'quote " and \\ back\\', c: '' }, // the flat shape CloudWatch writes, escapes included
      {}, // empty
      { a: { nested: ['}', '{'] }, b: 1, c: null }, // not flat: the general walk
    ];
    for (const extractedFields of fields) {
      const text = JSON.stringify({ ...msg, logEvents: msg.logEvents.map((e) => ({ id: e.id, timestamp: e.timestamp, extractedFields, message: e.message })) })
        .replaceAll('"id":', '"\\u0069d":')
        .replaceAll('"message":', '"mess\\u0061ge":');
      expect(text).toContain('\\u0069d');
      expect(scanDataMessage(Buffer.from(text))).toEqual(viaJsonParse(text));
    }
  });

  it('declines whatever it is not sure of, so JSON.parse decides', () => {
    const good = JSON.stringify(dataMessage([defaultRecord()]));
    for (const text of [
      good.slice(0, -1), // truncated
      good + 'x', // trailing garbage
      good.replace('"timestamp":', '"timestamp":0'), // leading zero
      good.replace(/"timestamp":\d+/, '"timestamp":1.5'), // not an integer
      good.replace('"DATA_MESSAGE"', '"CONTROL_MESSAGE"'),
      good.replace(/"message":"[^"]*"/, '"message":7'),
      good.replace('"logStream"', '"logStreem"'),
      '[]',
      '',
    ]) {
      expect(scanDataMessage(Buffer.from(text))).toBeUndefined();
    }
  });
});

describe('scanDataMessage on bytes', () => {
  it('decodes multi-byte UTF-8 in messages and ids as JSON.parse does', () => {
    const text = JSON.stringify(dataMessage(['日本語のメッセージ 🚀', 'ascii only'], { logGroup: '/vpc/ログ' }));
    expect(scanDataMessage(Buffer.from(text, 'utf8'))).toEqual(viaJsonParse(text));
  });

  it('declines a timestamp too long to be exact in a double', () => {
    const text = JSON.stringify(dataMessage([defaultRecord()])).replace(/"timestamp":\d+/, '"timestamp":12345678901234567');
    expect(scanDataMessage(Buffer.from(text))).toBeUndefined();
  });
});
