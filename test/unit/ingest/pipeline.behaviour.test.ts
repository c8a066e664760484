/**
 * One invocation as its caller sees it: the summary of each kind of event,
 * events worked a slice at a time, the metrics hook, and how dead letters are
 * stored (their time budget, a few at a time, a failure to store one).
 * Complements pipeline.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../src/ingest/bulk.js';
import type { DeadLetterSink } from '../../../src/ingest/dead-letters.js';
import { LazyPayloadDecoder } from '../../../src/ingest/decode.js';
import { type BulkItemResponse } from '../../../src/ingest/deliver.js';
import { ingestEvent, SLICE_EVENTS, type IngestDeps } from '../../../src/ingest/pipeline.js';
import { DeliveryError } from '../../../src/errors.js';
import { DEFAULT_FORMAT } from '../../../src/format/flow-log-schema.js';
import { RecordParser } from '../../../src/format/parse.js';
import { dataMessage, defaultRecord, subscriptionEvent } from '../../helpers/events.js';
import { fakeIngestDeps } from '../../helpers/fakes.js';

const deps = (answer?: (id: string, attempt: number) => BulkItemResponse | Error, over: Partial<IngestDeps> = {}) => fakeIngestDeps(answer, over, 2_000);

const records = (n: number): string[] => Array.from({ length: n }, (_, i) => defaultRecord({ bytes: i }));

/** A transport that answers each document by its `bytes` field (set per record above), whatever its id, and records the request sizes. */
function byBytes(answer: (bytes: number, attempt: number) => BulkItemResponse) {
  const attempts = new Map<number, number>();
  const sizes: number[] = [];
  return {
    sizes,
    async bulk(lines: readonly string[]): Promise<BulkItemResponse[]> {
      const docs = lines.join('').split('\n').filter((l, i) => l !== '' && i % 2 === 1).map((l) => JSON.parse(l) as { bytes: number });
      sizes.push(docs.length);
      return docs.map(({ bytes }) => {
        const n = (attempts.get(bytes) ?? 0) + 1;
        attempts.set(bytes, n);
        return answer(bytes, n);
      });
    },
  };
}

describe('ingestEvent, the summary', () => {
  it('says nothing was read, indexed or dead-lettered for a CONTROL_MESSAGE', async () => {
    const { d } = deps();
    expect(await ingestEvent(subscriptionEvent({ messageType: 'CONTROL_MESSAGE', logEvents: [] }), d)).toEqual({
      messageType: 'CONTROL_MESSAGE',
      recordsIn: 0,
      indexed: 0,
      retried: 0,
      parseErrors: 0,
      deadLettered: 0,
      invalidUtf8Records: 0,
    });
  });

  it('counts an undecodable payload as one dead letter and no record, and says why and where it went', async () => {
    const { d, sink } = deps();

    const s = await ingestEvent({ awslogs: { data: 'bm90IGd6aXA=' } }, d);

    const [key] = [...sink.byKey.keys()];
    expect(key).toMatch(/^dead-letters\/undated\/[0-9a-f]{32}\.ndjson$/);
    expect(s).toEqual({
      messageType: 'UNDECODABLE',
      recordsIn: 0,
      indexed: 0,
      retried: 0,
      parseErrors: 0,
      deadLettered: 1,
      invalidUtf8Records: 0,
      deadLetterKey: key,
      decodeError: expect.stringMatching(/^gzip: awslogs\.data is not gzip data: /) as unknown as string,
    });
  });

  it('dead-letters an event without data with the reason only (there is no data to keep)', async () => {
    const { d, sink } = deps();

    const s = await ingestEvent({ awslogs: { data: 42 } }, d);

    expect(s).toMatchObject({ messageType: 'UNDECODABLE', deadLettered: 1, decodeError: 'event: awslogs.data is missing or not a string' });
    expect(sink.all()).toEqual([{ stage: 'decode', reason: 'event: awslogs.data is missing or not a string' }]);
  });

  it('dead-letters an event that is not an object (null, a string) with the reason only, without throwing', async () => {
    for (const event of [null, '{"awslogs":{}}']) {
      const { d, sink } = deps();

      const s = await ingestEvent(event, d);

      expect(s, String(event)).toMatchObject({ messageType: 'UNDECODABLE', deadLettered: 1 });
      expect(sink.all().map((l) => Object.keys(l).sort()), String(event)).toEqual([['reason', 'stage']]);
    }
  });

  it('keeps the time of an undecodable payload that has one in its dead letter', async () => {
    const { d, sink } = deps();
    const event = subscriptionEvent({ messageType: 'DATA_MESSAGE', logGroup: '/vpc/flow-logs', logStream: 's', logEvents: [{ id: '1', timestamp: 1795824061000, message: 'x' }] });

    const s = await ingestEvent(event, d);

    expect(s.decodeError).toBe('payload: owner is missing or not a string');
    expect(sink.all()).toEqual([{ stage: 'decode', reason: 'payload: owner is missing or not a string', timestamp: 1795824061000, data: event.awslogs.data }]);
  });

  it('counts records retried, refused and unparsable, and names the key of the first dead letter', async () => {
    // The first record (8400 bytes) is throttled once, the one of 2 bytes refused, 'bad' does not parse.
    const transport = byBytes((bytes, attempt) => (bytes === 8400 && attempt === 1 ? { status: 429 } : bytes === 2 ? { status: 400, error: 'mapper_parsing_exception' } : { status: 201 }));
    const { d, sink } = deps(undefined, { transport });

    const s = await ingestEvent(subscriptionEvent(dataMessage([defaultRecord(), 'bad', defaultRecord({ bytes: 2 }), defaultRecord({ bytes: 3 })])), d);

    expect(s).toEqual({
      messageType: 'DATA_MESSAGE',
      recordsIn: 4,
      indexed: 2,
      retried: 1,
      parseErrors: 1,
      deadLettered: 2,
      invalidUtf8Records: 0,
      deadLetterKey: [...sink.byKey.keys()][0],
    });
    expect(sink.all().map((l) => [l.stage, l.id])).toEqual([
      ['parse', '375800000001'],
      ['index', '375800000002'],
    ]);
  });
});

describe('ingestEvent, a slice of events at a time', () => {
  it(`plans and delivers ${SLICE_EVENTS} events at a time by default`, async () => {
    const { d, transport } = deps();

    const s = await ingestEvent(subscriptionEvent(dataMessage(records(SLICE_EVENTS + 1))), d);

    expect(SLICE_EVENTS).toBe(1000);
    expect(s).toMatchObject({ recordsIn: 1001, indexed: 1001 });
    expect(transport.requests.map((r) => r.length)).toEqual([1000, 1]);
  });

  it('adds up every slice: records, retries and dead letters, the first key from the first slice', async () => {
    // Slices of two: [0 1] [bad 3] [4]; record 4 is throttled once.
    const messages = [defaultRecord(), defaultRecord({ bytes: 1 }), 'bad', defaultRecord({ bytes: 3 }), defaultRecord({ bytes: 4 })];
    const written: string[] = [];
    const sink: DeadLetterSink = { write: async (key) => void written.push(key) };
    const transport = byBytes((bytes, attempt) => (bytes === 4 && attempt === 1 ? { status: 503 } : { status: 201 }));
    const { d } = deps(undefined, { sliceEvents: 2, deadLetters: sink, transport });

    const s = await ingestEvent(subscriptionEvent(dataMessage(messages)), d);

    expect(transport.sizes).toEqual([2, 1, 1, 1]);
    expect(s).toEqual({ messageType: 'DATA_MESSAGE', recordsIn: 5, indexed: 4, retried: 1, parseErrors: 1, deadLettered: 1, invalidUtf8Records: 0, deadLetterKey: written[0] });
    expect(written).toHaveLength(1);
  });

  it('plans the next slice while a request is in flight, and delivers the slices one after the other, in order', async () => {
    const log: string[] = [];
    class LoggingParser extends RecordParser {
      override toBulkLines(...args: Parameters<RecordParser['toBulkLines']>): ReturnType<RecordParser['toBulkLines']> {
        // The record's bytes field, which comes just before its start time.
        log.push(`plan ${/ (\d+) 1795824000 /.exec(args[0])?.[1]}`);
        return super.toBulkLines(...args);
      }
    }
    const transport = {
      async bulk(lines: readonly string[]): Promise<BulkItemResponse[]> {
        const bytes = lines.map((l) => (JSON.parse(l.split('\n')[1]!) as { bytes: number }).bytes);
        log.push(`send ${bytes.join(',')}`);
        // OpenSearch indexing the bulk: time in which the function can plan the next slice.
        await new Promise((resolve) => setTimeout(resolve, 30));
        log.push(`answered ${bytes.join(',')}`);
        return bytes.map(() => ({ status: 201 }));
      },
    };
    const { d } = deps(undefined, { sliceEvents: 2, transport, parser: new LoggingParser(DEFAULT_FORMAT) });

    const s = await ingestEvent(subscriptionEvent(dataMessage(records(6))), d);

    expect(s).toMatchObject({ recordsIn: 6, indexed: 6 });
    expect(log).toEqual([
      // The first slice is planned twice: its day's id scheme is learnt in between.
      'plan 0', 'plan 1', 'plan 0', 'plan 1', 'send 0,1',
      'plan 2', 'plan 3', 'answered 0,1', 'send 2,3',
      'plan 4', 'plan 5', 'answered 2,3', 'send 4,5',
      'answered 4,5',
    ]);
  });

  it('reports every bulk request to onRequest', async () => {
    const calls: number[] = [];
    const { d } = deps(undefined, { sliceEvents: 3, onRequest: (items) => calls.push(items) });

    await ingestEvent(subscriptionEvent(dataMessage(records(7))), d);

    expect(calls).toEqual([3, 3, 1]);
  });
});

describe('ingestEvent, an event handed over (releasePayload)', () => {
  it('drops the payload text from the event once decoded, and indexes the same records', async () => {
    const { d } = deps(undefined, { releasePayload: true });
    const event = subscriptionEvent(dataMessage(records(3)));

    const s = await ingestEvent(event, d);

    expect(s).toMatchObject({ recordsIn: 3, indexed: 3, deadLettered: 0 });
    expect(event.awslogs).toEqual({});
  });

  it('keeps the text of a payload that does not decode, for its dead letter', async () => {
    const { d, sink } = deps(undefined, { releasePayload: true });
    const event = { awslogs: { data: 'bm90IGd6aXA=' } };

    await ingestEvent(event, d);

    expect(event.awslogs.data).toBe('bm90IGd6aXA=');
    expect(sink.all()).toMatchObject([{ stage: 'decode', data: 'bm90IGd6aXA=' }]);
  });

  it('leaves the event whole by default, so a caller can hand it in again', async () => {
    const { d } = deps();
    const event = subscriptionEvent(dataMessage(records(2)));
    const data = event.awslogs.data;

    await ingestEvent(event, d);
    const again = await ingestEvent(event, d);

    expect(event.awslogs.data).toBe(data);
    expect(again).toMatchObject({ recordsIn: 2, indexed: 2 });
  });
});

describe('ingestEvent, storing dead letters', () => {
  /** A sink that records the options of each write and how many were in flight at most. */
  function watchingSink(delayMs = 0) {
    const options: ({ readonly timeoutMs?: number } | undefined)[] = [];
    let inFlight = 0;
    let most = 0;
    const sink: DeadLetterSink & { options: typeof options; most: () => number } = {
      options,
      most: () => most,
      async write(_key: string, _letters: readonly DeadLetter[], o?: { readonly timeoutMs?: number }) {
        options.push(o);
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, delayMs));
        inFlight--;
      },
    };
    return sink;
  }

  it('gives each write the time left of the dead-letter deadline, else of the bulk deadline, at least 1 ms', async () => {
    const own = watchingSink();
    await ingestEvent(subscriptionEvent(dataMessage(['bad'])), deps(undefined, { deadLetters: own, deadLetterDeadline: () => 1234 }).d);
    expect(own.options).toEqual([{ timeoutMs: 1234 }]);

    const shared = watchingSink();
    await ingestEvent(subscriptionEvent(dataMessage(['bad'])), deps(undefined, { deadLetters: shared, deadline: () => 987 }).d);
    expect(shared.options).toEqual([{ timeoutMs: 987 }]);

    const late = watchingSink();
    await ingestEvent(subscriptionEvent(dataMessage(['bad'])), deps(undefined, { deadLetters: late, deadLetterDeadline: () => -50 }).d);
    expect(late.options).toEqual([{ timeoutMs: 1 }]);
  });

  it('writes one object per letter, 16 at a time', async () => {
    const sink = watchingSink(5);

    const s = await ingestEvent(subscriptionEvent(dataMessage(Array.from({ length: 40 }, (_, i) => `bad ${i}`))), deps(undefined, { deadLetters: sink }).d);

    expect(s.deadLettered).toBe(40);
    expect(sink.options).toHaveLength(40);
    expect(sink.most()).toBe(16);
  });

  it('throws DeliveryError naming the key and the store failure, with every letter of the slice pending', async () => {
    const refusing: DeadLetterSink = { write: async () => Promise.reject(Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown' })) };

    const err = await ingestEvent(subscriptionEvent(dataMessage(['bad', 'worse', defaultRecord()])), deps(undefined, { deadLetters: refusing }).d).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).pending).toBe(2);
    expect((err as Error).message).toMatch(/^could not store a dead letter under dead-letters\/2026\/11\/28\/[0-9a-f]{32}\.ndjson: SlowDown: Please reduce your request rate\.$/);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('lets an error that is not about decoding through, rather than filing the event as bad data', async () => {
    const broken = { decodeEvent: () => { throw new TypeError('a bug'); } } as unknown as LazyPayloadDecoder;
    const { d, sink } = deps(undefined, { decoder: broken });

    await expect(ingestEvent(subscriptionEvent(dataMessage([defaultRecord()])), d)).rejects.toThrow(TypeError);
    expect(sink.byKey.size).toBe(0);
  });
});

describe('ingestEvent, records not all UTF-8', () => {
  it('counts no record of a payload that was all UTF-8, even one that holds U+FFFD itself', async () => {
    const { d } = deps();
    const s = await ingestEvent(subscriptionEvent(dataMessage([defaultRecord({ action: 'ACCEPT\uFFFD' }), defaultRecord()])), d);
    expect(s).toMatchObject({ recordsIn: 2, invalidUtf8Records: 0 });
  });
});
