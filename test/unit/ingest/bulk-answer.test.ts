// The `_bulk` answer reader (src/ingest/bulk-answer.ts) on answers OpenSearch sends, written
// out by hand, and on answers cut or garbled on the way (every single-character edit of two
// compact answers, against JSON.parse). The generated cases are in bulk-answer.property.test.ts.
import { describe, expect, it } from 'vitest';
import { bulkItemsOf, readBulkAnswer } from '../../../src/ingest/bulk-answer.js';
import { BulkAnswerError } from '../../../src/errors.js';

describe('readBulkAnswer, answers OpenSearch sends', () => {
  it('reads the filter_path compact form: created (201), overwritten by a redelivery (200)', () => {
    expect(readBulkAnswer('{"items":[{"index":{"status":201}},{"index":{"status":201}},{"index":{"status":200}}]}')).toEqual([{ status: 201 }, { status: 201 }, { status: 200 }]);
  });

  it('reads the compact form with refusals: conflict (409), busy (429), failed (500)', () => {
    const answer =
      '{"items":[{"index":{"status":201}},' +
      '{"create":{"status":409,"error":{"type":"version_conflict_engine_exception","reason":"[kq3J9m2XbYh8QvZ1]: version conflict, document already exists (current version [1])"}}},' +
      '{"index":{"status":429,"error":{"type":"rejected_execution_exception","reason":"rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1048576, max_coordinating_and_primary_bytes=53687091]"}}},' +
      '{"index":{"status":500,"error":{"type":"illegal_state_exception","reason":"shard is not in primary mode"}}}]}';

    expect(readBulkAnswer(answer)).toEqual([
      { status: 201 },
      { status: 409, error: 'version_conflict_engine_exception: [kq3J9m2XbYh8QvZ1]: version conflict, document already exists (current version [1])' },
      {
        status: 429,
        error:
          'rejected_execution_exception: rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1048576, max_coordinating_and_primary_bytes=53687091]',
      },
      { status: 500, error: 'illegal_state_exception: shard is not in primary mode' },
    ]);
  });

  it('reads the unfiltered answer: took, errors:true, _index, _id, result, _shards and a nested caused_by', () => {
    const answer = JSON.stringify({
      took: 30,
      errors: true,
      items: [
        {
          index: {
            _index: 'vpcflowlogs-2026.12.01',
            _id: 'kq3J9m2XbYh8QvZ1',
            _version: 1,
            result: 'created',
            _shards: { total: 2, successful: 1, failed: 0 },
            _seq_no: 0,
            _primary_term: 1,
            status: 201,
          },
        },
        {
          index: {
            _index: 'vpcflowlogs-2026.12.01',
            _id: 'Qh7rT0aB2cD4eF6g',
            status: 400,
            error: {
              type: 'mapper_parsing_exception',
              reason: "failed to parse field [bytes] of type [long] in document with id 'Qh7rT0aB2cD4eF6g'. Preview of field's value: 'x'",
              caused_by: { type: 'illegal_argument_exception', reason: 'For input string: "x"' },
            },
          },
        },
      ],
    });

    expect(readBulkAnswer(answer)).toEqual([
      { status: 201 },
      { status: 400, error: "mapper_parsing_exception: failed to parse field [bytes] of type [long] in document with id 'Qh7rT0aB2cD4eF6g'. Preview of field's value: 'x'" },
    ]);
  });

  it('reads an error without a type or without a reason', () => {
    expect(readBulkAnswer('{"items":[{"index":{"status":400,"error":{"reason":"no type given"}}},{"index":{"status":503,"error":{"type":"unavailable_shards_exception"}}}]}')).toEqual([
      { status: 400, error: 'error: no type given' },
      { status: 503, error: 'unavailable_shards_exception: ' },
    ]);
  });

  it('reads no items from an answer without them, or from null', () => {
    expect(readBulkAnswer('{"items":[]}')).toEqual([]);
    expect(readBulkAnswer('{"took":0,"errors":false}')).toEqual([]);
    expect(readBulkAnswer('null')).toEqual([]);
  });

  it('reads an item entry with nothing in it as status 0, not as a success', () => {
    expect(readBulkAnswer('{"items":[{},{"index":{"status":201}}]}')).toEqual([{ status: 0 }, { status: 201 }]);
  });

  it('reads an entry that is not an object, or whose status is not a number, as status 0 too, and throws no TypeError', () => {
    expect(readBulkAnswer('{"items":[null,1,"index",[],{"index":null},{"index":{"status":"201"}},{"index":{}},{"index":{"status":201}}]}')).toEqual([
      { status: 0 },
      { status: 0 },
      { status: 0 },
      { status: 0 },
      { status: 0 },
      { status: 0 },
      { status: 0 },
      { status: 201 },
    ]);
  });

  it('refuses "items" that are not a list with a BulkAnswerError that shows them', () => {
    for (const [answer, shown] of [
      ['{"items":{}}', '{}'],
      ['{"items":"none"}', '"none"'],
      ['{"items":201}', '201'],
      [`{"items":"${'y'.repeat(300)}"}`, `"${'y'.repeat(199)}`],
    ] as const) {
      expect(() => readBulkAnswer(answer), answer).toThrow(new BulkAnswerError(`OpenSearch's _bulk answer has "items" that are not a list: ${shown}`));
    }
  });

  it('refuses text that is not JSON with a BulkAnswerError that carries the parser\'s error and shows the first 200 characters', () => {
    const page = `<html><body>${'x'.repeat(300)}</body></html>`;
    let thrown: unknown;
    try {
      readBulkAnswer(page);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BulkAnswerError);
    expect((thrown as Error).cause).toBeInstanceOf(SyntaxError);
    expect((thrown as Error).message).toMatch(/^OpenSearch's _bulk answer is not JSON \(.+\): <html><body>x+$/);
    expect((thrown as Error).message.endsWith(`: ${page.slice(0, 200)}`)).toBe(true);
  });

  it('reads a status no HTTP answer has as JSON reads it, long digit runs included', () => {
    expect(readBulkAnswer('{"items":[{"index":{"status":20}},{"index":{"status":2010}},{"index":{"status":81224834762840844}}]}')).toEqual([
      { status: 20 },
      { status: 2010 },
      { status: 81224834762840850 },
    ]);
  });
});

describe('readBulkAnswer, answers cut or garbled on the way', () => {
  it('refuses an answer cut short, rather than reading fewer items', () => {
    for (const cut of ['', '{"items":[', '{"items":[]', '{"items":[{"index":{"status":201}}', '{"items":[{"index":{"status":201}},{"index":{"status":2', '{"items":[{"index":{"status":201}}]']) {
      expect(() => readBulkAnswer(cut), cut).toThrow(BulkAnswerError);
    }
  });

  it('refuses a garbled answer: a leading zero, a missing brace, text after the end', () => {
    for (const bad of [
      '{"items":[{"index":{"status":020}}]}',
      '{"items":[{"index":{"status":201} ,{"index":{"status":201}}]}',
      '{"items":[{"index":{"status":201}}]]}',
      '{"items":[]]',
      '{"items":[]}}',
      '{"items":[]},',
    ]) {
      expect(() => readBulkAnswer(bad), bad).toThrow(BulkAnswerError);
    }
  });

  it('reads every single-character deletion, replacement and insertion of a compact answer as JSON.parse does', () => {
    const junk = [' ', ',', ']', '}', '{', '"', ':', '0', '1', '9', 'x'];
    const differing: { t: string; read: unknown; expected: unknown }[] = [];
    for (const answer of ['{"items":[]}', '{"items":[{"index":{"status":201}},{"create":{"status":409}}]}']) {
      const edits = new Set<string>();
      for (let at = 0; at <= answer.length; at++) {
        if (at < answer.length) edits.add(answer.slice(0, at) + answer.slice(at + 1));
        for (const c of junk) {
          if (at < answer.length) edits.add(answer.slice(0, at) + c + answer.slice(at + 1));
          edits.add(answer.slice(0, at) + c + answer.slice(at));
        }
      }
      for (const t of edits) {
        let expected: unknown;
        try {
          expected = bulkItemsOf(JSON.parse(t));
        } catch (err) {
          // What JSON.parse refuses is refused as a BulkAnswerError.
          expected = err instanceof SyntaxError ? 'BulkAnswerError' : (err as Error).name;
        }
        let read: unknown;
        try {
          read = readBulkAnswer(t);
        } catch (err) {
          read = (err as Error).name;
        }
        // One comparison per text, collected: thousands of expect() calls cost more than the reading.
        if (JSON.stringify(read) !== JSON.stringify(expected)) differing.push({ t, read, expected });
      }
    }
    expect(differing).toEqual([]);
  });
});
