// The ingest function's `_bulk` transport against the real engine: the filtered answer
// still carries every status and error the delivery code reads, and is much smaller.
import { randomUUID } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULK_FILTER_PATH, OpenSearchHttp } from '../../lambdas/shared/opensearch-http.js';
import { scanCompact } from '../../src/ingest/bulk-answer.js';
import { opensearchUrl } from '../helpers/opensearch-url.js';

const INDEX = `bulk-transport-${randomUUID().slice(0, 8)}`;

// One new document, the same id again (overwritten: 200), a document the mapping refuses (400),
// and a create of an existing id (409).
const BODY = [
  { index: { _index: INDEX, _id: 'a' } }, { bytes: 1 },
  { index: { _index: INDEX, _id: 'a' } }, { bytes: 2 },
  { index: { _index: INDEX, _id: 'b' } }, { bytes: 'not a number' },
  { create: { _index: INDEX, _id: 'a' } }, { bytes: 3 },
].map((l) => JSON.stringify(l) + '\n');

describe('the ingest function\'s bulk transport on a real OpenSearch', () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ node: opensearchUrl() });
    await client.indices.create({ index: INDEX, body: { mappings: { properties: { bytes: { type: 'long' } } } } });
  });
  afterAll(async () => {
    await client.indices.delete({ index: INDEX, ignore_unavailable: true });
    await client.close();
  });

  it('reads each item status and error from the filtered answer', async () => {
    const items = await new OpenSearchHttp({ endpoint: opensearchUrl(), auth: 'none' }).bulkTransport().bulk(BODY, { timeoutMs: 10_000 });

    expect(items.map((i) => i.status)).toEqual([201, 200, 400, 409]);
    expect(items[0]).toEqual({ status: 201 });
    expect(items[2]?.error).toMatch(/^mapper_parsing_exception: failed to parse field \[bytes\]/);
    expect(items[3]?.error).toMatch(/^version_conflict_engine_exception: /);
  });

  it('receives a fraction of the unfiltered answer for documents written', async () => {
    const docs = (tag: string) =>
      Array.from({ length: 100 }, (_, i) => `{"index":{"_index":"${INDEX}","_id":"${tag}${i}"}}\n{"bytes":${i}}\n`).join('');
    const full = await client.transport.request({ method: 'POST', path: '/_bulk', bulkBody: docs('full') });
    const filtered = await client.transport.request({ method: 'POST', path: '/_bulk', querystring: { filter_path: BULK_FILTER_PATH }, bulkBody: docs('filtered') });
    const size = (b: unknown) => JSON.stringify(b).length;

    expect(JSON.stringify(full.body)).toContain('"_seq_no"');
    expect(filtered.body).toEqual({ items: Array.from({ length: 100 }, () => ({ index: { status: 201 } })) });
    expect(size(filtered.body) * 5).toBeLessThan(size(full.body));
  });

  it('writes the filtered answer of documents all written in the compact form the transport scans without JSON.parse', async () => {
    const body = Array.from({ length: 20 }, (_, i) => `{"index":{"_index":"${INDEX}","_id":"compact${i}"}}\n{"bytes":${i}}\n`).join('');
    const res = await fetch(`${opensearchUrl()}/_bulk?filter_path=${encodeURIComponent(BULK_FILTER_PATH)}`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    const text = await res.text();

    expect(text).toBe(`{"items":[${Array.from({ length: 20 }, () => '{"index":{"status":201}}').join(',')}]}`);
    expect(scanCompact(text)).toEqual(Array.from({ length: 20 }, () => ({ status: 201 })));
  });
});
