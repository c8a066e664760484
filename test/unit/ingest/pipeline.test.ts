import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingestEvent } from '../../../src/ingest/pipeline.js';
import { dataMessage, defaultRecord, subscriptionEvent } from '../../helpers/events.js';
import { fakeIngestDeps, memoryIndexMeta } from '../../helpers/fakes.js';
import { IndexIdSchemes } from '../../../src/ingest/index-id-schemes.js';
import { type BulkItemResponse } from '../../../src/ingest/deliver.js';
import { DeliveryError } from '../../../src/errors.js';

const deps = (answer?: (id: string, attempt: number) => BulkItemResponse | Error) => fakeIngestDeps(answer);

describe('ingestEvent', () => {
  it('indexes a batch and reports the counts', async () => {
    const { d, transport } = deps();
    const s = await ingestEvent(subscriptionEvent(dataMessage([defaultRecord(), defaultRecord()])), d);
    expect(s).toEqual({ messageType: 'DATA_MESSAGE', recordsIn: 2, indexed: 2, retried: 0, parseErrors: 0, deadLettered: 0, invalidUtf8Records: 0 });
    expect(transport.indexed.size).toBe(2);
  });

  it('acknowledges a CONTROL_MESSAGE without writing', async () => {
    const { d, transport, sink } = deps();
    const s = await ingestEvent(subscriptionEvent({ messageType: 'CONTROL_MESSAGE', logEvents: [] }), d);
    expect(s.messageType).toBe('CONTROL_MESSAGE');
    expect(transport.requests).toHaveLength(0);
    expect(sink.byKey.size).toBe(0);
  });

  it('dead-letters an undecodable payload whole, with its raw data and the reason', async () => {
    const { d, sink } = deps();
    const s = await ingestEvent({ awslogs: { data: 'bm90IGd6aXA=' } }, d);
    expect(s).toMatchObject({ messageType: 'UNDECODABLE', deadLettered: 1, decodeError: expect.stringMatching(/^gzip: /) });
    expect(sink.all()).toEqual([{ stage: 'decode', reason: s.decodeError, data: 'bm90IGd6aXA=' }]);
  });

  it('writes each dead letter under a key of its own record, the same however the records are batched', async () => {
    const messages = [defaultRecord(), 'not a record', defaultRecord({ bytes: 3 }), 'also bad'];
    // The third record's _id (event 375800000002, id scheme 2), computed with
    // printf '/vpc/flow-logs\0eni-0a1b2c3d4e5f60718-all\0%s' 375800000002 | sha256sum | cut -c1-24 | xxd -r -p | base64 | tr '+/' '-_'
    const refuse = (id: string) => (id === 'ktlbz7OPH8HMXKqx' ? { status: 400, error: 'mapper_parsing_exception: dstport' } : { status: 201 });
    const whole = deps(refuse);
    const s1 = await ingestEvent(subscriptionEvent(dataMessage(messages)), whole.d);
    expect(s1).toMatchObject({ indexed: 1, parseErrors: 2, deadLettered: 3 });
    expect(s1.deadLetterKey).toMatch(/^dead-letters\/2026\/11\/28\/[0-9a-f]{32}\.ndjson$/);
    expect(whole.sink.all().map((l) => l.stage).sort()).toEqual(['index', 'parse', 'parse']);
    // The same records redelivered in two batches of two: the same three keys, so nothing is written twice.
    const split = deps(refuse);
    const all = dataMessage(messages);
    for (const part of [all.logEvents.slice(0, 2), all.logEvents.slice(2)]) {
      await ingestEvent(subscriptionEvent({ ...all, logEvents: part }), split.d);
    }
    expect([...split.sink.byKey.keys()].sort()).toEqual([...whole.sink.byKey.keys()].sort());
    expect(whole.sink.byKey.size).toBe(3);
  });

  it('files an undecodable payload under the day of its own first event', async () => {
    const { d, sink } = deps();
    // Valid gzip and JSON, but not a subscription message: its events still carry a time (2026-11-28).
    await ingestEvent(subscriptionEvent({ messageType: 'OTHER', logEvents: [{ id: '1', timestamp: 1795824061000, message: 'x' }] }), d);
    expect([...sink.byKey.keys()]).toEqual([expect.stringMatching(/^dead-letters\/2026\/11\/28\/[0-9a-f]{32}\.ndjson$/)]);
  });

  it('files a payload without any time of its own under undated/, the same on every delivery', async () => {
    const first = deps();
    const again = deps();
    await ingestEvent({ awslogs: { data: 'bm90IGd6aXA=' } }, first.d);
    await ingestEvent({ awslogs: { data: 'bm90IGd6aXA=' } }, again.d);
    expect([...first.sink.byKey.keys()]).toEqual([expect.stringMatching(/^dead-letters\/undated\/[0-9a-f]{32}\.ndjson$/)]);
    expect([...again.sink.byKey.keys()]).toEqual([...first.sink.byKey.keys()]);
  });

  it('turns a dead-letter store that fails into DeliveryError (the event is retried)', async () => {
    const { d } = deps();
    const failing = { ...d, deadLetters: { write: async () => Promise.reject(new Error('S3 SlowDown')) } };
    const err = await ingestEvent(subscriptionEvent(dataMessage(['bad'])), failing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as Error).message).toMatch(/dead letter.*S3 SlowDown/);
  });

  it('dead-letters a record with an impossible start and indexes the rest of its batch', async () => {
    const { d, sink, transport } = deps();
    const s = await ingestEvent(subscriptionEvent(dataMessage([defaultRecord(), '2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 9999999999999 9999999999999 ACCEPT OK'])), d);
    expect(s).toMatchObject({ indexed: 1, parseErrors: 1, deadLettered: 1 });
    expect(transport.indexed.size).toBe(1);
    expect(sink.all()).toEqual([expect.objectContaining({ stage: 'parse', reason: expect.stringMatching(/field "start"/) })]);
  });

  it('counts and marks records whose bytes were not UTF-8', async () => {
    const { d, transport } = deps();
    const bodies: string[] = [];
    const seeing = { ...d, transport: { bulk: async (lines: readonly string[], o: { timeoutMs: number }) => (bodies.push(lines.join('')), transport.bulk(lines, o)) } };
    // 0xC3 0x28 is not UTF-8; it sits in action, a keyword field.
    const json = Buffer.from(JSON.stringify(dataMessage([defaultRecord({ action: 'ACCEPTX' }), defaultRecord()])));
    const at = json.indexOf('ACCEPTX');
    json[at + 6] = 0xc3;
    const event = { awslogs: { data: gzipSync(json).toString('base64') } };
    const s = await ingestEvent(event, seeing);
    expect(s).toMatchObject({ indexed: 2, invalidUtf8Records: 1 });
    const docs = bodies.join('').split('\n').filter((l, i) => l !== '' && i % 2 === 1).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(docs.map((doc) => doc.utf8_replacements)).toEqual([1, undefined]);
  });

  it('writes into an index created before ids changed under the old ids, and into a new index under the new ones', async () => {
    // Arrange: the 27th exists without a declared scheme (made by the old template), the 28th does not exist yet.
    const { d, transport } = deps();
    const source = memoryIndexMeta({ 'vpcflowlogs-2026.11.27': undefined });
    const late = defaultRecord({ start: 1795823999, end: 1795824001 }); // 2026-11-27T23:59:59Z

    // Act: the same batch twice, as Lambda redelivers it.
    const idSchemes = new IndexIdSchemes(source);
    for (let i = 0; i < 2; i++) await ingestEvent(subscriptionEvent(dataMessage([defaultRecord(), late])), { ...d, idSchemes });

    // Assert: ids computed as in bulk.test.ts (scheme 2 for the 28th, scheme 1 for the 27th);
    // each index looked up once, the same two ids written twice.
    expect([...transport.indexed]).toEqual([
      ['Q3PEg2a66pxFobNp', 2],
      ['0JQ7k9r0JDLI375800000001', 2],
    ]);
    expect(source.asked.sort()).toEqual(['vpcflowlogs-2026.11.27', 'vpcflowlogs-2026.11.28']);
  });

  it('writes nothing and throws DeliveryError when the scheme of an index cannot be learnt', async () => {
    const { d, transport, sink } = deps();
    const idSchemes = new IndexIdSchemes(memoryIndexMeta({ 'vpcflowlogs-2026.11.28': Object.assign(new Error('HTTP 403'), { meta: { statusCode: 403 } }) }));

    await expect(ingestEvent(subscriptionEvent(dataMessage([defaultRecord()])), { ...d, idSchemes })).rejects.toThrow(DeliveryError);

    expect([transport.requests.length, sink.byKey.size]).toEqual([0, 0]);
  });

  it('throws and dead-letters nothing when OpenSearch is down', async () => {
    const { d, sink } = deps(() => new Error('connect ECONNREFUSED'));
    const t0 = Date.now();
    await expect(ingestEvent(subscriptionEvent(dataMessage([defaultRecord(), 'bad'])), { ...d, deadline: () => 400 - (Date.now() - t0) })).rejects.toThrow(/unreachable/);
    expect(sink.byKey.size).toBe(0);
  });
});
