/**
 * The one source of truth for the VPC Flow Logs record format.
 *
 * Every reader of a flow-log record maps over {@link FLOW_LOG_FIELDS}: the
 * parser, the OpenSearch index mapping, the Glue/Athena table, the flow log's
 * `LogFormat` and the CloudWatch Logs subscription filter pattern. A test fails
 * if any of them drifts.
 *
 * Field facts (name, version, Parquet type) follow the VPC user guide:
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
 * Athena column types follow the Athena guide's flow-log table:
 * https://docs.aws.amazon.com/athena/latest/ug/vpc-flow-logs.html
 *
 * This module is pure: no AWS SDK, no I/O, no environment.
 */
import { UnknownFieldError, FormatError } from '../errors.js';

/** How a field's token is read: integers become JSON numbers, the rest strings. */
export type FieldKind = 'integer' | 'string';

/** Athena/Glue column type, as the Athena guide's flow-log table declares it. */
export type GlueType = 'int' | 'bigint' | 'string';

/** OpenSearch field type the index mapping gives the field. */
export type SearchType = 'integer' | 'long' | 'keyword' | 'ip';

/** One field a flow-log record can carry. */
export interface FlowLogField {
  /** The name in a flow-log format string: `${account-id}`. */
  readonly name: string;
  /** Document key, Athena column and filter-pattern name: `account_id` (a filter pattern cannot name a hyphen). */
  readonly key: string;
  /** The flow-log version that introduced the field (2 to 8). */
  readonly version: number;
  /** How the token is read. */
  readonly kind: FieldKind;
  /** Glue/Athena column type. */
  readonly glue: GlueType;
  /** OpenSearch mapping type. */
  readonly search: SearchType;
  /** The ECS-style name OpenSearch/Elastic users expect; an index `alias` to {@link key}. */
  readonly ecs?: string;
  /** One line for docs and the Glue column comment. */
  readonly description: string;
}

type FieldSpec = [name: string, version: number, kind: FieldKind, glue: GlueType, search: SearchType, ecs: string | undefined, description: string];

// One row per documented field, in the order of the VPC user guide's table.
// integer fields are the ones whose Parquet type is INT_32/INT_64; account-id
// is a string because it may start with 0 (and may read "unknown").
const SPECS: readonly FieldSpec[] = [
  ['version', 2, 'integer', 'int', 'integer', undefined, 'Flow-log version: 2 for the default format, else the highest version among the fields.'],
  ['account-id', 2, 'string', 'string', 'keyword', 'cloud.account.id', 'AWS account that owns the source network interface.'],
  ['interface-id', 2, 'string', 'string', 'keyword', 'network.interface.id', 'Network interface the traffic is recorded for.'],
  ['srcaddr', 2, 'string', 'string', 'ip', 'source.ip', 'Source address (for outgoing traffic, the interface\'s private address).'],
  ['dstaddr', 2, 'string', 'string', 'ip', 'destination.ip', 'Destination address (for incoming traffic, the interface\'s private address).'],
  ['srcport', 2, 'integer', 'int', 'integer', 'source.port', 'Source port.'],
  ['dstport', 2, 'integer', 'int', 'integer', 'destination.port', 'Destination port.'],
  ['protocol', 2, 'integer', 'bigint', 'integer', 'network.iana_number', 'IANA protocol number.'],
  ['packets', 2, 'integer', 'bigint', 'long', 'network.packets', 'Packets transferred during the flow.'],
  ['bytes', 2, 'integer', 'bigint', 'long', 'network.bytes', 'Bytes transferred during the flow (can pass 2^32).'],
  ['start', 2, 'integer', 'bigint', 'long', undefined, 'Unix seconds when the first packet of the flow was received in the aggregation interval.'],
  ['end', 2, 'integer', 'bigint', 'long', undefined, 'Unix seconds when the last packet of the flow was received in the aggregation interval.'],
  ['action', 2, 'string', 'string', 'keyword', 'event.action', 'ACCEPT or REJECT.'],
  ['log-status', 2, 'string', 'string', 'keyword', undefined, 'OK, NODATA (no traffic) or SKIPDATA (records were skipped).'],
  ['vpc-id', 3, 'string', 'string', 'keyword', 'cloud.vpc.id', 'VPC of the network interface.'],
  ['subnet-id', 3, 'string', 'string', 'keyword', 'cloud.subnet.id', 'Subnet of the network interface.'],
  ['instance-id', 3, 'string', 'string', 'keyword', 'cloud.instance.id', 'Instance the network interface belongs to, if you own it.'],
  ['tcp-flags', 3, 'integer', 'int', 'integer', 'network.tcp_flags', 'Bitmask of the TCP flags seen in the interval (FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32).'],
  ['type', 3, 'string', 'string', 'keyword', 'network.type', 'IPv4, IPv6 or EFA.'],
  ['pkt-srcaddr', 3, 'string', 'string', 'ip', 'source.packet_ip', 'Packet-level (original) source address.'],
  ['pkt-dstaddr', 3, 'string', 'string', 'ip', 'destination.packet_ip', 'Packet-level (original) destination address.'],
  ['region', 4, 'string', 'string', 'keyword', 'cloud.region', 'Region of the network interface.'],
  ['az-id', 4, 'string', 'string', 'keyword', 'cloud.availability_zone', 'Availability Zone ID of the network interface.'],
  ['sublocation-type', 4, 'string', 'string', 'keyword', undefined, 'wavelength, outpost or localzone.'],
  ['sublocation-id', 4, 'string', 'string', 'keyword', undefined, 'ID of the sublocation.'],
  ['pkt-src-aws-service', 5, 'string', 'string', 'keyword', undefined, 'AWS service the pkt-srcaddr belongs to.'],
  ['pkt-dst-aws-service', 5, 'string', 'string', 'keyword', undefined, 'AWS service the pkt-dstaddr belongs to.'],
  ['flow-direction', 5, 'string', 'string', 'keyword', 'network.direction', 'ingress or egress, relative to the interface.'],
  ['traffic-path', 5, 'integer', 'int', 'integer', undefined, 'Path egress traffic takes to its destination (1 to 8).'],
  ['ecs-cluster-arn', 7, 'string', 'string', 'keyword', undefined, 'ARN of the ECS cluster, for ECS tasks.'],
  ['ecs-cluster-name', 7, 'string', 'string', 'keyword', undefined, 'Name of the ECS cluster.'],
  ['ecs-container-instance-arn', 7, 'string', 'string', 'keyword', undefined, 'ARN of the ECS container instance (EC2 launch type).'],
  ['ecs-container-instance-id', 7, 'string', 'string', 'keyword', undefined, 'ID of the ECS container instance.'],
  ['ecs-container-id', 7, 'string', 'string', 'keyword', undefined, 'Docker runtime ID of the first container of the task.'],
  ['ecs-second-container-id', 7, 'string', 'string', 'keyword', undefined, 'Docker runtime ID of the second container of the task.'],
  ['ecs-service-name', 7, 'string', 'string', 'keyword', undefined, 'ECS service of the task.'],
  ['ecs-task-definition-arn', 7, 'string', 'string', 'keyword', undefined, 'ARN of the ECS task definition.'],
  ['ecs-task-arn', 7, 'string', 'string', 'keyword', undefined, 'ARN of the ECS task.'],
  ['ecs-task-id', 7, 'string', 'string', 'keyword', undefined, 'ID of the ECS task.'],
  ['reject-reason', 8, 'string', 'string', 'keyword', undefined, 'Why traffic was rejected (for example BPA, Block Public Access).'],
];

/** Every field AWS documents for flow-log versions 2 to 8, in the user guide's order. */
export const FLOW_LOG_FIELDS: readonly FlowLogField[] = Object.freeze(
  SPECS.map(([name, version, kind, glue, search, ecs, description]) =>
    Object.freeze({ name, key: name.replaceAll('-', '_'), version, kind, glue, search, ...(ecs ? { ecs } : {}), description }),
  ),
);

const BY_NAME = new Map(FLOW_LOG_FIELDS.map((f) => [f.name, f]));
const BY_KEY = new Map(FLOW_LOG_FIELDS.map((f) => [f.key, f]));

/** The field called `name` in a format string (`account-id`) or as a key (`account_id`). */
export function fieldByName(name: string): FlowLogField {
  const field = BY_NAME.get(name) ?? BY_KEY.get(name);
  if (!field) throw new UnknownFieldError(name, FLOW_LOG_FIELDS.map((f) => f.name));
  return field;
}

/** The default (version 2) format: its 14 fields, in their fixed order. */
export const DEFAULT_FORMAT_FIELDS: readonly FlowLogField[] = Object.freeze(FLOW_LOG_FIELDS.filter((f) => f.version === 2));

/** An ordered list of fields that a flow log writes, one token each. */
export interface FlowLogFormat {
  readonly fields: readonly FlowLogField[];
}

/** The default format. */
export const DEFAULT_FORMAT: FlowLogFormat = Object.freeze({ fields: DEFAULT_FORMAT_FIELDS });

/** A format from field names (hyphen or underscore spelling), any order, any subset. */
export function formatOf(names: readonly string[]): FlowLogFormat {
  if (names.length === 0) throw new FormatError('a flow-log format needs at least one field');
  const fields = names.map(fieldByName);
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw new FormatError(`field "${f.name}" appears twice in the format`);
    seen.add(f.name);
  }
  return Object.freeze({ fields: Object.freeze(fields) });
}

const TOKEN = /\$\{([^}]*)\}/y;

/**
 * Parses a flow-log format string such as `${version} ${srcaddr} ...`
 * (as given to CreateFlowLogs' LogFormat). An empty or missing string means the
 * default format.
 */
export function parseFormatString(format: string | undefined): FlowLogFormat {
  const text = (format ?? '').trim();
  if (text === '') return DEFAULT_FORMAT;
  const names: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) {
      throw new FormatError(`format string is not a space-separated list of \${field} at character ${pos + 1}: "${text.slice(pos, pos + 20)}"`);
    }
    // Stryker disable next-line StringLiteral: the group always matches (maybe empty), so the fallback is for the type checker only
    names.push(m[1] ?? '');
    pos = TOKEN.lastIndex;
    while (text[pos] === ' ') pos++;
  }
  return formatOf(names);
}

/** The LogFormat string AWS is given for a format: `${version} ${account-id} ...`. */
export function formatString(format: FlowLogFormat): string {
  return format.fields.map((f) => '${' + f.name + '}').join(' ');
}

/**
 * The space-delimited CloudWatch Logs filter pattern for a format, e.g.
 * `[version, account_id, ...]`. It matches every record of the format (NODATA
 * and SKIPDATA too), and makes CloudWatch attach `extractedFields`.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
export function filterPattern(format: FlowLogFormat): string {
  return '[' + format.fields.map((f) => f.key).join(', ') + ']';
}

/** The version a flow log with this format writes in its records. */
export function formatVersion(format: FlowLogFormat): number {
  // Stryker disable next-line ConditionalExpression: the default fields are all version 2, so the maximum below gives 2 as well
  if (format === DEFAULT_FORMAT) return 2;
  return Math.max(...format.fields.map((f) => f.version));
}
