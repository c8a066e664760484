/**
 * End-to-end throughput: subscription events through the real ingest handler
 * into a real OpenSearch on 127.0.0.1 (started here, or OPENSEARCH_URL).
 * Prints records/s including `_bulk` round trips and indexing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@opensearch-project/opensearch';
import { loadIngestConfig } from '../lambdas/ingest/config.js';
import { createIngestHandler } from '../lambdas/ingest/handler.js';
import { DEFAULT_GEO_DIR } from '../cli/common.js';
import { generateDay, toSubscriptionEvents } from '../testkit/traffic.js';
import { startOpenSearch } from '../scripts/opensearch.mjs';

const { values } = parseArgs({ options: { records: { type: 'string', default: '100000' }, batch: { type: 'string', default: '10000' }, gzip: { type: 'boolean', default: false } } });
const total = Number(values.records);
const batch = Number(values.batch);

const external = process.env.OPENSEARCH_URL;
const engine = external ? undefined : ((await startOpenSearch({})) as { url: string; stop(): Promise<void> });
const url = external ?? engine!.url;
const dlq = mkdtempSync(join(tmpdir(), 'bench-dlq-'));
try {
  const config = loadIngestConfig({ OPENSEARCH_ENDPOINT: url, OPENSEARCH_AUTH: 'none', INDEX_PREFIX: 'bench-e2e', DEAD_LETTER_DIR: dlq, GEOIP_DIR: DEFAULT_GEO_DIR });
  const handler = createIngestHandler({ ...config, connection: { ...config.connection, compression: values.gzip } }, { quiet: true });
  const client = new Client({ node: url });
  await client.indices.delete({ index: 'bench-e2e-*' }).catch(() => undefined);
  // The demo's realistic day (testkit/traffic.ts), built up front so only ingestion is timed.
  const events = toSubscriptionEvents(generateDay({ date: '2026-11-22', records: total, seed: 1 }).streams, { batchSize: batch });
  const context = { getRemainingTimeInMillis: () => 60_000 };
  await handler(events[0]!, context); // template install and JIT warm-up, not timed
  const t0 = performance.now();
  let indexed = 0;
  for (const e of events.slice(1)) indexed += (await handler(e, context)).indexed;
  const s = (performance.now() - t0) / 1000;
  await client.indices.refresh({ index: 'bench-e2e-*' });
  const count = (await client.count({ index: 'bench-e2e-*' })).body.count;
  console.log(`e2e: ${indexed} records in ${s.toFixed(2)} s = ${(indexed / s).toFixed(0)} records/s through the handler${values.gzip ? ', gzip bodies' : ''} (index holds ${count})`);
  await client.indices.delete({ index: 'bench-e2e-*' }).catch(() => undefined);
  await client.close();
} finally {
  rmSync(dlq, { recursive: true, force: true });
  await engine?.stop();
}
