/**
 * The scanner against JSON.parse on every shape of valid JSON a payload can
 * take (white space of each kind, values of each type where it steps over
 * them, keys that look like ours), and on slices of its lazy events.
 * Complements payload-scan.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EventIndex, scanDataMessage, scanDataMessageLazily } from '../../../src/ingest/payload-scan.js';
import { dataMessage, defaultRecord, viaJsonParse } from '../../helpers/events.js';

const scan = (text: string) => scanDataMessage(Buffer.from(text, 'utf8'));
const msg = dataMessage([defaultRecord(), defaultRecord({ bytes: 5 })]);
const good = JSON.stringify(msg);
const oneEvent = JSON.stringify({ ...msg, logEvents: [{ id: '1', timestamp: 1, message: 'm' }] });

describe('scanDataMessage reads what JSON.parse reads', () => {
  it('with carriage returns, tabs, new lines and spaces between every token', () => {
    for (const ws of ['\r\n', '\t', '\n', ' ', ' \t\r\n ']) {
      const text = JSON.stringify(msg, null, 1).replaceAll('\n', ws + '\n').replaceAll(': ', ':' + ws).replaceAll(',', ws + ',' + ws);
      expect(scan(ws + text + ws)).toEqual(viaJsonParse(text));
    }
  });

  it('stepping over unknown values of every type, nested and spaced', () => {
    const others = [true, false, null, 0, -12, 1234567890123, 'str"ing', [], [1, [true, null], { a: 'b' }], {}, { a: { b: [{}, []] }, c: -1 }];
    for (const v of others) {
      for (const text of [JSON.stringify({ extra: v, ...msg }), JSON.stringify({ ...msg, extra: v }, null, 2)]) {
        expect(scan(text)).toEqual(viaJsonParse(text));
      }
      const events = JSON.stringify({ ...msg, logEvents: msg.logEvents.map((e) => ({ other: v, ...e, after: v })) });
      expect(scan(events)).toEqual(viaJsonParse(events));
    }
  });

  it('with keys that resemble an event key but are not one', () => {
    const text = JSON.stringify({
      ...msg,
      logEvents: msg.logEvents.map((e) => ({ ix: 'x', i: 'x', idx: 'x', timestamps: 1, timestam: 2, messages: 'x', messagf: 'x', '': 0, ...e })),
    });
    expect(scan(text)).toEqual(viaJsonParse(text));
  });

  it('with keys as long as ours, after ours, that are none of ours', () => {
    const text = JSON.stringify({ ...msg, logEvents: msg.logEvents.map((e) => ({ ...e, ix: 'decoy', timestamq: 5, messagf: 'decoy' })) });
    expect(text).toContain('"ix":"decoy"');
    expect(scan(text)).toEqual(viaJsonParse(text));
  });

  it('with an escaped key that spells none of ours', () => {
    const text = good.replace('"timestamp":', '"\\u0074":"skip","timestamp":');
    expect(text).toContain('\\u0074');
    expect(scan(text)).toEqual(viaJsonParse(text));
  });

  it('with no subscription filters, or an empty list of them, and with no events', () => {
    const { subscriptionFilters: _, ...noFilters } = msg;
    for (const text of [JSON.stringify(noFilters), JSON.stringify({ ...msg, subscriptionFilters: [] }), JSON.stringify({ ...msg, subscriptionFilters: ['a', 'b'] }), JSON.stringify({ ...msg, logEvents: [] }), JSON.stringify({ ...msg, logEvents: [{}] }).replace('[{}]', '[ ]')]) {
      expect(scan(text)).toEqual(viaJsonParse(text));
    }
  });

  it('with timestamps of one digit, zero, negative, and fifteen digits', () => {
    for (const ts of [0, 7, -1795824061000, 999999999999999]) {
      const text = JSON.stringify({ ...msg, logEvents: msg.logEvents.map((e) => ({ ...e, timestamp: ts })) });
      expect(scan(text)).toEqual(viaJsonParse(text));
    }
  });

  it('with escapes in ids, messages and envelope strings', () => {
    const text = JSON.stringify(dataMessage(['tab\tquote"back\\', 'new\nline'], { logGroup: 'g\\"', logStream: '\u0001s', idBase: 'a"b\\' }));
    expect(scan(text)).toEqual(viaJsonParse(text));
  });

  it('with a flat object of strings as the last value of an event, and one that is not flat after a flat start', () => {
    for (const fields of [{ a: 'b' }, { a: 'b', c: '' }, { a: 'b', c: 1 }, { a: 'b', c: { d: 'e' } }, { 'k"ey': 'v\\al' }, { a: 'b}' }, { 'k}': 'v,', c: 'd' }]) {
      const text = JSON.stringify({ ...msg, logEvents: msg.logEvents.map((e) => ({ ...e, extractedFields: fields })) });
      expect(scan(text)).toEqual(viaJsonParse(text));
    }
  });
});

describe('scanDataMessage declines, so JSON.parse decides', () => {
  it.each([
    ['a key that is not a string', good.replace('{"messageType"', '{messageType')],
    ['a missing colon', good.replace('"owner":', '"owner"')],
    ['an unclosed event', good.replace(/\}\]\}$/, ']}')],
    ['a string cut short', good.slice(0, good.indexOf('"owner"') + 4)],
    ['an event with no id', JSON.stringify({ ...msg, logEvents: [{ timestamp: 1, message: 'm' }] })],
    ['an event with no timestamp', JSON.stringify({ ...msg, logEvents: [{ id: '1', message: 'm' }] })],
    ['an event with no message', JSON.stringify({ ...msg, logEvents: [{ id: '1', timestamp: 1 }] })],
    ['a timestamp written as a string', JSON.stringify({ ...msg, logEvents: [{ id: '1', timestamp: '1', message: 'm' }] })],
    ['a timestamp with a fraction', good.replace(/"timestamp":(\d+)/, '"timestamp":$1.5')],
    ['an unknown number with a fraction', JSON.stringify({ ...msg, x: 1 }).replace('"x":1', '"x":1.25')],
    ['a timestamp with an exponent', good.replace(/"timestamp":(\d+)/, '"timestamp":$1e0')],
    ['a timestamp with a capital exponent', good.replace(/"timestamp":(\d+)/, '"timestamp":$1E0')],
    ['a timestamp of sixteen digits', good.replace(/"timestamp":\d+/, '"timestamp":1000000000000000')],
    ['a timestamp with no digits', good.replace(/"timestamp":\d+/, '"timestamp":-')],
    ['an unknown value that is not JSON', JSON.stringify({ ...msg, x: 1 }).replace('"x":1', '"x":nul')],
    ['an unknown value that is a truncated word', JSON.stringify({ ...msg, x: 1 }).replace('"x":1', '"x":tru')],
    ['an unclosed array of unknown values', JSON.stringify({ ...msg, x: [1, 2] }).replace('[1,2]', '[1,2')],
    ['an unclosed object of unknown values', JSON.stringify({ ...msg, x: { a: 1 } }).replace('{"a":1}', '{"a":1')],
    ['an object key without a value', JSON.stringify({ ...msg, x: { a: 1 } }).replace('{"a":1}', '{"a"}')],
    ['a flat object cut short', JSON.stringify({ ...msg, x: { a: 'b' } }).replace('{"a":"b"}', '{"a":"b')],
    ['a message that is not a string', JSON.stringify({ ...msg, logEvents: [{ id: '1', timestamp: 1, message: null }] })],
    ['subscriptionFilters that are not a list', JSON.stringify({ ...msg, subscriptionFilters: 'x' })],
    ['an unclosed list of subscription filters', good.replace('["flow-logs-to-opensearch"]', '["flow-logs-to-opensearch"')],
    ['logEvents that are not a list', JSON.stringify({ ...msg, logEvents: {} })],
    ['no owner', JSON.stringify({ ...msg, owner: undefined })],
    ['no log group', JSON.stringify({ ...msg, logGroup: undefined })],
    ['no log stream', JSON.stringify({ ...msg, logStream: undefined })],
    ['no logEvents', JSON.stringify({ ...msg, logEvents: undefined })],
    ['an escaped string that is not valid JSON', good.replace('"owner":"012345678901"', '"owner":"0123\\x"')],
    ['an escaped key cut short', '{"mess\\u0061ge'],
  ])('on %s', (_, text) => {
    expect(scan(text)).toBeUndefined();
  });

  // Not JSON: taking these would turn a payload JSON.parse refuses (a dead letter) into records.
  it.each([
    ['a semicolon for a colon after a key', good.replace('"owner":', '"owner";')],
    ['an envelope value with a letter for its opening quote', good.replace('"owner":"', '"owner":x')],
    ['a raw tab inside a message', oneEvent.replace('"message":"m"', '"message":"a\tb"')],
    ['a message that is one raw control character', oneEvent.replace('"message":"m"', '"message":"\u0001"')],
    ['an unknown object whose key lacks its opening quote', JSON.stringify({ ...msg, x: 1 }).replace('"x":1', '"x":{a":1}')],
  ])('on %s', (_, text) => {
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    expect(scan(text)).toBeUndefined();
  });

  // extractedFields is stepped over by a fast loop for objects of strings
  // written without white space; a broken one must still be refused.
  it.each([
    ['a comma and no field', '{,}'],
    ['a key with no colon', '{"a""b"}'],
    ['a key with no colon and a colon after its value', '{"a""b":}'],
    ['a semicolon for a colon', '{"a";"b"}'],
    ['a semicolon for a comma', '{"a":"b";"c":"d"}'],
    ['a third string in a field', '{"a":"b""c"}'],
    ['a key and a value without opening quotes', '{ab":cd"}'],
  ])('on extractedFields with %s', (_, fields) => {
    const text = oneEvent.replace('"message":"m"', `"message":"m","extractedFields":${fields}`);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    expect(scan(text)).toBeUndefined();
  });
});

describe('scanDataMessageLazily', () => {
  const many = dataMessage(Array.from({ length: 2100 }, (_, i) => defaultRecord({ bytes: i })));
  const text = Buffer.from(JSON.stringify(many));

  it('gives any slice of the events as Array#slice would', () => {
    const lazy = scanDataMessageLazily(text)!;
    expect(lazy.eventCount).toBe(2100);
    for (const [from, to] of [
      [0, 1],
      [1023, 1025],
      [2048, 2100],
      [2099, 5000],
      [2100, 2200],
      [3000, 3001],
      [5, 5],
    ] as const) {
      expect(lazy.events(from, to)).toEqual(many.logEvents.slice(from, to));
    }
  });

  it('reads payloads one after the other with one reused index, each whole', () => {
    const index = new EventIndex();
    const small = dataMessage(['a "quoted" message', 'plain'], { idBase: 'x\\' });
    for (const m of [many, small, many]) {
      const lazy = scanDataMessageLazily(Buffer.from(JSON.stringify(m)), index)!;
      expect(lazy.events(0, lazy.eventCount)).toEqual(m.logEvents);
    }
  });
});
