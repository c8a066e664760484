/**
 * In-memory stand-ins for the I/O ports of the core: a `_bulk` transport
 * scripted per item, a dead-letter sink, and the index `_meta` lookup.
 */
import type { BulkItem, DeadLetter } from '../../src/ingest/bulk.js';
import type { DeadLetterSink } from '../../src/ingest/dead-letters.js';
import type { BulkItemResponse, BulkTransport } from '../../src/ingest/deliver.js';
import { DEFAULT_FORMAT } from '../../src/format/flow-log-schema.js';
import { RecordParser } from '../../src/format/parse.js';
import { LazyPayloadDecoder } from '../../src/ingest/decode.js';
import { BulkPacer } from '../../src/ingest/deliver.js';
import { IndexIdSchemes, type IndexMetaAnswer, type IndexMetaSource } from '../../src/ingest/index-id-schemes.js';
import { DailyIndexNamer } from '../../src/ingest/index-name.js';
import type { IngestDeps } from '../../src/ingest/pipeline.js';

/** The `_bulk` body of items, as a transport puts it on the wire: their lines, one after the other. */
export function bulkBody(items: readonly BulkItem[]): string {
  return items.map((item) => item.lines).join('');
}

/** A transport that answers each item by asking `answer(id, attempt)`, and records what it saw. */
export function scriptedTransport(answer: (id: string, attempt: number) => BulkItemResponse | Error): BulkTransport & { requests: string[][]; indexed: Map<string, number> } {
  const attempts = new Map<string, number>();
  const requests: string[][] = [];
  const indexed = new Map<string, number>();
  return {
    requests,
    indexed,
    async bulk(items: readonly string[]) {
      const lines = items.join('').split('\n').filter((l) => l !== '');
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

/**
 * The pipeline's ports in memory for the default format and prefix: a scripted transport,
 * a memory sink, short pacer pauses and `deadlineMs` left; `over` replaces any of them.
 */
export function fakeIngestDeps(
  answer: (id: string, attempt: number) => BulkItemResponse | Error = () => ({ status: 201 }),
  over: Partial<IngestDeps> = {},
  deadlineMs = 1_000,
): { d: IngestDeps; transport: ReturnType<typeof scriptedTransport>; sink: ReturnType<typeof memorySink> } {
  const transport = scriptedTransport(answer);
  const sink = memorySink();
  const d: IngestDeps = {
    parser: new RecordParser(DEFAULT_FORMAT),
    namer: new DailyIndexNamer('vpcflowlogs'),
    idSchemes: memoryIdSchemes(),
    transport,
    decoder: new LazyPayloadDecoder(),
    pacer: new BulkPacer({ maxBytes: 1 << 20, minDelayMs: 1, maxDelayMs: 5 }),
    deadline: () => deadlineMs,
    deadLetters: sink,
    deadLetterPrefix: 'dead-letters/',
    ...over,
  };
  return { d, transport, sink };
}
