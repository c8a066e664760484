import { describe, expect, it } from 'vitest';
import { CURRENT_DOC_ID_SCHEME, LEGACY_DOC_ID_SCHEME, StreamIds, documentId, schemeOfMeta, streamKey } from '../../../src/ingest/doc-id.js';

// A 56-digit event id as CloudWatch Logs writes them (the subscription example of its docs).
const EVENT = '31953106606966983378809025079804211143289615424298221568';
const NEXT = '31953106606966983378809025079804211143289615424298221569';

// Expected ids computed outside this code, with the shell:
//   printf '/vpc/flow-logs\0eni-1-all\0%s' <event id> | sha256sum | cut -c1-24 | xxd -r -p | base64 | tr '+/' '-_'
// (the first 12 bytes of SHA-256, in base64url), and for scheme 1 with
//   node -e 'crypto.createHash("sha256").update("/vpc/flow-logs\0eni-1-all").digest("base64url").slice(0,12)' + the event id.
describe('StreamIds', () => {
  it('gives scheme 2 the first 96 bits of SHA-256 over group, stream and event id, as 16 base64url characters', () => {
    const ids = new StreamIds('/vpc/flow-logs', 'eni-1-all');

    expect(ids.id(2, EVENT)).toBe('EiLi2hg1NV8yC2NO');
    expect(ids.id(2, NEXT)).toBe('BNNgXLsCq9iEjUW_');
    expect(new StreamIds('/vpc/flow-logs', 'eni-2-all').id(2, EVENT)).toBe('A0NQjDF61e-13Kok');
    // Group and stream names that run together alike still differ (the NUL between them).
    expect(new StreamIds('/vpc/flow-logse', 'ni-1-all').id(2, EVENT)).toBe('2eI_PNaXT7hykJ5x');
  });

  it('gives the same id however many ids of the stream were made before', () => {
    const ids = new StreamIds('/vpc/flow-logs', 'eni-1-all');

    const first = [ids.id(2, EVENT), ids.id(2, NEXT), ids.id(2, EVENT)];

    expect(first).toEqual(['EiLi2hg1NV8yC2NO', 'BNNgXLsCq9iEjUW_', 'EiLi2hg1NV8yC2NO']);
  });

  it('gives scheme 1 the 12-character stream key followed by the event id, as every release before wrote', () => {
    const ids = new StreamIds('/vpc/flow-logs', 'eni-1-all');

    expect(ids.id(1, EVENT)).toBe(`VHQPRWp4X5d-${EVENT}`);
    expect(new StreamIds('/vpc/flow-logs', 'eni-2-all').id(1, EVENT)).toBe(`NecLnGXSC2oC${EVENT}`);
    expect(documentId(streamKey('/vpc/flow-logse', 'ni-1-all'), EVENT)).toBe(`knH1EjEKFCCp${EVENT}`);
  });
});

describe('schemeOfMeta', () => {
  it('reads the scheme an index declares, and takes an index that declares none for one made before schemes were declared', () => {
    expect(schemeOfMeta({ doc_id_scheme: 2 })).toBe(2);
    expect(schemeOfMeta({ doc_id_scheme: 1 })).toBe(1);
    expect(schemeOfMeta(undefined)).toBe(1);
    expect(schemeOfMeta({ managed_by: 'someone' })).toBe(1);
  });

  it('knows no scheme for a value this release cannot write', () => {
    expect(schemeOfMeta({ doc_id_scheme: 3 })).toBeUndefined();
    expect(schemeOfMeta({ doc_id_scheme: '2' })).toBeUndefined();
    expect(schemeOfMeta({ doc_id_scheme: null })).toBeUndefined();
    expect(schemeOfMeta({ doc_id_scheme: [2] })).toBeUndefined();
    expect(schemeOfMeta({ doc_id_scheme: true })).toBeUndefined();
  });

  it('names scheme 2 current and scheme 1 legacy', () => {
    expect([CURRENT_DOC_ID_SCHEME, LEGACY_DOC_ID_SCHEME]).toEqual([2, 1]);
  });
});
