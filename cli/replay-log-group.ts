/**
 * `flowlogs replay --log-group NAME --from T --to T`: reads flow-log records
 * back from CloudWatch Logs (FilterLogEvents, every page) and hands them to
 * the ingest handler as the subscription would have: one DATA_MESSAGE per log
 * stream and page, with the events' own ids, so documents get the ids the
 * subscription gives them and a replay overwrites rather than duplicates.
 * For records that reached the log group before the subscription existed.
 */
import { paginateFilterLogEvents, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { gzipSync } from 'node:zlib';
import { ConfigError } from '../src/errors.js';
import type { DataMessage } from '../src/ingest/messages.js';

/** What to read back: a log group and a time range, `from` inclusive, `to` exclusive. */
export interface LogGroupRange {
  readonly logGroup: string;
  readonly from: Date;
  readonly to: Date;
}

/** Events per DATA_MESSAGE: FilterLogEvents returns at most 10,000 per page; keep each payload in the ingest function's usual range. */
export const EVENTS_PER_MESSAGE = 1000;

/** The range from the command-line values; a missing or unreadable time is a {@link ConfigError}. */
export function logGroupRange(logGroup: string, from: string | undefined, to: string | undefined): LogGroupRange {
  const time = (flag: string, value: string | undefined): Date => {
    const date = value === undefined ? undefined : new Date(/^\d+$/.test(value) ? Number(value) : value);
    if (!date || Number.isNaN(date.getTime())) throw new ConfigError(`--${flag} must be an ISO 8601 time or epoch milliseconds, got ${value === undefined ? 'nothing' : `"${value}"`}`);
    return date;
  };
  const range = { logGroup, from: time('from', from), to: time('to', to) };
  if (range.to <= range.from) throw new ConfigError(`--to (${range.to.toISOString()}) must be after --from (${range.from.toISOString()})`);
  return range;
}

/** The subscription payloads of the events in the range, page by page. */
export async function* logGroupMessages(client: CloudWatchLogsClient, range: LogGroupRange, eventsPerMessage = EVENTS_PER_MESSAGE): AsyncGenerator<DataMessage> {
  const pages = paginateFilterLogEvents({ client }, { logGroupName: range.logGroup, startTime: range.from.getTime(), endTime: range.to.getTime() - 1 });
  for await (const page of pages) {
    const byStream = new Map<string, { id: string; timestamp: number; message: string }[]>();
    for (const e of page.events ?? []) {
      if (e.logStreamName === undefined || e.eventId === undefined || e.message === undefined) continue;
      const events = byStream.get(e.logStreamName) ?? [];
      events.push({ id: e.eventId, timestamp: e.timestamp ?? 0, message: e.message });
      byStream.set(e.logStreamName, events);
    }
    for (const [logStream, events] of byStream) {
      for (let i = 0; i < events.length; i += eventsPerMessage) {
        yield {
          messageType: 'DATA_MESSAGE',
          owner: '',
          logGroup: range.logGroup,
          logStream,
          subscriptionFilters: ['flowlogs-replay'],
          logEvents: events.slice(i, i + eventsPerMessage),
        };
      }
    }
  }
}

/** Each payload as the Lambda event that would carry it. */
export async function* logGroupEvents(client: CloudWatchLogsClient, range: LogGroupRange): AsyncGenerator<CloudWatchLogsEvent> {
  for await (const message of logGroupMessages(client, range)) {
    yield { awslogs: { data: gzipSync(JSON.stringify(message)).toString('base64') } };
  }
}
