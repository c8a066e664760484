/**
 * Reading OpenSearch's answer to a `_bulk` request, filtered to each item's
 * status and error (`filter_path=items.*.status,items.*.error.type,items.*.error.reason`).
 *
 * Nearly every answer is the compact all-written form,
 * `{"items":[{"index":{"status":201}},{"index":{"status":200}},...]}`: one
 * small object per item, which `JSON.parse` builds only to be mapped and
 * dropped (about 2.5% of the ingest function's time through the handler).
 * {@link readBulkAnswer} reads that form with a scan and leaves anything else
 * (errors, whitespace, other keys) to `JSON.parse`; a property test holds the
 * two equal on generated answers.
 */
import type { BulkItemResponse } from './deliver.js';
import { BulkAnswerError } from '../errors.js';

/** What an answer's text shows of itself in an error. */
const SHOWN_CHARS = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** An item whose entry says nothing readable: not a success, and not a reason to retry. */
const NO_STATUS: BulkItemResponse = { status: 0 };

/**
 * One response per item of a parsed `_bulk` answer, in order (an item's action name is the
 * single key of its entry). An entry that is not an object, or whose status is not a number,
 * reads as status 0, as an empty entry does. Throws {@link BulkAnswerError} when `items` is
 * there but is not a list.
 */
export function bulkItemsOf(body: unknown): readonly BulkItemResponse[] {
  const items = (body as { items?: unknown } | null)?.items ?? [];
  if (!Array.isArray(items)) throw new BulkAnswerError(`OpenSearch's _bulk answer has "items" that are not a list: ${JSON.stringify(items).slice(0, SHOWN_CHARS)}`);
  return items.map((entry: unknown) => {
    const r = isObject(entry) ? Object.values(entry)[0] : undefined;
    if (!isObject(r) || typeof r.status !== 'number') return NO_STATUS;
    const error = r.error as { type?: string; reason?: string } | undefined;
    return error ? { status: r.status, error: `${error.type ?? 'error'}: ${error.reason ?? ''}` } : { status: r.status };
  });
}

/**
 * One response object per status, shared by every item answered with it (they are never
 * changed): an all-written answer of 1,000 items then makes no object per item.
 */
const RESPONSES: BulkItemResponse[] = [];

const OPEN = '{"items":[';
const STATUS = '":{"status":';

/**
 * The item responses of a `_bulk` answer's text: the compact form without
 * errors by a scan, any other by `JSON.parse`. Throws {@link BulkAnswerError}
 * for text that is not JSON or not a `_bulk` answer.
 */
export function readBulkAnswer(text: string): readonly BulkItemResponse[] {
  const scanned = scanCompact(text);
  // Stryker disable next-line ConditionalExpression: without the scan's answer JSON.parse reads the same items (the property test holds them equal); only slower
  if (scanned) return scanned;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new BulkAnswerError(`OpenSearch's _bulk answer is not JSON (${(err as Error).message}): ${text.slice(0, SHOWN_CHARS)}`, { cause: err });
  }
  return bulkItemsOf(body);
}

/** The compact form's statuses, or `undefined` for any other text (exported for its property test). */
export function scanCompact(text: string): BulkItemResponse[] | undefined {
  if (!text.startsWith(OPEN)) return undefined;
  const out: BulkItemResponse[] = [];
  let i = OPEN.length;
  if (text.charCodeAt(i) === 93 /* ] */) return text.length === i + 2 && text.charCodeAt(i + 1) === 125 /* } */ ? out : undefined;
  for (;;) {
    // {"<action>":{"status":<digits>}}
    if (text.charCodeAt(i) !== 123 /* { */ || text.charCodeAt(i + 1) !== 34 /* " */) return undefined;
    let j = i + 2;
    // An action name is a few lowercase letters (index, create, update, delete): the
    // scan stops at any other character and leaves the answer to JSON.parse, which
    // reads any name the same. Past the end charCodeAt is NaN, which fails the test.
    while (
      text.charCodeAt(j) >= 97 &&
      // Stryker disable next-line ConditionalExpression,EqualityOperator: no action name has a character past z; a name with one is left to JSON.parse, same answer
      text.charCodeAt(j) <= 122
    )
      j++;
    if (!text.startsWith(STATUS, j)) return undefined;
    j += STATUS.length;
    const start = j;
    let status = 0;
    while (text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) status = status * 10 + (text.charCodeAt(j++) - 48);
    // An HTTP status is three digits, without a leading zero (which JSON refuses);
    // longer digit runs are left to JSON.parse, whose rounding the sum above lacks.
    if (j - start !== 3 || text.charCodeAt(start) === 48) return undefined;
    if (text.charCodeAt(j) !== 125 || text.charCodeAt(j + 1) !== 125) return undefined;
    out.push((RESPONSES[status] ??= { status }));
    i = j + 2;
    const next = text.charCodeAt(i);
    if (next === 44 /* , */) {
      i++;
      continue;
    }
    return next === 93 /* ] */ && i + 2 === text.length && text.charCodeAt(i + 1) === 125 /* } */ ? out : undefined;
  }
}
