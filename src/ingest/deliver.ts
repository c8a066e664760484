/**
 * Delivering planned items to OpenSearch with nothing lost and nothing
 * duplicated:
 * - items answered 429 or 5xx are sent again, alone, with exponential backoff
 *   and jitter (p-retry), for as long as the invocation has time;
 * - items answered with any other error can never be indexed and become dead
 *   letters with OpenSearch's reason;
 * - when OpenSearch stays unreachable, or still throttles at the deadline,
 *   {@link DeliveryError} is thrown so Lambda's own retry keeps the event.
 * Re-sending is safe because every document id is deterministic.
 */
import pRetry, { AbortError } from 'p-retry';
import { bulkBody, chunkItems, type BulkItem, type DeadLetter } from './bulk.js';
import { DeliveryError } from '../errors.js';

/** OpenSearch's answer for one item of a `_bulk` request. */
export interface BulkItemResponse {
  readonly status: number;
  /** `error.type` and `error.reason` of a failed item. */
  readonly error?: string;
}

/** Sends `_bulk` bodies. The only I/O delivery needs; tests pass their own. */
export interface BulkTransport {
  /**
   * Sends one body and resolves with one response per item, in order.
   * Rejects when the request as a whole failed; a rejection whose
   * `statusCode` is 4xx other than 408/429 is taken as permanent.
   */
  bulk(body: string): Promise<readonly BulkItemResponse[]>;
}

/** Knobs of {@link deliver}. */
export interface DeliveryOptions {
  readonly transport: BulkTransport;
  /** Upper bound of one request body in bytes. */
  readonly maxBytes: number;
  /** Milliseconds left to keep retrying (the invocation's time minus what the rest of it needs). */
  readonly retryWindowMs: number;
  /** First backoff delay. @default 200 */
  readonly minDelayMs?: number;
  /** Longest backoff delay. @default 8000 */
  readonly maxDelayMs?: number;
  /** Called after each request with its item count and duration, for metrics. */
  readonly onRequest?: (items: number, ms: number) => void;
}

/** What became of the items. */
export interface DeliveryResult {
  readonly indexed: number;
  /** Item sends beyond the first (an item retried twice counts twice). */
  readonly retried: number;
  readonly deadLetters: DeadLetter[];
}

const isRetryableStatus = (status: number): boolean => status === 429 || status === 408 || status >= 500;

class PendingItems extends Error {
  constructor(
    readonly count: number,
    readonly lastError: unknown,
  ) {
    // Stryker disable next-line StringLiteral: internal; deliver never shows this message
    super(`${count} item(s) still pending`);
  }
}

/** The HTTP status an OpenSearch client error carries, if any. */
export function httpStatusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown; meta?: { statusCode?: unknown } } | null)?.statusCode ?? (err as { meta?: { statusCode?: unknown } } | null)?.meta?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

const describe = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/** Delivers the items; resolves when each is indexed or dead-lettered, throws {@link DeliveryError} otherwise. */
export async function deliver(items: readonly BulkItem[], options: DeliveryOptions): Promise<DeliveryResult> {
  const { transport, maxBytes, onRequest } = options;
  let pending: readonly BulkItem[] = items;
  let indexed = 0;
  let retried = 0;
  let attempt = 0;
  const deadLetters: DeadLetter[] = [];
  // Stryker disable next-line ConditionalExpression: without the early return no request is sent either; speed only
  if (items.length === 0) return { indexed, retried, deadLetters };

  const letter = (item: BulkItem, status: number, reason: string): DeadLetter => ({
    stage: 'index',
    status,
    reason,
    ...item.origin,
    id: item.event.id,
    timestamp: item.event.timestamp,
    message: item.event.message,
  });

  const sendPending = async (): Promise<void> => {
    attempt++;
    if (attempt > 1) retried += pending.length;
    const again: BulkItem[] = [];
    let lastError: unknown;
    for (const chunk of chunkItems(pending, maxBytes)) {
      const t0 = performance.now();
      let responses: readonly BulkItemResponse[];
      try {
        responses = await transport.bulk(bulkBody(chunk));
      } catch (err) {
        const status = httpStatusOf(err);
        // Stryker disable next-line ConditionalExpression,EqualityOperator: `status !== undefined` and `< 500` only narrow (undefined >= 400 is false; 5xx is retryable)
        if (status !== undefined && status >= 400 && status < 500 && !isRetryableStatus(status)) {
          // 401/403/400 for the whole request: configuration, not load. Keep
          // the event (throw) so it can be replayed once that is fixed.
          throw new AbortError(new DeliveryError(`OpenSearch refused the bulk request (${status}): ${describe(err)}`, pending.length, { cause: err }));
        }
        lastError = err;
        again.push(...chunk);
        continue;
      } finally {
        onRequest?.(chunk.length, performance.now() - t0);
      }
      for (let i = 0; i < chunk.length; i++) {
        const item = chunk[i]!;
        const r = responses[i];
        if (r === undefined) again.push(item);
        else if (r.status >= 200 && r.status < 300) indexed++;
        else if (isRetryableStatus(r.status)) again.push(item);
        else deadLetters.push(letter(item, r.status, r.error ?? `HTTP ${r.status}`));
      }
    }
    pending = again;
    if (pending.length > 0) throw new PendingItems(pending.length, lastError);
  };

  try {
    await pRetry(sendPending, {
      retries: 1000, // bounded by time, not count
      factor: 2,
      minTimeout: options.minDelayMs ?? 200,
      maxTimeout: options.maxDelayMs ?? 8000,
      randomize: true,
      maxRetryTime: Math.max(0, options.retryWindowMs),
    });
  } catch (err) {
    // Stryker disable next-line ConditionalExpression: the last line rethrows a DeliveryError all the same
    if (err instanceof DeliveryError) throw err;
    if (err instanceof PendingItems) {
      const why = err.lastError ? `OpenSearch unreachable or failing: ${describe(err.lastError)}` : 'OpenSearch still throttling';
      throw new DeliveryError(`${why}; ${err.count} of ${items.length} item(s) not indexed after ${attempt} attempt(s)`, err.count, { cause: err.lastError });
    }
    throw err;
  }
  return { indexed, retried, deadLetters };
}
