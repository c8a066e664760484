// Proves the embedded engine does what the ingest code and the reports rely on, so a failure
// here points at the harness rather than at the code under test elsewhere.
import { randomUUID } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensearchUrl } from '../helpers/opensearch-url.js';

// Unique per run so an engine reused through OPENSEARCH_URL never sees a previous run's data.
const RUN = randomUUID().slice(0, 8);
const INDEX = `harness-flows-${RUN}`;
const TEMPLATE = `harness-template-${RUN}`;
const TEMPLATED_PREFIX = `harness-templated-${RUN}`;

const MAPPINGS = {
  properties: {
    srcaddr: { type: 'ip' },
    dstaddr: { type: 'ip' },
    bytes: { type: 'long' },
    start: { type: 'date' },
    action: { type: 'keyword' },
    location: { type: 'geo_point' },
    // An alias lets dashboards and reports use a friendlier name without a second copy.
    source_ip: { type: 'alias', path: 'srcaddr' },
  },
} as const;

// Two docs in the 10:00 five-minute bucket, one in 10:05; two ACCEPT, one REJECT.
const DOCS = [
  { srcaddr: '10.0.0.1', dstaddr: '10.0.1.5', bytes: 1000, start: '2024-05-01T10:00:00Z', action: 'ACCEPT', location: { lat: 52.37, lon: 4.89 } },
  { srcaddr: '10.0.0.2', dstaddr: '10.0.1.5', bytes: 500, start: '2024-05-01T10:03:00Z', action: 'ACCEPT', location: { lat: 48.86, lon: 2.35 } },
  { srcaddr: '10.0.0.1', dstaddr: '192.0.2.9', bytes: 250, start: '2024-05-01T10:07:00Z', action: 'REJECT', location: { lat: 52.37, lon: 4.89 } },
] as const;

describe('embedded OpenSearch', () => {
  let client: Client;

  // Plain `_search`: the client's generated types (3.9) leave `field` out of TermsAggregationFields,
  // so a typed `client.search` rejects the most ordinary terms aggregation.
  const search = async (body: Record<string, unknown>): Promise<unknown> => {
    const response = await client.transport.request({ method: 'POST', path: `/${INDEX}/_search`, body });
    return response.body;
  };

  beforeAll(() => {
    client = new Client({ node: opensearchUrl() });
  });

  afterAll(async () => {
    await client.indices.delete({ index: `${INDEX},${TEMPLATED_PREFIX}-*`, ignore_unavailable: true });
    await client.indices.deleteIndexTemplate({ name: TEMPLATE }).catch(() => undefined);
    await client.close();
  });

  it('reports a green or yellow cluster', async () => {
    const { body } = await client.cluster.health({ wait_for_status: 'yellow', timeout: '30s' });

    expect(['green', 'yellow']).toContain(body.status);
  });

  it('applies a composable index template to an index created by a bulk write', async () => {
    await client.indices.putIndexTemplate({
      name: TEMPLATE,
      body: { index_patterns: [`${TEMPLATED_PREFIX}-*`], template: { mappings: MAPPINGS } },
    });

    await client.bulk({
      refresh: true,
      body: [{ index: { _index: `${TEMPLATED_PREFIX}-2024.05.01` } }, DOCS[0]],
    });
    const { body } = await client.indices.getMapping({ index: `${TEMPLATED_PREFIX}-2024.05.01` });

    expect(body[`${TEMPLATED_PREFIX}-2024.05.01`]?.mappings.properties).toMatchObject({
      srcaddr: { type: 'ip' },
      source_ip: { type: 'alias', path: 'srcaddr' },
      location: { type: 'geo_point' },
    });
  });

  describe('with three flow records indexed', () => {
    beforeAll(async () => {
      await client.indices.create({ index: INDEX, body: { mappings: MAPPINGS } });
      const { body } = await client.bulk({
        refresh: true,
        body: DOCS.flatMap((doc, i) => [{ index: { _index: INDEX, _id: `doc-${i}` } }, doc]),
      });
      expect(body.errors).toBe(false);
    });

    it('returns exact terms, date_histogram and sum aggregations', async () => {
      const body = await search({
        size: 0,
        aggs: {
          total_bytes: { sum: { field: 'bytes' } },
          by_action: { terms: { field: 'action' }, aggs: { bytes: { sum: { field: 'bytes' } } } },
          per_5m: {
            date_histogram: { field: 'start', fixed_interval: '5m' },
            aggs: { bytes: { sum: { field: 'bytes' } } },
          },
        },
      });

      expect(body).toMatchObject({
        hits: { total: { value: 3 } },
        aggregations: {
          total_bytes: { value: 1750 },
          by_action: {
            buckets: [
              { key: 'ACCEPT', doc_count: 2, bytes: { value: 1500 } },
              { key: 'REJECT', doc_count: 1, bytes: { value: 250 } },
            ],
          },
          per_5m: {
            buckets: [
              { key_as_string: '2024-05-01T10:00:00.000Z', doc_count: 2, bytes: { value: 1500 } },
              { key_as_string: '2024-05-01T10:05:00.000Z', doc_count: 1, bytes: { value: 250 } },
            ],
          },
        },
      });
    });

    it('returns filters and composite aggregations over ip fields', async () => {
      const body = await search({
        size: 0,
        aggs: {
          internal: { filters: { filters: { vpc: { term: { dstaddr: '10.0.0.0/16' } } } } },
          pairs: {
            composite: {
              sources: [{ src: { terms: { field: 'srcaddr' } } }, { action: { terms: { field: 'action' } } }],
            },
            aggs: { bytes: { sum: { field: 'bytes' } } },
          },
        },
      });

      expect(body).toMatchObject({
        aggregations: {
          internal: { buckets: { vpc: { doc_count: 2 } } },
          pairs: {
            buckets: [
              { key: { src: '10.0.0.1', action: 'ACCEPT' }, doc_count: 1, bytes: { value: 1000 } },
              { key: { src: '10.0.0.1', action: 'REJECT' }, doc_count: 1, bytes: { value: 250 } },
              { key: { src: '10.0.0.2', action: 'ACCEPT' }, doc_count: 1, bytes: { value: 500 } },
            ],
          },
        },
      });
    });

    it('queries and aggregates through the alias field', async () => {
      const body = await search({
        query: { term: { source_ip: '10.0.0.1' } },
        sort: [{ start: 'asc' }],
        aggs: { sources: { terms: { field: 'source_ip' } } },
      });

      expect(body).toMatchObject({
        hits: { hits: [{ _id: 'doc-0' }, { _id: 'doc-2' }] },
        aggregations: { sources: { buckets: [{ key: '10.0.0.1', doc_count: 2 }] } },
      });
    });

    it('matches geo_point documents by distance', async () => {
      const body = await search({
        query: { geo_distance: { distance: '50km', location: { lat: 52.37, lon: 4.9 } } },
      });

      expect(body).toMatchObject({ hits: { total: { value: 2 } } });
    });
  });
});
