/**
 * The Athena side of the S3 flow logs as data and SQL: the Glue table's
 * columns, storage and properties (the CDK app's `CfnTable` reads them), the
 * same table as a `CREATE EXTERNAL TABLE` statement (for the docs and for
 * anyone creating it by hand), the partition-projection properties, and the
 * standard reports as Athena (Trino) queries.
 *
 * Columns come from the configured {@link FlowLogFormat}, in its order, with
 * the names and types of the shared field list (src/format/flow-log-schema.ts),
 * which follows Athena's flow-log table:
 * https://docs.aws.amazon.com/athena/latest/ug/vpc-flow-logs-create-table-statement.html
 *
 * Every report query filters on the `day` partition column, so it reads only
 * the folders of its window and never the whole bucket.
 *
 * Pure: no AWS SDK, no clock, no environment.
 */
import { protocolName } from '../enrich/enrich.js';
import { ConfigError } from '../errors.js';
import type { FlowLogFormat } from '../format/flow-log-schema.js';
import { checkLocation, checkTable, ddlIdentifier, ddlString, PARTITION_KEYS, type FlowLogLocation, type TableRef } from './partitions.js';
import { EXTRA_REPORTS, STANDARD_REPORTS } from '../reports/reports.js';

// ---- the table -------------------------------------------------------------------

/** A Glue column. */
export interface GlueColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

/**
 * Text input, one record a line, space-delimited: LazySimpleSerDe reads
 * `-` (NODATA, SKIPDATA, fields that do not apply) in an int or bigint column
 * as NULL. Gzip objects are read as such by their `.gz` suffix.
 */
export const TABLE_STORAGE = {
  inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
  serdeParameters: { 'field.delim': ' ', 'serialization.format': ' ' },
} as const;

/** Table properties every variant has: the header line each object starts with is skipped. */
export const BASE_TABLE_PROPERTIES: Readonly<Record<string, string>> = Object.freeze({
  EXTERNAL: 'TRUE',
  'skip.header.line.count': '1',
});

/** The data columns of a format: one per field, in the format's order. */
export function tableColumns(format: FlowLogFormat): GlueColumn[] {
  return format.fields.map((f) => ({ name: f.key, type: f.glue, comment: f.description }));
}

/** The partition columns (all strings): account and region of the path, and the day. */
export function partitionColumns(): GlueColumn[] {
  return PARTITION_KEYS.map((k) => ({ name: k.name, type: 'string', comment: k.description }));
}

/** Where the table's data starts: `s3://bucket/<prefix>AWSLogs/`. Partitions sit below it. */
export function tableLocation(location: Pick<FlowLogLocation, 'bucket' | 'prefix'>): string {
  return `s3://${location.bucket}/${location.prefix}AWSLogs/`;
}

/** Options of {@link projectionProperties}. */
export interface ProjectionOptions {
  /**
   * First day Athena projects, as a projection range bound: `yyyy/MM/dd` or
   * relative, `NOW-5YEARS`. Queries filtered on `day` only enumerate their
   * own window, so a wide range costs nothing.
   * @default 'NOW-5YEARS'
   */
  readonly from?: string;
}

/** Default first day of the projected `day` range. */
export const DEFAULT_PROJECTION_FROM = 'NOW-5YEARS';

/**
 * Table properties for partition projection: Athena computes the partitions
 * from these instead of reading them from the catalog, so no partition
 * function is needed. Account and region are single-value enums (the
 * location's); `day` is a date range up to today.
 *
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html
 * https://docs.aws.amazon.com/athena/latest/ug/vpc-flow-logs-partition-projection.html
 */
export function projectionProperties(location: FlowLogLocation, options: ProjectionOptions = {}): Record<string, string> {
  const [account, region, day] = PARTITION_KEYS.map((k) => k.name);
  return {
    'projection.enabled': 'true',
    [`projection.${account}.type`]: 'enum',
    [`projection.${account}.values`]: location.accountId,
    [`projection.${region}.type`]: 'enum',
    [`projection.${region}.values`]: location.region,
    [`projection.${day}.type`]: 'date',
    [`projection.${day}.range`]: `${options.from ?? DEFAULT_PROJECTION_FROM},NOW`,
    [`projection.${day}.format`]: 'yyyy/MM/dd',
    [`projection.${day}.interval`]: '1',
    [`projection.${day}.interval.unit`]: 'DAYS',
    'storage.location.template': `s3://${location.bucket}/${location.prefix}AWSLogs/\${${account}}/vpcflowlogs/\${${region}}/\${${day}}/`,
  };
}

/** Options of {@link createTableStatement}. */
export interface CreateTableOptions {
  /** Add the partition-projection properties. @default false - partitions come from ALTER TABLE ADD PARTITION */
  readonly projection?: boolean | ProjectionOptions;
}

/**
 * The table as Athena DDL (Hive syntax), the same table the CDK app creates:
 *
 *     CREATE EXTERNAL TABLE IF NOT EXISTS `db`.`t` (...) PARTITIONED BY (...)
 *     ROW FORMAT DELIMITED FIELDS TERMINATED BY ' ' ... LOCATION '...' TBLPROPERTIES (...)
 *
 * @throws ConfigError for a bad name or location
 */
export function createTableStatement(table: TableRef, format: FlowLogFormat, location: FlowLogLocation, options: CreateTableOptions = {}): string {
  checkTable(table);
  checkLocation(location);
  const column = (c: GlueColumn) => `  ${ddlIdentifier(c.name)} ${c.type} COMMENT ${ddlString(c.comment)}`;
  const projection = options.projection === true ? {} : options.projection || undefined;
  const properties = { ...BASE_TABLE_PROPERTIES, ...(projection ? projectionProperties(location, projection) : {}) };
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${ddlIdentifier(table.database)}.${ddlIdentifier(table.table)} (`,
    tableColumns(format).map(column).join(',\n'),
    ')',
    'PARTITIONED BY (',
    partitionColumns().map(column).join(',\n'),
    ')',
    `ROW FORMAT DELIMITED FIELDS TERMINATED BY ' '`,
    `STORED AS INPUTFORMAT ${ddlString(TABLE_STORAGE.inputFormat)}`,
    `OUTPUTFORMAT ${ddlString(TABLE_STORAGE.outputFormat)}`,
    `LOCATION ${ddlString(tableLocation(location))}`,
    'TBLPROPERTIES (',
    Object.entries(properties)
      .map(([k, v]) => `  ${ddlString(k)} = ${ddlString(v)}`)
      .join(',\n'),
    ')',
  ].join('\n');
}

// ---- the reports -----------------------------------------------------------------

/** Ids of the reports with an Athena query. */
export type AthenaReportId = (typeof STANDARD_REPORTS)[number]['id'] | (typeof EXTRA_REPORTS)[number]['id'];

/** A report as an Athena query. */
export interface AthenaReport {
  readonly id: AthenaReportId;
  readonly title: string;
  /** The query, Trino SQL as Athena engine version 3 runs it. */
  readonly sql: string;
}

/** A report the format cannot serve: the fields it needs and lacks. */
export interface SkippedReport {
  readonly id: AthenaReportId;
  readonly missing: readonly string[];
}

/** Options of {@link athenaReports} and {@link athenaReport}. */
export interface ReportQueryOptions {
  /**
   * Days the query covers, today (UTC) included: its partition filter is
   * `day >= <today - (days - 1)>`.
   * @default 7
   */
  readonly days?: number;
  /** Rows of a top-N report. @default 10 */
  readonly top?: number;
}

/** What a query builder is given. */
interface QueryContext {
  readonly from: string;
  /** `WHERE` conditions every report starts with: the partition filter and the honest-figures filter. */
  readonly where: readonly string[];
  readonly top: number;
  readonly has: (key: string) => boolean;
}

interface ReportSpec {
  /** Field keys the query cannot do without. */
  readonly needs: readonly string[];
  readonly sql: (c: QueryContext) => string;
}

// Protocols worth a name in a report: IANA keywords from the shared table.
const NAMED_PROTOCOLS = [1, 6, 17, 47, 50, 51, 58, 132];
// Transport protocols whose records carry ports (ICMP's are 0), as in the OpenSearch reports.
const PORT_PROTOCOLS = [6, 17, 132];

function protocolLabel(): string {
  const whens = NAMED_PROTOCOLS.map((n) => `WHEN ${n} THEN '${protocolName(n) ?? String(n)}'`).join(' ');
  return `CASE protocol ${whens} ELSE CAST(protocol AS varchar) END`;
}

const share = (figure: string) => `round(100.0 * ${figure} / sum(${figure}) OVER (), 2) AS percent`;

function select(c: QueryContext, lines: { select: string[]; where?: string[]; groupBy: string; orderBy: string; limit?: boolean }): string {
  return [
    'SELECT',
    lines.select.map((s) => `  ${s}`).join(',\n'),
    `FROM ${c.from}`,
    'WHERE ' + [...c.where, ...(lines.where ?? [])].join('\n  AND '),
    `GROUP BY ${lines.groupBy}`,
    `ORDER BY ${lines.orderBy}`,
    ...(lines.limit ? [`LIMIT ${c.top}`] : []),
  ].join('\n');
}

/** Sums of bytes and packets where the format has them. */
function volumes(c: QueryContext): string[] {
  return [...(c.has('bytes') ? ['sum(bytes) AS bytes'] : []), ...(c.has('packets') ? ['sum(packets) AS packets'] : [])];
}

const overTime = (figure: 'bytes' | 'packets'): ReportSpec => ({
  needs: [figure, 'start'],
  sql: (c) =>
    select(c, {
      select: [`date_trunc('hour', from_unixtime(start)) AS hour`, `sum(${figure}) AS ${figure}`, 'count(*) AS records'],
      groupBy: `date_trunc('hour', from_unixtime(start))`,
      orderBy: 'hour',
    }),
});

const perInterface = (figure: 'bytes' | 'packets'): ReportSpec => ({
  needs: [figure, 'interface_id'],
  sql: (c) =>
    select(c, {
      select: ['interface_id', `sum(${figure}) AS ${figure}`, 'count(*) AS records', share(`sum(${figure})`)],
      groupBy: 'interface_id',
      orderBy: `${figure} DESC, interface_id`,
      limit: true,
    }),
});

const REPORT_SPECS: Readonly<Record<AthenaReportId, ReportSpec>> = {
  'accept-reject-ratio': {
    needs: ['action'],
    sql: (c) =>
      select(c, {
        select: ['action', 'count(*) AS records', ...volumes(c), share('count(*)')],
        where: ["action IN ('ACCEPT', 'REJECT')"],
        groupBy: 'action',
        orderBy: 'records DESC, action',
      }),
  },
  'reject-by-protocol': {
    needs: ['action', 'protocol'],
    sql: (c) =>
      select(c, {
        select: ['protocol', `${protocolLabel()} AS protocol_name`, 'count(*) AS records', ...volumes(c), share('count(*)')],
        where: ["action = 'REJECT'"],
        groupBy: 'protocol',
        orderBy: 'records DESC, protocol',
        limit: true,
      }),
  },
  'top-rejected-sources': {
    needs: ['action', 'srcaddr'],
    sql: (c) =>
      select(c, {
        select: ['srcaddr', 'count(*) AS records', ...volumes(c), share('count(*)')],
        where: ["action = 'REJECT'"],
        groupBy: 'srcaddr',
        orderBy: 'records DESC, srcaddr',
        limit: true,
      }),
  },
  'rejected-by-port': {
    needs: ['action', 'dstport'],
    sql: (c) =>
      select(c, {
        select: ['dstport', 'count(*) AS records', ...volumes(c), share('count(*)')],
        where: ["action = 'REJECT'", ...(c.has('protocol') ? [`protocol IN (${PORT_PROTOCOLS.join(', ')})`] : [])],
        groupBy: 'dstport',
        orderBy: 'records DESC, dstport',
        limit: true,
      }),
  },
  'bytes-over-time': overTime('bytes'),
  'bytes-per-interface': perInterface('bytes'),
  'packets-over-time': overTime('packets'),
  'packets-per-interface': perInterface('packets'),
  'top-talkers': {
    needs: ['srcaddr', 'dstaddr', 'bytes'],
    sql: (c) =>
      select(c, {
        select: ['srcaddr', 'dstaddr', 'sum(bytes) AS bytes', ...(c.has('packets') ? ['sum(packets) AS packets'] : []), 'count(*) AS records', share('sum(bytes)')],
        groupBy: 'srcaddr, dstaddr',
        orderBy: 'bytes DESC, srcaddr, dstaddr',
        limit: true,
      }),
  },
};

/** Every report with an Athena query, in print order: the standard eight, then top talkers. */
export const ATHENA_REPORTS: readonly { readonly id: AthenaReportId; readonly title: string }[] = [...STANDARD_REPORTS, ...EXTRA_REPORTS];

/** The field keys a report's query needs. */
export function reportNeeds(id: AthenaReportId): readonly string[] {
  const spec = REPORT_SPECS[id];
  if (!spec) throw new ConfigError(`unknown report "${id}" (known: ${Object.keys(REPORT_SPECS).join(', ')})`);
  return spec.needs;
}

/**
 * The partition filter of a window of `days` days ending today (UTC):
 * `day >= '<first day as YYYY/MM/DD>'`, computed by Athena from
 * `current_date` so that a saved query stays current. `day` values sort as
 * dates, and the bound is a constant per query, so Athena prunes partitions
 * (catalog or projected) with it.
 */
export function dayFilter(days: number): string {
  if (!Number.isInteger(days) || days < 1) throw new ConfigError(`days must be a positive whole number, got ${days}`);
  return `day >= date_format(current_date - INTERVAL '${days - 1}' DAY, '%Y/%m/%d')`;
}

/**
 * Records that describe a flow: NODATA and SKIPDATA records carry `-` in
 * every flow field, so they would add records but no bytes (as in the
 * OpenSearch reports, which count `log_status: OK` only). Without
 * `log-status` in the format, `action` tells the same.
 */
function flowFilter(has: (key: string) => boolean): string[] {
  if (has('log_status')) return ["log_status = 'OK'"];
  if (has('action')) return ["action IN ('ACCEPT', 'REJECT')"];
  return [];
}

/** `"db"."t"`: a Trino identifier pair. */
export function queryTable(table: TableRef): string {
  checkTable(table);
  return `"${table.database}"."${table.table}"`;
}

/**
 * One report as an Athena query over the table, or a {@link SkippedReport}
 * when the format lacks a field it needs.
 */
export function athenaReport(id: AthenaReportId, table: TableRef, format: FlowLogFormat, options: ReportQueryOptions = {}): AthenaReport | SkippedReport {
  const needs = reportNeeds(id);
  const keys = new Set(format.fields.map((f) => f.key));
  const has = (key: string) => keys.has(key);
  const missing = needs.filter((k) => !has(k));
  if (missing.length > 0) return { id, missing };
  const top = options.top ?? 10;
  if (!Number.isInteger(top) || top < 1) throw new ConfigError(`top must be a positive whole number, got ${top}`);
  const context: QueryContext = { from: queryTable(table), where: [dayFilter(options.days ?? 7), ...flowFilter(has)], top, has };
  const title = ATHENA_REPORTS.find((r) => r.id === id)?.title ?? id;
  return { id, title, sql: REPORT_SPECS[id].sql(context) };
}

/** Every report the format can serve as an Athena query, in print order, and the ones it cannot. */
export function athenaReports(table: TableRef, format: FlowLogFormat, options: ReportQueryOptions = {}): { readonly reports: AthenaReport[]; readonly skipped: SkippedReport[] } {
  const reports: AthenaReport[] = [];
  const skipped: SkippedReport[] = [];
  for (const { id } of ATHENA_REPORTS) {
    const r = athenaReport(id, table, format, options);
    if ('sql' in r) reports.push(r);
    else skipped.push(r);
  }
  return { reports, skipped };
}
