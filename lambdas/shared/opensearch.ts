/**
 * The OpenSearch side of ingestion: the official client (SigV4-signed for
 * Amazon OpenSearch Service by its own AwsSigv4Signer, basic or no auth for a
 * self-managed cluster), the `_bulk` transport, and the idempotent install of
 * the index layout.
 */
import { Client, type ApiResponse, type ClientOptions } from '@opensearch-project/opensearch';
import type { TransportRequestOptions, TransportRequestParams, TransportRequestPromise } from '@opensearch-project/opensearch/lib/Transport.js';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import { httpStatusOf, type BulkItemResponse, type BulkTransport, type Deadline } from '../../src/ingest/deliver.js';
import type { IndexLayout } from '../../src/ingest/index-template.js';
import type { IndexMetaAnswer, IndexMetaSource } from '../../src/ingest/index-id-schemes.js';

/** How to reach the cluster. */
export interface OpenSearchConnection {
  readonly endpoint: string;
  readonly auth: 'aws-sigv4' | 'basic' | 'none';
  readonly region?: string;
  readonly username?: string;
  readonly password?: string;
  /** Per-request timeout when the caller gives none (each ingest request is given the time left to its deadline). @default 30000 */
  readonly requestTimeoutMs?: number;
  /** gzip request bodies. @default false (see README, "Benchmarks") */
  readonly compression?: boolean;
}

/** A client for the connection. */
export async function createOpenSearchClient(conn: OpenSearchConnection): Promise<Client> {
  const base: ClientOptions = {
    node: conn.endpoint,
    requestTimeout: conn.requestTimeoutMs ?? 30_000,
    // Retries are the caller's (src/ingest/deliver.ts), paced and bounded by the deadline:
    // the client's own would multiply the time a request may take.
    maxRetries: 0,
    ...(conn.compression ? { compression: 'gzip' as const } : {}),
  };
  if (conn.auth === 'aws-sigv4') {
    // Loaded only here so that local runs never pull in the credential chain.
    const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
    return new Client({
      ...base,
      ...AwsSigv4Signer({ region: conn.region ?? process.env.AWS_REGION ?? 'us-east-1', service: 'es', getCredentials: defaultProvider() }),
    });
  }
  if (conn.auth === 'basic') {
    return new Client({ ...base, auth: { username: conn.username ?? '', password: conn.password ?? '' } });
  }
  return new Client(base);
}

interface BulkResponseBody {
  readonly items?: readonly Record<string, { status: number; error?: { type?: string; reason?: string } }>[];
}

/** Request options that end a request after `timeoutMs`, however the server behaves (slow, hung, trickling). */
const bounded = (timeoutMs: number): TransportRequestOptions => ({ requestTimeout: Math.max(1, Math.floor(timeoutMs)), maxRetries: 0 });

/**
 * Sends one request, aborted after `timeoutMs` at the latest: the client's
 * `requestTimeout` is an idle timeout, so a server that trickles its answer
 * would outlive it; the timer does not.
 */
async function requestWithin(client: Client, params: TransportRequestParams, timeoutMs: number): Promise<ApiResponse> {
  const req = client.transport.request(params, bounded(timeoutMs)) as TransportRequestPromise<ApiResponse>;
  const timer = setTimeout(() => req.abort(), Math.max(1, timeoutMs));
  try {
    return await req;
  } finally {
    clearTimeout(timer);
  }
}

/** The parts of a `_bulk` answer {@link clientTransport} reads. */
export const BULK_FILTER_PATH = 'items.*.status,items.*.error.type,items.*.error.reason';

/** The `_bulk` transport over a client. */
export function clientTransport(client: Client): BulkTransport {
  return {
    async bulk(body: string, { timeoutMs }): Promise<readonly BulkItemResponse[]> {
      // The body is NDJSON text already; transport.request passes it as is. OpenSearch
      // answers each item with its _index, _id, _version, result, _shards, _seq_no and
      // _primary_term; only the status and error are read, so the answer is filtered
      // at the source (about a tenth of the bytes to receive and parse).
      const res = await requestWithin(client, { method: 'POST', path: '/_bulk', querystring: { filter_path: BULK_FILTER_PATH }, bulkBody: body }, timeoutMs);
      const items = (res.body as BulkResponseBody | null)?.items ?? [];
      return items.map((entry) => {
        const r = Object.values(entry)[0] ?? { status: 0 };
        return r.error ? { status: r.status, error: `${r.error.type ?? 'error'}: ${r.error.reason ?? ''}` } : { status: r.status };
      });
    },
  };
}

/**
 * Reads a daily index's mapping `_meta` (its document id scheme):
 * `GET /<index>/_mapping?filter_path=*.mappings._meta`, so the answer is a few
 * bytes rather than the whole mapping. The ingest role's IAM grant on
 * `<indexPrefix>-*` covers the path; with fine-grained access control the
 * role needs `indices:admin/mappings/get` (src/reports/opensearch-roles.ts).
 */
export function clientIndexMetaSource(client: Client | Promise<Client>): IndexMetaSource {
  return {
    async indexMeta(index, { timeoutMs }): Promise<IndexMetaAnswer> {
      try {
        const res = await requestWithin(await client, { method: 'GET', path: `/${encodeURIComponent(index)}/_mapping`, querystring: { filter_path: '*.mappings._meta' } }, timeoutMs);
        // {} when the index has no _meta; otherwise { "<index>": { "mappings": { "_meta": {...} } } }.
        const entry = Object.values((res.body ?? {}) as Record<string, { mappings?: { _meta?: unknown } }>)[0];
        return entry?.mappings?._meta !== undefined ? { exists: true, meta: entry.mappings._meta } : { exists: true };
      } catch (err) {
        if (httpStatusOf(err) === 404) return { exists: false };
        throw err;
      }
    },
  };
}

/** What {@link ensureIndexLayout} did. */
export interface LayoutOutcome {
  readonly template: 'installed' | 'current';
  readonly policy: 'installed' | 'current' | 'unsupported';
}

/**
 * Installs the component template, the index template and the ISM policy
 * when they are missing or older. Safe when many instances start at once:
 * each PUT writes the same content, and the ISM policy uses optimistic
 * concurrency so a lost race only means another instance won it. A cluster
 * without the ISM plugin (a bare engine) gets the templates only.
 */
export async function ensureIndexLayout(client: Client, layout: IndexLayout, deadline: Deadline): Promise<LayoutOutcome> {
  let template: LayoutOutcome['template'] = 'current';
  const current = await requestWithin(client, { method: 'GET', path: `/_index_template/${encodeURIComponent(layout.templateName)}` }, deadline())
    .then((r) => (r.body as { index_templates?: { index_template?: { version?: number } }[] }).index_templates?.[0]?.index_template?.version)
    .catch((err: unknown) => {
      if (httpStatusOf(err) === 404) return undefined;
      throw err;
    });
  if (current !== layout.version) {
    await requestWithin(client, { method: 'PUT', path: `/_component_template/${encodeURIComponent(layout.componentName)}`, body: layout.component }, deadline());
    await requestWithin(client, { method: 'PUT', path: `/_index_template/${encodeURIComponent(layout.templateName)}`, body: layout.template }, deadline());
    template = 'installed';
  }
  return { template, policy: await ensurePolicy(client, layout, deadline) };
}

async function ensurePolicy(client: Client, layout: IndexLayout, deadline: Deadline): Promise<LayoutOutcome['policy']> {
  const path = `/_plugins/_ism/policies/${encodeURIComponent(layout.policyName)}`;
  let existing: { _seq_no?: number; _primary_term?: number; policy?: { description?: string } } | undefined;
  try {
    existing = (await requestWithin(client, { method: 'GET', path }, deadline())).body as typeof existing;
  } catch (err) {
    const status = httpStatusOf(err);
    // 400 "no handler found for uri": the ISM plugin is not installed.
    if (status === 400 || status === 405) return 'unsupported';
    if (status !== 404) throw err;
  }
  const wanted = layout.policy as { policy: { description: string } };
  if (existing?.policy?.description === wanted.policy.description) return 'current';
  const query = existing?._seq_no !== undefined ? { if_seq_no: existing._seq_no, if_primary_term: existing._primary_term } : {};
  try {
    await requestWithin(client, { method: 'PUT', path, querystring: query, body: layout.policy }, deadline());
  } catch (err) {
    // 409: another instance installed or updated it first.
    if (httpStatusOf(err) !== 409) throw err;
  }
  return 'installed';
}
