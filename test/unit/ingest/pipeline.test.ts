import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT } from '../../../src/format/flow-log-schema.js';
import { DailyIndexNamer } from '../../../src/ingest/index-name.js';
import { ingestEvent, type IngestDeps } from '../../../src/ingest/pipeline.js';
import { RecordParser } from '../../../src/format/parse.js';
import { dataMessage, defaultRecord, subscriptionEvent } from '../../helpers/events.js';
import { memorySink, scriptedTransport } from '../../helpers/fakes.js';
import type { BulkItemResponse } from '../../../src/ingest/deliver.js';

function deps(answer: (id: string, attempt: number) => BulkItemResponse | Error = () => ({ status: 201 })) {
  const transport = scriptedTransport(answer);
  const sink = memorySink();
  const d: IngestDeps = {
    parser: new RecordParser(DEFAULT_FORMAT),
    namer: new DailyIndexNamer('vpcflowlogs'),
    transport,
    deadLetters: sink,
    deadLetterPrefix: 'dead-letters/',
    maxBytes: 1 << 20,
    retryWindowMs: () => 1000,
    minDelayMs: 1,
    maxDelayMs: 5,
  };
  return { d, transport, sink };
}

describe('ingestEvent', () => {
  it('indexes a batch and reports the counts', async () => {
    const { d, transport } = deps();
    const s = await ingestEvent(subscriptionEvent(dataMessage([defaultRecord(), defaultRecord()])), d);
    expect(s).toEqual({ messageType: 'DATA_MESSAGE', recordsIn: 2, indexed: 2, retried: 0, parseErrors: 0, deadLettered: 0 });
    expect(transport.indexed.size).toBe(2);
  });

  it('acknowledges a CONTROL_MESSAGE without writing', async () => {
    const { d, transport, sink } = deps();
    const s = await ingestEvent(subscriptionEvent({ messageType: 'CONTROL_MESSAGE', logEvents: [] }), d);
    expect(s.messageType).toBe('CONTROL_MESSAGE');
    expect(transport.requests).toHaveLength(0);
    expect(sink.byKey.size).toBe(0);
  });

  it('dead-letters an undecodable payload whole, with its raw data and the reason', async () => {
    const { d, sink } = deps();
    const s = await ingestEvent({ awslogs: { data: 'bm90IGd6aXA=' } }, d);
    expect(s).toMatchObject({ messageType: 'UNDECODABLE', deadLettered: 1, decodeError: expect.stringMatching(/^gzip: /) });
    expect(sink.all()).toEqual([{ stage: 'decode', reason: s.decodeError, data: 'bm90IGd6aXA=' }]);
  });

  it('writes parse and index dead letters of one batch under one deterministic key', async () => {
    const event = subscriptionEvent(dataMessage([defaultRecord(), 'not a record', defaultRecord({ dstport: 70000 })]));
    const refuse = (id: string) => (id.endsWith('00000002') ? { status: 400, error: 'mapper_parsing_exception: dstport' } : { status: 201 });
    const first = deps(refuse);
    const second = deps(refuse);
    const s1 = await ingestEvent(event, first.d);
    const s2 = await ingestEvent(event, second.d);
    expect(s1).toMatchObject({ indexed: 1, parseErrors: 1, deadLettered: 2 });
    expect(s1.deadLetterKey).toMatch(/^dead-letters\/2026\/11\/28\/[0-9a-f]{32}\.ndjson$/);
    expect(s2.deadLetterKey).toBe(s1.deadLetterKey);
    expect(first.sink.all().map((l) => l.stage)).toEqual(['parse', 'index']);
  });

  it('throws and dead-letters nothing when OpenSearch is down', async () => {
    const { d, sink } = deps(() => new Error('connect ECONNREFUSED'));
    await expect(ingestEvent(subscriptionEvent(dataMessage([defaultRecord(), 'bad'])), { ...d, retryWindowMs: () => 30 })).rejects.toThrow(/unreachable/);
    expect(sink.byKey.size).toBe(0);
  });
});
