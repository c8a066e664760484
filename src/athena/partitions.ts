/**
 * The partition planner: which days of flow logs become Athena partitions,
 * where each one lives in S3, and the one `ALTER TABLE ... ADD IF NOT EXISTS
 * PARTITION` statement that registers them.
 *
 * The layout is the one the flow log writes (plain text, AWS's default
 * layout, no Hive-style `key=value` folders, one folder a day):
 *
 *     s3://<bucket>/<prefix>AWSLogs/<account-id>/vpcflowlogs/<region>/YYYY/MM/DD/<file>.log.gz
 *
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html
 *
 * The table is partitioned by the three variable parts of that path:
 * {@link PARTITION_KEYS}. Days are UTC calendar days, `YYYY-MM-DD`, and all
 * date arithmetic is on UTC midnights, so month ends, year ends and leap days
 * need no special cases.
 *
 * Pure: no AWS SDK, no clock, no environment. The caller passes "today" and
 * the days it found in S3.
 */
import { ConfigError } from '../errors.js';

/** A UTC calendar day, `YYYY-MM-DD`. */
export type Day = string;

/** A table in the Glue Data Catalog. */
export interface TableRef {
  /** Glue database: lower-case letters, digits and `_`. */
  readonly database: string;
  /** Glue table: lower-case letters, digits and `_`. */
  readonly table: string;
}

/** Where one account's flow logs for one region land. */
export interface FlowLogLocation {
  /** The flow-log bucket. */
  readonly bucket: string;
  /** Key prefix the flow log writes under: empty, or ending in `/` (`vpc-flow-logs/`). */
  readonly prefix: string;
  /** Account whose flow logs these are (12 digits): the `<account-id>` path segment. */
  readonly accountId: string;
  /** Region of the flow log: the `<region>` path segment. */
  readonly region: string;
}

/**
 * The partition columns, in order. Named apart from the record fields
 * `account_id` and `region` (a partition column may not repeat a column's
 * name): these say where the object is, those say what the record is about.
 */
export const PARTITION_KEYS = [
  { name: 'aws_account_id', description: 'Account in the S3 path (AWSLogs/<account-id>/).' },
  { name: 'aws_region', description: 'Region in the S3 path (vpcflowlogs/<region>/).' },
  { name: 'day', description: 'UTC day of the S3 folder, YYYY/MM/DD (sorts as a date): filter on it to bound the bytes a query scans.' },
] as const;

/** The values of one partition, by partition column. */
export interface PartitionValues {
  readonly aws_account_id: string;
  readonly aws_region: string;
  /** `YYYY/MM/DD`, as in the S3 path. */
  readonly day: string;
}

/** One partition: its values and its S3 folder. */
export interface PartitionSpec {
  readonly values: PartitionValues;
  /** `s3://bucket/prefix/AWSLogs/.../YYYY/MM/DD/` */
  readonly location: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

// Glue stores names in lower case; Athena accepts only these characters in
// database and table names.
// https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html
const IDENTIFIER = /^[a-z0-9_]{1,255}$/;
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// A key prefix that needs no quoting in a SQL string literal or an S3 URI.
const PREFIX = /^(?:[A-Za-z0-9!_.*()=+,:@-]+\/)*$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/** Checks a Glue database or table name. @throws ConfigError */
export function checkIdentifier(what: string, name: string): string {
  if (!IDENTIFIER.test(name)) throw new ConfigError(`${what} must be 1 to 255 lower-case letters, digits or _, got "${name}"`);
  return name;
}

/** Checks an S3 bucket name. @throws ConfigError */
export function checkBucket(bucket: string): string {
  if (!BUCKET.test(bucket)) throw new ConfigError(`bucket must be an S3 bucket name, got "${bucket}"`);
  return bucket;
}

/** Checks a key prefix: empty, or slash-ended parts that need no quoting. @throws ConfigError */
export function checkPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) throw new ConfigError(`prefix must be empty or end in "/", with letters, digits and !_.*()=+,:@- between slashes, got "${prefix}"`);
  return prefix;
}

/** Checks an account id (12 digits). @throws ConfigError */
export function checkAccountId(accountId: string): string {
  if (!ACCOUNT_ID.test(accountId)) throw new ConfigError(`account id must be 12 digits, got "${accountId}"`);
  return accountId;
}

/** Checks a region name. @throws ConfigError */
export function checkRegion(region: string): string {
  if (!REGION.test(region)) throw new ConfigError(`region must be a region name such as eu-west-1, got "${region}"`);
  return region;
}

/** Checks every part of a location, so that none needs quoting in SQL. @throws ConfigError */
export function checkLocation(location: FlowLogLocation): FlowLogLocation {
  checkBucket(location.bucket);
  checkPrefix(location.prefix);
  checkAccountId(location.accountId);
  checkRegion(location.region);
  return location;
}

/** Checks a table reference. @throws ConfigError */
export function checkTable(table: TableRef): TableRef {
  checkIdentifier('database', table.database);
  checkIdentifier('table', table.table);
  return table;
}

// ---- days ------------------------------------------------------------------------

function utcMidnight(day: Day): number {
  const m = DAY.exec(day);
  if (!m) throw new ConfigError(`a day is YYYY-MM-DD, got "${day}"`);
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, date);
  const back = new Date(ms);
  // Date.UTC rolls 2023-02-29 over to March 1st: a round trip catches it.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== date) {
    throw new ConfigError(`"${day}" is not a calendar day`);
  }
  return ms;
}

/** Checks that `text` is a real calendar day, `YYYY-MM-DD` (2024-02-29 yes, 2023-02-29 no). @throws ConfigError */
export function parseDay(text: string): Day {
  utcMidnight(text);
  return text;
}

/** The UTC day of an instant. */
export function dayOf(instant: Date): Day {
  if (Number.isNaN(instant.getTime())) throw new ConfigError('not a valid date');
  return instant.toISOString().slice(0, 10);
}

/** The day `n` days after `day` (before it for a negative `n`). */
export function addDays(day: Day, n: number): Day {
  return new Date(utcMidnight(day) + n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included, in order. @throws ConfigError when `to` is before `from`. */
export function dayRange(from: Day, to: Day): Day[] {
  const start = utcMidnight(from);
  const end = utcMidnight(to);
  if (end < start) throw new ConfigError(`the range ends (${to}) before it starts (${from})`);
  const days: Day[] = [];
  for (let ms = start; ms <= end; ms += MS_PER_DAY) days.push(new Date(ms).toISOString().slice(0, 10));
  return days;
}

/** `2024-02-29` → `2024/02/29`: the day's folder path, and its `day` partition value. */
export function dayPath(day: Day): string {
  parseDay(day);
  return day.replaceAll('-', '/');
}

// ---- S3 layout ---------------------------------------------------------------------

/** Key prefix of the account's and region's folders: `<prefix>AWSLogs/<account-id>/vpcflowlogs/<region>/`. */
export function regionPrefix(location: FlowLogLocation): string {
  return `${location.prefix}AWSLogs/${location.accountId}/vpcflowlogs/${location.region}/`;
}

/** Key prefix of one day's folder: `.../<region>/YYYY/MM/DD/`. */
export function dayPrefix(location: FlowLogLocation, day: Day): string {
  return `${regionPrefix(location)}${dayPath(day)}/`;
}

/**
 * The month folders (`.../<region>/YYYY/MM/`) that hold `days`, in order, each
 * once. Listing them with `Delimiter: '/'` returns one common prefix per day
 * that has objects.
 */
export function monthPrefixes(location: FlowLogLocation, days: readonly Day[]): string[] {
  const months = new Set(days.map((d) => `${regionPrefix(location)}${dayPath(d).slice(0, 7)}/`));
  return [...months].sort();
}

/** The day of a day folder's key prefix (a `CommonPrefixes` entry), or undefined for anything else. */
export function dayFromPrefix(location: FlowLogLocation, keyPrefix: string): Day | undefined {
  const base = regionPrefix(location);
  if (!keyPrefix.startsWith(base)) return undefined;
  const m = /^(\d{4})\/(\d{2})\/(\d{2})\/$/.exec(keyPrefix.slice(base.length));
  if (!m) return undefined;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  try {
    return parseDay(day);
  } catch {
    return undefined;
  }
}

/** One day's partition: values and S3 folder. */
export function partitionSpec(location: FlowLogLocation, day: Day): PartitionSpec {
  return {
    values: { aws_account_id: location.accountId, aws_region: location.region, day: dayPath(day) },
    location: `s3://${location.bucket}/${dayPrefix(location, day)}`,
  };
}

// ---- the plan ------------------------------------------------------------------------

/** What the daily run knows. */
export interface DailyPlanInput {
  /** The UTC day of the run. */
  readonly today: Day;
  /** Days before today to look back over for days that have data but no partition (0 for none). */
  readonly lookbackDays: number;
  /** Days whose S3 folder has objects (from the delimiter listing); days outside the look-back are ignored. */
  readonly daysWithData: Iterable<Day>;
  /**
   * Days whose partition is known to exist already (for example from
   * `glue:GetPartitions`); they are left out of the plan.
   * @default - none known: the statement's IF NOT EXISTS makes re-adding one a no-op
   */
  readonly existing?: Iterable<Day>;
}

/** The days a run registers, and why. */
export interface DailyPlan {
  /** Every day to add, in order: what the statement registers. */
  readonly days: readonly Day[];
  /** Today and tomorrow (unless known to exist): ready before their first object lands, so queries work from midnight. */
  readonly ahead: readonly Day[];
  /** Look-back days with data (unless known to exist). */
  readonly backfill: readonly Day[];
  /** The look-back window, oldest first: `lookbackDays` days, ending yesterday. */
  readonly window: readonly Day[];
}

/** The `lookbackDays` days before `today`, oldest first. */
export function lookbackWindow(today: Day, lookbackDays: number): Day[] {
  if (!Number.isInteger(lookbackDays) || lookbackDays < 0) throw new ConfigError(`look-back must be a whole number of days, 0 or more, got ${lookbackDays}`);
  if (lookbackDays === 0) return [];
  return dayRange(addDays(today, -lookbackDays), addDays(today, -1));
}

/**
 * The daily run's plan: today and tomorrow always, plus every day of the
 * look-back window whose folder has data, less the partitions known to exist.
 */
export function planDailyPartitions(input: DailyPlanInput): DailyPlan {
  const today = parseDay(input.today);
  const window = lookbackWindow(today, input.lookbackDays);
  const existing = new Set(input.existing ?? []);
  const withData = new Set(input.daysWithData);
  const ahead = [today, addDays(today, 1)].filter((d) => !existing.has(d));
  const backfill = window.filter((d) => withData.has(d) && !existing.has(d));
  return { days: [...backfill, ...ahead], ahead, backfill, window };
}

// ---- the statement -------------------------------------------------------------------

/**
 * Athena's limit on a query string is 262,144 bytes; stay well under it.
 * https://docs.aws.amazon.com/athena/latest/ug/service-limits.html
 */
export const MAX_STATEMENT_LENGTH = 240_000;

/** A Hive/Athena DDL identifier in backquotes. */
export function ddlIdentifier(name: string): string {
  return '`' + name.replaceAll('`', '``') + '`';
}

/** A Hive string literal: backslash escapes, as Athena DDL reads them. */
export function ddlString(value: string): string {
  return "'" + value.replaceAll('\\', '\\\\').replaceAll("'", "\\'") + "'";
}

function partitionClause(spec: PartitionSpec): string {
  const values = PARTITION_KEYS.map((k) => `${ddlIdentifier(k.name)} = ${ddlString(spec.values[k.name])}`).join(', ');
  return `  PARTITION (${values}) LOCATION ${ddlString(spec.location)}`;
}

/**
 * `ALTER TABLE db.t ADD IF NOT EXISTS PARTITION (...) LOCATION '...' ...` for
 * the days, in order: one statement for all of them. IF NOT EXISTS makes it
 * idempotent: a partition that exists is left as it is.
 *
 * https://docs.aws.amazon.com/athena/latest/ug/alter-table-add-partition.html
 * @throws ConfigError for no days, a bad name or location, or a statement over {@link MAX_STATEMENT_LENGTH}
 */
export function addPartitionsStatement(table: TableRef, location: FlowLogLocation, days: readonly Day[]): string {
  const [statement, ...rest] = addPartitionsStatements(table, location, days, Number.MAX_SAFE_INTEGER);
  if (statement === undefined) throw new ConfigError('no days to add');
  if (rest.length > 0 || statement.length > MAX_STATEMENT_LENGTH) {
    throw new ConfigError(`${days.length} partitions do not fit one statement of at most ${MAX_STATEMENT_LENGTH} characters: use addPartitionsStatements`);
  }
  return statement;
}

/**
 * The same as {@link addPartitionsStatement}, split into as few statements
 * as keep each under `maxLength` characters (for backfills of years). Days
 * are deduplicated and sorted. Empty for no days.
 */
export function addPartitionsStatements(table: TableRef, location: FlowLogLocation, days: readonly Day[], maxLength = MAX_STATEMENT_LENGTH): string[] {
  checkTable(table);
  checkLocation(location);
  const head = `ALTER TABLE ${ddlIdentifier(table.database)}.${ddlIdentifier(table.table)} ADD IF NOT EXISTS`;
  const sorted = [...new Set(days.map(parseDay))].sort();
  const statements: string[] = [];
  let clauses: string[] = [];
  let length = head.length;
  for (const day of sorted) {
    const clause = partitionClause(partitionSpec(location, day));
    if (clauses.length > 0 && length + 1 + clause.length > maxLength) {
      statements.push([head, ...clauses].join('\n'));
      clauses = [];
      length = head.length;
    }
    clauses.push(clause);
    length += 1 + clause.length;
  }
  if (clauses.length > 0) statements.push([head, ...clauses].join('\n'));
  return statements;
}
