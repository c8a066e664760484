/**
 * The weekly report's figures from OpenSearch: each catalog report's own
 * `_search` body sent to `<prefix>-*`, its rows read by the catalog, and the
 * look-back check of REJECTed sources. Any failure of the client (network,
 * 4xx, 5xx, a body without the report's aggregations) propagates: the report
 * never mistakes a failed query for a quiet week.
 */
import type { Client } from '@opensearch-project/opensearch';
import { excludedRecords, type CatalogReport, type ReportRange } from '../../src/reports/catalog.js';
import { FlowLogError } from '../../src/errors.js';
import type { ReportRun, ReportSource, WeekRange } from '../../src/reports/weekly.js';

// Below OpenSearch's default index.max_terms_count (65,536) by far.
const TERMS_PER_QUERY = 1000;

/** The source over a client and the daily indices `<indexPrefix>-YYYY.MM.DD`. */
export function openSearchSource(client: Client, indexPrefix: string, name = 'OpenSearch'): ReportSource {
  const path = `/${encodeURIComponent(indexPrefix)}-*/_search`;
  return {
    name,
    async run(report: CatalogReport, range: ReportRange): Promise<ReportRun> {
      const res = await client.transport.request({ method: 'POST', path, body: report.search(range) });
      return { rows: report.rows(res.body), excluded: excludedRecords(res.body) };
    },
    async rejectedSourcesIn(addresses: readonly string[], range: WeekRange): Promise<ReadonlySet<string>> {
      const seen = new Set<string>();
      for (let i = 0; i < addresses.length; i += TERMS_PER_QUERY) {
        const chunk = addresses.slice(i, i + TERMS_PER_QUERY);
        const res = await client.transport.request({ method: 'POST', path, body: rejectedSourcesSearch(chunk, range) });
        for (const key of termKeys(res.body, 'sources')) seen.add(key);
      }
      return seen;
    },
  };
}

/** The `_search` body: which of `addresses` were a REJECTed source (log_status OK) in `[from, to)`. */
export function rejectedSourcesSearch(addresses: readonly string[], range: WeekRange): Record<string, unknown> {
  return {
    size: 0,
    query: {
      bool: {
        filter: [
          { range: { '@timestamp': { gte: range.from, lt: range.to, format: 'epoch_millis' } } },
          { term: { log_status: 'OK' } },
          { term: { action: 'REJECT' } },
          { terms: { srcaddr: [...addresses] } },
        ],
      },
    },
    aggs: { sources: { terms: { field: 'srcaddr', size: Math.max(1, addresses.length) } } },
  };
}

/** The keys of a terms aggregation's buckets. */
function termKeys(body: unknown, name: string): string[] {
  const agg = (body as { aggregations?: Record<string, { buckets?: { key?: unknown }[] }> } | undefined)?.aggregations?.[name];
  if (!agg || !Array.isArray(agg.buckets)) throw new FlowLogError(`search response lacks aggregations.${name}.buckets`);
  return agg.buckets.map((b) => String(b.key));
}
