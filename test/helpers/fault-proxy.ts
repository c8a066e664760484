/**
 * A fault-injecting HTTP proxy on 127.0.0.1 between the OpenSearch client and
 * a real OpenSearch. It passes everything through, except that `_bulk`
 * requests can be made to fail in the ways a busy cluster fails:
 * - item throttling: chosen items are held back from OpenSearch and answered
 *   429 (es_rejected_execution_exception), as a full write queue does;
 * - whole-request 503;
 * - a dropped connection before or after OpenSearch has applied the
 *   request, so the client cannot know whether it succeeded and must send it
 *   again;
 * - answers cut short (half the bytes), items answered 429 that were in fact
 *   applied, items missing from an answer, latency;
 * - 503 for the other requests (the index layout install).
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Which faults to inject, decided per request/item. */
export interface FaultPlan {
  /** Answer 429 for this item (by document id) on this attempt number (1-based) instead of indexing it. */
  throttleItem?: (id: string, attempt: number) => boolean;
  /** Answer 503 to the n-th `_bulk` request (1-based) without forwarding it. */
  fail503?: (requestNumber: number) => boolean;
  /** Forward the n-th `_bulk` request, then drop the connection instead of answering. */
  dropAfterForward?: (requestNumber: number) => boolean;
  /** Drop the connection of the n-th `_bulk` request without forwarding it. */
  dropBeforeForward?: (requestNumber: number) => boolean;
  /** Forward the n-th `_bulk` request, then answer only the first half of the answer's bytes. */
  truncateAnswer?: (requestNumber: number) => boolean;
  /** Forward this item, then answer 429 for it although it was applied. */
  throttleAppliedItem?: (id: string, attempt: number) => boolean;
  /** Forward the n-th `_bulk` request, then leave its last item out of the answer. */
  omitLastItem?: (requestNumber: number) => boolean;
  /** Milliseconds to wait before answering the n-th `_bulk` request (after forwarding it). */
  latencyMs?: (requestNumber: number) => number;
  /** Answer 503 to the n-th request that is not a `_bulk` (the layout install) without forwarding it. */
  failOther503?: (requestNumber: number) => boolean;
}

/** A running proxy. */
export interface FaultProxy {
  readonly url: string;
  readonly stats: { bulkRequests: number; otherRequests: number; throttled: number; failed503: number; dropped: number; truncated: number; omitted: number };
  close(): Promise<void>;
}

interface BulkItemResult {
  status: number;
  [k: string]: unknown;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function forward(target: URL, req: IncomingMessage, path: string, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
    delete headers['content-encoding'];
    const r = request({ host: target.hostname, port: target.port, method: req.method, path, headers }, async (res) => {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string' && k !== 'content-length' && k !== 'transfer-encoding') h[k] = v;
      resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
    });
    r.on('error', reject);
    r.end(body);
  });
}

/** Starts a proxy to `targetUrl` with the given faults. */
export async function startFaultProxy(targetUrl: string, plan: FaultPlan): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const attempts = new Map<string, number>();
  const stats = { bulkRequests: 0, otherRequests: 0, throttled: 0, failed503: 0, dropped: 0, truncated: 0, omitted: 0 };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (!(req.method === 'POST' && url.pathname.endsWith('/_bulk'))) {
      if (plan.failOther503?.(++stats.otherRequests)) {
        stats.failed503++;
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'injected_unavailable', reason: 'fault proxy' }, status: 503 }));
        return;
      }
      const r = await forward(target, req, req.url ?? '/', body);
      res.writeHead(r.status, r.headers).end(r.body);
      return;
    }
    const n = ++stats.bulkRequests;
    if (plan.fail503?.(n)) {
      stats.failed503++;
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'injected_unavailable', reason: 'fault proxy' }, status: 503 }));
      return;
    }
    if (plan.dropBeforeForward?.(n)) {
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    // Split the NDJSON body into (action, source) pairs; hold back throttled ones.
    const lines = body.toString('utf8').split('\n').filter((l) => l !== '');
    const kept: string[] = [];
    const slots: (BulkItemResult | null)[] = [];
    const appliedButThrottled = new Set<number>();
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]!) as { index: { _index: string; _id: string } };
      const id = action.index._id;
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      if (plan.throttleAppliedItem?.(id, attempt)) appliedButThrottled.add(slots.length);
      if (plan.throttleItem?.(id, attempt)) {
        stats.throttled++;
        slots.push({ _index: action.index._index, _id: id, status: 429, error: { type: 'es_rejected_execution_exception', reason: 'injected by fault proxy' } });
      } else {
        kept.push(lines[i]!, lines[i + 1]!);
        slots.push(null);
      }
    }
    let forwarded: BulkItemResult[] = [];
    let took = 0;
    if (kept.length > 0) {
      const r = await forward(target, req, req.url ?? '/_bulk', Buffer.from(kept.join('\n') + '\n'));
      if (r.status !== 200) {
        res.writeHead(r.status, r.headers).end(r.body);
        return;
      }
      const parsed = JSON.parse(r.body.toString('utf8')) as { items: Record<string, BulkItemResult>[]; took: number };
      forwarded = parsed.items.map((it) => Object.values(it)[0]!);
      took = parsed.took;
    }
    if (plan.dropAfterForward?.(n)) {
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    let k = 0;
    const items = slots.map((s, i) => {
      const r = s ?? forwarded[k++]!;
      if (!appliedButThrottled.has(i)) return { index: r };
      stats.throttled++;
      return { index: { ...r, status: 429, error: { type: 'es_rejected_execution_exception', reason: 'injected by fault proxy after apply' } } };
    });
    if (plan.omitLastItem?.(n) && items.length > 0) {
      stats.omitted++;
      items.pop();
    }
    const delay = plan.latencyMs?.(n) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const errors = items.some((it) => it.index.status >= 300);
    const text = JSON.stringify({ took, errors, items });
    if (plan.truncateAnswer?.(n)) {
      stats.truncated++;
      const half = Buffer.from(text).subarray(0, Math.floor(text.length / 2));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
      res.write(half);
      res.socket?.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(text);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(502).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
