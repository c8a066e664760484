/**
 * One invocation as the operator sees it: the summary's counts, the metrics
 * hook, the backoff knobs reaching delivery, and what an undecodable event
 * leaves in the dead-letter bucket. Complements pipeline.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_FORMAT } from '../../../src/format/flow-log-schema.js';
import { DailyIndexNamer } from '../../../src/ingest/index-name.js';
import { ingestEvent, ingestMessage, type IngestDeps } from '../../../src/ingest/pipeline.js';
import { RecordParser } from '../../../src/format/parse.js';
import type { BulkItemResponse, BulkTransport } from '../../../src/ingest/deliver.js';
import { dataMessage, defaultRecord, subscriptionEvent } from '../../helpers/events.js';
import { memorySink, scriptedTransport } from '../../helpers/fakes.js';

function deps(answer: (id: string, attempt: number) => BulkItemResponse | Error = () => ({ status: 201 }), over: Partial<IngestDeps> = {}) {
  const transport = scriptedTransport(answer);
  const sink = memorySink();
  const d: IngestDeps = {
    parser: new RecordParser(DEFAULT_FORMAT),
    namer: new DailyIndexNamer('vpcflowlogs'),
    transport,
    deadLetters: sink,
    deadLetterPrefix: 'dead-letters/',
    maxBytes: 1 << 20,
    retryWindowMs: () => 2_000,
    minDelayMs: 1,
    maxDelayMs: 5,
    ...over,
  };
  return { d, transport, sink };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('ingestMessage', () => {
  it('reports each bulk request to the metrics hook', async () => {
    const seen: number[] = [];
    const { d } = deps(undefined, { onRequest: (items) => seen.push(items) });

    await ingestMessage(dataMessage([defaultRecord(), defaultRecord(), defaultRecord()]), d);

    expect(seen).toEqual([3]);
  });

  it('counts records in, indexed, retried, parse errors and dead letters, and says where the letters went', async () => {
    const msg = dataMessage([defaultRecord(), 'garbage', defaultRecord({ bytes: 2 }), defaultRecord({ bytes: 3 })]);
    const refused = msg.logEvents[3]!.id;
    const throttledOnce = msg.logEvents[2]!.id;
    const { d, sink } = deps((id, attempt) => (id.endsWith(refused) ? { status: 400, error: 'mapper_parsing_exception' } : id.endsWith(throttledOnce) && attempt === 1 ? { status: 429 } : { status: 201 }));

    const s = await ingestMessage(msg, d);

    expect(s).toEqual({ messageType: 'DATA_MESSAGE', recordsIn: 4, indexed: 2, retried: 1, parseErrors: 1, deadLettered: 2, deadLetterKey: expect.stringMatching(/^dead-letters\/2026\/11\/28\/[0-9a-f]{32}\.ndjson$/) });
    expect(sink.byKey.get(s.deadLetterKey!)!.map((l) => [l.stage, l.id])).toEqual([
      ['parse', msg.logEvents[1]!.id],
      ['index', refused],
    ]);
  });

  it('writes no dead letters, and names no key, when every record is indexed', async () => {
    const { d, sink } = deps();

    const s = await ingestMessage(dataMessage([defaultRecord()]), d);

    expect(s).not.toHaveProperty('deadLetterKey');
    expect(sink.byKey.size).toBe(0);
  });

  it('asks for the time left when delivery starts, and gives up within it', async () => {
    let asked = 0;
    const { d, transport } = deps(() => ({ status: 429 }), {
      retryWindowMs: () => {
        asked++;
        return 30;
      },
    });

    await expect(ingestMessage(dataMessage([defaultRecord()]), d)).rejects.toThrow(/still throttling; 1 of 1/);
    expect(asked).toBe(1);
    expect(transport.requests.length).toBeGreaterThan(1);
  });

  it('passes the backoff bounds to delivery', async () => {
    // Fake time and no jitter: the gaps between requests are the delays themselves.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const times: number[] = [];
    const { d } = deps(undefined, { minDelayMs: 10, maxDelayMs: 25, retryWindowMs: () => 100 });
    const transport: BulkTransport = {
      bulk: async () => {
        times.push(performance.now());
        return [{ status: 429 }];
      },
    };

    const done = ingestMessage(dataMessage([defaultRecord()]), { ...d, transport }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000);

    expect(await done).toBeInstanceOf(Error);
    expect(times.slice(1).map((t, i) => Math.round(t - times[i]!))).toEqual([10, 20, 25, 25, 20]);
  });
});

describe('ingestEvent, undecodable events', () => {
  it('dead-letters an event without data under a key of its own, keeping no data', async () => {
    const { d, sink, transport } = deps();

    const s = await ingestEvent({ awslogs: {} }, d);

    expect(s).toEqual({
      messageType: 'UNDECODABLE',
      recordsIn: 0,
      indexed: 0,
      retried: 0,
      parseErrors: 0,
      deadLettered: 1,
      deadLetterKey: expect.stringMatching(/^dead-letters\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{32}\.ndjson$/),
      decodeError: expect.stringMatching(/^event: /),
    });
    expect(sink.byKey.get(s.deadLetterKey!)).toEqual([{ stage: 'decode', reason: s.decodeError }]);
    expect(transport.requests).toEqual([]);
  });

  it.each([
    ['null', null],
    ['an empty object', {}],
    ['data that is a number', { awslogs: { data: 42 } }],
  ])('dead-letters an event that is %s, keeping nothing that is not the raw data', async (_, event) => {
    const { d, sink } = deps();

    const s = await ingestEvent(event, d);

    expect(s.messageType).toBe('UNDECODABLE');
    expect(sink.byKey.get(s.deadLetterKey!)).toStrictEqual([{ stage: 'decode', reason: s.decodeError }]);
  });

  it('counts the records of a decoded event, control messages as none', async () => {
    const { d } = deps();

    expect(await ingestEvent(subscriptionEvent({ messageType: 'CONTROL_MESSAGE', logEvents: [] }), d)).toEqual({ messageType: 'CONTROL_MESSAGE', recordsIn: 0, indexed: 0, retried: 0, parseErrors: 0, deadLettered: 0 });
    expect(await ingestEvent(subscriptionEvent(dataMessage([defaultRecord(), defaultRecord()])), d)).toMatchObject({ recordsIn: 2, indexed: 2 });
  });
});
