/**
 * Property of the whole pipeline (decode, parse, plan, deliver, dead
 * letters): whatever the event, the records and OpenSearch's answers,
 * ingestEvent resolves or throws DeliveryError, nothing else; and when it
 * resolves, every record of the payload is indexed or dead-lettered.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../src/errors.js';
import { DEFAULT_FORMAT, FLOW_LOG_FIELDS, formatOf } from '../../../src/format/flow-log-schema.js';
import { RecordParser } from '../../../src/format/parse.js';
import { LazyPayloadDecoder } from '../../../src/ingest/decode.js';
import { BulkPacer, type BulkItemResponse, type BulkTransport } from '../../../src/ingest/deliver.js';
import { DailyIndexNamer } from '../../../src/ingest/index-name.js';
import { ingestEvent } from '../../../src/ingest/pipeline.js';
import { memoryIdSchemes, memorySink } from '../../helpers/fakes.js';
import { propertyRuns } from '../../helpers/property-runs.js';

/** Tokens near and beyond every edge the mapping has, and some junk. */
const token = fc.oneof(
  fc.constantFrom('-', '0', '65535', '65536', '255', '256', '2147483647', '2147483648', '9007199254740991', '9007199254740992', '9999999999999', '946684799', '946684800', '1795824000', '4102444800', '253402300800'),
  fc.constantFrom('10.0.0.1', '::1', '2001:db8::1', '256.1.1.1', '1.2.3', 'fe80::1%eth0', '8.8.8.8', 'ACCEPT', 'OK', '\uFFFD', 'ï¿½', '"', '\\', '\u0000'),
  fc.nat().map(String),
  fc.string({ maxLength: 12 }),
);

/** A record: usually the right number of tokens, sometimes not. */
const record = (width: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.array(token, { minLength: width, maxLength: width }).map((t) => t.join(' ')) },
    { weight: 1, arbitrary: fc.tuple(fc.array(token, { maxLength: width + 2 }), fc.constantFrom(' ', '  ', '\t')).map(([t, sep]) => t.join(sep) + (t.length % 2 ? '\n' : '')) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  );

/** A log event, well formed or not. */
const logEvent = (width: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ id: fc.stringMatching(/^[0-9]{1,56}$/), timestamp: fc.oneof(fc.constant(1795824061000), fc.integer(), fc.double()), message: record(width) }) },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: fc.record({ id: fc.anything(), timestamp: fc.anything(), message: fc.anything() }, { requiredKeys: [] }) },
  );

const payload = (width: number) =>
  fc.record({
    messageType: fc.oneof({ weight: 5, arbitrary: fc.constant('DATA_MESSAGE') }, { weight: 1, arbitrary: fc.constant('CONTROL_MESSAGE') }, { weight: 1, arbitrary: fc.anything() }),
    owner: fc.oneof(fc.constant('012345678901'), fc.anything()),
    logGroup: fc.constant('/vpc/flow-logs'),
    logStream: fc.string({ maxLength: 10 }),
    subscriptionFilters: fc.constant(['f']),
    logEvents: fc.array(logEvent(width), { maxLength: 30 }),
  });

/** Lambda events: gzipped payloads (sometimes with bytes that are not UTF-8), and garbage. */
const event = (width: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(payload(width), fc.boolean()).map(([p, corrupt]) => {
      const json = Buffer.from(JSON.stringify(p));
      if (corrupt && json.length > 40) json[json.length - 20] = 0xff;
      return { awslogs: { data: gzipSync(json).toString('base64') } };
    }) },
    { weight: 1, arbitrary: fc.record({ awslogs: fc.record({ data: fc.oneof(fc.string(), fc.base64String(), fc.anything()) }) }) },
    { weight: 1, arbitrary: fc.anything() },
  );

/** OpenSearch's answer to each item: accepted, refused, throttled, failing; or the whole request failing. */
const answers = fc.array(fc.constantFrom<BulkItemResponse | 'throw' | 'short'>({ status: 201 }, { status: 200 }, { status: 400, error: 'mapper_parsing_exception' }, { status: 429 }, { status: 503 }, 'throw', 'short'), { minLength: 1, maxLength: 20 });

function transportFrom(script: readonly (BulkItemResponse | 'throw' | 'short')[]): BulkTransport & { indexed: Set<string> } {
  let n = 0;
  const indexed = new Set<string>();
  return {
    indexed,
    async bulk(lines) {
      const ids = lines.join('').split('\n').filter((l, i) => l !== '' && i % 2 === 0).map((l) => (JSON.parse(l) as { index: { _id: string } }).index._id);
      const out: BulkItemResponse[] = [];
      for (const id of ids) {
        const a = script[n++ % script.length]!;
        if (a === 'throw') throw Object.assign(new Error('socket hang up'), { name: 'ConnectionError' });
        if (a === 'short') break;
        if (a.status < 300) indexed.add(id);
        out.push(a);
      }
      return out;
    },
  };
}

const FULL = formatOf(FLOW_LOG_FIELDS.map((f) => f.name));

describe('ingestEvent, for any input', () => {
  for (const [name, format] of [['the default format', DEFAULT_FORMAT], ['every field', FULL]] as const) {
    it(`throws nothing but DeliveryError, and otherwise indexes or dead-letters every record (${name})`, async () => {
      const parser = new RecordParser(format);
      await fc.assert(
        fc.asyncProperty(event(format.fields.length), answers, async (e, script) => {
          const transport = transportFrom(script);
          const sink = memorySink();
          const t0 = Date.now();
          try {
            const s = await ingestEvent(e, {
              parser,
              namer: new DailyIndexNamer('p'),
              idSchemes: memoryIdSchemes(),
              decoder: new LazyPayloadDecoder(),
              transport,
              pacer: new BulkPacer({ maxBytes: 1 << 16, minDelayMs: 1, maxDelayMs: 2 }),
              deadline: () => 300 - (Date.now() - t0),
              deadLetters: sink,
              deadLetterPrefix: 'dl/',
            });
            expect(s.indexed + s.deadLettered).toBe(s.messageType === 'UNDECODABLE' ? 1 : s.recordsIn);
            // One key per record: records repeating an id share one letter.
            expect(sink.byKey.size).toBeLessThanOrEqual(s.deadLettered);
            expect(sink.byKey.size > 0).toBe(s.deadLettered > 0);
          } catch (err) {
            if (!(err instanceof DeliveryError)) throw err;
          }
        }),
        { numRuns: propertyRuns(300) },
      );
    });
  }
});
