import { describe, expect, it } from 'vitest';
import { planBulk } from '../../../src/ingest/bulk.js';
import { bulkBody } from '../../helpers/fakes.js';
import { DEFAULT_FORMAT } from '../../../src/format/flow-log-schema.js';
import { DailyIndexNamer } from '../../../src/ingest/index-name.js';
import { RecordParser } from '../../../src/format/parse.js';
import { dataMessage, defaultRecord } from '../../helpers/events.js';

const opts = { parser: new RecordParser(DEFAULT_FORMAT), namer: new DailyIndexNamer('vpcflowlogs') };

describe('planBulk', () => {
  it('plans one item per record, in the day index of each record start (UTC)', () => {
    const late = defaultRecord({ start: 1795823999, end: 1795824001 }); // 2026-11-27T23:59:59Z
    const plan = planBulk(dataMessage([defaultRecord(), late]), opts);
    expect(plan.items.map((i) => i.index)).toEqual(['vpcflowlogs-2026.11.28', 'vpcflowlogs-2026.11.27']);
    expect(plan.deadLetters).toEqual([]);
  });

  it('derives the same ids from the same events, and different ids for another stream', () => {
    const a = planBulk(dataMessage([defaultRecord(), defaultRecord()]), opts).items.map((i) => i.id);
    const b = planBulk(dataMessage([defaultRecord(), defaultRecord()]), opts).items.map((i) => i.id);
    const c = planBulk(dataMessage([defaultRecord(), defaultRecord()], { logStream: 'other' }), opts).items.map((i) => i.id);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(2);
    expect(c.some((id) => a.includes(id))).toBe(false);
  });

  it('gives each record the id of its index\'s scheme, and names the indices whose scheme it was not told', () => {
    const late = defaultRecord({ start: 1795823999, end: 1795824001 }); // 2026-11-27T23:59:59Z
    const idScheme = (index: string) => (index === 'vpcflowlogs-2026.11.27' ? 1 : undefined);

    const plan = planBulk(dataMessage([defaultRecord(), late]), { ...opts, idScheme });

    // Scheme 2 (the current one, taken while unknown) for event 375800000000, computed with
    //   printf '/vpc/flow-logs\0eni-0a1b2c3d4e5f60718-all\0%s' 375800000000 | sha256sum | cut -c1-24 | xxd -r -p | base64 | tr '+/' '-_'
    // and scheme 1 for event 375800000001: the first 12 base64url characters of
    //   sha256('/vpc/flow-logs\0eni-0a1b2c3d4e5f60718-all'), then the event id.
    expect(plan.items.map((i) => [i.index, i.id])).toEqual([
      ['vpcflowlogs-2026.11.28', 'Q3PEg2a66pxFobNp'],
      ['vpcflowlogs-2026.11.27', '0JQ7k9r0JDLI375800000001'],
    ]);
    expect([...plan.unknownSchemes]).toEqual(['vpcflowlogs-2026.11.28']);
    expect(bulkBody(plan.items).split('\n')[2]).toBe('{"index":{"_index":"vpcflowlogs-2026.11.27","_id":"0JQ7k9r0JDLI375800000001"}}');
  });

  it('dead-letters a bad record with its reason and keeps the rest of the batch', () => {
    const plan = planBulk(dataMessage([defaultRecord(), 'garbage', defaultRecord({ bytes: 'x' })]), opts);
    expect(plan.items).toHaveLength(1);
    expect(plan.deadLetters).toEqual([
      expect.objectContaining({ stage: 'parse', id: '375800000001', message: 'garbage', logGroup: '/vpc/flow-logs', reason: expect.stringMatching(/expected 14/) }),
      expect.objectContaining({ stage: 'parse', id: '375800000002', reason: expect.stringMatching(/"bytes"/) }),
    ]);
  });

  it('writes action and source lines that OpenSearch reads as NDJSON', () => {
    const [item] = planBulk(dataMessage([defaultRecord()]), opts).items;
    const [action, source, end] = bulkBody([item!]).split('\n');
    expect(JSON.parse(action!)).toEqual({ index: { _index: 'vpcflowlogs-2026.11.28', _id: item!.id } });
    expect(JSON.parse(source!)).toMatchObject({ bytes: 8400 });
    expect(end).toBe('');
  });
});
