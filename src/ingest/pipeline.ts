/**
 * One invocation of the ingest function, without the AWS parts: decode, then
 * a slice of events at a time plan, deliver and dead-letter. The Lambda
 * handler, the CLI's replay and the tests all run this, with their own
 * transport and dead-letter sink.
 *
 * Memory is proportional to a slice, not to the payload: the payload's bytes
 * are held once (by the instance's {@link LazyPayloadDecoder}, reused), and a
 * slice's events, documents and dead letters die once it is delivered, while
 * the slice after it is being planned: at most two slices are alive.
 */
import { planBulk, type BulkPlan, type DeadLetter } from './bulk.js';
import type { LazyPayloadDecoder, LazyDataMessage } from './decode.js';
import type { ControlMessage } from './messages.js';
import { deadLetterKey, type DeadLetterSink } from './dead-letters.js';
import { deliver, describeError, type BulkPacer, type BulkTransport, type Deadline } from './deliver.js';
import { DecodeError, DeliveryError } from '../errors.js';
import type { DailyIndexNamer } from './index-name.js';
import type { IndexIdSchemes } from './index-id-schemes.js';
import type { RecordParser } from '../format/parse.js';

/** Events planned and delivered at a time. */
export const SLICE_EVENTS = 1000;

/** Dead letters written at once (one object each). */
const LETTER_WRITES_IN_FLIGHT = 16;

/** What an invocation needs. */
export interface IngestDeps {
  readonly parser: RecordParser;
  readonly namer: DailyIndexNamer;
  /** The id scheme of each daily index, learnt once per index by the instance (src/ingest/index-id-schemes.ts). */
  readonly idSchemes: IndexIdSchemes;
  /** The instance's decoder (its buffers are reused from one event to the next). */
  readonly decoder: LazyPayloadDecoder;
  readonly transport: BulkTransport;
  /** The instance's pacing of bulk requests. */
  readonly pacer: BulkPacer;
  /** Milliseconds left for bulk requests. */
  readonly deadline: Deadline;
  /** Milliseconds left for writing dead letters. @default - {@link deadline} */
  readonly deadLetterDeadline?: Deadline;
  readonly deadLetters: DeadLetterSink;
  readonly deadLetterPrefix: string;
  /** Events per slice. @default SLICE_EVENTS */
  readonly sliceEvents?: number;
  readonly onRequest?: (items: number, ms: number) => void;
  /**
   * The event is the invocation's alone (as the Lambda runtime hands it over:
   * a fresh object per invocation, never read again): once decoded, its
   * `awslogs.data` text is dropped from it. Otherwise that text, up to 1 MB,
   * would live through the whole invocation, be promoted by the first
   * scavenge, and stay in the old generation until a full collection: about
   * 1 MB of peak memory per invocation a warm instance has taken. A payload
   * that does not decode keeps it (its dead letter carries it).
   * @default false - callers that reuse events (tests, replay) keep them whole
   */
  readonly releasePayload?: boolean;
}

/** What an invocation did, for logs, metrics and callers. */
export interface IngestSummary {
  readonly messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE' | 'UNDECODABLE';
  readonly recordsIn: number;
  readonly indexed: number;
  readonly retried: number;
  readonly parseErrors: number;
  readonly deadLettered: number;
  /** Records whose bytes were not all UTF-8 (indexed with `utf8_replacements`). */
  readonly invalidUtf8Records: number;
  /** Where the first dead letter was written, if any (each letter has its own key). */
  readonly deadLetterKey?: string;
  /** Why the payload could not be decoded. */
  readonly decodeError?: string;
}

const EMPTY = { recordsIn: 0, indexed: 0, retried: 0, parseErrors: 0, deadLettered: 0, invalidUtf8Records: 0 } as const;

/**
 * Ingests a Lambda event `{"awslogs":{"data":...}}`. An undecodable payload
 * is dead-lettered whole (retrying cannot mend it); a record that does not
 * parse or that OpenSearch refuses is dead-lettered alone. Throws only
 * `DeliveryError`, when OpenSearch cannot take the records in time or a
 * dead letter cannot be stored: the whole event is then retried by Lambda,
 * and what was already done is overwritten, not duplicated.
 */
export async function ingestEvent(event: unknown, deps: IngestDeps): Promise<IngestSummary> {
  let msg: LazyDataMessage | ControlMessage;
  try {
    msg = deps.decoder.decodeEvent(event);
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    const data = (event as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
    const letter: DeadLetter = {
      stage: 'decode',
      reason: err.message,
      // Stryker disable next-line ConditionalExpression: an undefined timestamp is dropped when the letter is serialized and files it as undated all the same
      ...(err.timeMs !== undefined ? { timestamp: err.timeMs } : {}),
      ...(typeof data === 'string' ? { data } : {}),
    };
    const key = await writeLetters([letter], deps);
    return { messageType: 'UNDECODABLE', ...EMPTY, deadLettered: 1, ...(key ? { deadLetterKey: key } : {}), decodeError: err.message };
  }
  if (deps.releasePayload) delete (event as { awslogs: { data?: unknown } }).awslogs.data;
  if (msg.messageType === 'CONTROL_MESSAGE') return { messageType: 'CONTROL_MESSAGE', ...EMPTY };
  return ingestMessage(msg, deps);
}

/**
 * Ingests a decoded DATA_MESSAGE a slice at a time. While one slice's
 * request is in flight the next slice is planned, so the function's own work
 * overlaps OpenSearch's instead of waiting for it; slices are still
 * delivered one after the other, in order, and at most two are alive.
 */
export async function ingestMessage(msg: LazyDataMessage, deps: IngestDeps): Promise<IngestSummary> {
  const slice = deps.sliceEvents ?? SLICE_EVENTS;
  const options = { parser: deps.parser, namer: deps.namer, idScheme: (index: string) => deps.idSchemes.schemeOf(index) };
  let indexed = 0;
  let retried = 0;
  let parseErrors = 0;
  let deadLettered = 0;
  let invalidUtf8Records = 0;
  let firstKey: string | undefined;

  const plan = async (from: number): Promise<BulkPlan> => {
    const logEvents = msg.events(from, Math.min(msg.eventCount, from + slice));
    const part = { ...msg, logEvents };
    let planned = planBulk(part, options);
    if (planned.unknownSchemes.size > 0) {
      // A day not seen before by this instance: learn its scheme, then make
      // the ids again (once per index per instance, so the second plan is rare).
      await deps.idSchemes.learn(planned.unknownSchemes, deps.deadline);
      planned = planBulk(part, options);
    }
    if (msg.invalidUtf8) invalidUtf8Records += planned.items.reduce((n, item) => n + (item.event.message.includes('\uFFFD') ? 1 : 0), 0);
    return planned;
  };
  const deliverPlan = async (planned: BulkPlan): Promise<void> => {
    const result = await deliver(planned.items, { transport: deps.transport, pacer: deps.pacer, deadline: deps.deadline, ...(deps.onRequest ? { onRequest: deps.onRequest } : {}) });
    indexed += result.indexed;
    retried += result.retried;
    parseErrors += planned.deadLetters.length;
    const letters = [...planned.deadLetters, ...result.deadLetters];
    // Stryker disable next-line ConditionalExpression,EqualityOperator: writing no letters stores nothing and names no key
    if (letters.length > 0) {
      const key = await writeLetters(letters, deps);
      firstKey ??= key;
      deadLettered += letters.length;
    }
  };

  let inFlight: Promise<void> | undefined;
  // Stryker disable next-line EqualityOperator: one more, empty, slice plans and sends nothing
  for (let from = 0; from < msg.eventCount; from += slice) {
    const planned = await plan(from);
    await inFlight;
    inFlight = deliverPlan(planned);
    // Its failure is awaited (and thrown) at the next turn or after the loop; until then it is
    // marked handled, so that a rejection while the next slice is planned does not end the process.
    inFlight.catch(() => undefined);
    // Let the request go out before the next slice is planned (planning does not yield).
    await new Promise((resolve) => setImmediate(resolve));
  }
  await inFlight;
  return {
    messageType: 'DATA_MESSAGE',
    recordsIn: msg.eventCount,
    indexed,
    retried,
    parseErrors,
    deadLettered,
    invalidUtf8Records,
    ...(firstKey ? { deadLetterKey: firstKey } : {}),
  };
}

/** Writes each letter under its own key, a few at a time; a failure to store one is a DeliveryError. */
async function writeLetters(letters: readonly DeadLetter[], deps: IngestDeps): Promise<string | undefined> {
  const left = deps.deadLetterDeadline ?? deps.deadline;
  const keys = letters.map((l) => deadLetterKey(deps.deadLetterPrefix, l));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < letters.length) {
      const i = next++;
      try {
        await deps.deadLetters.write(keys[i]!, [letters[i]!], { timeoutMs: Math.max(1, left()) });
      } catch (err) {
        throw new DeliveryError(`could not store a dead letter under ${keys[i]}: ${describeError(err)}`, letters.length, { cause: err });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LETTER_WRITES_IN_FLIGHT, letters.length) }, worker));
  return keys[0];
}
