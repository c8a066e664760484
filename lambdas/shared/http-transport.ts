/**
 * The {@link HttpTransport} of the core over the OpenSearch client: the same
 * connection options, and the same SigV4 signer (service `es`), as the ingest
 * function. Dashboards on Amazon OpenSearch Service is served by the domain
 * endpoint under `/_dashboards`, so one signed client reaches both.
 */
import { errors, type Client } from '@opensearch-project/opensearch';
import { DashboardsError } from '../../src/errors.js';
import type { HttpAnswer, HttpRequest, HttpTransport } from '../../src/reports/dashboards-import.js';
import { createOpenSearchClient, type OpenSearchConnection } from './opensearch.js';

/**
 * A transport over `client`. Every answer with a status resolves; a timeout
 * or an unreachable endpoint rejects with a {@link DashboardsError} that says
 * which, with the endpoint and the time waited.
 */
export function clientHttpTransport(client: Client, endpoint: string, timeoutMs: number): HttpTransport {
  return {
    async send(request: HttpRequest): Promise<HttpAnswer> {
      const where = `${request.method} ${endpoint.replace(/\/+$/, '')}${request.path}`;
      try {
        const res = await client.transport.request(
          {
            method: request.method,
            path: request.path,
            querystring: { ...request.query },
            // The client passes a string or Buffer body through as is (and signs those bytes).
            ...(request.body === undefined ? {} : { body: typeof request.body === 'string' ? request.body : Buffer.from(request.body) }),
          },
          { headers: { ...request.headers }, requestTimeout: timeoutMs, maxRetries: 0 },
        );
        return { status: res.statusCode ?? 0, body: res.body };
      } catch (err) {
        if (err instanceof errors.ResponseError) return { status: err.meta.statusCode ?? 0, body: err.meta.body };
        if (err instanceof errors.TimeoutError) {
          throw new DashboardsError(`${where}: no answer within ${timeoutMs} ms (timed out)`, undefined, [], { cause: err });
        }
        throw new DashboardsError(`${where}: ${err instanceof Error ? err.message : String(err)}`, undefined, [], { cause: err });
      }
    },
  };
}

/** A transport for a connection (SigV4 for `aws-sigv4`, as the ingest function signs). */
export async function createHttpTransport(conn: OpenSearchConnection & { readonly requestTimeoutMs: number }): Promise<HttpTransport> {
  // The client never retries on its own (lambdas/shared/opensearch.ts): the setup function retries within its deadline.
  const client = await createOpenSearchClient(conn);
  return clientHttpTransport(client, conn.endpoint, conn.requestTimeoutMs);
}
