/**
 * The Athena side of the S3 flow logs as data and SQL: the Glue table's
 * columns, storage and properties (the CDK app's `CfnTable` reads them), the
 * same table as a `CREATE EXTERNAL TABLE` statement (for the docs and for
 * anyone creating it by hand), the partition-projection properties, and what
 * every report query starts from (the table's name, the partition filter).
 * The reports' queries themselves are in the one catalog,
 * src/reports/catalog.ts.
 *
 * Columns come from the configured {@link FlowLogFormat}, in its order, with
 * the names and types of the shared field list (src/format/flow-log-schema.ts),
 * which follows Athena's flow-log table:
 * https://docs.aws.amazon.com/athena/latest/ug/vpc-flow-logs-create-table-statement.html
 *
 * Every report query filters on the `day` partition column ({@link dayFilter}),
 * so it reads only the folders of its window and never the whole bucket.
 *
 * Pure: no AWS SDK, no clock, no environment.
 */
import { ConfigError } from '../errors.js';
import type { FlowLogFormat } from '../format/flow-log-schema.js';
import { checkLocation, checkTable, ddlIdentifier, ddlString, PARTITION_KEYS, type FlowLogLocation, type TableRef } from './partitions.js';

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

// ---- what every report query starts from ----------------------------------------

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

/** `"db"."t"`: a Trino identifier pair. */
export function queryTable(table: TableRef): string {
  checkTable(table);
  return `"${table.database}"."${table.table}"`;
}
