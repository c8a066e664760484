/**
 * Delivery as OpenSearch answers it: per-item statuses (an overwrite's 200,
 * the retryable 408/429/5xx, refusals), requests refused or failed as a
 * whole, the metrics hook, the deadline, and the pacer's documented
 * defaults. Complements deliver.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planBulk, type BulkItem } from '../../../src/ingest/bulk.js';
import {
  BulkPacer,
  deliver,
  describeError,
  httpStatusOf,
  isTransient,
  MIN_REQUEST_MS,
  retryWithinDeadline,
  withinMs,
  type BulkItemResponse,
  type DeliveryOptions,
  type RequestOptions,
} from '../../../src/ingest/deliver.js';
import { DeliveryError } from '../../../src/errors.js';
import { DEFAULT_FORMAT, parseFormatString } from '../../../src/format/flow-log-schema.js';
import { DailyIndexNamer } from '../../../src/ingest/index-name.js';
import { RecordParser } from '../../../src/format/parse.js';
import { dataMessage, defaultRecord } from '../../helpers/events.js';
import { scriptedTransport } from '../../helpers/fakes.js';

// Every delivery here ends by its own deadline (2 s at most) or sooner: one
// still pending after 5 s hangs (a pause that never ends, a race that never
// settles), and fails here rather than after the runner's minute.
vi.setConfig({ testTimeout: 5_000 });

const items = (n: number): BulkItem[] =>
  planBulk(dataMessage(Array.from({ length: n }, (_, i) => defaultRecord({ bytes: i }))), {
    parser: new RecordParser(DEFAULT_FORMAT),
    namer: new DailyIndexNamer('vpcflowlogs'),
  }).items;

const quickPacer = (over: Partial<ConstructorParameters<typeof BulkPacer>[0]> = {}): BulkPacer => new BulkPacer({ maxBytes: 1 << 20, minDelayMs: 1, maxDelayMs: 5, ...over });

/** Options with a fresh quick pacer and `windowMs` left from now. */
const within = (windowMs = 2_000, pacer = quickPacer()): Omit<DeliveryOptions, 'transport'> => {
  const t0 = Date.now();
  return { pacer, deadline: () => windowMs - (Date.now() - t0) };
};

/** An error as the OpenSearch client raises it for an HTTP answer (`meta.statusCode`), or as a plain one (`statusCode`). */
const httpError = (status: number, shape: 'meta' | 'plain' = 'meta'): Error =>
  Object.assign(new Error(`HTTP ${status} from OpenSearch`), { name: 'ResponseError' }, shape === 'meta' ? { meta: { statusCode: status } } : { statusCode: status });

/** A transport whose n-th request (from 1) is answered by `script(n, itemCount)`: a list of item answers, or an error to throw. */
function requestScript(script: (n: number, count: number) => readonly BulkItemResponse[] | Error) {
  const sizes: number[] = [];
  const options: RequestOptions[] = [];
  return {
    sizes,
    options,
    async bulk(lines: readonly string[], o: RequestOptions): Promise<readonly BulkItemResponse[]> {
      const count = lines.join('').split('\n').filter((l) => l !== '').length / 2;
      sizes.push(count);
      options.push(o);
      const r = script(sizes.length, count);
      if (r instanceof Error) throw r;
      return r;
    },
  };
}

const all = (count: number, status: number): BulkItemResponse[] => Array.from({ length: count }, () => ({ status }));

async function deliveryErrorOf(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof DeliveryError) return err;
  throw new Error(`expected a DeliveryError, got ${String(err)}`);
}

describe('deliver, item by item', () => {
  it('counts an item answered 200 (a redelivered id, overwritten) as indexed, not retried or dead-lettered', async () => {
    const transport = scriptedTransport(() => ({ status: 200 }));

    const result = await deliver(items(3), { transport, ...within() });

    expect(result).toEqual({ indexed: 3, retried: 0, deadLetters: [] });
    expect(transport.requests).toHaveLength(1);
  });

  it.each([500, 502, 503, 408, 429])('sends an item answered %i again, alone, and counts it indexed once OpenSearch takes it', async (status) => {
    const batch = items(3);
    const flaky = batch[1]!.id;
    const transport = scriptedTransport((id, attempt) => (id === flaky && attempt === 1 ? { status } : { status: 201 }));

    const result = await deliver(batch, { transport, ...within() });

    expect(result).toEqual({ indexed: 3, retried: 1, deadLetters: [] });
    expect(transport.requests).toEqual([batch.map((i) => i.id), [flaky]]);
  });

  it.each([
    [400, 'mapper_parsing_exception: failed to parse field [dstport]'],
    [409, 'version_conflict_engine_exception: [x]: version conflict'],
    [413, undefined],
    [499, undefined],
    [300, undefined],
    [199, undefined],
  ])('dead-letters an item answered %i at once, with OpenSearch reason or the status', async (status, error) => {
    const batch = items(2);
    const bad = batch[0]!;
    const transport = scriptedTransport((id) => (id === bad.id ? { status, ...(error ? { error } : {}) } : { status: 201 }));

    const result = await deliver(batch, { transport, ...within() });

    expect(transport.requests).toHaveLength(1);
    expect(result.indexed).toBe(1);
    expect(result.retried).toBe(0);
    expect(result.deadLetters).toEqual([
      {
        stage: 'index',
        status,
        reason: error ?? `HTTP ${status}`,
        owner: '012345678901',
        logGroup: '/vpc/flow-logs',
        logStream: 'eni-0a1b2c3d4e5f60718-all',
        id: '375800000000',
        timestamp: 1795824061000,
        message: defaultRecord({ bytes: 0 }),
      },
    ]);
  });

  it('sends again, in the next request, items the answer leaves out, and counts each send beyond the first', async () => {
    // Three items; the first answer holds one entry, the second answers all it is sent.
    const transport = requestScript((n, count) => all(n === 1 ? 1 : count, 201));

    const result = await deliver(items(3), { transport, ...within() });

    expect(result).toEqual({ indexed: 3, retried: 2, deadLetters: [] });
    expect(transport.sizes).toEqual([3, 2]);
  });

  it('sends nothing for no items', async () => {
    const transport = requestScript(() => []);
    expect(await deliver([], { transport, ...within() })).toEqual({ indexed: 0, retried: 0, deadLetters: [] });
    expect(transport.sizes).toEqual([]);
  });
});

describe('deliver, a request that fails as a whole', () => {
  it.each([
    [400, 'meta'],
    [401, 'meta'],
    [403, 'plain'],
    [404, 'plain'],
    [413, 'meta'],
  ] as const)('fails at once on a request-level %i (%s), keeping every item pending', async (status, shape) => {
    const transport = requestScript(() => httpError(status, shape));

    const err = await deliveryErrorOf(deliver(items(4), { transport, ...within() }));

    expect(transport.sizes).toEqual([4]);
    expect(err.pending).toBe(4);
    expect(err.message).toBe(`OpenSearch refused the bulk request (${status}): ResponseError: HTTP ${status} from OpenSearch`);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('fails at once without AWS credentials, keeping every item pending, with no status in the message', async () => {
    const transport = requestScript(() => Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));

    const err = await deliveryErrorOf(deliver(items(4), { transport, ...within() }));

    expect(transport.sizes).toEqual([4]);
    expect(err.pending).toBe(4);
    expect(err.message).toBe('OpenSearch refused the bulk request: CredentialsProviderError: Could not load credentials from any providers');
  });

  it('counts as pending both the refused request and the items not yet sent', async () => {
    // Two items a request: the first request is taken, the second refused, one item never sent.
    const transport = requestScript((n, count) => (n === 1 ? all(count, 201) : httpError(403)));

    const err = await deliveryErrorOf(deliver(items(5), { transport, ...within(2_000, quickPacer({ maxItems: 2, minItems: 1 })) }));

    expect(transport.sizes).toEqual([2, 2]);
    expect(err.pending).toBe(3);
  });

  it('counts an item sent three times as retried twice, whether its request failed or its entry asked for a retry', async () => {
    // Request 1 fails whole; request 2 answers the first item 429 and the others 201; request 3 indexes it.
    const transport = requestScript((n, count) => (n === 1 ? httpError(503, 'meta') : n === 2 ? [{ status: 429 }, ...all(count - 1, 201)] : all(count, 201)));

    const result = await deliver(items(3), { transport, ...within() });

    expect(transport.sizes).toEqual([3, 3, 1]);
    expect(result).toEqual({ indexed: 3, retried: 4, deadLetters: [] });
  });

  it.each([
    [408, 'meta'],
    [429, 'meta'],
    [500, 'plain'],
    [503, 'meta'],
    [302, 'plain'],
  ] as const)('sends a request that failed with %i (%s) again, and indexes every item once', async (status, shape) => {
    const transport = requestScript((n, count) => (n === 1 ? httpError(status, shape) : all(count, 201)));

    const result = await deliver(items(3), { transport, ...within() });

    expect(result).toEqual({ indexed: 3, retried: 3, deadLetters: [] });
    expect(transport.sizes).toEqual([3, 3]);
  });

  it('halves the next request after a request fails', async () => {
    const transport = requestScript((n, count) => (n === 1 ? new Error('socket hang up') : all(count, 201)));

    await deliver(items(8), { transport, ...within(2_000, quickPacer({ maxItems: 8, minItems: 1 })) });

    expect(transport.sizes).toEqual([8, 4, 4]);
  });

  it('names the last failure, the items left and the requests made when OpenSearch stays unreachable', async () => {
    const transport = requestScript(() => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { name: 'ConnectionError' }));

    const err = await deliveryErrorOf(deliver(items(2), { transport, ...within(600) }));

    const n = transport.sizes.length;
    expect(n).toBeGreaterThan(1);
    expect(err.message).toBe(`OpenSearch unreachable or failing: ConnectionError: connect ECONNREFUSED 127.0.0.1:9; 2 of 2 item(s) not indexed at the deadline after ${n} request(s)`);
    expect(err.pending).toBe(2);
    expect((err.cause as Error).message).toBe('connect ECONNREFUSED 127.0.0.1:9');
  });

  it('says OpenSearch is still throttling, with no cause, when items are only ever answered 429', async () => {
    const transport = requestScript((_, count) => all(count, 429));

    const err = await deliveryErrorOf(deliver(items(2), { transport, ...within(500) }));

    expect(err.message).toMatch(/^OpenSearch still throttling; 2 of 2 item\(s\) not indexed at the deadline after \d+ request\(s\)$/);
    expect(err.cause).toBeUndefined();
  });
});

describe('deliver, the metrics hook', () => {
  it('reports every request, failed ones included, with its item count and its duration', async () => {
    const calls: [number, number][] = [];
    const transport = requestScript((n, count) => (n === 2 ? httpError(503) : all(count, 201)));
    const t0 = performance.now();

    await deliver(items(5), { transport, ...within(2_000, quickPacer({ maxItems: 2, minItems: 1 })), onRequest: (n, ms) => calls.push([n, ms]) });

    const elapsed = performance.now() - t0;
    // 2 taken; 2 failed (503); 1 (the window halved); 2 (grown back by a step).
    expect(calls.map(([n]) => n)).toEqual([2, 2, 1, 2]);
    expect(transport.sizes).toEqual([2, 2, 1, 2]);
    for (const [, ms] of calls) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(elapsed);
    }
  });
});

describe('deliver, the deadline', () => {
  it(`still sends with exactly ${MIN_REQUEST_MS} ms left, and gives the request that time`, async () => {
    const transport = requestScript((_, count) => all(count, 201));

    const result = await deliver(items(1), { transport, pacer: quickPacer(), deadline: () => 250 });

    expect(result.indexed).toBe(1);
    expect(transport.options).toEqual([{ timeoutMs: 250 }]);
  });

  it('sends nothing with 249 ms left', async () => {
    const transport = requestScript((_, count) => all(count, 201));

    const err = await deliveryErrorOf(deliver(items(3), { transport, pacer: quickPacer(), deadline: () => 249 }));

    expect(transport.sizes).toEqual([]);
    expect(err.message).toBe('OpenSearch still throttling; 3 of 3 item(s) not indexed at the deadline after 0 request(s)');
    expect(err.pending).toBe(3);
  });

  it('gives up at once, rather than sleeping past the deadline, when the pacer asks for a longer pause', async () => {
    // Another bulk of the instance was pushed back: a 1 s pause, with 0.5 s left (a deadline that stands still, so
    // a delivery that slept through the pause would then send).
    const pacer = quickPacer({ minDelayMs: 1_000, maxDelayMs: 1_000, random: () => 1 });
    pacer.pushback();
    const transport = requestScript((_, count) => all(count, 201));

    const err = await deliveryErrorOf(deliver(items(2), { transport, pacer, deadline: () => 500 }));

    expect(transport.sizes).toEqual([]);
    expect(err.pending).toBe(2);
  });

  it('waits out a pause that ends before the deadline, then sends', async () => {
    const pacer = quickPacer({ minDelayMs: 40, maxDelayMs: 40, random: () => 1 });
    pacer.pushback();
    const transport = requestScript((_, count) => all(count, 201));

    const result = await deliver(items(2), { transport, ...within(2_000, pacer) });

    expect(result.indexed).toBe(2);
    expect(pacer.waitMs()).toBe(0);
  });
});

describe('deliver, the byte bound of a request', () => {
  it('fills a request up to maxBytes exactly, and sends an item larger than the bound alone', async () => {
    const batch = items(3);
    const one = Buffer.byteLength(batch[0]!.lines);
    const sizes = async (maxBytes: number) => {
      const transport = requestScript((_, count) => all(count, 201));
      await deliver(batch, { transport, ...within(2_000, quickPacer({ maxBytes })) });
      return transport.sizes;
    };

    expect(await sizes(one * 2)).toEqual([2, 1]);
    expect(await sizes(one * 2 - 1)).toEqual([1, 1, 1]);
    expect(await sizes(1)).toEqual([1, 1, 1]);
  });

  it('counts the bytes when the 3-bytes-a-character bound is over maxBytes, up to the window or the last item', async () => {
    const batch = items(5);
    const one = Buffer.byteLength(batch[0]!.lines);
    expect(batch.every((i) => Buffer.byteLength(i.lines) === one)).toBe(true);
    // All five fit in 5 x one bytes, though their bound is three times that.
    const sizes = async (maxItems: number) => {
      const transport = requestScript((_, count) => all(count, 201));
      const result = await deliver(batch, { transport, ...within(2_000, quickPacer({ maxBytes: one * 5, maxItems })) });
      expect(result.indexed).toBe(5);
      return transport.sizes;
    };

    expect(await sizes(5000)).toEqual([5]);
    expect(await sizes(3)).toEqual([3, 2]);
  });

  it('counts bytes, not characters, for non-ASCII records', async () => {
    // A custom-format record whose string field holds a 2-byte character.
    const parser = new RecordParser(parseFormatString('${version} ${action}'));
    const wide = planBulk(dataMessage(['2 ACCEPT\u00e9', '2 ACCEPT\u00e9']), { parser, namer: new DailyIndexNamer('x') }).items;
    const chars = wide[0]!.lines.length;
    expect(Buffer.byteLength(wide[0]!.lines)).toBe(chars + 1);
    const sizes = async (maxBytes: number) => {
      const transport = requestScript((_, count) => all(count, 201));
      await deliver(wide, { transport, ...within(2_000, quickPacer({ maxBytes })) });
      return transport.sizes;
    };

    expect(await sizes(chars * 2)).toEqual([1, 1]);
    expect(await sizes(chars * 2 + 2)).toEqual([2]);
  });
});

describe('BulkPacer, its documented defaults', () => {
  it('starts at 5000 items a request, halves down to 50 and grows by 50', () => {
    const p = new BulkPacer({ maxBytes: 1 });
    expect(p.window).toBe(5000);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(() => (p.pushback(0), p.window))).toEqual([2500, 1250, 625, 312, 156, 78, 50, 50]);
    p.accepted();
    expect(p.window).toBe(100);
    expect(p.maxItems).toBe(5000);
    expect(p.minItems).toBe(50);
  });

  it('pauses 200 ms after the first pushback, doubling to at most 8000 ms (with the largest jitter)', () => {
    const p = new BulkPacer({ maxBytes: 1, random: () => 1 });
    const pauses = [1, 2, 3, 4, 5, 6, 7].map(() => (p.pushback(0), p.waitMs(0)));
    expect(pauses).toEqual([200, 400, 800, 1600, 3200, 6400, 8000]);
  });

  it('pauses at least half the step (with the smallest jitter)', () => {
    const p = new BulkPacer({ maxBytes: 1, random: () => 0 });
    p.pushback(1000);
    expect(p.waitMs(1000)).toBe(100);
    expect(p.waitMs(1060)).toBe(40);
    expect(p.waitMs(1100)).toBe(0);
    expect(p.waitMs(5000)).toBe(0);
  });

  it('never goes below a floor set above the ceiling: the ceiling is the floor then', () => {
    const p = new BulkPacer({ maxBytes: 1, maxItems: 10 });
    expect(p.minItems).toBe(10);
    p.pushback(0);
    expect(p.window).toBe(10);
  });

  it('never shortens a pause already longer than the next pushback asks', () => {
    const p = new BulkPacer({ maxBytes: 1, random: () => 1 });
    for (let i = 0; i < 5; i++) p.pushback(0); // 3200 ms
    for (let i = 0; i < 4; i++) p.accepted(); // one strike left
    p.pushback(0); // asks 400 ms
    expect(p.waitMs(0)).toBe(3200);
  });

  it('measures pauses from now when no time is given', () => {
    const p = new BulkPacer({ maxBytes: 1, minDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 });
    const before = Date.now();
    p.pushback();
    const wait = p.waitMs();
    expect(wait).toBeGreaterThan(59_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(p.waitMs(before + 60_000 + 1000)).toBe(0);
  });
});

describe('retryWithinDeadline', () => {
  it('runs the attempt again after transient failures, giving it the time left, until it succeeds', async () => {
    const given: number[] = [];
    const failures = [httpError(503), new Error('socket hang up'), httpError(429)];

    const result = await retryWithinDeadline(
      async (ms) => {
        given.push(ms);
        const f = failures.shift();
        if (f) throw f;
        return 'installed';
      },
      () => 5_000,
      { what: 'install the index template', minDelayMs: 1, maxDelayMs: 2 },
    );

    expect(result).toBe('installed');
    expect(given).toEqual([5_000, 5_000, 5_000, 5_000]);
  });

  it.each([
    ['a refusal, naming the status', () => httpError(403), 'could not install the index template (403): ResponseError: HTTP 403 from OpenSearch'],
    [
      'missing credentials, naming no status (they were once retried until the deadline)',
      () => Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      'could not install the index template: CredentialsProviderError: Could not load credentials from any providers',
    ],
  ] as const)('stops at once on %s', async (_case, failure, message) => {
    let attempts = 0;
    const err = await deliveryErrorOf(
      retryWithinDeadline(
        async () => {
          attempts++;
          throw failure();
        },
        () => 60_000,
        { what: 'install the index template', minDelayMs: 1 },
      ),
    );

    expect(attempts).toBe(1);
    expect(err.message).toBe(message);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('does not start an attempt with less than the shortest request time left', async () => {
    let attempts = 0;
    const attempt = async () => void attempts++;

    const err = await deliveryErrorOf(retryWithinDeadline(attempt, () => 249, { what: 'install the index template' }));
    expect(err.message).toBe('no time left to install the index template');
    expect(attempts).toBe(0);
    await retryWithinDeadline(attempt, () => 250, { what: 'install the index template' });
    expect(attempts).toBe(1);
  });

  it('gives up when the pause would run past the deadline, saying how many attempts it made', async () => {
    // Defaults: a first pause of 100 to 200 ms; with 349 ms left, even 100 leaves less than a request needs.
    // A second attempt, which must not happen, is refused: a retry that ignored the deadline (which stands
    // still) would pause and retry forever, and ends with the wrong message at once instead.
    let attempts = 0;
    const err = await deliveryErrorOf(
      retryWithinDeadline(
        async () => {
          attempts++;
          throw attempts === 1 ? new Error('socket hang up') : httpError(400);
        },
        () => 349,
        { what: 'install the index template' },
      ),
    );

    expect(attempts).toBe(1);
    expect(err.message).toBe('could not install the index template after 1 attempt(s) before the deadline: Error: socket hang up');
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('keeps trying within a deadline that moves on, and gives up when it runs out', async () => {
    const t0 = Date.now();
    let attempts = 0;
    const err = await deliveryErrorOf(
      retryWithinDeadline(
        async () => {
          attempts++;
          throw new Error('socket hang up');
        },
        () => 600 - (Date.now() - t0),
        { what: 'install the index template', minDelayMs: 20, maxDelayMs: 40 },
      ),
    );

    expect(attempts).toBeGreaterThan(2);
    // Which check ends it depends on how long the last pause really took.
    expect([`could not install the index template after ${attempts} attempt(s) before the deadline: Error: socket hang up`, 'no time left to install the index template']).toContain(err.message);
  });
});

describe('retryWithinDeadline, its backoff', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** The pauses retryWithinDeadline sleeps (ms) with Math.random pinned to `r`, failing until the deadline runs out. */
  async function pauses(r: number): Promise<number[]> {
    vi.spyOn(Math, 'random').mockReturnValue(r);
    const sleeps = vi.spyOn(globalThis, 'setTimeout');
    // 100 ms less at every look: six attempts and six pauses before less than 250 ms are left.
    let left = 1_500;
    const err = await deliveryErrorOf(
      retryWithinDeadline(
        async () => {
          throw new Error('socket hang up');
        },
        () => (left -= 100),
        { what: 'install the index template', minDelayMs: 1, maxDelayMs: 8 },
      ),
    );
    expect(err.message).toBe('no time left to install the index template');
    return sleeps.mock.calls.map((c) => c[1] as number);
  }

  it('doubles the pause after each failure up to the longest, with the largest jitter', async () => {
    expect(await pauses(1)).toEqual([1, 2, 4, 8, 8, 8]);
  });

  it('pauses half the step with the smallest jitter', async () => {
    expect(await pauses(0)).toEqual([0.5, 1, 2, 4, 4, 4]);
  });

  it(`still pauses and tries again when the pause leaves exactly ${MIN_REQUEST_MS} ms`, async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    let attempts = 0;

    const result = await retryWithinDeadline(
      async () => {
        if (++attempts === 1) throw new Error('socket hang up');
        return 'installed';
      },
      () => 350,
      { what: 'install the index template', minDelayMs: 100 },
    );

    expect(result).toBe('installed');
    expect(attempts).toBe(2);
  });
});

describe('withinMs', () => {
  it('settles as the promise does when it settles in time', async () => {
    await expect(withinMs(Promise.resolve('done'), 1_000, 'the install')).resolves.toBe('done');
    await expect(withinMs(new Promise((r) => setTimeout(() => r('later'), 20)), 1_000, 'the install')).resolves.toBe('later');
    await expect(withinMs(Promise.reject(new Error('boom')), 1_000, 'the install')).rejects.toThrow('boom');
  });

  it('rejects with DeliveryError naming what did not finish', async () => {
    const never = new Promise<never>(() => undefined);
    const err = await deliveryErrorOf(withinMs(never, 20, 'the index template install'));
    expect(err.message).toBe('the index template install did not finish before the deadline');
  });

  it('rejects at once for a time already past', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withinMs(never, -5, 'the install')).rejects.toThrow('the install did not finish before the deadline');
  });
});

describe('httpStatusOf and isTransient', () => {
  it('reads the status of the OpenSearch client (meta.statusCode) and of a plain error (statusCode)', () => {
    expect(httpStatusOf(httpError(403, 'meta'))).toBe(403);
    expect(httpStatusOf(httpError(404, 'plain'))).toBe(404);
    expect(httpStatusOf({ statusCode: '500' })).toBeUndefined();
    expect(httpStatusOf(new Error('x'))).toBeUndefined();
    expect(httpStatusOf(null)).toBeUndefined();
    expect(httpStatusOf(undefined)).toBeUndefined();
  });

  it('takes missing AWS credentials as a refusal, whatever else the error carries', () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(isTransient(noCredentials)).toBe(false);
    expect(isTransient(Object.assign(noCredentials, { statusCode: 503 }))).toBe(false);
    expect(isTransient(Object.assign(new Error('x'), { name: 'CredentialsError' }))).toBe(true);
    expect(isTransient(null)).toBe(true);
  });

  it('takes network failures, 408, 429, 5xx and non-errors as transient, and other 4xx as refusals', () => {
    const cases = [undefined, 200, 302, 399, 400, 401, 403, 404, 407, 408, 409, 428, 429, 430, 499, 500, 503];
    expect(cases.map((s) => isTransient(s === undefined ? new Error('ECONNRESET') : httpError(s)))).toEqual([
      true, true, true, true, false, false, false, false, false, true, false, false, true, false, false, true, true,
    ]);
  });
});

describe('describeError', () => {
  it('gives name and message of an error, and the text of anything else', () => {
    expect(describeError(Object.assign(new Error('connect ECONNREFUSED'), { name: 'ConnectionError' }))).toBe('ConnectionError: connect ECONNREFUSED');
    expect(describeError('plain text')).toBe('plain text');
    expect(describeError(42)).toBe('42');
  });
});
