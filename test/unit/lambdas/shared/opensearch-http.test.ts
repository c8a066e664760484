/**
 * The ingest function's HTTP path (lambdas/shared/opensearch-http.ts) against
 * a real HTTP server on 127.0.0.1: what goes on the wire, what comes back,
 * and every way a request can fail. SigV4 is checked against aws4, the
 * signer the OpenSearch client used for this function before.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import aws4 from 'aws4';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenSearchHttpError } from '../../../../lambdas/errors.js';
import { BulkAnswerError } from '../../../../src/errors.js';
import { OpenSearchHttp, sigv4Signer } from '../../../../lambdas/shared/opensearch-http.js';
import type { OpenSearchConnection } from '../../../../lambdas/shared/opensearch.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server whose answer to each request is `answer`'s; records what it received. */
async function server(answer: (seen: Seen, res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const one = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(one);
      answer(one, res);
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}

const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const http = (endpoint: string, more: Partial<OpenSearchConnection> = {}) => new OpenSearchHttp({ endpoint, auth: 'none', ...more });

describe('the _bulk transport', () => {
  it('posts the items\' lines as NDJSON, asks for statuses and errors only, and maps the answer item by item', async () => {
    const { url, seen } = await server((_s, res) =>
      json(res, 200, { items: [{ index: { status: 201 } }, { create: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } }, { index: { status: 200 } }] }),
    );
    const lines = ['{"index":{"_index":"i","_id":"a"}}\n{"n":1}\n', '{"create":{"_index":"i","_id":"b"}}\n{"n":2}\n', '{"index":{"_index":"i","_id":"c"}}\n{"n":3}\n'];

    const items = await http(url).bulkTransport().bulk(lines, { timeoutMs: 2000 });

    expect(items).toEqual([{ status: 201 }, { status: 429, error: 'es_rejected_execution_exception: queue full' }, { status: 200 }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/_bulk?filter_path=items.%2A.status%2Citems.%2A.error.type%2Citems.%2A.error.reason');
    expect(seen[0]!.headers['content-type']).toBe('application/x-ndjson');
    expect(seen[0]!.body.toString('utf8')).toBe(
      '{"index":{"_index":"i","_id":"a"}}\n{"n":1}\n{"create":{"_index":"i","_id":"b"}}\n{"n":2}\n{"index":{"_index":"i","_id":"c"}}\n{"n":3}\n',
    );
    expect(seen[0]!.headers['content-length']).toBe(String(seen[0]!.body.length));
  });

  it('sends multi-byte text and bodies beyond its first buffer byte for byte, one request after another', async () => {
    const { url, seen } = await server((s, res) => json(res, 200, { items: [{ index: { status: 201 } }] }));
    const transport = http(url).bulkTransport();
    // 2 MiB of ASCII, then text of 2-, 3- and 4-byte characters, then a short body in the buffer the long one grew.
    const long = `{"index":{}}\n{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}\n`;
    const wide = '{"index":{}}\n{"city":"Zürich 東京 🙂"}\n';
    for (const body of [long, wide, '{"index":{}}\n{}\n']) await transport.bulk([body], { timeoutMs: 5000 });

    // 13 bytes of action line; 9 + 7 (Zürich) + 1 + 6 (東京) + 1 + 4 (🙂) + 3 of document line.
    expect(seen.map((s) => s.body.length)).toEqual([Buffer.byteLength(long), 13 + 31, 16]);
    expect(seen[1]!.body.toString('utf8')).toBe('{"index":{}}\n{"city":"Zürich 東京 🙂"}\n');
    expect(seen[0]!.body.equals(Buffer.from(long))).toBe(true);
  });

  it('keeps the bodies of concurrent requests apart (each in flight has its own buffer)', async () => {
    // The first request is answered only once the second has arrived whole.
    let first: ServerResponse | undefined;
    const { url, seen } = await server((_s, res) => {
      if (!first) {
        first = res;
        return;
      }
      json(res, 200, { items: [{ index: { status: 201 } }] });
      json(first, 200, { items: [{ index: { status: 201 } }] });
    });
    const transport = http(url).bulkTransport();

    await Promise.all([transport.bulk(['{"index":{}}\n{"n":"first"}\n'], { timeoutMs: 2000 }), transport.bulk(['{"index":{}}\n{"n":"second"}\n'], { timeoutMs: 2000 })]);

    expect(seen.map((s) => s.body.toString('utf8')).sort()).toEqual(['{"index":{}}\n{"n":"first"}\n', '{"index":{}}\n{"n":"second"}\n']);
  });

  it('reads an item entry that is null as status 0 (a dead letter, not a TypeError retried until the deadline)', async () => {
    const { url } = await server((_s, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[null,{"index":{"status":201}}]}'));

    const items = await http(url).bulkTransport().bulk(['{"index":{"_index":"i","_id":"a"}}\n{}\n', '{"index":{"_index":"i","_id":"b"}}\n{}\n'], { timeoutMs: 2000 });

    expect(items).toEqual([{ status: 0 }, { status: 201 }]);
  });

  it('rejects a 2xx answer that is not a _bulk answer with a BulkAnswerError, not a SyntaxError or TypeError', async () => {
    for (const answer of ['<html>proxy error</html>', '{"items":{"index":{"status":201}}}']) {
      const { url } = await server((_s, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(answer));

      await expect(http(url).bulkTransport().bulk(['{"index":{"_index":"i","_id":"a"}}\n{}\n'], { timeoutMs: 2000 }), answer).rejects.toBeInstanceOf(BulkAnswerError);
    }
  });

  it('gzips the body when the connection says so', async () => {
    const { url, seen } = await server((_s, res) => json(res, 200, { items: [{ index: { status: 201 } }] }));

    await http(url, { compression: true }).bulkTransport().bulk(['{"index":{}}\n{"n":1}\n'], { timeoutMs: 2000 });

    expect(seen[0]!.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(seen[0]!.body).toString('utf8')).toBe('{"index":{}}\n{"n":1}\n');
  });
});

describe('requests', () => {
  it('sends JSON bodies and query parameters, under the endpoint\'s path, with basic auth', async () => {
    const { url, seen } = await server((_s, res) => json(res, 200, { acknowledged: true }));

    const reply = await http(`${url}/search/`, { auth: 'basic', username: 'user', password: 'pass' }).request({
      method: 'PUT',
      path: '/_plugins/_ism/policies/p',
      query: { if_seq_no: 7, if_primary_term: 2 },
      body: { policy: { description: 'd' } },
      timeoutMs: 2000,
    });

    expect(reply).toEqual({ status: 200, body: { acknowledged: true } });
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/search/_plugins/_ism/policies/p?if_seq_no=7&if_primary_term=2' });
    // base64 of "user:pass", by hand.
    expect(seen[0]!.headers.authorization).toBe('Basic dXNlcjpwYXNz');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body.toString('utf8')).toBe('{"policy":{"description":"d"}}');
  });

  it('rejects a non-2xx answer with its status and body', async () => {
    const { url } = await server((_s, res) => json(res, 429, { error: { type: 'es_rejected_execution_exception' }, status: 429 }));

    const err = await http(url).request({ method: 'GET', path: '/x', timeoutMs: 2000 }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(OpenSearchHttpError);
    expect(err).toMatchObject({ statusCode: 429, body: { status: 429 } });
    expect((err as Error).message).toBe('GET /x: HTTP 429: {"error":{"type":"es_rejected_execution_exception"},"status":429}');
  });

  it('gives up on a server that never answers, or trickles its answer, at the time given, with no status', async () => {
    const hung = await server(() => undefined);
    const trickle = await server((_s, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const t = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(t));
    });

    for (const { url } of [hung, trickle]) {
      const t0 = Date.now();
      const err = await http(url).request({ method: 'GET', path: '/', timeoutMs: 300 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenSearchHttpError);
      expect(err).toMatchObject({ statusCode: undefined, message: 'GET /: no answer within 300 ms (timed out)' });
      expect(Date.now() - t0).toBeLessThan(3000);
    }
  });

  it('rejects with no status when nothing listens', async () => {
    const { url } = await server(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));

    const err = await http(url).request({ method: 'GET', path: '/', timeoutMs: 2000 }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(OpenSearchHttpError);
    expect(err).toMatchObject({ statusCode: undefined });
    expect((err as Error).message).toMatch(/^GET \/: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });
});

describe('SigV4 for Amazon OpenSearch Service', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token-1' };
  const date = new Date('2026-12-02T10:20:30Z');

  it('signs a _bulk request as aws4 (the OpenSearch client\'s signer) signs the same bytes', async () => {
    const { url, seen } = await server((_s, res) => json(res, 200, { items: [{ index: { status: 201 } }] }));
    const signed = new OpenSearchHttp({ endpoint: url, auth: 'aws-sigv4', region: 'eu-west-1' }, sigv4Signer('eu-west-1', credentials, () => date));

    await signed.bulkTransport().bulk(['{"index":{"_index":"vpcflowlogs-2026.12.02","_id":"x"}}\n{"n":"ü"}\n'], { timeoutMs: 2000 });

    const got = seen[0]!;
    expect(got.headers['x-amz-date']).toBe('20261202T102030Z');
    expect(got.headers['x-amz-security-token']).toBe('token-1');
    // sha256 of the body bytes, as the service checks it.
    const { createHash } = await import('node:crypto');
    expect(got.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(got.body).digest('hex'));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(got.headers)) if (k !== 'authorization' && k !== 'connection' && typeof v === 'string') headers[k] = v;
    const oracle = aws4.sign({ host: headers.host, method: 'POST', path: got.url, service: 'es', region: 'eu-west-1', headers, body: got.body }, credentials);
    expect(got.headers.authorization).toBe((oracle.headers as Record<string, string>).Authorization);
    expect(got.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261202\/eu-west-1\/es\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
  });

  it('signs a GET with a query and no body as aws4 does', async () => {
    const { url, seen } = await server((_s, res) => json(res, 200, {}));
    const signed = new OpenSearchHttp({ endpoint: url, auth: 'aws-sigv4', region: 'us-east-1' }, sigv4Signer('us-east-1', credentials, () => date));

    await signed.request({ method: 'GET', path: '/vpcflowlogs-2026.12.02/_mapping', query: { filter_path: '*.mappings._meta' }, timeoutMs: 2000 });

    const got = seen[0]!;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(got.headers)) if (k !== 'authorization' && k !== 'connection' && typeof v === 'string') headers[k] = v;
    const oracle = aws4.sign({ host: headers.host, method: 'GET', path: got.url, service: 'es', region: 'us-east-1', headers }, credentials);
    expect(got.headers.authorization).toBe((oracle.headers as Record<string, string>).Authorization);
    // The hash of no bytes (the SHA-256 of the empty string).
    expect(got.headers['x-amz-content-sha256']).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
