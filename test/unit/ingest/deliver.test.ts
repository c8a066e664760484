import { describe, expect, it, vi } from 'vitest';
import { planBulk } from '../../../src/ingest/bulk.js';
import { BulkPacer, deliver, type DeliveryOptions } from '../../../src/ingest/deliver.js';
import { DeliveryError } from '../../../src/errors.js';
import { DEFAULT_FORMAT } from '../../../src/format/flow-log-schema.js';
import { DailyIndexNamer } from '../../../src/ingest/index-name.js';
import { RecordParser } from '../../../src/format/parse.js';
import { dataMessage, defaultRecord } from '../../helpers/events.js';
import { scriptedTransport } from '../../helpers/fakes.js';

// Every delivery here ends by its 2 s deadline or sooner: one still pending
// after 5 s hangs, and fails here rather than after the runner's minute.
vi.setConfig({ testTimeout: 5_000 });

const items = (n: number) =>
  planBulk(dataMessage(Array.from({ length: n }, (_, i) => defaultRecord({ bytes: i }))), {
    parser: new RecordParser(DEFAULT_FORMAT),
    namer: new DailyIndexNamer('vpcflowlogs'),
  }).items;

/** Options with a fresh pacer (short pauses) and `windowMs` left from now. */
const fast = (windowMs = 2_000, pacer = new BulkPacer({ maxBytes: 1 << 20, minDelayMs: 1, maxDelayMs: 5 })): Omit<DeliveryOptions, 'transport'> => {
  const t0 = Date.now();
  return { pacer, deadline: () => windowMs - (Date.now() - t0) };
};

describe('deliver', () => {
  it('indexes every item once when OpenSearch accepts them', async () => {
    const transport = scriptedTransport(() => ({ status: 201 }));
    const result = await deliver(items(10), { transport, ...fast() });
    expect(result).toEqual({ indexed: 10, retried: 0, deadLetters: [] });
    expect(transport.requests).toHaveLength(1);
  });

  it('retries only the throttled and failing items, alone, until they are indexed', async () => {
    const batch = items(6);
    const flaky = new Set([batch[1]!.id, batch[4]!.id]);
    const transport = scriptedTransport((id, attempt) => (flaky.has(id) && attempt < 3 ? { status: attempt === 1 ? 429 : 503 } : { status: 201 }));
    const result = await deliver(batch, { transport, ...fast() });
    expect(result.indexed).toBe(6);
    expect(result.retried).toBe(4);
    expect(transport.requests.slice(1)).toEqual([[...flaky], [...flaky]]);
    expect([...transport.indexed.values()].every((n) => n === 1)).toBe(true);
  });

  it('dead-letters items OpenSearch refuses, with its reason, and indexes the rest', async () => {
    const batch = items(3);
    const bad = batch[2]!;
    const transport = scriptedTransport((id) => (id === bad.id ? { status: 400, error: 'mapper_parsing_exception: failed to parse field [dstport]' } : { status: 201 }));
    const result = await deliver(batch, { transport, ...fast() });
    expect(result.indexed).toBe(2);
    expect(result.deadLetters).toEqual([
      expect.objectContaining({ stage: 'index', status: 400, reason: 'mapper_parsing_exception: failed to parse field [dstport]', id: bad.event.id, message: bad.event.message, logStream: bad.origin.logStream }),
    ]);
  });

  it('throws DeliveryError when OpenSearch stays unreachable until the deadline', async () => {
    const transport = scriptedTransport(() => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { name: 'ConnectionError' }));
    const err = await deliver(items(4), { transport, ...fast(700) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).pending).toBe(4);
    expect((err as Error).message).toMatch(/unreachable.*ECONNREFUSED/);
    expect(transport.requests.length).toBeGreaterThan(1);
  });

  it('throws DeliveryError when items are still throttled at the deadline', async () => {
    const transport = scriptedTransport(() => ({ status: 429 }));
    await expect(deliver(items(2), { transport, ...fast(400) })).rejects.toThrow(/still throttling; 2 of 2/);
  });

  it('gives up at once when the whole request is refused for authorization', async () => {
    const transport = scriptedTransport(() => Object.assign(new Error('security_exception'), { meta: { statusCode: 403 } }));
    await expect(deliver(items(2), { transport, ...fast() })).rejects.toThrow(/refused the bulk request \(403\)/);
    expect(transport.requests).toHaveLength(1);
  });

  it('sends nothing and throws DeliveryError when the deadline leaves no time for a request', async () => {
    const transport = scriptedTransport(() => ({ status: 201 }));
    const err = await deliver(items(3), { transport, ...fast(100) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(transport.requests).toHaveLength(0);
  });

  it('sends every item again, with the same id, when the answer lacks it', async () => {
    const batch = items(4);
    // An answer that stops after two items (cut short): the others must not be taken as done.
    let calls = 0;
    const transport = {
      requests: [] as number[],
      async bulk(lines: readonly string[]) {
        const n = lines.join('').split('\n').filter((l) => l !== '').length / 2;
        this.requests.push(n);
        calls++;
        return Array.from({ length: calls === 1 ? 2 : n }, () => ({ status: 201 }));
      },
    };
    const result = await deliver(batch, { transport, ...fast() });
    expect(result).toMatchObject({ indexed: 4, retried: 2 });
    expect(transport.requests).toEqual([4, 2]);
  });

  it('halves the next request after pushback and pauses every bulk sharing the pacer', async () => {
    const pacer = new BulkPacer({ maxBytes: 1 << 20, maxItems: 400, minItems: 25, increaseItems: 10, minDelayMs: 1, maxDelayMs: 5 });
    // Items beyond the first 100 of a request are answered 429, as from a full write queue.
    const sizes: number[] = [];
    const transport = {
      async bulk(lines: readonly string[]) {
        const n = lines.join('').split('\n').filter((l) => l !== '').length / 2;
        sizes.push(n);
        return Array.from({ length: n }, (_, i) => ({ status: i < 100 ? 201 : 429 }));
      },
    };
    const result = await deliver(items(1000), { transport, ...fast(5_000, pacer) });
    expect(result.indexed).toBe(1000);
    // 400 -> 200 -> 100 (halved on each 429), then +10 per clean request: 110 is too many again.
    expect(sizes.slice(0, 4)).toEqual([400, 200, 100, 110]);
    expect(sizes[4]).toBe(55);
    expect(pacer.window).toBeLessThanOrEqual(400);
  });
});

describe('BulkPacer', () => {
  it('halves the window down to its floor and grows it by a step, up to its ceiling', () => {
    const p = new BulkPacer({ maxBytes: 1, maxItems: 1000, minItems: 100, increaseItems: 50, random: () => 1 });
    expect(p.window).toBe(1000);
    p.pushback(0);
    expect(p.window).toBe(500);
    p.pushback(0);
    p.pushback(0);
    p.pushback(0);
    expect(p.window).toBe(100);
    p.accepted();
    expect(p.window).toBe(150);
    for (let i = 0; i < 100; i++) p.accepted();
    expect(p.window).toBe(1000);
  });

  it('pauses longer after each pushback in a row, up to the longest pause, and shorter a step per success', () => {
    const p = new BulkPacer({ maxBytes: 1, minDelayMs: 100, maxDelayMs: 1000, random: () => 1 });
    p.pushback(0);
    expect(p.waitMs(0)).toBe(100);
    p.pushback(0);
    expect(p.waitMs(0)).toBe(200);
    for (let i = 0; i < 10; i++) p.pushback(0);
    expect(p.waitMs(0)).toBe(1000);
    expect(p.waitMs(1000)).toBe(0);
    // 12 strikes; 11 successes leave one: the next pushback pauses as the second in a row did.
    for (let i = 0; i < 11; i++) p.accepted();
    p.pushback(2000);
    expect(p.waitMs(2000)).toBe(200);
  });
});
