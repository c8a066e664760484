/**
 * Planning the `_bulk` writes of one subscription payload: one item per
 * record that parses, one dead letter per record that does not. Pure: the
 * I/O lives behind the transport in src/ingest/deliver.ts.
 */
import type { DataMessage, LogEvent } from './messages.js';
import { CURRENT_DOC_ID_SCHEME, StreamIds, type DocIdScheme } from './doc-id.js';
import { DailyIndexNamer } from './index-name.js';
import { jsonString, type BulkHead, type RecordParser } from '../format/parse.js';

/** Where a record was given up on. */
export type DeadLetterStage = 'decode' | 'parse' | 'index';

/**
 * A record (or a whole payload) that can never be indexed, with the reason.
 * Enough is kept to replay it: the log group and stream, the event id (which
 * fixes the document id) and the original message.
 */
export interface DeadLetter {
  readonly stage: DeadLetterStage;
  readonly reason: string;
  /** HTTP status OpenSearch answered for the item (stage `index`). */
  readonly status?: number;
  readonly owner?: string;
  readonly logGroup?: string;
  readonly logStream?: string;
  readonly id?: string;
  readonly timestamp?: number;
  readonly message?: string;
  /** The raw `awslogs.data` of a payload that could not be decoded (stage `decode`). */
  readonly data?: string;
}

/** The log group and stream a payload came from; shared by its items. */
export interface Origin {
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
}

/** One document to write: its `_bulk` lines, and where it came from. */
export interface BulkItem {
  readonly id: string;
  readonly index: string;
  /** The action line `{"index":{"_index":...,"_id":...}}` and the document's JSON, each followed by a newline. */
  readonly lines: string;
  readonly event: LogEvent;
  readonly origin: Origin;
}

/** The writes and the dead letters of one payload. */
export interface BulkPlan {
  readonly items: BulkItem[];
  readonly deadLetters: DeadLetter[];
  /**
   * Indices whose id scheme `idScheme` did not know: their items carry
   * current-scheme ids, which may be wrong. Learn their schemes and plan again.
   */
  readonly unknownSchemes: ReadonlySet<string>;
}

/** Options of {@link planBulk}. */
export interface PlanOptions {
  readonly parser: RecordParser;
  readonly namer: DailyIndexNamer;
  /**
   * The id scheme of a daily index, `undefined` when not known yet
   * (src/ingest/index-id-schemes.ts).
   * @default - every index takes the current scheme (for callers that write no index, such as `flowlogs transform`)
   */
  readonly idScheme?: (index: string) => DocIdScheme | undefined;
}

const currentScheme = (): DocIdScheme => CURRENT_DOC_ID_SCHEME;

/**
 * The action line of the record being planned; one per payload, refilled per
 * record. The id is made once the index is known, as the index fixes the scheme.
 */
class IndexAction implements BulkHead {
  // Stryker disable next-line StringLiteral: planBulk sets eventId before every use
  eventId = '';
  // Stryker disable next-line StringLiteral: line() sets id before it is read
  id = '';
  timestampMs = 0;
  // Stryker disable next-line StringLiteral: line() sets index before it is read
  index = '';
  readonly unknown = new Set<string>();
  constructor(
    readonly namer: DailyIndexNamer,
    readonly ids: StreamIds,
    readonly schemeOf: (index: string) => DocIdScheme | undefined,
  ) {}

  line(startSec: number | null): string {
    this.index = this.namer.forSeconds(startSec ?? Math.floor(this.timestampMs / 1000));
    let scheme = this.schemeOf(this.index);
    if (scheme === undefined) {
      this.unknown.add(this.index);
      scheme = CURRENT_DOC_ID_SCHEME;
    }
    this.id = this.ids.id(scheme, this.eventId);
    return '{"index":{"_index":"' + this.index + '","_id":' + jsonString(this.id) + '}}\n';
  }
}

/** Characters U+FFFD in `s`. */
function replacements(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\uFFFD'); i >= 0; i = s.indexOf('\uFFFD', i + 1)) n++;
  return n;
}

/**
 * Plans the writes of a DATA_MESSAGE. One bad record never sinks the others:
 * whatever an event holds, it becomes an item or a dead letter. When the
 * payload had bytes that were not UTF-8 (`msg.invalidUtf8`), each document
 * counts the U+FFFD characters the decoder put in their place.
 */
export function planBulk(msg: DataMessage, { parser, namer, idScheme = currentScheme }: PlanOptions): BulkPlan {
  const items: BulkItem[] = [];
  const deadLetters: DeadLetter[] = [];
  const origin: Origin = { owner: msg.owner, logGroup: msg.logGroup, logStream: msg.logStream };
  // Only what a letter can carry and a replay can use: a malformed event's
  // fields are kept when they have the right type.
  const letter = (event: LogEvent | null | undefined, reason: string): DeadLetter => ({
    stage: 'parse',
    reason,
    ...origin,
    ...(typeof event?.id === 'string' ? { id: event.id } : {}),
    ...(typeof event?.timestamp === 'number' && Number.isFinite(event.timestamp) ? { timestamp: event.timestamp } : {}),
    ...(typeof event?.message === 'string' ? { message: event.message } : {}),
  });
  const action = new IndexAction(namer, new StreamIds(msg.logGroup, msg.logStream), idScheme);
  for (const event of msg.logEvents as readonly (LogEvent | null | undefined)[]) {
    if (typeof event?.message !== 'string' || typeof event.id !== 'string' || event.id === '') {
      deadLetters.push(letter(event, 'log event lacks a string id or message'));
      continue;
    }
    // Stryker disable next-line ConditionalExpression: a time that is not a number fails the parser's plausibility check either way; only the reason's quoting of it differs
    const time = typeof event.timestamp === 'number' ? event.timestamp : undefined;
    action.eventId = event.id;
    action.timestampMs = time ?? Number.NaN;
    const r = parser.toBulkLines(event.message, time, action, msg.invalidUtf8 ? replacements(event.message) : 0);
    if (!r.ok) {
      deadLetters.push(letter(event, r.reason));
      continue;
    }
    items.push({ id: action.id, index: action.index, lines: r.value, event, origin });
  }
  return { items, deadLetters, unknownSchemes: action.unknown };
}
