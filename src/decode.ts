/**
 * Decoding a CloudWatch Logs subscription event: base64, then gunzip, then
 * JSON. Each stage fails with a {@link DecodeError} that names it.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
 */
import { gunzipSync } from 'node:zlib';
import { DecodeError } from './errors.js';
import { scanDataMessage } from './payload-scan.js';

/** One log event of a subscription payload. */
export interface LogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** The decoded `awslogs.data` of a DATA_MESSAGE. */
export interface DataMessage {
  readonly messageType: 'DATA_MESSAGE';
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: readonly string[];
  readonly logEvents: readonly LogEvent[];
}

/** CloudWatch's check that the destination is reachable; nothing to index. */
export interface ControlMessage {
  readonly messageType: 'CONTROL_MESSAGE';
}

export type SubscriptionMessage = DataMessage | ControlMessage;

/**
 * Largest decompressed payload accepted. CloudWatch Logs sends at most ~1 MB
 * of log events per invocation; 64 MiB leaves ample room while a gzip bomb
 * (1 KB that inflates to gigabytes) is stopped before it exhausts memory.
 */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** Decodes `event.awslogs.data`. Throws {@link DecodeError} naming the stage that failed. */
export function decodePayload(data: unknown, maxBytes: number = MAX_DECOMPRESSED_BYTES): SubscriptionMessage {
  if (typeof data !== 'string' || data.length === 0) {
    throw new DecodeError('event', 'awslogs.data is missing or not a string');
  }
  // Buffer.from(…, 'base64') silently skips characters outside the alphabet.
  // Comparing the decoded length with the length the text implies catches
  // them in O(1), so a corrupt payload is named as such, not as a gzip error.
  const zipped = Buffer.from(data, 'base64');
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  if (data.length % 4 !== 0 || zipped.length !== (data.length / 4) * 3 - padding) {
    throw new DecodeError('base64', `awslogs.data is not valid base64 (${data.length} characters)`);
  }
  let json: Buffer;
  try {
    json = gunzipSync(zipped, { maxOutputLength: maxBytes });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || code === 'ERR_OUT_OF_RANGE') {
      throw new DecodeError('size', `payload inflates beyond ${maxBytes} bytes`, { cause: err });
    }
    throw new DecodeError('gzip', `awslogs.data is not gzip data: ${(err as Error).message}`, { cause: err });
  }
  const fast = scanDataMessage(json);
  if (fast) return fast;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (err) {
    throw new DecodeError('json', `payload is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return checkMessage(parsed);
}

/** Decodes a whole Lambda event `{"awslogs":{"data":"..."}}`. */
export function decodeEvent(event: unknown, maxBytes?: number): SubscriptionMessage {
  const awslogs = (event as { awslogs?: { data?: unknown } } | null)?.awslogs;
  if (!awslogs) throw new DecodeError('event', 'not a CloudWatch Logs subscription event (no awslogs key)');
  return decodePayload(awslogs.data, maxBytes);
}

function checkMessage(value: unknown): SubscriptionMessage {
  if (typeof value !== 'object' || value === null) throw new DecodeError('payload', 'payload is not a JSON object');
  const msg = value as Record<string, unknown>;
  if (msg.messageType === 'CONTROL_MESSAGE') return { messageType: 'CONTROL_MESSAGE' };
  if (msg.messageType !== 'DATA_MESSAGE') {
    throw new DecodeError('payload', `unknown messageType ${JSON.stringify(msg.messageType)}`);
  }
  for (const key of ['owner', 'logGroup', 'logStream'] as const) {
    if (typeof msg[key] !== 'string') throw new DecodeError('payload', `${key} is missing or not a string`);
  }
  if (!Array.isArray(msg.logEvents)) throw new DecodeError('payload', 'logEvents is missing or not an array');
  // Per-event shape problems are left to the parser, which reports them per record.
  return value as DataMessage;
}
