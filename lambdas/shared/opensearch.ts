/**
 * How to reach OpenSearch, and the official client over it (SigV4-signed for
 * Amazon OpenSearch Service by its own AwsSigv4Signer, basic or no auth for a
 * self-managed cluster) for the report and Dashboards functions and the CLI.
 * The ingest function has its own, leaner path (./opensearch-http.ts).
 */
import { Client, type ClientOptions } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';

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
