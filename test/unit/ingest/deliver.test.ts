import { describe, expect, it } from 'vitest';
import { planBulk } from '../../../src/ingest/bulk.js';
import { deliver } from '../../../src/ingest/deliver.js';
import { DeliveryError } from '../../../src/errors.js';
import { DEFAULT_FORMAT } from '../../../src/format/flow-log-schema.js';
import { DailyIndexNamer } from '../../../src/ingest/index-name.js';
import { RecordParser } from '../../../src/format/parse.js';
import { dataMessage, defaultRecord } from '../../helpers/events.js';
import { scriptedTransport } from '../../helpers/fakes.js';

const items = (n: number) =>
  planBulk(dataMessage(Array.from({ length: n }, (_, i) => defaultRecord({ bytes: i }))), {
    parser: new RecordParser(DEFAULT_FORMAT),
    namer: new DailyIndexNamer('vpcflowlogs'),
  }).items;

const fast = { maxBytes: 1 << 20, retryWindowMs: 2_000, minDelayMs: 1, maxDelayMs: 5 };

describe('deliver', () => {
  it('indexes every item once when OpenSearch accepts them', async () => {
    const transport = scriptedTransport(() => ({ status: 201 }));
    const result = await deliver(items(10), { transport, ...fast });
    expect(result).toEqual({ indexed: 10, retried: 0, deadLetters: [] });
    expect(transport.requests).toHaveLength(1);
  });

  it('retries only the throttled and failing items, alone, until they are indexed', async () => {
    const batch = items(6);
    const flaky = new Set([batch[1]!.id, batch[4]!.id]);
    const transport = scriptedTransport((id, attempt) => (flaky.has(id) && attempt < 3 ? { status: attempt === 1 ? 429 : 503 } : { status: 201 }));
    const result = await deliver(batch, { transport, ...fast });
    expect(result.indexed).toBe(6);
    expect(result.retried).toBe(4);
    expect(transport.requests.slice(1)).toEqual([[...flaky], [...flaky]]);
    expect([...transport.indexed.values()].every((n) => n === 1)).toBe(true);
  });

  it('dead-letters items OpenSearch refuses, with its reason, and indexes the rest', async () => {
    const batch = items(3);
    const bad = batch[2]!;
    const transport = scriptedTransport((id) => (id === bad.id ? { status: 400, error: 'mapper_parsing_exception: failed to parse field [dstport]' } : { status: 201 }));
    const result = await deliver(batch, { transport, ...fast });
    expect(result.indexed).toBe(2);
    expect(result.deadLetters).toEqual([
      expect.objectContaining({ stage: 'index', status: 400, reason: 'mapper_parsing_exception: failed to parse field [dstport]', id: bad.event.id, message: bad.event.message, logStream: bad.origin.logStream }),
    ]);
  });

  it('throws DeliveryError when OpenSearch stays unreachable through the retry window', async () => {
    const transport = scriptedTransport(() => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { name: 'ConnectionError' }));
    const err = await deliver(items(4), { transport, ...fast, retryWindowMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).pending).toBe(4);
    expect((err as Error).message).toMatch(/unreachable.*ECONNREFUSED/);
    expect(transport.requests.length).toBeGreaterThan(1);
  });

  it('throws DeliveryError when items are still throttled at the deadline', async () => {
    const transport = scriptedTransport(() => ({ status: 429 }));
    await expect(deliver(items(2), { transport, ...fast, retryWindowMs: 50 })).rejects.toThrow(/still throttling; 2 of 2/);
  });

  it('gives up at once when the whole request is refused for authorization', async () => {
    const transport = scriptedTransport(() => Object.assign(new Error('security_exception'), { meta: { statusCode: 403 } }));
    await expect(deliver(items(2), { transport, ...fast })).rejects.toThrow(/refused the bulk request \(403\)/);
    expect(transport.requests).toHaveLength(1);
  });
});
