/**
 * Builders for flow-log records and CloudWatch Logs subscription events, as
 * Lambda receives them.
 */
import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import type { DataMessage, LogEvent } from '../../src/ingest/messages.js';

/** A default-format record; override any field by its key. */
export function defaultRecord(over: Partial<Record<string, string | number>> = {}): string {
  const v: Record<string, string | number> = {
    version: 2,
    account_id: '012345678901',
    interface_id: 'eni-0a1b2c3d4e5f60718',
    srcaddr: '198.18.0.10',
    dstaddr: '10.0.1.5',
    srcport: 44321,
    dstport: 443,
    protocol: 6,
    packets: 10,
    bytes: 8400,
    start: 1795824000, // 2026-11-28T00:00:00Z
    end: 1795824060,
    action: 'ACCEPT',
    log_status: 'OK',
    ...over,
  };
  return [v.version, v.account_id, v.interface_id, v.srcaddr, v.dstaddr, v.srcport, v.dstport, v.protocol, v.packets, v.bytes, v.start, v.end, v.action, v.log_status].join(' ');
}

/** A DATA_MESSAGE holding messages, with ids `<idBase>-<n>` unless given. */
export function dataMessage(messages: readonly string[], opts: { logGroup?: string; logStream?: string; idBase?: string; timestamp?: number } = {}): DataMessage {
  const logEvents: LogEvent[] = messages.map((message, i) => ({
    id: `${opts.idBase ?? '3758'}${String(i).padStart(8, '0')}`,
    timestamp: opts.timestamp ?? 1795824061000,
    message,
  }));
  return {
    messageType: 'DATA_MESSAGE',
    owner: '012345678901',
    logGroup: opts.logGroup ?? '/vpc/flow-logs',
    logStream: opts.logStream ?? 'eni-0a1b2c3d4e5f60718-all',
    subscriptionFilters: ['flow-logs-to-opensearch'],
    logEvents,
  };
}

/** The Lambda event carrying a payload (any JSON value) gzipped and base64-encoded. */
export function subscriptionEvent(payload: unknown): CloudWatchLogsEvent {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}

/**
 * What the payload scanner must give for `text`: JSON.parse's message reduced to the fields the
 * scanner keeps, parsed from the UTF-8 bytes the scanner reads (a lone surrogate becomes U+FFFD
 * there). `subscriptionFilters` is [] where the payload lacks it, as the scanner gives (nothing reads it).
 */
export function viaJsonParse(text: string): unknown {
  const m = JSON.parse(Buffer.from(text, 'utf8').toString('utf8')) as Record<string, unknown>;
  return {
    messageType: m.messageType,
    owner: m.owner,
    logGroup: m.logGroup,
    logStream: m.logStream,
    subscriptionFilters: m.subscriptionFilters ?? [],
    logEvents: (m.logEvents as Record<string, unknown>[]).map((e) => ({ id: e.id, timestamp: e.timestamp, message: e.message })),
  };
}
