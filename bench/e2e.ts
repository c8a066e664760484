/**
 * End-to-end throughput: subscription events through the real ingest handler
 * into a real OpenSearch on 127.0.0.1 (started here, or OPENSEARCH_URL).
 * Prints records/s including `_bulk` round trips and indexing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Client } from '@opensearch-project/opensearch';
import { loadIngestConfig } from '../lambdas/ingest/config.js';
import { createIngestHandler } from '../lambdas/ingest/handler.js';
import { DEFAULT_GEO_DIR } from '../cli/common.js';
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
  // Payloads built up front so only ingestion is timed.
  const events = [];
  const day0 = Date.UTC(2026, 10, 22) / 1000;
  for (let b = 0; b * batch < total; b++) {
    const logEvents = [];
    for (let i = 0; i < batch && b * batch + i < total; i++) {
      const n = b * batch + i;
      const start = day0 + Math.floor((n * 86_400) / total);
      const msg = `2 123456789012 eni-0${(n % 24).toString(16).padStart(16, '0')} ${n % 3 ? '52.94.' + (n % 250) + '.' + (n % 200) : '10.0.' + (n % 16) + '.' + (n % 250)} 10.1.${n % 8}.${n % 250} ${32768 + (n % 20000)} ${[443, 80, 22, 53][n % 4]} ${n % 5 ? 6 : 17} ${1 + (n % 40)} ${60 * (1 + (n % 40))} ${start} ${start + 30} ${n % 10 < 7 ? 'ACCEPT' : 'REJECT'} OK`;
      logEvents.push({ id: `37${String(n).padStart(20, '0')}`, timestamp: start * 1000, message: msg });
    }
    const payload = { messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/vpc/flow-logs', logStream: `bench-${b}`, subscriptionFilters: ['bench'], logEvents };
    events.push({ awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } });
  }
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
