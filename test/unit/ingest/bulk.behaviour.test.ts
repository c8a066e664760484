/**
 * Planning as OpenSearch would see it: log events that cannot be records, the
 * day index and `@timestamp` of a format without `${start}`, and the byte
 * bound of a body. Complements bulk.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { planBulk } from '../../../src/ingest/bulk.js';
import { bulkBody } from '../../helpers/fakes.js';
import { DEFAULT_FORMAT, parseFormatString } from '../../../src/format/flow-log-schema.js';
import { DailyIndexNamer } from '../../../src/ingest/index-name.js';
import { RecordParser } from '../../../src/format/parse.js';
import type { DataMessage, LogEvent } from '../../../src/ingest/messages.js';
import { dataMessage, defaultRecord } from '../../helpers/events.js';

const opts = { parser: new RecordParser(DEFAULT_FORMAT), namer: new DailyIndexNamer('vpcflowlogs') };

/** A payload whose events are given as JSON.parse could give them (any shape). */
const withEvents = (events: readonly unknown[]): DataMessage => ({ ...dataMessage([]), logEvents: events as LogEvent[] });

// The wording may change; what matters is that the reason names the missing part.
const LACKS = expect.stringMatching(/\bid\b.*message|message.*\bid\b/) as unknown as string;

describe('planBulk, events that are not records', () => {
  it('dead-letters events with an empty or missing id, or no message, instead of giving them all one document id', () => {
    // Arrange: without the check the first three would all get one _id (group and stream with no event id).
    const good = { id: '37580000000000000001', timestamp: 1795824061000, message: defaultRecord() };
    const events = [
      { id: '', timestamp: 1795824061000, message: defaultRecord({ bytes: 1 }) },
      { timestamp: 1795824061000, message: defaultRecord({ bytes: 2 }) },
      { id: '37580000000000000002', timestamp: 1795824061000 },
      { id: 3758000000000003, timestamp: 1795824061000, message: defaultRecord({ bytes: 3 }) },
      { id: '37580000000000000004', timestamp: 1795824061000, message: 42 },
      good,
    ];

    // Act
    const plan = planBulk(withEvents(events), opts);

    // Assert
    expect(plan.items.map((i) => i.event)).toEqual([good]);
    expect(plan.deadLetters.map((l) => [l.stage, l.reason, l.logGroup])).toEqual(Array.from({ length: 5 }, () => ['parse', LACKS, '/vpc/flow-logs']));
    expect(plan.deadLetters[0]).toMatchObject({ id: '', message: defaultRecord({ bytes: 1 }) });
    expect(plan.deadLetters[2]).toMatchObject({ id: '37580000000000000002' });
    expect(plan.deadLetters[2]?.message).toBeUndefined();
  });

  it('dead-letters a null log event rather than failing the payload', () => {
    const plan = planBulk(withEvents([null, { id: '1', timestamp: 1795824061000, message: defaultRecord() }]), opts);

    expect(plan.items).toHaveLength(1);
    expect(plan.deadLetters).toEqual([
      { stage: 'parse', reason: LACKS, owner: '012345678901', logGroup: '/vpc/flow-logs', logStream: 'eni-0a1b2c3d4e5f60718-all', id: undefined, timestamp: undefined, message: undefined },
    ]);
  });

  it('keeps in a parse dead letter everything a replay needs', () => {
    const plan = planBulk(dataMessage(['garbage'], { timestamp: 1795824061234 }), opts);

    expect(plan.deadLetters).toEqual([
      {
        stage: 'parse',
        reason: expect.stringMatching(/^expected 14 space-separated fields/),
        owner: '012345678901',
        logGroup: '/vpc/flow-logs',
        logStream: 'eni-0a1b2c3d4e5f60718-all',
        id: '375800000000',
        timestamp: 1795824061234,
        message: 'garbage',
      },
    ]);
  });
});

describe('planBulk, a format without ${start}', () => {
  const noStart = { parser: new RecordParser(parseFormatString('${srcaddr} ${dstaddr} ${bytes} ${action}')), namer: new DailyIndexNamer('flows') };
  const record = '10.0.0.1 10.0.0.2 512 ACCEPT';

  it('files the record in the day of its CloudWatch event time, to the millisecond', () => {
    // 2026-11-28T23:59:59.999Z is still the 28th; one millisecond later is the 29th.
    const plan = planBulk(
      {
        ...dataMessage([]),
        logEvents: [
          { id: 'a', timestamp: Date.UTC(2026, 10, 28, 23, 59, 59, 999), message: record },
          { id: 'b', timestamp: Date.UTC(2026, 10, 29, 0, 0, 0, 0), message: record },
        ],
      },
      noStart,
    );

    expect(plan.items.map((i) => i.index)).toEqual(['flows-2026.11.28', 'flows-2026.11.29']);
    const docs = bulkBody(plan.items)
      .split('\n')
      .filter((_, i) => i % 2 === 1)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(docs.map((d) => d['@timestamp'])).toEqual(['2026-11-28T23:59:59.999Z', '2026-11-29T00:00:00.000Z']);
    expect(JSON.parse(bulkBody(plan.items).split('\n')[0]!)).toEqual({ index: { _index: 'flows-2026.11.28', _id: plan.items[0]!.id } });
  });
});


describe('planBulk, payloads that held bytes not UTF-8', () => {
  const parser = new RecordParser(parseFormatString('${action} ${version}'));
  const doc = (msg: DataMessage) => JSON.parse(bulkBody(planBulk(msg, { parser, namer: new DailyIndexNamer('x') }).items).split('\n')[1]!) as Record<string, unknown>;

  it('counts every U+FFFD of a record, the first character included', () => {
    const msg = { ...dataMessage(['\uFFFDACC\uFFFDEPT\uFFFD 2']), invalidUtf8: true };
    expect(doc(msg).utf8_replacements).toBe(3);
  });

  it('counts nothing in a payload that was all UTF-8, even where a record holds U+FFFD itself', () => {
    expect(doc(dataMessage(['\uFFFDACCEPT 2']))).not.toHaveProperty('utf8_replacements');
  });
});
