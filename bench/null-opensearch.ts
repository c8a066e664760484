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

const ITEM = '{"index":{"status":201}}';
/** Answers by item count and filtering, made once each: a bench sends the same few sizes again and again. */
const answers = new Map<string, Buffer>();
function bulkAnswer(items: number, filtered: boolean): Buffer {
  const key = `${items}${filtered ? 'f' : ''}`;
  let answer = answers.get(key);
  if (!answer) {
    const list = items > 0 ? `${ITEM},`.repeat(items - 1) + ITEM : '';
    answer = Buffer.from(filtered ? `{"items":[${list}]}` : `{"took":1,"errors":false,"items":[${list}]}`);
    answers.set(key, answer);
  }
  return answer;
}

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
      // As OpenSearch answers: only what filter_path keeps (the ingest function asks for the items' statuses and errors).
      res.writeHead(200, { 'content-type': 'application/json' }).end(bulkAnswer(lines / 2, req.url.includes('filter_path=')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startNullOpenSearch();
  process.stdout.write(`${url}\n`);
}
