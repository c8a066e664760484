/**
 * Delivering planned items to OpenSearch with nothing lost, nothing
 * duplicated, and no retry storm:
 * - items answered 429 or 5xx are sent again after a backoff; items answered
 *   with any other error can never be indexed and become dead letters with
 *   OpenSearch's reason;
 * - pushback (a 429, a 5xx, a failed request) is taken as the cluster's, not
 *   the item's: the {@link BulkPacer} of the instance pauses every bulk and
 *   halves the next request (additive increase, multiplicative decrease), so
 *   a struggling cluster sees less load, not the same load again at once;
 * - every request is bounded by the invocation's deadline; when OpenSearch
 *   stays unreachable, or still throttles then, {@link DeliveryError} is
 *   thrown so Lambda's own retry keeps the event.
 * Re-sending is safe because every document id is deterministic.
 */
import type { BulkItem, DeadLetter } from './bulk.js';
import { DeliveryError } from '../errors.js';

/** OpenSearch's answer for one item of a `_bulk` request. */
export interface BulkItemResponse {
  readonly status: number;
  /** `error.type` and `error.reason` of a failed item. */
  readonly error?: string;
}

/** Bounds of one request. */
export interface RequestOptions {
  /** Abort the request after this many milliseconds (the time left to the deadline). */
  readonly timeoutMs: number;
}

/** Sends `_bulk` bodies. The only I/O delivery needs; tests pass their own. */
export interface BulkTransport {
  /**
   * Sends one request whose body is `lines` joined (each item's action and
   * document lines, newline-ended; the edge encodes them straight into its
   * request buffer rather than joining them into one string first) and
   * resolves with one response per item, in order.
   * Rejects when the request as a whole failed or timed out; a rejection
   * whose `statusCode` is 4xx other than 408/429 is taken as permanent.
   */
  bulk(lines: readonly string[], options: RequestOptions): Promise<readonly BulkItemResponse[]>;
}

/** Milliseconds left before the invocation must stop sending (its deadline minus a reserve). */
export type Deadline = () => number;

/** A request is not started with less time than this left: it could not finish. */
export const MIN_REQUEST_MS = 250;

/** Knobs of a {@link BulkPacer}. */
export interface PacerOptions {
  /** Upper bound of one request body in bytes. */
  readonly maxBytes: number;
  /** Most items in one request. @default 5000 */
  readonly maxItems?: number;
  /** Fewest items in one request, however hard the cluster pushes back. @default 50 */
  readonly minItems?: number;
  /** Items added to the request size after a request without pushback. @default 50 */
  readonly increaseItems?: number;
  /** First pause after pushback. @default 200 */
  readonly minDelayMs?: number;
  /** Longest pause. @default 8000 */
  readonly maxDelayMs?: number;
  /** Random source for jitter (tests pin it). @default Math.random */
  readonly random?: () => number;
}

/**
 * What one instance has learnt about the cluster, shared by all its bulks
 * and invocations: how many items a request may carry, and until when to
 * hold off. AIMD as in TCP congestion control: grow by a step while the
 * cluster keeps up, halve on pushback; the pause after pushback grows
 * exponentially (with full jitter, so instances do not retry in step).
 */
export class BulkPacer {
  readonly maxBytes: number;
  readonly maxItems: number;
  readonly minItems: number;
  private readonly increase: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;
  /** Items the next request may carry. */
  window: number;
  private strikes = 0;
  private resumeAt = 0;

  constructor(options: PacerOptions) {
    this.maxBytes = options.maxBytes;
    this.maxItems = options.maxItems ?? 5000;
    this.minItems = Math.min(options.minItems ?? 50, this.maxItems);
    this.increase = options.increaseItems ?? 50;
    this.minDelayMs = options.minDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 8000;
    this.random = options.random ?? Math.random;
    this.window = this.maxItems;
  }

  /** The cluster pushed back: halve the window and pause every bulk of this instance. */
  pushback(now: number = Date.now()): void {
    this.window = Math.max(this.minItems, Math.floor(this.window / 2));
    this.strikes++;
    const ceiling = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** (this.strikes - 1));
    // Full jitter, never below half the step: spread, yet a real pause.
    this.resumeAt = Math.max(this.resumeAt, now + ceiling * (0.5 + 0.5 * this.random()));
  }

  /**
   * A request went through without pushback. The pause shrinks a step at a
   * time rather than at once: under sustained pressure one lucky request
   * must not send every instance back to short pauses.
   */
  accepted(): void {
    this.strikes = Math.max(0, this.strikes - 1);
    this.window = Math.min(this.maxItems, this.window + this.increase);
  }

  /** Milliseconds to wait before the next request. */
  waitMs(now: number = Date.now()): number {
    return Math.max(0, this.resumeAt - now);
  }
}

/** Knobs of {@link deliver}. */
export interface DeliveryOptions {
  readonly transport: BulkTransport;
  /** The instance's pacing (request size and pauses), shared across invocations. */
  readonly pacer: BulkPacer;
  /** Milliseconds left to keep sending. */
  readonly deadline: Deadline;
  /** Called after each request with its item count and duration, for metrics. */
  readonly onRequest?: (items: number, ms: number) => void;
}

/** What became of the items. */
export interface DeliveryResult {
  readonly indexed: number;
  /** Item sends beyond the first (an item sent three times counts twice). */
  readonly retried: number;
  readonly deadLetters: DeadLetter[];
}

const isRetryableStatus = (status: number): boolean => status === 429 || status === 408 || status >= 500;

/** The HTTP status an OpenSearch client error carries, if any. */
export function httpStatusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown; meta?: { statusCode?: unknown } } | null)?.statusCode ?? (err as { meta?: { statusCode?: unknown } } | null)?.meta?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Whether a failed request is worth sending again (network, timeout, 408, 429, 5xx), not a
 * refusal. No credentials at all (the AWS SDK's `CredentialsProviderError`, by name: the core
 * imports no SDK) is not: waiting does not make them appear, and a command line run without
 * them would otherwise retry until its deadline.
 */
export function isTransient(err: unknown): boolean {
  if ((err as { name?: unknown } | null)?.name === 'CredentialsProviderError') return false;
  const status = httpStatusOf(err);
  return status === undefined || isRetryableStatus(status) || status < 400;
}

/** ` (status)` for an error with an HTTP status, nothing otherwise. */
const statusPart = (err: unknown): string => {
  const status = httpStatusOf(err);
  return status === undefined ? '' : ` (${status})`;
};

export const describeError = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The leading items of `queue` that fit one request: at most `window` items and `maxBytes` bytes (one item always). */
function takeChunk(queue: BulkItem[], window: number, maxBytes: number): BulkItem[] {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: when that bound fits, all of the window
  // does, without counting each item's bytes (a slice's items are far under the limit).
  const end = Math.min(queue.length, window);
  let bound = 0;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: stopping the bound's sum early or late only decides sooner; the bytes counted below give the same chunk
  for (let i = 0; i < end && bound <= maxBytes; i++) bound += 3 * queue[i]!.lines.length;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: without the shortcut (or at the bound exactly) the bytes are counted, and the same chunk taken
  if (bound <= maxBytes) return queue.splice(0, end);
  let n = 0;
  let size = 0;
  while (n < queue.length && n < window) {
    // Stryker disable next-line StringLiteral: utf8 is Buffer.byteLength's default encoding
    const bytes = Buffer.byteLength(queue[n]!.lines, 'utf8');
    if (n > 0 && size + bytes > maxBytes) break;
    size += bytes;
    n++;
  }
  return queue.splice(0, n);
}

/** Delivers the items; resolves when each is indexed or dead-lettered, throws {@link DeliveryError} otherwise. */
export async function deliver(items: readonly BulkItem[], options: DeliveryOptions): Promise<DeliveryResult> {
  const { transport, pacer, deadline, onRequest } = options;
  const queue = [...items];
  // Items put back in the queue: each later send of one is a retry. Kept apart from a set of
  // every item sent, which would cost a lookup and an insert per item where nothing is retried.
  const requeued = new Set<BulkItem>();
  const putBack = (back: readonly BulkItem[]): void => {
    queue.unshift(...back);
    for (const item of back) requeued.add(item);
  };
  let indexed = 0;
  let retried = 0;
  let requests = 0;
  let lastError: unknown;
  const deadLetters: DeadLetter[] = [];

  const letter = (item: BulkItem, status: number, reason: string): DeadLetter => ({
    stage: 'index',
    status,
    reason,
    ...item.origin,
    id: item.event.id,
    timestamp: item.event.timestamp,
    message: item.event.message,
  });
  const giveUp = (): never => {
    const why = lastError !== undefined ? `OpenSearch unreachable or failing: ${describeError(lastError)}` : 'OpenSearch still throttling';
    throw new DeliveryError(`${why}; ${queue.length} of ${items.length} item(s) not indexed at the deadline after ${requests} request(s)`, queue.length, { cause: lastError });
  };

  while (queue.length > 0) {
    const wait = pacer.waitMs();
    if (wait > 0) {
      // Stryker disable next-line EqualityOperator: with exactly MIN_REQUEST_MS left after the pause, starting or giving up are both within the rule
      if (deadline() - wait < MIN_REQUEST_MS) giveUp();
      await sleep(wait);
      continue; // another bulk of the instance may have pushed the pause further
    }
    const left = deadline();
    if (left < MIN_REQUEST_MS) giveUp();
    const chunk = takeChunk(queue, pacer.window, pacer.maxBytes);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with nothing put back no item counts, looked up or not
    if (requeued.size > 0) for (const item of chunk) if (requeued.has(item)) retried++;
    requests++;
    const t0 = performance.now();
    let responses: readonly BulkItemResponse[];
    try {
      responses = await transport.bulk(chunk.map((item) => item.lines), { timeoutMs: left });
    } catch (err) {
      onRequest?.(chunk.length, performance.now() - t0);
      if (!isTransient(err)) {
        // 401/403/400 for the whole request: configuration, not load. Keep
        // the event (throw) so it can be replayed once that is fixed.
        throw new DeliveryError(`OpenSearch refused the bulk request${statusPart(err)}: ${describeError(err)}`, queue.length + chunk.length, { cause: err });
      }
      lastError = err;
      putBack(chunk);
      pacer.pushback();
      continue;
    }
    onRequest?.(chunk.length, performance.now() - t0);
    const again: BulkItem[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const item = chunk[i]!;
      const r = responses[i];
      // An item missing from the answer may or may not be applied: send it again (same id, so no duplicate).
      if (r === undefined || isRetryableStatus(r.status)) again.push(item);
      else if (r.status >= 200 && r.status < 300) indexed++;
      else deadLetters.push(letter(item, r.status, r.error ?? `HTTP ${r.status}`));
    }
    if (again.length > 0) {
      putBack(again);
      pacer.pushback();
    } else {
      pacer.accepted();
    }
  }
  return { indexed, retried, deadLetters };
}

/** Knobs of {@link retryWithinDeadline}. */
export interface RetryOptions {
  /** First pause; `undefined` takes the default. @default 200 */
  readonly minDelayMs?: number | undefined;
  /** Longest pause; `undefined` takes the default. @default 8000 */
  readonly maxDelayMs?: number | undefined;
  /** What is being done, for the error. */
  readonly what: string;
}

/**
 * Runs `attempt` (given the milliseconds it may take) until it succeeds,
 * pausing with exponential backoff and jitter after each transient failure,
 * for as long as the deadline allows. A refusal (4xx other than 408/429), or
 * no time left, ends it with {@link DeliveryError}.
 */
export async function retryWithinDeadline<T>(attempt: (timeoutMs: number) => Promise<T>, deadline: Deadline, options: RetryOptions): Promise<T> {
  let delay = options.minDelayMs ?? 200;
  const maxDelay = options.maxDelayMs ?? 8000;
  for (let n = 1; ; n++) {
    const left = deadline();
    if (left < MIN_REQUEST_MS) throw new DeliveryError(`no time left to ${options.what}`, 0);
    try {
      return await attempt(left);
    } catch (err) {
      if (!isTransient(err)) throw new DeliveryError(`could not ${options.what}${statusPart(err)}: ${describeError(err)}`, 0, { cause: err });
      const pause = delay * (0.5 + 0.5 * Math.random());
      if (deadline() - pause < MIN_REQUEST_MS) {
        throw new DeliveryError(`could not ${options.what} after ${n} attempt(s) before the deadline: ${describeError(err)}`, 0, { cause: err });
      }
      await sleep(pause);
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}

/** Settles like `promise`, or rejects with {@link DeliveryError} once `ms` have passed. */
export async function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryError(`${what} did not finish before the deadline`, 0)), Math.max(0, ms));
  });
  // Stryker disable next-line ArrowFunction: clearing the timer only frees it early; the race has settled and handles the late rejection
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
