/**
 * A local HTTP server that answers like OpenSearch Dashboards with a recorded
 * answer from test/fixtures/dashboards-import/, or never answers at all, and
 * keeps every request it got (method, URL, headers, raw body).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded answer: status, headers, body. */
export interface RecordedAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** A recorded answer by file name (without `.json`). */
export function recordedAnswer(name: string): RecordedAnswer {
  return JSON.parse(readFileSync(new URL(`../fixtures/dashboards-import/${name}.json`, import.meta.url), 'utf8')) as RecordedAnswer;
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface FakeDashboards {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the server on 127.0.0.1. `answers` are given in turn (the last one
 * repeats); `'silent'` reads the request and never answers.
 */
export async function startFakeDashboards(answers: readonly (RecordedAnswer | 'silent')[]): Promise<FakeDashboards> {
  const requests: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
      if (answer === undefined || answer === 'silent') {
        hanging.push(res);
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
