// The payload scanner (src/ingest/payload-scan.ts) reads a DATA_MESSAGE's JSON as bytes, for
// speed, and declines (undefined) anything it does not expect so that decode falls back to
// JSON.parse. Here it is checked against JSON.parse on generated payloads: whenever it answers,
// its answer is what JSON.parse gives; it never accepts text JSON.parse refuses; and on
// payloads shaped as CloudWatch Logs sends them it does answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanDataMessage } from '../../../src/ingest/payload-scan.js';
import { viaJsonParse } from '../../helpers/events.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const RUNS = propertyRuns(2_000);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * JSON text of `value` written with the freedom JSON allows and JSON.stringify does not use:
 * whitespace between tokens, `\uXXXX` escapes for any character, `\/`. `style` picks the choices.
 */
function writeJson(value: Json, style: number): string {
  let seed = style >>> 0 || 1;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % 16;
  };
  const ws = (): string => [' ', '', '\n', '\t', '  ', '\r\n', '', ''][next() % 8]!;
  const str = (s: string): string => {
    let out = '"';
    for (const ch of s) {
      const code = ch.codePointAt(0)!;
      const plain = JSON.stringify(ch).slice(1, -1);
      if (ch === '/' && next() < 4) out += '\\/';
      else if (next() < 3 && code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
      else if (next() < 2 && code >= 0x10000) {
        const hi = Math.floor((code - 0x10000) / 0x400) + 0xd800;
        const lo = ((code - 0x10000) % 0x400) + 0xdc00;
        out += `\\u${hi.toString(16)}\\u${lo.toString(16).toUpperCase()}`;
      } else out += plain;
    }
    return `${out}"`;
  };
  const write = (v: Json): string => {
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => write(x)).join(`${ws()},${ws()}`)}${ws()}]`;
    if (v !== null && typeof v === 'object') {
      return `{${ws()}${Object.entries(v)
        .map(([k, x]) => `${str(k)}${ws()}:${ws()}${write(x)}`)
        .join(`${ws()},${ws()}`)}${ws()}}`;
    }
    return JSON.stringify(v);
  };
  return `${ws()}${write(value)}${ws()}`;
}

/** Keys in a random order. */
function shuffled(entries: [string, Json][], order: number[]): { [key: string]: Json } {
  const keyed = entries.map((e, i) => [order[i % order.length]! * 100 + i, e] as const).sort((a, b) => a[0] - b[0]);
  return Object.fromEntries(keyed.map(([, e]) => e));
}

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('"', '\\', '/', ' ', 'a', '\n', '\u00e9', '\u{1F600}', '\u0000'), maxLength: 20 }),
);
const message = fc.oneof(
  text,
  fc.constant('2 123456789012 eni-0a1b2c3d 10.0.0.1 203.0.113.5 443 49152 6 10 840 1700000000 1700000060 ACCEPT OK'),
);
const extractedFields = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(fc.constantFrom('version', 'srcaddr', 'dstaddr', 'action', 'x'), text, { maxKeys: 5 }),
  fc.dictionary(text, text, { maxKeys: 3 }),
);
const logEvent = fc
  .record({
    id: fc.stringMatching(/^[0-9]{1,56}$/),
    timestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    message,
    extractedFields,
    order: fc.array(fc.nat(9), { minLength: 4, maxLength: 4 }),
  })
  .map(({ id, timestamp, message: m, extractedFields: x, order }) =>
    shuffled([['id', id], ['timestamp', timestamp], ['message', m], ...(x === undefined ? [] : [['extractedFields', x] as [string, Json]])], order),
  );
const dataMessage = fc
  .record({
    owner: fc.stringMatching(/^[0-9]{12}$/),
    logGroup: text,
    logStream: text,
    subscriptionFilters: fc.array(text, { maxLength: 2 }),
    logEvents: fc.array(logEvent, { maxLength: 6 }),
    order: fc.array(fc.nat(9), { minLength: 6, maxLength: 6 }),
  })
  .map(({ order, ...m }) =>
    shuffled(
      [
        ['messageType', 'DATA_MESSAGE'],
        ['owner', m.owner],
        ['logGroup', m.logGroup],
        ['logStream', m.logStream],
        ['subscriptionFilters', m.subscriptionFilters],
        ['logEvents', m.logEvents],
      ],
      order,
    ),
  );

/**
 * `json` with every string's content replaced by `x` (a string ends at a quote not escaped by a
 * backslash, as JSON's grammar says): valid JSON exactly when `json`'s structure is valid,
 * whatever its strings hold.
 */
function structureOnly(json: string): string {
  let out = '';
  for (let i = 0; i < json.length; i++) {
    if (json[i] !== '"') {
      out += json[i];
      continue;
    }
    let j = i + 1;
    while (j < json.length && json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
    out += '"x"';
    i = j;
  }
  return out;
}

describe('scanDataMessage against JSON.parse', () => {
  it(`gives JSON.parse's message for payloads written with any whitespace, escapes and key order (${RUNS} cases)`, () => {
    let answered = 0;
    fc.assert(
      fc.property(dataMessage, fc.integer(), (m, style) => {
        const json = writeJson(m, style);
        const scanned = scanDataMessage(Buffer.from(json, 'utf8'));
        if (scanned !== undefined) {
          answered++;
          expect(scanned).toStrictEqual(viaJsonParse(json));
        }
      }),
      { numRuns: RUNS },
    );
    // The fast path must take ordinary payloads, not decline them all to the fallback.
    expect(answered).toBe(RUNS);
  });

  it(`answers as JSON.parse does, or declines, on payloads with unexpected keys and values (${RUNS} cases)`, () => {
    const extra = fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxKeys: 2 });
    fc.assert(
      fc.property(dataMessage, extra, fc.integer(), (m, more, style) => {
        const json = writeJson({ ...more, ...m }, style);
        const scanned = scanDataMessage(Buffer.from(json, 'utf8'));
        if (scanned !== undefined) expect(scanned).toStrictEqual(viaJsonParse(json));
      }),
      { numRuns: RUNS },
    );
  });

  // Strings the scanner steps over (extractedFields, unknown keys) are checked for their end only,
  // not for bad escapes or raw control characters: their values are thrown away and CloudWatch
  // writes none (see Cursor.skipString). So text JSON.parse refuses only for what such a string
  // holds may be taken; text whose structure is broken may not.
  it(`never accepts text whose JSON structure is broken (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(dataMessage, fc.integer(), fc.nat(), fc.constantFrom('', ',', '}', '"', '\\', 'x', '\u0001', '{'), (m, style, at, junk) => {
        const json = writeJson(m, style);
        const cut = at % (json.length + 1);
        const broken = json.slice(0, cut) + junk + json.slice(cut + (junk === '' ? 1 : 0));
        let valid = true;
        try {
          JSON.parse(Buffer.from(broken, 'utf8').toString('utf8'));
        } catch {
          valid = false;
        }
        let structured = true;
        try {
          JSON.parse(structureOnly(broken));
        } catch {
          structured = false;
        }
        const scanned = scanDataMessage(Buffer.from(broken, 'utf8'));
        if (!structured) expect(scanned).toBeUndefined();
        if (valid && scanned !== undefined) expect(scanned).toStrictEqual(viaJsonParse(broken));
      }),
      { numRuns: RUNS },
    );
  });
});
