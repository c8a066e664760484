/**
 * How the report queries of the catalog (src/reports/catalog.ts) name the
 * flow-log fields in CloudWatch Logs Insights, over the flow log's log group;
 * the CDK app saves them as query definitions next to the Athena named queries.
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
import { DEFAULT_FORMAT_FIELDS, type FlowLogFormat } from '../format/flow-log-schema.js';

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
