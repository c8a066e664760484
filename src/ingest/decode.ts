/**
 * Decoding a CloudWatch Logs subscription event: base64, then gunzip, then
 * JSON. Each stage fails with a {@link DecodeError} that names it.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
 */
import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { DecodeError } from '../errors.js';
import { EventIndex, scanDataMessage, scanDataMessageLazily, type LazyDataMessage } from './payload-scan.js';

export type { LazyDataMessage } from './payload-scan.js';
import type { ControlMessage, DataMessage, SubscriptionMessage } from './messages.js';


/**
 * Largest decompressed payload accepted: 24 MiB, from what CloudWatch Logs
 * can deliver. A batch of log events holds at most 1,048,576 bytes of
 * messages (their UTF-8 size plus 26 bytes each) and 10,000 events
 * (PutLogEvents quotas,
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html).
 * In the payload's JSON each message appears twice (`message` and the
 * filter's `extractedFields`) and escaping can make a byte six (`\u0000`):
 * at most 2 x 6 x 1 MiB = 12 MiB, plus about 400 bytes of envelope per event
 * (id, timestamp, keys), 4 MB for 10,000: about 16 MiB. The invocation itself
 * is at most 1 MB (asynchronous Invoke,
 * https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html), which gzip
 * could inflate some thousand-fold: a payload beyond the cap is not one
 * CloudWatch wrote, and is dead-lettered whole rather than inflated.
 */
export const MAX_DECOMPRESSED_BYTES = 24 * 1024 * 1024;

/** Decodes `event.awslogs.data`. Throws {@link DecodeError} naming the stage that failed. */
export function decodePayload(data: unknown, maxBytes: number = MAX_DECOMPRESSED_BYTES): SubscriptionMessage {
  const json = inflate(data, maxBytes);
  const msg = scanDataMessage(json) ?? parseMessage(json);
  return msg.messageType === 'DATA_MESSAGE' && !isUtf8(json) ? { ...msg, invalidUtf8: true } : msg;
}

/**
 * Decodes payloads like {@link decodePayload}, but a DATA_MESSAGE's log
 * events are made a slice at a time, when asked for, and the memory of one
 * payload (its inflated bytes, its event index) is reused for the next.
 * For a caller that finishes with each slice before taking the next and with
 * each payload before decoding another, so that neither a payload's events
 * nor its bytes outlive their use: a result is valid until the next decode.
 */
export class LazyPayloadDecoder {
  readonly #index = new EventIndex();
  #bytes = Buffer.allocUnsafeSlow(1 << 20);

  constructor(readonly maxBytes: number = MAX_DECOMPRESSED_BYTES) {}

  /** Decodes a whole Lambda event `{"awslogs":{"data":"..."}}`. */
  decodeEvent(event: unknown): LazyDataMessage | ControlMessage {
    return this.decodePayload(awslogsData(event));
  }

  /** Decodes `event.awslogs.data`. Throws {@link DecodeError} naming the stage that failed. */
  decodePayload(data: unknown): LazyDataMessage | ControlMessage {
    const inflated = inflate(data, this.maxBytes);
    // Copied into the buffer kept for it, the inflated payload dies at once
    // rather than living, and being promoted, while its events are worked.
    // It grows by a quarter at least, not by doubling: a payload a little larger than the last
    // would otherwise make it twice the size any payload needs (13 MB for 6.5 MB payloads).
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: how the reused buffer grows; any buffer at least the payload's size holds the same bytes
    if (inflated.length > this.#bytes.length) this.#bytes = Buffer.allocUnsafeSlow(Math.max(inflated.length, this.#bytes.length + (this.#bytes.length >> 2)));
    inflated.copy(this.#bytes);
    const json = this.#bytes.subarray(0, inflated.length);
    // One native pass: whether any byte sequence was not UTF-8 (and so was decoded as U+FFFD).
    const invalid = isUtf8(json) ? {} : { invalidUtf8: true };
    const fast = scanDataMessageLazily(json, this.#index);
    // Stryker disable next-line ConditionalExpression: without the fast path JSON.parse gives the same message, only slower
    if (fast) return { ...fast, ...invalid };
    const msg = parseMessage(json);
    if (msg.messageType === 'CONTROL_MESSAGE') return msg;
    const { owner, logGroup, logStream, subscriptionFilters, logEvents } = msg;
    return { messageType: 'DATA_MESSAGE', owner, logGroup, logStream, subscriptionFilters, eventCount: logEvents.length, events: (from, to) => logEvents.slice(from, to), ...invalid };
  }
}

/** base64, then gunzip with the size guard. */
function inflate(data: unknown, maxBytes: number): Buffer {
  if (typeof data !== 'string' || data.length === 0) {
    throw new DecodeError('event', 'awslogs.data is missing or not a string');
  }
  // Buffer.from(…, 'base64') silently skips characters outside the alphabet.
  // Comparing the decoded length with the length the text implies catches
  // them in O(1), so a corrupt payload is named as such, not as a gzip error.
  const zipped = Buffer.from(data, 'base64');
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  // Stryker disable next-line ConditionalExpression: a length not a multiple of 4 implies a fractional decoded length, which the second check refuses as well
  if (data.length % 4 !== 0 || zipped.length !== (data.length / 4) * 3 - padding) {
    throw new DecodeError('base64', `awslogs.data is not valid base64 (${data.length} characters)`);
  }
  try {
    return gunzipSync(zipped, { maxOutputLength: maxBytes, chunkSize: outputChunkSize(zipped, maxBytes) });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || code === 'ERR_OUT_OF_RANGE') {
      throw new DecodeError('size', `payload inflates beyond ${maxBytes} bytes`, { cause: err });
    }
    throw new DecodeError('gzip', `awslogs.data is not gzip data: ${(err as Error).message}`, { cause: err });
  }
}

/** Chunks of 256 KiB take a 5 MB payload in 20 steps instead of 320, some 20% faster than zlib's 16 KiB. */
const MIN_CHUNK_BYTES = 256 * 1024;

/**
 * The output chunk for inflating `zipped`: one chunk for the whole payload
 * when its gzip trailer tells the size (ISIZE, the input size modulo 2^32,
 * RFC 1952 section 2.3.1), so the output is not built in pieces and then
 * copied once more into one buffer. The trailer is only a hint: a wrong one
 * costs speed, never correctness, as zlib grows the output by chunks all the
 * same, up to `maxBytes`. One byte more than the size, so that the output
 * does not fill the chunk and make zlib allocate another for nothing.
 */
// Stryker disable next-line BlockStatement: without a size zlib takes its default chunk, and inflates the same bytes
function outputChunkSize(zipped: Buffer, maxBytes: number): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a payload too short for a trailer fails in gunzip whatever the chunk size
  if (zipped.length < 18) return MIN_CHUNK_BYTES;
  const size = zipped.readUInt32LE(zipped.length - 4);
  // Stryker disable next-line ArithmeticOperator,MethodExpression: the chunk size changes how the output is built, not what it holds
  return Math.min(Math.max(size + 1, MIN_CHUNK_BYTES), maxBytes + 1);
}

/** The slow path, for what the scanner does not take: JSON.parse, then a shape check. */
function parseMessage(json: Buffer): SubscriptionMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (err) {
    throw new DecodeError('json', `payload is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return checkMessage(parsed);
}

function awslogsData(event: unknown): unknown {
  const awslogs = (event as { awslogs?: { data?: unknown } } | null)?.awslogs;
  if (!awslogs) throw new DecodeError('event', 'not a CloudWatch Logs subscription event (no awslogs key)');
  return awslogs.data;
}

/** Decodes a whole Lambda event `{"awslogs":{"data":"..."}}`. */
export function decodeEvent(event: unknown, maxBytes?: number): SubscriptionMessage {
  return decodePayload(awslogsData(event), maxBytes);
}

function checkMessage(value: unknown): SubscriptionMessage {
  if (typeof value !== 'object' || value === null) throw new DecodeError('payload', 'payload is not a JSON object');
  const msg = value as Record<string, unknown>;
  if (msg.messageType === 'CONTROL_MESSAGE') return { messageType: 'CONTROL_MESSAGE' };
  if (msg.messageType !== 'DATA_MESSAGE') {
    throw new DecodeError('payload', `unknown messageType ${JSON.stringify(msg.messageType) ?? 'undefined'}`, { timeMs: firstEventTime(msg.logEvents) });
  }
  for (const key of ['owner', 'logGroup', 'logStream'] as const) {
    if (typeof msg[key] !== 'string') throw new DecodeError('payload', `${key} is missing or not a string`, { timeMs: firstEventTime(msg.logEvents) });
  }
  // Stryker disable next-line ObjectLiteral: logEvents is not an array here, so it has no first event time to keep
  if (!Array.isArray(msg.logEvents)) throw new DecodeError('payload', 'logEvents is missing or not an array', { timeMs: firstEventTime(msg.logEvents) });
  // Per-event shape problems are left to the parser, which reports them per record.
  return value as DataMessage;
}

/** The first event's time of a payload that does not decode, if it has one, to file its dead letter under. */
function firstEventTime(events: unknown): number | undefined {
  const t = Array.isArray(events) ? (events[0] as { timestamp?: unknown } | undefined)?.timestamp : undefined;
  // Stryker disable next-line ConditionalExpression: Number.isFinite is false for every non-number; the typeof check only narrows the type
  return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
}
