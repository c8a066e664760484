/**
 * In-memory stand-ins for the I/O ports of the core: a `_bulk` transport
 * scripted per item, a dead-letter sink, and the index `_meta` lookup.
 */
import type { DeadLetter } from '../../src/ingest/bulk.js';
import type { DeadLetterSink } from '../../src/ingest/dead-letters.js';
import type { BulkItemResponse, BulkTransport } from '../../src/ingest/deliver.js';
import { IndexIdSchemes, type IndexMetaAnswer, type IndexMetaSource } from '../../src/ingest/index-id-schemes.js';

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

/**
 * An index `_meta` lookup answering from `indices` (index name to its mapping
 * `_meta`; a missing name is an index not created yet), or the Error given
 * for it; it records the indices asked for.
 */
export function memoryIndexMeta(indices: Readonly<Record<string, unknown>> = {}): IndexMetaSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async indexMeta(index): Promise<IndexMetaAnswer> {
      asked.push(index);
      const meta = indices[index];
      if (meta instanceof Error) throw meta;
      return index in indices ? { exists: true, ...(meta !== undefined ? { meta } : {}) } : { exists: false };
    },
  };
}

/** Id schemes over {@link memoryIndexMeta}: by default every index is yet to be created (the current scheme). */
export function memoryIdSchemes(indices: Readonly<Record<string, unknown>> = {}): IndexIdSchemes {
  return new IndexIdSchemes(memoryIndexMeta(indices), { minDelayMs: 1, maxDelayMs: 5 });
}
