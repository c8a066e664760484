/**
 * The standard reports as CloudWatch Logs Insights queries over the flow
 * log's log group, saved as query definitions next to the Athena named
 * queries.
 *
 * Field names depend on the format. For the default format Logs Insights
 * discovers the fields itself, under its own camelCase names (`srcAddr`,
 * `dstAddr`, `interfaceId`, `logStatus`, ...):
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html
 * For a custom format it discovers nothing, so each query starts with a glob
 * `parse` of `@message` that names every token by the field's key
 * (`srcaddr`, `interface_id`, ...), the names the Athena columns and the
 * OpenSearch documents use:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Parse.html
 *
 * The time range is chosen where the query runs (console or StartQuery), so
 * these queries carry none.
 *
 * Pure: no AWS SDK, no I/O.
 */
import { ConfigError } from '../errors.js';
import { DEFAULT_FORMAT_FIELDS, type FlowLogFormat } from '../format/flow-log-schema.js';
import { ATHENA_REPORTS, type AthenaReportId } from '../athena/athena-sql.js';

/**
 * The names Logs Insights discovers in default-format flow-log records, by
 * field key. `start` and `end` are discovered as `startTime` and `endTime`.
 */
export const DISCOVERED_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  version: 'version',
  account_id: 'accountId',
  interface_id: 'interfaceId',
  srcaddr: 'srcAddr',
  dstaddr: 'dstAddr',
  srcport: 'srcPort',
  dstport: 'dstPort',
  protocol: 'protocol',
  packets: 'packets',
  bytes: 'bytes',
  start: 'startTime',
  end: 'endTime',
  action: 'action',
  log_status: 'logStatus',
});

/** A report as a Logs Insights query. */
export interface InsightsReport {
  readonly id: AthenaReportId;
  readonly title: string;
  readonly query: string;
}

/** A report the format cannot serve: the field keys it needs and lacks. */
export interface SkippedInsightsReport {
  readonly id: AthenaReportId;
  readonly missing: readonly string[];
}

/** Options of {@link insightsReports}. */
export interface InsightsReportOptions {
  /** Rows of a top-N report. @default 10 */
  readonly top?: number;
  /** Bucket width of the time series, a Logs Insights `bin()` period. @default '1h' */
  readonly interval?: string;
}

/** True when Logs Insights discovers the format's fields: the 14 default fields in their order. */
export function isDiscoveredFormat(format: FlowLogFormat): boolean {
  return format.fields.length === DEFAULT_FORMAT_FIELDS.length && format.fields.every((f, i) => f.name === DEFAULT_FORMAT_FIELDS[i]?.name);
}

/** The name each field of the format goes by in the queries, by key. */
export function insightsFieldNames(format: FlowLogFormat): Record<string, string> {
  const discovered = isDiscoveredFormat(format);
  return Object.fromEntries(format.fields.map((f) => [f.key, discovered ? (DISCOVERED_FIELDS[f.key] ?? f.key) : f.key]));
}

/**
 * The command that makes the fields of a custom format, `parse @message "* * ..." as version, srcaddr, ...`,
 * or undefined for the default format, whose fields are discovered.
 */
export function parseCommand(format: FlowLogFormat): string | undefined {
  if (isDiscoveredFormat(format)) return undefined;
  const globs = format.fields.map(() => '*').join(' ');
  return `parse @message "${globs}" as ${format.fields.map((f) => f.key).join(', ')}`;
}

interface Context {
  /** Field key → name in the query. */
  readonly n: (key: string) => string;
  readonly has: (key: string) => boolean;
  readonly top: number;
  readonly interval: string;
}

interface Spec {
  readonly needs: readonly string[];
  /** The commands after the parse and the flow filter. */
  readonly commands: (c: Context) => string[];
}

const PORT_PROTOCOLS = [6, 17, 132];

function volumes(c: Context): string[] {
  return [...(c.has('bytes') ? [`sum(${c.n('bytes')}) as bytes`] : []), ...(c.has('packets') ? [`sum(${c.n('packets')}) as packets`] : [])];
}

const rejected = (c: Context) => `filter ${c.n('action')} = "REJECT"`;

function topRejected(key: string): Spec {
  return {
    needs: ['action', key],
    commands: (c) => [rejected(c), ['stats count(*) as records', ...volumes(c)].join(', ') + ` by ${c.n(key)}`, 'sort records desc', `limit ${c.top}`],
  };
}

const overTime = (figure: 'bytes' | 'packets'): Spec => ({
  needs: [figure],
  commands: (c) => [`stats sum(${c.n(figure)}) as ${figure}, count(*) as records by bin(${c.interval})`],
});

const perInterface = (figure: 'bytes' | 'packets'): Spec => ({
  needs: [figure, 'interface_id'],
  commands: (c) => [`stats sum(${c.n(figure)}) as ${figure}, count(*) as records by ${c.n('interface_id')}`, `sort ${figure} desc`, `limit ${c.top}`],
});

const SPECS: Readonly<Record<AthenaReportId, Spec>> = {
  'accept-reject-ratio': {
    needs: ['action'],
    commands: (c) => [`filter ${c.n('action')} in ["ACCEPT", "REJECT"]`, ['stats count(*) as records', ...volumes(c)].join(', ') + ` by ${c.n('action')}`, 'sort records desc'],
  },
  'reject-by-protocol': topRejected('protocol'),
  'top-rejected-sources': topRejected('srcaddr'),
  'rejected-by-port': {
    needs: ['action', 'dstport'],
    commands: (c) => [
      rejected(c),
      ...(c.has('protocol') ? [`filter ${c.n('protocol')} in [${PORT_PROTOCOLS.join(', ')}]`] : []),
      ['stats count(*) as records', ...volumes(c)].join(', ') + ` by ${c.n('dstport')}`,
      'sort records desc',
      `limit ${c.top}`,
    ],
  },
  'bytes-over-time': overTime('bytes'),
  'bytes-per-interface': perInterface('bytes'),
  'packets-over-time': overTime('packets'),
  'packets-per-interface': perInterface('packets'),
  'top-talkers': {
    needs: ['srcaddr', 'dstaddr', 'bytes'],
    commands: (c) => [`stats sum(${c.n('bytes')}) as bytes, count(*) as records by ${c.n('srcaddr')}, ${c.n('dstaddr')}`, 'sort bytes desc', `limit ${c.top}`],
  },
};

/** Only records that describe a flow (log status OK), as in the Athena and OpenSearch reports. */
function flowFilter(c: Context): string[] {
  if (c.has('log_status')) return [`filter ${c.n('log_status')} = "OK"`];
  return [];
}

/** One report as a Logs Insights query, or what the format lacks for it. */
export function insightsReport(id: AthenaReportId, format: FlowLogFormat, options: InsightsReportOptions = {}): InsightsReport | SkippedInsightsReport {
  const spec = SPECS[id];
  if (!spec) throw new ConfigError(`unknown report "${id}" (known: ${Object.keys(SPECS).join(', ')})`);
  const names = insightsFieldNames(format);
  const has = (key: string) => Object.hasOwn(names, key);
  const missing = spec.needs.filter((k) => !has(k));
  if (missing.length > 0) return { id, missing };
  const top = options.top ?? 10;
  if (!Number.isInteger(top) || top < 1 || top > 10_000) throw new ConfigError(`top must be a whole number from 1 to 10000, got ${top}`);
  const interval = options.interval ?? '1h';
  if (!/^\d+(ms|s|m|h|d|w|mo|q|y)$/.test(interval)) throw new ConfigError(`interval must be a bin() period such as 5m or 1h, got "${interval}"`);
  const context: Context = { n: (key) => names[key] ?? key, has, top, interval };
  const parse = parseCommand(format);
  const commands = [...(parse ? [parse] : []), ...flowFilter(context), ...spec.commands(context)];
  const title = ATHENA_REPORTS.find((r) => r.id === id)?.title ?? id;
  return { id, title, query: commands.join('\n| ') };
}

/** Every report the format can serve as a Logs Insights query, in print order, and the ones it cannot. */
export function insightsReports(format: FlowLogFormat, options: InsightsReportOptions = {}): { readonly reports: InsightsReport[]; readonly skipped: SkippedInsightsReport[] } {
  const reports: InsightsReport[] = [];
  const skipped: SkippedInsightsReport[] = [];
  for (const { id } of ATHENA_REPORTS) {
    const r = insightsReport(id, format, options);
    if ('query' in r) reports.push(r);
    else skipped.push(r);
  }
  return { reports, skipped };
}
