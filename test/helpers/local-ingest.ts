/**
 * The real ingest handler against the suite's OpenSearch, as the integration tests that index
 * traffic before they look at it (reports, panels, the weekly page) all need it.
 */
import type { Client } from '@opensearch-project/opensearch';
import { loadIngestConfig } from '../../lambdas/ingest/config.js';
import { createIngestHandler, type IngestHandler } from '../../lambdas/ingest/handler.js';
import { opensearchUrl } from './opensearch-url.js';

/**
 * An ingest handler writing to `<indexPrefix>-*` of the suite's OpenSearch, dead letters to
 * `deadLetterDir`, with GeoIP from `geoDir` (off without one), quiet, with short backoffs.
 */
export function localIngestHandler(indexPrefix: string, deadLetterDir: string, geoDir?: string): IngestHandler {
  return createIngestHandler(
    loadIngestConfig({
      OPENSEARCH_ENDPOINT: opensearchUrl(),
      OPENSEARCH_AUTH: 'none',
      INDEX_PREFIX: indexPrefix,
      DEAD_LETTER_DIR: deadLetterDir,
      ...(geoDir ? { GEOIP_DIR: geoDir } : { GEOIP_ENABLED: 'false' }),
    }),
    { quiet: true, minDelayMs: 5, maxDelayMs: 100 },
  );
}

/** Deletes what ingesting under `indexPrefix` left in the suite's OpenSearch: indices, templates, ISM policy. */
export async function removeIngested(client: Client, indexPrefix: string): Promise<void> {
  await client.indices.delete({ index: `${indexPrefix}-*` } as never).catch(() => undefined);
  await client.transport.request({ method: 'DELETE', path: `/_index_template/${indexPrefix}` }).catch(() => undefined);
  await client.transport.request({ method: 'DELETE', path: `/_component_template/${indexPrefix}-mappings` }).catch(() => undefined);
  await client.transport.request({ method: 'DELETE', path: `/_plugins/_ism/policies/${indexPrefix}-retention` }).catch(() => undefined);
}
