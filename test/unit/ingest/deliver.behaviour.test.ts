/**
 * Delivery as OpenSearch and the operator see it: every status OpenSearch can
 * answer per item or per request, short answers, the backoff schedule, and the
 * request metrics. Complements deliver.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planBulk, type BulkItem } from '../../../src/ingest/bulk.js';
import { deliver, httpStatusOf, type BulkItemResponse, type BulkTransport } from '../../../src/ingest/deliver.js';
import { DeliveryError } from '../../../src/errors.js';
import { DEFAULT_FORMAT } from '../../../src/format/flow-log-schema.js';
import { DailyIndexNamer } from '../../../src/ingest/index-name.js';
import { RecordParser } from '../../../src/format/parse.js';
import { dataMessage, defaultRecord } from '../../helpers/events.js';
import { scriptedTransport } from '../../helpers/fakes.js';

const items = (n: number): BulkItem[] =>
  planBulk(dataMessage(Array.from({ length: n }, (_, i) => defaultRecord({ bytes: i }))), {
    parser: new RecordParser(DEFAULT_FORMAT),
    namer: new DailyIndexNamer('vpcflowlogs'),
  }).items;

const fast = { maxBytes: 1 << 20, retryWindowMs: 2_000, minDelayMs: 1, maxDelayMs: 5 };

/** A transport that answers whole requests from a script, one entry per request, and keeps the bodies. */
function requestScript(script: readonly ((ids: string[]) => readonly BulkItemResponse[] | Error)[]): BulkTransport & { ids: string[][] } {
  const ids: string[][] = [];
  return {
    ids,
    async bulk(body) {
      const lines = body.split('\n').filter((l) => l !== '');
      const these = lines.filter((_, i) => i % 2 === 0).map((l) => (JSON.parse(l) as { index: { _id: string } }).index._id);
      ids.push(these);
      const step = script[Math.min(ids.length, script.length) - 1]!;
      const r = step(these);
      if (r instanceof Error) throw r;
      return r;
    },
  };
}

const ok = (ids: string[]): BulkItemResponse[] => ids.map(() => ({ status: 201 }));

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('deliver, per-item answers', () => {
  it('counts an item answered 200 (a redelivered id overwritten) as indexed, not as a failure', async () => {
    // Arrange: OpenSearch answers 200 "updated" for an _id it already holds.
    const transport = scriptedTransport(() => ({ status: 200 }));

    // Act
    const result = await deliver(items(3), { transport, ...fast });

    // Assert
    expect(result).toEqual({ indexed: 3, retried: 0, deadLetters: [] });
    expect(transport.requests).toHaveLength(1);
  });

  it('retries items answered 500 and 408, alone, until OpenSearch takes them', async () => {
    const batch = items(4);
    const [a, b] = [batch[0]!.id, batch[3]!.id];
    const transport = scriptedTransport((id, attempt) => (attempt === 1 && id === a ? { status: 500 } : attempt === 1 && id === b ? { status: 408 } : { status: 201 }));

    const result = await deliver(batch, { transport, ...fast });

    expect(result).toEqual({ indexed: 4, retried: 2, deadLetters: [] });
    expect(transport.requests).toEqual([batch.map((i) => i.id), [a, b]]);
  });

  it('dead-letters an item answered 499, and one answered 300, instead of retrying or counting it', async () => {
    const batch = items(3);
    const transport = scriptedTransport((id) => (id === batch[0]!.id ? { status: 499, error: 'client_closed' } : id === batch[1]!.id ? { status: 300 } : { status: 201 }));

    const result = await deliver(batch, { transport, ...fast });

    expect(result.indexed).toBe(1);
    expect(result.retried).toBe(0);
    expect(result.deadLetters.map((l) => [l.id, l.status, l.reason])).toEqual([
      [batch[0]!.event.id, 499, 'client_closed'],
      [batch[1]!.event.id, 300, 'HTTP 300'],
    ]);
    expect(transport.requests).toHaveLength(1);
  });

  it('writes a dead letter a replay can use: where the record came from, its id, time and message', async () => {
    const [item] = items(1);
    const transport = scriptedTransport(() => ({ status: 404 }));

    const { deadLetters } = await deliver([item!], { transport, ...fast });

    expect(deadLetters).toEqual([
      {
        stage: 'index',
        status: 404,
        reason: 'HTTP 404',
        owner: '012345678901',
        logGroup: '/vpc/flow-logs',
        logStream: 'eni-0a1b2c3d4e5f60718-all',
        id: '375800000000',
        timestamp: 1795824061000,
        message: defaultRecord({ bytes: 0 }),
      },
    ]);
  });

  it('sends again the items a short bulk answer says nothing about, and only those', async () => {
    const batch = items(5);
    // First answer covers the first two items only.
    const transport = requestScript([(ids) => ok(ids).slice(0, 2), ok]);

    const result = await deliver(batch, { transport, ...fast });

    expect(result).toEqual({ indexed: 5, retried: 3, deadLetters: [] });
    expect(transport.ids).toEqual([batch.map((i) => i.id), batch.slice(2).map((i) => i.id)]);
  });

  it('counts only 2xx as indexed: an item answered 100 is dead-lettered', async () => {
    const transport = scriptedTransport(() => ({ status: 100 }));

    const result = await deliver(items(1), { transport, ...fast });

    expect(result.indexed).toBe(0);
    expect(result.deadLetters.map((l) => l.status)).toEqual([100]);
  });

  it('sends nothing for no items', async () => {
    const transport = scriptedTransport(() => ({ status: 201 }));

    expect(await deliver([], { transport, ...fast })).toEqual({ indexed: 0, retried: 0, deadLetters: [] });
    expect(transport.requests).toEqual([]);
  });
});

describe('deliver, request-level failures', () => {
  it('fails at once, keeping every item pending, when OpenSearch refuses the request with 400', async () => {
    const transport = requestScript([() => Object.assign(new Error('illegal_argument_exception'), { statusCode: 400 })]);

    const err = await deliver(items(3), { transport, ...fast }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).pending).toBe(3);
    expect((err as Error).message).toBe('OpenSearch refused the bulk request (400): Error: illegal_argument_exception');
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(transport.ids).toHaveLength(1);
  });

  it.each([408, 429, 500, 503, 307])('retries a whole request that failed with %i', async (statusCode) => {
    const transport = requestScript([() => Object.assign(new Error(`status ${statusCode}`), { statusCode }), ok]);

    const result = await deliver(items(2), { transport, ...fast });

    expect(result).toEqual({ indexed: 2, retried: 2, deadLetters: [] });
    expect(transport.ids).toHaveLength(2);
  });

  it('says how far it got when OpenSearch stays unreachable: items pending, attempts made, the last error', async () => {
    const transport = requestScript([() => new Error('socket hang up')]);

    const err = await deliver(items(3), { transport, ...fast, retryWindowMs: 300 }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(DeliveryError);
    const attempts = transport.ids.length;
    expect(attempts).toBeGreaterThan(1);
    expect((err as Error).message).toBe(`OpenSearch unreachable or failing: Error: socket hang up; 3 of 3 item(s) not indexed after ${attempts} attempt(s)`);
    expect(((err as Error).cause as Error).message).toBe('socket hang up');
  });

  it('names a failure that is not an Error object', async () => {
    const transport: BulkTransport = {
      bulk: () => Promise.reject('ETIMEDOUT' as unknown as Error),
    };

    await expect(deliver(items(1), { transport, ...fast, retryWindowMs: 20 })).rejects.toThrow(/unreachable or failing: ETIMEDOUT; 1 of 1/);
  });

  it('counts only the items still throttled in the final message', async () => {
    const batch = items(4);
    const stuck = batch[2]!.id;
    const transport = scriptedTransport((id) => (id === stuck ? { status: 429 } : { status: 201 }));

    await expect(deliver(batch, { transport, ...fast, retryWindowMs: 40 })).rejects.toThrow(/^OpenSearch still throttling; 1 of 4 item\(s\) not indexed after \d+ attempt\(s\)$/);
  });

  it('tries once, then gives up, when no time is left (a negative window is no window)', async () => {
    const transport = scriptedTransport(() => ({ status: 429 }));

    const err = await deliver(items(1), { transport, ...fast, retryWindowMs: -5 }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(DeliveryError);
    expect(transport.requests).toHaveLength(1);
  });
});

describe('deliver, request size and metrics', () => {
  it('splits items into bodies under maxBytes and reports each request with its item count and duration', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const batch = items(5);
    const one = Buffer.byteLength(batch[0]!.lines);
    const seen: [number, number][] = [];
    const transport: BulkTransport = {
      // Each request takes 30 ms of (fake) time.
      bulk: (body) => new Promise((resolve) => setTimeout(() => resolve(body.split('\n').filter((_, i) => i % 2 === 0 && _ !== '').map(() => ({ status: 201 }))), 30)),
    };

    const done = deliver(batch, { transport, ...fast, maxBytes: one * 2 + 1, onRequest: (n, ms) => seen.push([n, ms]) });
    await vi.advanceTimersByTimeAsync(1_000);

    expect(await done).toEqual({ indexed: 5, retried: 0, deadLetters: [] });
    expect(seen).toEqual([
      [2, 30],
      [2, 30],
      [1, 30],
    ]);
  });

  it('lets a bug in the metrics hook surface as itself, not as OpenSearch throttling', async () => {
    const transport = scriptedTransport(() => ({ status: 201 }));
    const bug = new TypeError('metrics is not a function');

    const err = await deliver(items(1), {
      transport,
      ...fast,
      onRequest: () => {
        throw bug;
      },
    }).catch((e: unknown) => e);

    expect(err).toBe(bug);
  });

  it('reports a request that failed as a request too', async () => {
    const seen: number[] = [];
    const transport = requestScript([() => new Error('reset'), ok]);

    await deliver(items(2), { transport, ...fast, onRequest: (n) => seen.push(n) });

    expect(seen).toEqual([2, 2]);
  });
});

describe('deliver, backoff', () => {
  /** Runs delivery against an always-throttling OpenSearch on fake time and returns when each request came. */
  async function requestTimes(options: { retryWindowMs: number; minDelayMs?: number; maxDelayMs?: number }, random = 0.5): Promise<number[]> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    vi.spyOn(Math, 'random').mockReturnValue(random);
    const times: number[] = [];
    const transport: BulkTransport = {
      bulk: async () => {
        times.push(performance.now());
        return [{ status: 429 }];
      },
    };
    const done = deliver(items(1), { transport, maxBytes: 1 << 20, ...options }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(options.retryWindowMs + 1_000);
    expect(await done).toBeInstanceOf(DeliveryError);
    return times;
  }

  const gaps = (t: number[]): number[] => t.slice(1).map((x, i) => Math.round(x - t[i]!));

  it('backs off from 200 ms, doubling with jitter, up to 8 s, until the window ends', async () => {
    // Jitter multiplies by 1 + random(): 1.5 here.
    const t = await requestTimes({ retryWindowMs: 30_000 });

    expect(gaps(t)).toEqual([300, 600, 1200, 2400, 4800, 8000, 8000, 4700]);
  });

  it('uses the given first and longest delays', async () => {
    const t = await requestTimes({ retryWindowMs: 100, minDelayMs: 10, maxDelayMs: 25 }, 0);

    expect(gaps(t)).toEqual([10, 20, 25, 25, 20]);
  });
});

describe('httpStatusOf', () => {
  it('reads the status of the OpenSearch client error, or of one that carries it directly', () => {
    expect(httpStatusOf({ meta: { statusCode: 502 } })).toBe(502);
    expect(httpStatusOf({ statusCode: 403 })).toBe(403);
    expect(httpStatusOf({ statusCode: 403, meta: { statusCode: 502 } })).toBe(403);
  });

  it('finds none in a connection error, a status that is not a number, or no error at all', () => {
    expect(httpStatusOf(new Error('ECONNREFUSED'))).toBeUndefined();
    expect(httpStatusOf({ statusCode: '403' })).toBeUndefined();
    expect(httpStatusOf(null)).toBeUndefined();
    expect(httpStatusOf(undefined)).toBeUndefined();
  });
});
