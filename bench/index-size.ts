/**
 * Bytes one indexed record costs on disk, primary copy, after a force-merge:
 * the figure lib/domain-sizing.ts sizes the domain with
 * (INDEXED_BYTES_PER_RECORD). Subscription events go through the real ingest
 * handler (GeoIP on, as deployed) into a real OpenSearch on 127.0.0.1
 * (started here, or OPENSEARCH_URL), once per document id scheme. The events
 * are the files given with `--events` (INDEXED_BYTES_PER_RECORD is measured
 * on the 200,000-record default-format corpus of ../shared/bench/gen.mjs:
 * `node gen.mjs --out DIR --files 20 --events-per-file 10000 --format default --seed 1`),
 * or else a day of testkit/traffic.ts (fewer distinct addresses, so smaller).
 *
 *
 * - `legacy`: the day's index exists before the handler starts, created by
 *   the previous release's template (no id scheme in its `_meta`), so the
 *   handler keeps scheme-1 ids in it, as after an upgrade;
 * - `current`: the index is created by the handler's own template (scheme 2).
 *
 *   npx tsx bench/index-size.ts [--events 'DIR/*.json'] [--records 200000] [--scheme both|legacy|current]
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { parseArgs } from 'node:util';
import { Client } from '@opensearch-project/opensearch';
import { loadIngestConfig } from '../lambdas/ingest/config.js';
import { createIngestHandler } from '../lambdas/ingest/handler.js';
import { indexLayout } from '../src/ingest/index-template.js';
import { DEFAULT_GEO_DIR } from '../cli/common.js';
import { generateDay, toSubscriptionEvents } from '../testkit/traffic.js';
import { startOpenSearch } from '../scripts/opensearch.mjs';

const { values } = parseArgs({ options: { events: { type: 'string' }, records: { type: 'string', default: '200000' }, scheme: { type: 'string', default: 'both' } } });
const total = Number(values.records);
const schemes = values.scheme === 'both' ? ['legacy', 'current'] : [values.scheme!];
const DATE = '2026-11-22';

const external = process.env.OPENSEARCH_URL;
const engine = external ? undefined : ((await startOpenSearch({})) as { url: string; stop(): Promise<void> });
const url = external ?? engine!.url;
const client = new Client({ node: url });
const dlq = mkdtempSync(join(tmpdir(), 'bench-size-'));
/** The `.json` files of the folder of `pattern` (`DIR/*.json` or `DIR`), in name order. */
function eventFiles(pattern: string): CloudWatchLogsEvent[] {
  const dir = pattern.endsWith('.json') ? dirname(pattern) : pattern;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CloudWatchLogsEvent);
}
const events = values.events ? eventFiles(values.events) : toSubscriptionEvents(generateDay({ date: DATE, records: total, seed: 1 }).streams, { batchSize: 10_000 });
const context = { getRemainingTimeInMillis: () => 600_000 };

async function clean(prefix: string): Promise<void> {
  await client.indices.delete({ index: `${prefix}-*` } as never).catch(() => undefined);
  await client.transport.request({ method: 'DELETE', path: `/_index_template/${prefix}` }).catch(() => undefined);
  await client.transport.request({ method: 'DELETE', path: `/_component_template/${prefix}-mappings` }).catch(() => undefined);
  await client.transport.request({ method: 'DELETE', path: `/_plugins/_ism/policies/${prefix}-retention` }).catch(() => undefined);
}

/** The previous release's layout: the same mapping and settings, no id scheme in `_meta`. */
async function installPreviousTemplate(prefix: string): Promise<void> {
  const layout = indexLayout(prefix, 30);
  const component = structuredClone(layout.component) as { template: { mappings: Record<string, unknown> }; version: number };
  delete component.template.mappings._meta;
  component.version = 1;
  await client.transport.request({ method: 'PUT', path: `/_component_template/${layout.componentName}`, body: component });
  await client.transport.request({ method: 'PUT', path: `/_index_template/${layout.templateName}`, body: { ...layout.template, version: 1 } });
}

try {
  for (const scheme of schemes) {
    const prefix = `bench-size-${scheme}`;
    await clean(prefix);
    if (scheme === 'legacy') {
      await installPreviousTemplate(prefix);
      // Every day a record of the generated day can start on (a flow may begin before midnight).
      for (const day of ['2026.11.21', '2026.11.22', '2026.11.23']) await client.indices.create({ index: `${prefix}-${day}` });
    }
    const handler = createIngestHandler(loadIngestConfig({ OPENSEARCH_ENDPOINT: url, OPENSEARCH_AUTH: 'none', INDEX_PREFIX: prefix, DEAD_LETTER_DIR: dlq, GEOIP_DIR: DEFAULT_GEO_DIR }), { quiet: true });
    let indexed = 0;
    for (const e of events) indexed += (await handler(e, context)).indexed;
    await client.indices.refresh({ index: `${prefix}-*` });
    await client.transport.request({ method: 'POST', path: `/${prefix}-*/_forcemerge`, querystring: { max_num_segments: 1 } }, { requestTimeout: 600_000 });
    await client.indices.refresh({ index: `${prefix}-*` });
    const stats = (await client.transport.request({ method: 'GET', path: `/${prefix}-*/_stats/store,docs,segments` })).body as {
      _all: { primaries: { store: { size_in_bytes: number }; docs: { count: number }; segments: { count: number } } };
    };
    const p = stats._all.primaries;
    const sample = (await client.search({ index: `${prefix}-*`, body: { size: 1, _source: false } })).body.hits.hits[0] as { _id: string } | undefined;
    console.log(
      `index-size ${scheme}: ${p.docs.count} records (${indexed} indexed), ${p.store.size_in_bytes} bytes in ${p.segments.count} segment(s) = ` +
        `${(p.store.size_in_bytes / p.docs.count).toFixed(1)} bytes per record; an _id: ${sample?._id} (${sample?._id.length} characters)`,
    );
    await clean(prefix);
  }
} finally {
  await client.close();
  rmSync(dlq, { recursive: true, force: true });
  await engine?.stop();
}
