/**
 * The ingest function's promises, proved through the real handler against a
 * real OpenSearch: exact counts, no duplicates on redelivery, every record
 * indexed exactly once or dead-lettered with its reason under injected
 * faults, a thrown error when OpenSearch is down, clear errors for corrupt
 * payloads.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { loadIngestConfig } from '../../lambdas/ingest/config.js';
import { createIngestHandler } from '../../lambdas/ingest/handler.js';
import type { DeadLetter } from '../../src/ingest/bulk.js';
import { parseDeadLetters } from '../../src/ingest/dead-letters.js';
import { DeliveryError } from '../../src/errors.js';
import { FLOW_LOG_FIELDS } from '../../src/format/flow-log-schema.js';
import { DEFAULT_GEO_DIR } from '../../scripts/build-geo.mjs';
import { dataMessage, defaultRecord, subscriptionEvent } from '../helpers/events.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { opensearchUrl } from '../helpers/opensearch-url.js';

const PREFIX = 'it-ingest';
const context = { getRemainingTimeInMillis: () => 60_000 };
let client: Client;
let tmp: string;

beforeAll(async () => {
  client = new Client({ node: opensearchUrl() });
  tmp = mkdtempSync(join(tmpdir(), 'ingest-it-'));
  await client.indices.delete({ index: `${PREFIX}*`, ignore_unavailable: true } as never).catch(() => undefined);
});

afterAll(async () => {
  await client.indices.delete({ index: `${PREFIX}*` } as never).catch(() => undefined);
  await client.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A handler writing to `endpoint` with its own index prefix and dead-letter folder. */
function handlerFor(name: string, endpoint = opensearchUrl()) {
  const deadLetterDir = join(tmp, name);
  const handler = createIngestHandler(
    loadIngestConfig({
      OPENSEARCH_ENDPOINT: endpoint,
      OPENSEARCH_AUTH: 'none',
      INDEX_PREFIX: `${PREFIX}-${name}`,
      DEAD_LETTER_DIR: deadLetterDir,
      GEOIP_ENABLED: 'false',
    }),
    { quiet: true, minDelayMs: 5, maxDelayMs: 50 },
  );
  return { handler, deadLetterDir, index: `${PREFIX}-${name}-*` };
}

function deadLettersIn(dir: string): DeadLetter[] {
  let files: string[];
  try {
    files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ndjson'));
  } catch {
    return [];
  }
  return files.flatMap((f) => parseDeadLetters(readFileSync(join(dir, f), 'utf8'), f));
}

async function idsIn(index: string): Promise<string[]> {
  await client.indices.refresh({ index });
  const res = await client.search({ index, body: { size: 10_000, _source: false, query: { match_all: {} } } });
  return (res.body.hits.hits as { _id: string }[]).map((h) => h._id);
}

/** n records in m log streams, with distinct byte counts so each is recognisable. */
function batches(n: number, streams: number, startBytes = 0) {
  return Array.from({ length: streams }, (_, s) =>
    dataMessage(
      Array.from({ length: n }, (_, i) => defaultRecord({ bytes: startBytes + s * n + i, srcport: 1024 + i })),
      { logStream: `eni-0000000000000000${s}-all`, idBase: `37${s}` },
    ),
  );
}

describe('ingest handler on a real OpenSearch', () => {
  it('indexes a batch with the exact count, and a redelivered batch leaves no duplicate', async () => {
    const { handler, index } = handlerFor('exact');
    const events = batches(500, 3).map(subscriptionEvent);
    for (const e of events) expect((await handler(e, context)).indexed).toBe(500);
    expect(await idsIn(index)).toHaveLength(1500);
    // CloudWatch (or Lambda's retry) delivers the same batch again.
    await handler(events[1]!, context);
    const ids = await idsIn(index);
    expect(ids).toHaveLength(1500);
    expect(new Set(ids).size).toBe(1500);
  });

  it('keeps the typed mapping and answers under the ECS alias names', async () => {
    const { handler, index } = handlerFor('mapping');
    await handler(subscriptionEvent(dataMessage([defaultRecord({ srcaddr: '52.95.110.1', dstport: 22, action: 'REJECT' })])), context);
    await client.indices.refresh({ index });
    const res = await client.search({ index, body: { query: { bool: { filter: [{ term: { 'event.action': 'REJECT' } }, { term: { 'destination.port': 22 } }, { term: { 'source.ip': '52.95.110.0/24' } }] } } } });
    expect(res.body.hits.total).toMatchObject({ value: 1 });
    const mapping = await client.indices.getMapping({ index });
    const props = (Object.values(mapping.body)[0] as { mappings: { properties: Record<string, { type: string }> } }).mappings.properties;
    expect(props.srcaddr?.type).toBe('ip');
    expect(props.bytes?.type).toBe('long');
    expect(props['@timestamp']?.type).toBe('date');
  });

  it('indexes every record exactly once through 429s, 503s and a dropped connection', async () => {
    const proxy = await startFaultProxy(opensearchUrl(), {
      // About one item in four is throttled on its first two attempts.
      throttleItem: (id, attempt) => attempt <= 2 && id.charCodeAt(id.length - 1) % 4 === 0,
      fail503: (n) => n === 2 || n === 3,
      dropAfterForward: (n) => n === 5,
    });
    try {
      const { handler, index, deadLetterDir } = handlerFor('faults', proxy.url);
      const events = batches(400, 4).map(subscriptionEvent);
      let indexed = 0;
      let retried = 0;
      for (const e of events) {
        const s = await handler(e, context);
        indexed += s.indexed;
        retried += s.retried;
      }
      expect(proxy.stats.throttled).toBeGreaterThan(300);
      expect(proxy.stats.failed503).toBe(2);
      expect(proxy.stats.dropped).toBe(1);
      expect(retried).toBeGreaterThan(0);
      const ids = await idsIn(index);
      expect(ids).toHaveLength(1600);
      expect(new Set(ids).size).toBe(1600);
      expect(indexed).toBe(1600);
      expect(deadLettersIn(deadLetterDir)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('indexes a custom format with every documented field, enriched with GeoIP, under the strict mapping', async () => {
    const fields = FLOW_LOG_FIELDS.map((f) => f.name);
    const format = fields.map((f) => '${' + f + '}').join(' ');
    const record = (i: number) =>
      FLOW_LOG_FIELDS.map((f) => {
        if (f.name === 'srcaddr' || f.name === 'pkt-srcaddr') return '8.8.8.8';
        if (f.search === 'ip') return '10.0.0.' + (i + 1);
        if (f.name === 'start') return '1795824000';
        if (f.name === 'end') return '1795824060';
        if (f.name === 'reject-reason') return i % 2 ? 'BPA' : '-';
        return f.kind === 'integer' ? String(i + 1) : `${f.key}-${i}`;
      }).join(' ');
    const deadLetterDir = join(tmp, 'full');
    const handler = createIngestHandler(
      loadIngestConfig({ OPENSEARCH_ENDPOINT: opensearchUrl(), OPENSEARCH_AUTH: 'none', INDEX_PREFIX: `${PREFIX}-full`, DEAD_LETTER_DIR: deadLetterDir, FLOW_LOG_FORMAT: format, GEOIP_DIR: DEFAULT_GEO_DIR }),
      { quiet: true },
    );
    const s = await handler(subscriptionEvent(dataMessage([record(0), record(1)])), context);
    expect(s).toMatchObject({ indexed: 2, deadLettered: 0 });
    await client.indices.refresh({ index: `${PREFIX}-full-*` });
    const res = await client.search({ index: `${PREFIX}-full-*`, body: { query: { bool: { filter: [{ term: { 'source.as.number': 15169 } }, { term: { reject_reason: 'BPA' } }] } } } });
    const hits = res.body.hits.hits as { _source: Record<string, unknown> }[];
    expect(hits).toHaveLength(1);
    expect(hits[0]!._source).toMatchObject({ ecs_task_id: 'ecs_task_id-1', traffic_path: 2, src_addr_scope: 'public', src_asn: 15169, dst_addr_scope: 'private' });
  });

  it('dead-letters, at parse time, a record the strict mapping would refuse, and indexes the rest', async () => {
    const { handler, index, deadLetterDir } = handlerFor('conflict');
    // 2^32 is an integer, but no port: the integer mapping of dstport would refuse it too.
    const msg = dataMessage([defaultRecord(), defaultRecord({ dstport: 4294967296, bytes: 1 }), defaultRecord({ bytes: 2 })]);
    const s = await handler(subscriptionEvent(msg), context);
    expect(s).toMatchObject({ indexed: 2, deadLettered: 1, parseErrors: 1 });
    expect(await idsIn(index)).toHaveLength(2);
    const letters = deadLettersIn(deadLetterDir);
    expect(letters).toEqual([expect.objectContaining({ stage: 'parse', id: msg.logEvents[1]!.id, message: msg.logEvents[1]!.message, reason: expect.stringMatching(/dstport/) })]);
  });

  it('dead-letters records that do not parse and indexes the rest of their batch', async () => {
    const { handler, index, deadLetterDir } = handlerFor('parse');
    const msg = dataMessage([defaultRecord(), '2 012345678901 eni-1 truncated', defaultRecord({ packets: 'many' }), defaultRecord({ bytes: 7 })]);
    const s = await handler(subscriptionEvent(msg), context);
    expect(s).toMatchObject({ recordsIn: 4, indexed: 2, parseErrors: 2, deadLettered: 2 });
    expect(await idsIn(index)).toHaveLength(2);
    expect(deadLettersIn(deadLetterDir).map((l) => l.reason)).toEqual([expect.stringMatching(/expected 14 .* found 4/), 'field "packets" must be a non-negative integer or "-", found "many"']);
  });

  it('gives clear errors for corrupt payloads and writes them to the dead letters whole', async () => {
    const { handler, deadLetterDir } = handlerFor('corrupt');
    const cases = [
      { data: 'this is not base64!', reason: /^base64: / },
      { data: Buffer.from('not gzip at all').toString('base64'), reason: /^gzip: / },
      { data: gzipSync(Buffer.from('{"logEvents": [')).toString('base64'), reason: /^json: / },
    ];
    for (const c of cases) {
      const s = await handler({ awslogs: { data: c.data } }, context);
      expect(s.decodeError).toMatch(c.reason);
    }
    const letters = deadLettersIn(deadLetterDir);
    expect(letters.map((l) => l.data).sort()).toEqual(cases.map((c) => c.data).sort());
    expect(letters.every((l) => l.stage === 'decode')).toBe(true);
  });

  it('throws when OpenSearch is down, and reports nothing as done', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const { handler, deadLetterDir } = handlerFor('down', `http://127.0.0.1:${port}`);
    const err = await handler(subscriptionEvent(batches(10, 1)[0]), { getRemainingTimeInMillis: () => 6_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(deadLettersIn(deadLetterDir)).toEqual([]);
  });
});
