/**
 * Fault injection, short version (the long one is `npm run soak`): the real
 * handler against the real OpenSearch, through a proxy that fails the ways a
 * cluster and a network fail, with redelivery as CloudWatch and Lambda do it.
 * Every count comes from the engine and the dead-letter folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIngestConfig } from '../../lambdas/ingest/config.js';
import { createIngestHandler, type HandlerOverrides } from '../../lambdas/ingest/handler.js';
import { DeliveryError } from '../../src/errors.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { invokeAll, mixedFaults, numberedMessages, outcome, rebatched, subscriptionEvent } from '../helpers/fault-scenarios.js';
import { opensearchUrl } from '../helpers/opensearch-url.js';

const PREFIX = 'it-faults';
let client: Client;
let tmp: string;

beforeAll(async () => {
  client = new Client({ node: opensearchUrl() });
  tmp = mkdtempSync(join(tmpdir(), 'faults-it-'));
});

afterAll(async () => {
  await client.indices.delete({ index: `${PREFIX}*` } as never).catch(() => undefined);
  await client.close();
  rmSync(tmp, { recursive: true, force: true });
});

function handlerFor(name: string, endpoint: string, overrides: HandlerOverrides = {}) {
  const deadLetterDir = join(tmp, name);
  const handler = createIngestHandler(
    loadIngestConfig({ OPENSEARCH_ENDPOINT: endpoint, OPENSEARCH_AUTH: 'none', INDEX_PREFIX: `${PREFIX}-${name}`, DEAD_LETTER_DIR: deadLetterDir, GEOIP_ENABLED: 'false' }),
    { quiet: true, minDelayMs: 5, maxDelayMs: 100, reserveMs: 500, ...overrides },
  );
  return { handler, deadLetterDir, index: `${PREFIX}-${name}-*` };
}

/** A server that answers the layout requests at once and `_bulk` after `bulkDelayMs` (never, if Infinity); or hangs on everything. */
async function slowServer(bulkDelayMs: number, hangAll = false): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    if (hangAll) return;
    if (!req.url?.includes('_bulk')) {
      res.writeHead(req.method === 'GET' ? 404 : 200, { 'content-type': 'application/json' }).end(req.method === 'GET' ? '{"error":"not found","status":404}' : '{"acknowledged":true}');
      return;
    }
    if (Number.isFinite(bulkDelayMs)) setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"took":1,"errors":false,"items":[]}'), bulkDelayMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('deadlines', () => {
  const DEADLINE_MS = 2_500;
  const cases: [string, number, boolean][] = [
    ['every _bulk answered after 15 s', 15_000, false],
    ['a _bulk that never answers', Infinity, false],
    ['an engine that hangs on the layout install', Infinity, true],
  ];
  for (const [k, [what, delay, hangAll]] of cases.entries()) {
    it(`throws DeliveryError before the invocation's deadline with ${what}`, async () => {
      const server = await slowServer(delay, hangAll);
      try {
        const { handler } = handlerFor(`deadline-${k}`, server.url);
        const t0 = Date.now();
        const context = { getRemainingTimeInMillis: () => DEADLINE_MS - (Date.now() - t0) };
        const err = await handler(subscriptionEvent(numberedMessages(1, 50).messages[0]), context).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DeliveryError);
        // The handler's own clock: time was left when it threw (Lambda would not have killed it).
        expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    });
  }
});

describe('the layout install', () => {
  it('is retried within the deadline: two 503s on a fresh instance do not fail the invocation', async () => {
    const proxy = await startFaultProxy(opensearchUrl(), { failOther503: (n) => n <= 2 });
    try {
      const { handler, index } = handlerFor('layout-retry', proxy.url);
      const s = await handler(subscriptionEvent(numberedMessages(1, 20).messages[0]), { getRemainingTimeInMillis: () => 30_000 });
      expect(s.indexed).toBe(20);
      expect(proxy.stats.failed503).toBe(2);
      await client.indices.refresh({ index });
      expect((await client.count({ index })).body.count).toBe(20);
    } finally {
      await proxy.close();
    }
  });
});

describe('every record indexed exactly once or dead-lettered, never lost', () => {
  const plan = mixedFaults(200);

  it('through drops, cut answers, 503s, 429s (some applied), missing items, latency, and redelivery 3x interleaved and re-batched', async () => {
    const proxy = await startFaultProxy(opensearchUrl(), plan);
    try {
      const name = 'mixed';
      const handlers = [0, 1, 2].map(() => handlerFor(name, proxy.url));
      const { messages, total } = numberedMessages(6, 400, (n) => n % 97 === 0);
      // The batches, then the same records re-batched, then the batches again, all interleaved.
      const events = [...messages, ...rebatched(messages), ...messages].map(subscriptionEvent);
      const tally = await invokeAll(
        handlers.map((h) => h.handler),
        events,
        { concurrency: 3, attempts: 3, deadlineMs: 20_000 },
      );
      const o = await outcome(client, handlers[0]!.index, total, handlers[0]!.deadLetterDir);
      const expectedLetters = Array.from({ length: total }, (_, n) => n).filter((n) => n % 97 === 0).length;
      expect(tally.onFailure).toEqual([]);
      expect(o).toMatchObject({ recordsIn: total, duplicated: 0, lost: 0, deadLettered: expectedLetters, indexedOnce: total - expectedLetters });
      // Each dead record has one letter, however often and however batched it came.
      expect(Object.values(o.reasons).reduce((a, b) => a + b, 0)).toBe(expectedLetters);
      expect(proxy.stats).toMatchObject({ dropped: expect.any(Number), truncated: expect.any(Number) });
      expect(proxy.stats.dropped).toBeGreaterThan(0);
      expect(proxy.stats.truncated).toBeGreaterThan(0);
      expect(proxy.stats.omitted).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });
});
