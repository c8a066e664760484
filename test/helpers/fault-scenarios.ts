/**
 * Building blocks of the fault-injection runs (test/integration/faults.test.ts
 * and `npm run soak`): numbered records, redelivery as CloudWatch and Lambda
 * do it, and the tally of what became of every record, read from the engine
 * itself and from the dead-letter folder.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { DeliveryError } from '../../src/errors.js';
import type { DeadLetter } from '../../src/ingest/bulk.js';
import { parseDeadLetters } from '../../src/ingest/dead-letters.js';
import type { DataMessage } from '../../src/ingest/messages.js';
import type { IngestHandler } from '../../lambdas/ingest/handler.js';
import { dataMessage, defaultRecord, subscriptionEvent } from './events.js';
import type { FaultPlan } from './fault-proxy.js';

/** `perStream` records in each of `streams` streams; record n carries bytes = n, so the engine can tell them apart. */
export function numberedMessages(streams: number, perStream: number, bad: (n: number) => boolean = () => false): { messages: DataMessage[]; total: number } {
  const messages = Array.from({ length: streams }, (_, s) =>
    dataMessage(
      Array.from({ length: perStream }, (_, i) => {
        const n = s * perStream + i;
        return bad(n) ? defaultRecord({ bytes: n, start: 99999999999 }) : defaultRecord({ bytes: n, srcport: 1024 + (i % 60000) });
      }),
      { logStream: `eni-${String(s).padStart(17, '0')}-all`, idBase: `37${s}` },
    ),
  );
  return { messages, total: streams * perStream };
}

/** The same records re-batched: each message cut in two at a different place. */
export function rebatched(messages: readonly DataMessage[]): DataMessage[] {
  return messages.flatMap((m, k) => {
    const cut = Math.max(1, Math.floor((m.logEvents.length * (k % 3 + 1)) / 4));
    return [{ ...m, logEvents: m.logEvents.slice(0, cut) }, { ...m, logEvents: m.logEvents.slice(cut) }];
  });
}

/** What became of an invocation run. */
export interface InvokeTally {
  invocations: number;
  failedInvocations: number;
  /** Events still failing after every re-invocation (Lambda's on-failure destination). */
  onFailure: CloudWatchLogsEvent[];
  retried: number;
  /** Why invocations failed, by message (numbers and ids stripped), with counts. */
  errors: Record<string, number>;
}

/**
 * Invokes the handlers with the events, `concurrency` at a time, each event
 * on the next handler in turn (instances); an invocation that throws
 * DeliveryError is invoked again up to `attempts` times, as Lambda's
 * asynchronous retry does. Anything else thrown fails the run.
 */
export async function invokeAll(handlers: readonly IngestHandler[], events: readonly CloudWatchLogsEvent[], opts: { concurrency: number; attempts: number; deadlineMs: number }): Promise<InvokeTally> {
  const tally: InvokeTally = { invocations: 0, failedInvocations: 0, onFailure: [], retried: 0, errors: {} };
  let next = 0;
  const busy = new Set<IngestHandler>();
  const lane = async (): Promise<void> => {
    while (next < events.length) {
      const i = next++;
      const event = events[i]!;
      // One event at a time per instance, as Lambda runs them.
      const handler = handlers.find((h) => !busy.has(h)) ?? handlers[i % handlers.length]!;
      busy.add(handler);
      try {
        let done = false;
        for (let a = 0; a < opts.attempts && !done; a++) {
          tally.invocations++;
          const t0 = Date.now();
          try {
            const s = await handler(event, { getRemainingTimeInMillis: () => opts.deadlineMs - (Date.now() - t0) });
            tally.retried += s.retried;
            done = true;
          } catch (err) {
            // By name too: a baseline checkout (npm run soak with SOAK_BASELINE) has its own class.
            if (!(err instanceof DeliveryError) && (err as Error | null)?.name !== 'DeliveryError') throw err;
            tally.failedInvocations++;
            const why = String((err as Error).message).replace(/@[0-9a-f]+|\d+/g, 'N').slice(0, 160);
            tally.errors[why] = (tally.errors[why] ?? 0) + 1;
          }
        }
        if (!done) tally.onFailure.push(event);
      } finally {
        busy.delete(handler);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  return tally;
}

/** Every dead letter under a folder. */
export function deadLettersIn(dir: string): DeadLetter[] {
  let files: string[];
  try {
    files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ndjson'));
  } catch {
    return [];
  }
  return files.flatMap((f) => parseDeadLetters(readFileSync(join(dir, f), 'utf8'), f));
}

/** Per-scenario outcome, from the engine and the dead letters. */
export interface Outcome {
  readonly recordsIn: number;
  readonly indexedOnce: number;
  readonly duplicated: number;
  readonly deadLettered: number;
  readonly reasons: Readonly<Record<string, number>>;
  readonly lost: number;
}

/** Counts, for records numbered 0..total-1 (bytes = n), how many the engine holds once, more than once, and which are dead letters or lost. */
export async function outcome(client: Client, index: string, total: number, deadLetterDir: string): Promise<Outcome> {
  await client.indices.refresh({ index, ignore_unavailable: true } as never).catch(() => undefined);
  const counts = new Map<number, number>();
  let after: unknown[] | undefined;
  for (;;) {
    const res = await client
      .search({ index, body: { size: 5000, _source: ['bytes'], sort: [{ bytes: 'asc' }, { _id: 'asc' }], ...(after ? { search_after: after } : {}), query: { match_all: {} } } } as never)
      .catch((err: unknown) => {
        if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return undefined;
        throw err;
      });
    const hits = ((res?.body as { hits?: { hits?: { _source: { bytes: number }; sort: unknown[] }[] } } | undefined)?.hits?.hits ?? []);
    for (const h of hits) counts.set(h._source.bytes, (counts.get(h._source.bytes) ?? 0) + 1);
    if (hits.length < 5000) break;
    after = hits.at(-1)!.sort;
  }
  const letters = deadLettersIn(deadLetterDir);
  const lettered = new Set<number>();
  const reasons: Record<string, number> = {};
  for (const l of letters) {
    const bytes = Number(l.message?.split(' ')[9]);
    if (Number.isInteger(bytes)) lettered.add(bytes);
    // The reason without the value it found, so one kind of failure is one row.
    const why = `${l.stage}: ${l.reason.replace(/, found .*$/, '').trim()}`;
    reasons[why] = (reasons[why] ?? 0) + 1;
  }
  let indexedOnce = 0;
  let duplicated = 0;
  let lost = 0;
  for (let n = 0; n < total; n++) {
    const c = counts.get(n) ?? 0;
    if (c === 1) indexedOnce++;
    else if (c > 1) duplicated++;
    else if (!lettered.has(n)) lost++;
  }
  return { recordsIn: total, indexedOnce, duplicated, deadLettered: lettered.size, reasons, lost };
}

/**
 * Every fault the proxy knows, each on its own rhythm of request numbers or item ids, so that a
 * run meets them all and in combination: drops before and after OpenSearch applied a request,
 * cut answers, 503s, missing items, 429s on items (some of them in fact applied), and latency.
 * The integration test and `npm run soak` run the same mix.
 */
export function mixedFaults(latencyMs: number): FaultPlan {
  return {
    dropBeforeForward: (n) => n % 11 === 3,
    dropAfterForward: (n) => n % 13 === 5,
    truncateAnswer: (n) => n % 17 === 7,
    fail503: (n) => n % 19 === 2,
    omitLastItem: (n) => n % 7 === 4,
    throttleItem: (id, attempt) => attempt === 1 && id.charCodeAt(id.length - 1) % 5 === 0,
    throttleAppliedItem: (id, attempt) => attempt <= 2 && id.charCodeAt(id.length - 2) % 7 === 0,
    latencyMs: (n) => (n % 5 === 0 ? latencyMs : 0),
  };
}

export { subscriptionEvent };
