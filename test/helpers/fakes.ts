/**
 * In-memory stand-ins for the two I/O ports of the core: a `_bulk` transport
 * scripted per item, and a dead-letter sink.
 */
import type { DeadLetter } from '../../src/ingest/bulk.js';
import type { DeadLetterSink } from '../../src/ingest/dead-letters.js';
import type { BulkItemResponse, BulkTransport } from '../../src/ingest/deliver.js';

/** A transport that answers each item by asking `answer(id, attempt)`, and records what it saw. */
export function scriptedTransport(answer: (id: string, attempt: number) => BulkItemResponse | Error): BulkTransport & { requests: string[][]; indexed: Map<string, number> } {
  const attempts = new Map<string, number>();
  const requests: string[][] = [];
  const indexed = new Map<string, number>();
  return {
    requests,
    indexed,
    async bulk(body: string) {
      const lines = body.split('\n').filter((l) => l !== '');
      const ids: string[] = [];
      for (let i = 0; i < lines.length; i += 2) ids.push((JSON.parse(lines[i]!) as { index: { _id: string } }).index._id);
      requests.push(ids);
      const out: BulkItemResponse[] = [];
      for (const id of ids) {
        const n = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, n);
        const r = answer(id, n);
        if (r instanceof Error) throw r;
        if (r.status < 300) indexed.set(id, (indexed.get(id) ?? 0) + 1);
        out.push(r);
      }
      return out;
    },
  };
}

/** A sink that keeps letters in memory by key. */
export function memorySink(): DeadLetterSink & { byKey: Map<string, readonly DeadLetter[]>; all(): DeadLetter[] } {
  const byKey = new Map<string, readonly DeadLetter[]>();
  return {
    byKey,
    all: () => [...byKey.values()].flat(),
    async write(key, letters) {
      byKey.set(key, letters);
    },
  };
}
