// The `_bulk` answer reader (src/ingest/bulk-answer.ts) scans the compact all-written form
// and leaves every other answer to JSON.parse. Checked against JSON.parse on generated
// answers: the same item responses always; the scan taken for the compact form without
// errors; never an answer for text JSON.parse refuses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bulkItemsOf, readBulkAnswer, scanCompact } from '../../../src/ingest/bulk-answer.js';
import { BulkAnswerError } from '../../../src/errors.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const RUNS = propertyRuns(2_000);

const action = fc.constantFrom('index', 'create', 'update', 'delete');
const httpStatus = fc.oneof(fc.constantFrom(200, 201, 400, 409, 429, 500, 503), fc.integer({ min: 100, max: 599 }));
const error = fc.record({ type: fc.string(), reason: fc.string({ unit: 'binary' }) }, { requiredKeys: [] });
const item = fc.record({ action, status: fc.oneof(httpStatus, fc.integer({ min: 0, max: 1200 })), error: fc.option(error, { nil: undefined }) });
const answerOf = (items: readonly { action: string; status: number; error?: { type?: string; reason?: string } | undefined }[]) => ({
  items: items.map(({ action, status, error }) => ({ [action]: error === undefined ? { status } : { status, error } })),
});
/** The text: compact as OpenSearch sends it, pretty-printed, or with other keys around the items. */
const text = fc.tuple(fc.array(item, { maxLength: 30 }), fc.constantFrom('compact', 'pretty', 'took-first', 'errors-last')).map(([items, style]) => {
  const answer = answerOf(items);
  if (style === 'pretty') return JSON.stringify(answer, null, 2);
  if (style === 'took-first') return JSON.stringify({ took: 3, errors: false, ...answer });
  if (style === 'errors-last') return JSON.stringify({ ...answer, errors: true });
  return JSON.stringify(answer);
});

describe('readBulkAnswer against JSON.parse', () => {
  it('gives what JSON.parse and the mapping give, for any answer', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(readBulkAnswer(t)).toEqual(bulkItemsOf(JSON.parse(t)));
      }),
      { numRuns: RUNS },
    );
  });

  it('scans the compact form without errors itself, and its answer is JSON.parse\'s', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ action, status: httpStatus }), { maxLength: 200 }), (items) => {
        const t = JSON.stringify(answerOf(items));
        const scanned = scanCompact(t);
        expect(scanned).toBeDefined();
        expect(scanned).toEqual(bulkItemsOf(JSON.parse(t)));
      }),
      { numRuns: RUNS },
    );
  });

  it('never answers for text JSON.parse refuses (cut or altered compact answers)', () => {
    const compact = JSON.stringify(answerOf([{ action: 'index', status: 201 }, { action: 'create', status: 409 }]));
    fc.assert(
      fc.property(fc.nat(compact.length), fc.string({ maxLength: 3 }), (at, junk) => {
        const t = compact.slice(0, at) + junk + compact.slice(at + (junk.length > 0 ? 1 : 0));
        let parsed: unknown;
        try {
          parsed = JSON.parse(t);
        } catch {
          expect(scanCompact(t)).toBeUndefined();
          expect(() => readBulkAnswer(t)).toThrow(BulkAnswerError);
          return;
        }
        expect(readBulkAnswer(t)).toEqual(bulkItemsOf(parsed));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('readBulkAnswer, literal answers', () => {
  it('reads statuses and errors as OpenSearch writes them', () => {
    expect(readBulkAnswer('{"items":[{"index":{"status":201}},{"index":{"status":200}},{"create":{"status":409}}]}')).toEqual([{ status: 201 }, { status: 200 }, { status: 409 }]);
    expect(readBulkAnswer('{"items":[]}')).toEqual([]);
    expect(readBulkAnswer('{"items":[{"index":{"status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [bytes]"}}}]}')).toEqual([
      { status: 400, error: 'mapper_parsing_exception: failed to parse field [bytes]' },
    ]);
    // An answer with no items key (filter_path drops an empty array).
    expect(readBulkAnswer('{}')).toEqual([]);
  });
});
