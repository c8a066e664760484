/**
 * The ingest function's HTTP path to OpenSearch: `node:http`/`node:https`
 * with a keep-alive agent, signed with SigV4 (service `es`) by the AWS SDK's
 * own signer (@smithy/signature-v4) for Amazon OpenSearch Service, basic or
 * no auth for a self-managed cluster.
 *
 * Why not the OpenSearch client, as the report and Dashboards functions use:
 * the function sends one kind of request thousands of times a day, and the
 * client's path for it cost a fifth of the function's time on the 200,000-
 * record bench (README, "Through the handler"): a `_bulk` body had to be one
 * string (a join of every item's lines, then encoded again by the socket),
 * and each answer went through a JSON parser that first scans for prototype
 * keys. Here a body is encoded once, straight from the items' lines, into a
 * buffer that is reused from one request to the next, and the client's
 * ~10 MB of modules stay out of the function.
 */
import { createHash, createHmac, hash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { gzipSync } from 'node:zlib';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider, SourceData } from '@smithy/types';
import type { BulkTransport } from '../../src/ingest/deliver.js';
import { readBulkAnswer } from '../../src/ingest/bulk-answer.js';
import { OpenSearchHttpError } from '../errors.js';
import type { OpenSearchConnection } from './opensearch.js';

/** One request. */
export interface HttpCall {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** Path, each segment already URI-encoded. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number>>;
  /** A JSON value, sent as JSON. */
  readonly body?: unknown;
  /** The request is abandoned after this many milliseconds, however the server behaves (slow, hung, trickling). */
  readonly timeoutMs: number;
}

/** A 2xx answer: its status and its body, parsed when it is JSON. */
export interface HttpReply {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Sends requests to one OpenSearch endpoint. Resolves with 2xx answers;
 * rejects with an {@link OpenSearchHttpError} otherwise, carrying the status
 * (none when no answer came: refused, reset, timed out).
 */
export interface OpenSearchRequester {
  request(call: HttpCall): Promise<HttpReply>;
}

/** Signs a request: the headers to add. */
type Signer = (req: { method: string; hostname: string; port?: number; path: string; query: Record<string, string>; headers: Record<string, string> }) => Promise<Record<string, string>>;

const bytes = (d: SourceData): string | Uint8Array => (typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

/** SHA-256 and HMAC-SHA-256 from node:crypto in the shape the SDK's signer takes. */
class NodeSha256 {
  readonly #h;
  constructor(secret?: SourceData) {
    this.#h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.#h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#h.digest());
  }
}

/** A SigV4 signer for Amazon OpenSearch Service (service `es`), as the OpenSearch client's AwsSigv4Signer signs. */
export function sigv4Signer(region: string, credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>, now: () => Date = () => new Date()): Signer {
  const signer = new SignatureV4({ service: 'es', region, credentials, sha256: NodeSha256 });
  return async (req) => {
    const signed = await signer.sign({ ...req, protocol: 'https:' }, { signingDate: now() });
    return signed.headers;
  };
}

/** SigV4's encoding of a query component (RFC 3986 unreserved characters kept), which the service decodes again. */
const encode = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Reused request bodies: one per request in flight, grown as needed, kept for the next request. */
class BodyBuffers {
  readonly #free: Buffer[] = [];
  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(1 << 20);
  }
  give(buf: Buffer): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: keeping more or fewer spares changes memory only
    if (this.#free.length < 2) this.#free.push(buf);
  }
}

/** A requester for a connection (SigV4 for `aws-sigv4`, with the default credential chain). */
export async function createOpenSearchHttp(conn: OpenSearchConnection, options: { readonly signer?: Signer } = {}): Promise<OpenSearchHttp> {
  let signer = options.signer;
  if (!signer && conn.auth === 'aws-sigv4') {
    // Loaded only here so that local runs never pull in the credential chain.
    const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
    signer = sigv4Signer(conn.region ?? process.env.AWS_REGION ?? 'us-east-1', defaultProvider());
  }
  return new OpenSearchHttp(conn, signer);
}

/** The requester of {@link createOpenSearchHttp}, and the `_bulk` transport over it. */
export class OpenSearchHttp implements OpenSearchRequester {
  readonly #url: URL;
  readonly #lib: typeof http | typeof https;
  readonly #agent: http.Agent;
  readonly #authorization: string | undefined;
  readonly #bodies = new BodyBuffers();

  constructor(
    readonly connection: OpenSearchConnection,
    private readonly signer?: Signer,
  ) {
    this.#url = new URL(connection.endpoint);
    this.#lib = this.#url.protocol === 'https:' ? https : http;
    // Keep-alive: an instance sends its bulks one after the other to one endpoint.
    this.#agent = new this.#lib.Agent({ keepAlive: true, maxSockets: 16 });
    this.#authorization = connection.auth === 'basic' ? `Basic ${Buffer.from(`${connection.username ?? ''}:${connection.password ?? ''}`).toString('base64')}` : undefined;
  }

  async request(call: HttpCall): Promise<HttpReply> {
    return this.#send(call, call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body)), 'application/json');
  }

  /** The `_bulk` transport: each request's body encoded straight from the items' lines. */
  bulkTransport(): BulkTransport {
    return {
      bulk: async (lines, { timeoutMs }) => {
        let buf = this.#bodies.take();
        let used = 0;
        for (const t of lines) {
          // ASCII, nearly all of it, is as many bytes as characters: count only when it may not fit.
          if (used + 3 * t.length > buf.length) {
            const need = used + Buffer.byteLength(t, 'utf8');
            if (need > buf.length) {
              const bigger = Buffer.allocUnsafeSlow(Math.max(need, 2 * buf.length));
              buf.copy(bigger, 0, 0, used);
              buf = bigger;
            }
          }
          used += buf.write(t, used, 'utf8');
        }
        const full = buf;
        try {
          const reply = await this.#send(
            { method: 'POST', path: '/_bulk', query: { filter_path: BULK_FILTER_PATH }, timeoutMs },
            full.subarray(0, used),
            'application/x-ndjson',
            true,
          );
          return readBulkAnswer(reply.body as string);
        } finally {
          // Only once the request is over (answered, failed or destroyed) is the buffer free again.
          this.#bodies.give(full);
        }
      },
    };
  }

  /** Sends a request; a 2xx answer's body is parsed JSON, or its text when `raw`. */
  async #send(call: HttpCall, body: Buffer | undefined, contentType: string, raw = false): Promise<HttpReply> {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(call.query ?? {})) query[k] = String(v);
    const search = Object.entries(query).map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
    const basePath = this.#url.pathname.replace(/\/+$/, '');
    const path = basePath + call.path;
    let payload = body;
    const headers: Record<string, string> = { host: this.#url.host };
    if (payload !== undefined) {
      headers['content-type'] = contentType;
      if (this.connection.compression) {
        payload = gzipSync(payload);
        headers['content-encoding'] = 'gzip';
      }
      headers['content-length'] = String(payload.length);
    }
    if (this.#authorization) headers.authorization = this.#authorization;
    if (this.signer) {
      // The payload's hash as a header, as the OpenSearch client's signer sends it (the service requires it).
      headers['x-amz-content-sha256'] = hash('sha256', payload ?? '', 'hex');
      Object.assign(headers, await this.signer({ method: call.method, hostname: this.#url.hostname, ...(this.#url.port ? { port: Number(this.#url.port) } : {}), path, query, headers: { ...headers } }));
    }
    const where = `${call.method} ${call.path}`;
    return new Promise<HttpReply>((resolve, reject) => {
      let settled = false;
      const fail = (err: OpenSearchHttpError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      };
      const req = this.#lib.request(
        { agent: this.#agent, protocol: this.#url.protocol, hostname: this.#url.hostname, port: this.#url.port || undefined, method: call.method, path: search ? `${path}?${search}` : path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => fail(new OpenSearchHttpError(`${where}: answer cut off: ${err.message}`, undefined, undefined, { cause: err })));
          res.on('end', () => {
            if (settled) return;
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            const ok = status >= 200 && status < 300;
            const parsed = ok && raw ? text : parseBody(text, res.headers['content-type']);
            if (!ok) {
              fail(new OpenSearchHttpError(`${where}: HTTP ${status}${describeBody(parsed)}`, status, parsed));
              return;
            }
            settled = true;
            clearTimeout(timer);
            resolve({ status, body: parsed });
          });
        },
      );
      // A deadline for the whole exchange, not an idle timeout: a server trickling its answer still ends here.
      const timer = setTimeout(() => {
        fail(new OpenSearchHttpError(`${where}: no answer within ${call.timeoutMs} ms (timed out)`, undefined));
        req.destroy();
      }, Math.max(1, call.timeoutMs));
      req.on('error', (err) => fail(new OpenSearchHttpError(`${where}: ${err.message}`, undefined, undefined, { cause: err })));
      req.end(payload);
    });
  }
}

/** The parts of a `_bulk` answer read: each item's status and error. */
export const BULK_FILTER_PATH = 'items.*.status,items.*.error.type,items.*.error.reason';

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function describeBody(body: unknown): string {
  if (body === undefined) return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}
