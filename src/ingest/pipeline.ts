/**
 * One invocation of the ingest function, without the AWS parts: decode, plan,
 * deliver, dead-letter. The Lambda handler, the CLI's replay and the tests
 * all run this, with their own transport and dead-letter sink.
 */
import { planBulk, type DeadLetter } from './bulk.js';
import { decodeEvent, type DataMessage, type SubscriptionMessage } from './decode.js';
import { deadLetterKey, type DeadLetterSink } from './dead-letters.js';
import { deliver, type BulkTransport } from './deliver.js';
import { DecodeError } from '../errors.js';
import type { DailyIndexNamer } from './index-name.js';
import type { RecordParser } from '../format/parse.js';

/** What an invocation needs. */
export interface IngestDeps {
  readonly parser: RecordParser;
  readonly namer: DailyIndexNamer;
  readonly transport: BulkTransport;
  readonly deadLetters: DeadLetterSink;
  readonly deadLetterPrefix: string;
  readonly maxBytes: number;
  /** Milliseconds left for retries, read when delivery starts. */
  readonly retryWindowMs: () => number;
  /** Backoff bounds (tests shorten them). */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly onRequest?: (items: number, ms: number) => void;
}

/** What an invocation did, for logs, metrics and callers. */
export interface IngestSummary {
  readonly messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE' | 'UNDECODABLE';
  readonly recordsIn: number;
  readonly indexed: number;
  readonly retried: number;
  readonly parseErrors: number;
  readonly deadLettered: number;
  /** Where the dead letters were written, if any. */
  readonly deadLetterKey?: string;
  /** Why the payload could not be decoded. */
  readonly decodeError?: string;
}

/**
 * Ingests a Lambda event `{"awslogs":{"data":...}}`. An undecodable payload
 * is dead-lettered whole (retrying cannot mend it); a record that does not
 * parse or that OpenSearch refuses is dead-lettered alone. Throws
 * `DeliveryError` when OpenSearch cannot take the batch in time: then nothing
 * is dead-lettered, since the whole event is retried by Lambda.
 */
export async function ingestEvent(event: unknown, deps: IngestDeps): Promise<IngestSummary> {
  let msg: SubscriptionMessage;
  try {
    msg = decodeEvent(event);
  } catch (err) {
    // Stryker disable next-line ConditionalExpression: decodeEvent throws nothing but DecodeError; a guard against a bug, unreachable by input
    if (!(err instanceof DecodeError)) throw err;
    const data = (event as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
    const letter: DeadLetter = { stage: 'decode', reason: err.message, ...(typeof data === 'string' ? { data } : {}) };
    const key = await writeLetters([letter], deps);
    return { messageType: 'UNDECODABLE', recordsIn: 0, indexed: 0, retried: 0, parseErrors: 0, deadLettered: 1, deadLetterKey: key, decodeError: err.message };
  }
  if (msg.messageType === 'CONTROL_MESSAGE') {
    return { messageType: 'CONTROL_MESSAGE', recordsIn: 0, indexed: 0, retried: 0, parseErrors: 0, deadLettered: 0 };
  }
  return ingestMessage(msg, deps);
}

/** Ingests a decoded DATA_MESSAGE (also the replay path for dead letters). */
export async function ingestMessage(msg: DataMessage, deps: IngestDeps): Promise<IngestSummary> {
  const plan = planBulk(msg, deps);
  const result = await deliver(plan.items, {
    transport: deps.transport,
    maxBytes: deps.maxBytes,
    retryWindowMs: deps.retryWindowMs(),
    // Stryker disable next-line ConditionalExpression: passing undefined leaves deliver's default just as leaving the key out does
    ...(deps.minDelayMs !== undefined ? { minDelayMs: deps.minDelayMs } : {}),
    // Stryker disable next-line ConditionalExpression: as above
    ...(deps.maxDelayMs !== undefined ? { maxDelayMs: deps.maxDelayMs } : {}),
    ...(deps.onRequest ? { onRequest: deps.onRequest } : {}),
  });
  const letters = [...plan.deadLetters, ...result.deadLetters];
  const key = letters.length > 0 ? await writeLetters(letters, deps) : undefined;
  return {
    messageType: 'DATA_MESSAGE',
    recordsIn: msg.logEvents.length,
    indexed: result.indexed,
    retried: result.retried,
    parseErrors: plan.deadLetters.length,
    deadLettered: letters.length,
    ...(key ? { deadLetterKey: key } : {}),
  };
}

async function writeLetters(letters: readonly DeadLetter[], deps: IngestDeps): Promise<string> {
  const key = deadLetterKey(deps.deadLetterPrefix, letters);
  await deps.deadLetters.write(key, letters);
  return key;
}
