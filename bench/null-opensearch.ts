/**
 * A stand-in OpenSearch for the benches: 201 for every `_bulk` item (counted
 * from the body's newlines as it streams in; the answer filtered as
 * `filter_path` asks, as OpenSearch filters it), 404 for a GET (no template
 * yet), 200 for the rest. The figures measured against it are the function's
 * own, not the cluster's.
 *
 *   node --import tsx bench/null-opensearch.ts   # prints its URL, serves until killed
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startNullOpenSearch(): Promise<{ readonly url: string; readonly server: Server }> {
  const server = createServer((req, res) => {
    let lines = 0;
    req.on('data', (c: Buffer) => {
      for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) lines++;
    });
    req.on('end', () => {
      if (!req.url?.includes('_bulk')) {
        res.writeHead(req.method === 'GET' ? 404 : 200, { 'content-type': 'application/json' }).end(req.method === 'GET' ? '{"status":404}' : '{"acknowledged":true}');
        return;
      }
      const item = '{"index":{"status":201}}';
      const items = Array.from({ length: lines / 2 }, () => item).join(',');
      // As OpenSearch answers: only what filter_path keeps (the ingest function asks for the items' statuses and errors).
      const filtered = new URL(req.url, 'http://x').searchParams.has('filter_path');
      res.writeHead(200, { 'content-type': 'application/json' }).end(filtered ? `{"items":[${items}]}` : `{"took":1,"errors":false,"items":[${items}]}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startNullOpenSearch();
  process.stdout.write(`${url}\n`);
}
