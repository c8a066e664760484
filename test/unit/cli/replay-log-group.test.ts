import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { gunzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { logGroupEvents, logGroupMessages, logGroupRange } from '../../../cli/replay-log-group.js';
import { ConfigError } from '../../../src/errors.js';

const cwl = mockClient(CloudWatchLogsClient);
const RANGE = { logGroup: '/vpc-flow-logs/FlowLogs', from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-01T06:00:00Z') };
const LINE = '2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 50000 6 10 840 1795824000 1795824060 ACCEPT OK';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeEach(() => {
  cwl.reset();
});

describe('logGroupMessages', () => {
  it('reads every page of FilterLogEvents over the range and groups events by stream, keeping their event ids', async () => {
    // Arrange: two pages; the second is asked for with the first page's token.
    const pages = [
      {
        events: [
          { logStreamName: 'eni-a', eventId: '111', timestamp: 1, message: LINE },
          { logStreamName: 'eni-b', eventId: '222', timestamp: 2, message: LINE },
          { logStreamName: 'eni-a', eventId: '333', timestamp: 3, message: LINE },
        ],
        nextToken: 'page-2',
      },
      { events: [{ logStreamName: 'eni-b', eventId: '444', timestamp: 4, message: LINE }] },
    ];
    // Copied when called: the paginator reuses one input object between pages.
    const calls: unknown[] = [];
    cwl.on(FilterLogEventsCommand).callsFake((input: object) => {
      calls.push(JSON.parse(JSON.stringify(input)));
      return pages[calls.length - 1];
    });

    // Act
    const messages = await collect(logGroupMessages(new CloudWatchLogsClient({ region: 'eu-west-1' }), RANGE));

    // Assert
    expect(calls).toEqual([
      { logGroupName: '/vpc-flow-logs/FlowLogs', startTime: 1796083200000, endTime: 1796104799999 },
      { logGroupName: '/vpc-flow-logs/FlowLogs', startTime: 1796083200000, endTime: 1796104799999, nextToken: 'page-2' },
    ]);
    expect(messages.map((m) => [m.logGroup, m.logStream, m.logEvents.map((e) => e.id)])).toEqual([
      ['/vpc-flow-logs/FlowLogs', 'eni-a', ['111', '333']],
      ['/vpc-flow-logs/FlowLogs', 'eni-b', ['222']],
      ['/vpc-flow-logs/FlowLogs', 'eni-b', ['444']],
    ]);
    expect(messages[0]?.logEvents[0]).toEqual({ id: '111', timestamp: 1, message: LINE });
  });

  it('splits a stream\'s events into payloads of at most the given size', async () => {
    cwl.on(FilterLogEventsCommand).resolves({ events: ['1', '2', '3', '4', '5'].map((id) => ({ logStreamName: 'eni-a', eventId: id, timestamp: 1, message: LINE })) });

    const messages = await collect(logGroupMessages(new CloudWatchLogsClient({ region: 'eu-west-1' }), RANGE, 2));

    expect(messages.map((m) => m.logEvents.map((e) => e.id))).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('yields nothing for an empty range', async () => {
    cwl.on(FilterLogEventsCommand).resolves({ events: [] });

    expect(await collect(logGroupMessages(new CloudWatchLogsClient({ region: 'eu-west-1' }), RANGE))).toEqual([]);
  });
});

describe('logGroupEvents', () => {
  it('wraps each payload as the subscription event Lambda receives: gzipped JSON in base64', async () => {
    cwl.on(FilterLogEventsCommand).resolves({ events: [{ logStreamName: 'eni-a', eventId: '111', timestamp: 1, message: LINE }] });

    const [event] = await collect(logGroupEvents(new CloudWatchLogsClient({ region: 'eu-west-1' }), RANGE));

    expect(JSON.parse(gunzipSync(Buffer.from(event!.awslogs.data, 'base64')).toString('utf8'))).toMatchObject({
      messageType: 'DATA_MESSAGE',
      logGroup: '/vpc-flow-logs/FlowLogs',
      logStream: 'eni-a',
      logEvents: [{ id: '111', timestamp: 1, message: LINE }],
    });
  });
});

describe('logGroupRange', () => {
  it('reads ISO times and epoch milliseconds', () => {
    expect(logGroupRange('g', '2026-12-01T00:00:00Z', '1796104800000')).toEqual({ logGroup: 'g', from: RANGE.from, to: RANGE.to });
  });

  it('refuses a missing or unreadable time, and an empty range', () => {
    expect(() => logGroupRange('g', undefined, '2026-12-01T06:00:00Z')).toThrow(ConfigError);
    expect(() => logGroupRange('g', 'yesterday', '2026-12-01T06:00:00Z')).toThrow(/--from must be an ISO 8601 time/);
    expect(() => logGroupRange('g', '2026-12-01T06:00:00Z', '2026-12-01T00:00:00Z')).toThrow(/--to .* must be after --from/);
  });
});
