/**
 * The weekly report over Athena, as SQL and as rows: each catalog report's
 * own Athena query bounded to a time range (instead of "the last N days"),
 * the NODATA/SKIPDATA count, the look-back check of REJECTed sources, and the
 * result sets read back into the catalog's row shape. Pure: the caller runs
 * the SQL (lambdas/reports/athena-source.ts).
 *
 * The range is bounded twice: on the `day` partition (so a query reads only
 * the folders of its window, plus the day after it, where records that
 * started before midnight are delivered) and on `start`, the record's own
 * time, which is what OpenSearch's `@timestamp` is.
 */
import { FlowLogError } from '../errors.js';
import type { CatalogReport, ReportRange } from './catalog.js';
import type { WeekRange, WeeklyRow } from './weekly.js';

/** A result set as Athena returns it: column names and rows of strings (null for NULL). */
export interface AthenaResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** A result set without the columns a report's rows need. */
export class AthenaResultError extends FlowLogError {}

/** `"db"."table"`, names checked. */
export interface AthenaTable {
  readonly database: string;
  readonly table: string;
}

const IDENTIFIER = /^[a-z0-9_]{1,255}$/;
const DAY_MS = 86_400_000;

function quoted(table: AthenaTable): string {
  for (const name of [table.database, table.table]) {
    if (!IDENTIFIER.test(name)) throw new FlowLogError(`not a Glue name: "${name}" (lower-case letters, digits and _)`);
  }
  return `"${table.database}"."${table.table}"`;
}

const millis = (bound: ReportRange['from']): number => (bound instanceof Date ? bound.getTime() : typeof bound === 'number' ? bound : Date.parse(bound));
const folder = (ms: number): string => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');

/** The WHERE conditions of a range: partition folders and record start time, both literal. */
export function rangeConditions(range: WeekRange): string[] {
  const fromSec = Math.floor(range.from / 1000);
  const toSec = Math.ceil(range.to / 1000);
  return [`day >= '${folder(range.from)}'`, `day <= '${folder(range.to - 1 + DAY_MS)}'`, `start >= ${fromSec}`, `start < ${toSec}`];
}

/**
 * A catalog report's Athena SQL over `range`, or undefined for a report
 * without one (the GeoIP reports: their fields exist only in OpenSearch).
 */
export function reportSql(report: CatalogReport, table: AthenaTable, range: ReportRange, has: (key: string) => boolean): string | undefined {
  if (!report.athena) return undefined;
  const r = { from: millis(range.from), to: millis(range.to) };
  return report.athena.sql({ from: quoted(table), where: [...rangeConditions(r), "log_status = 'OK'"], top: range.top ?? 10, has });
}

/** Records per log_status over the range: what the figures leave out. */
export function excludedSql(table: AthenaTable, range: WeekRange): string {
  return [`SELECT log_status, count(*) AS records`, `FROM ${quoted(table)}`, `WHERE ${rangeConditions(range).join('\n  AND ')}`, 'GROUP BY log_status'].join('\n');
}

// IPv4 and IPv6 text only: the addresses go into the SQL as literals.
const ADDRESS = /^[0-9a-fA-F:.]{2,45}$/;

/** Which of `addresses` were a REJECTed source (log_status OK) in the range. */
export function rejectedSourcesSql(table: AthenaTable, addresses: readonly string[], range: WeekRange): string {
  const bad = addresses.find((a) => !ADDRESS.test(a));
  if (bad !== undefined) throw new FlowLogError(`not an IP address: "${bad}"`);
  return [
    'SELECT DISTINCT srcaddr',
    `FROM ${quoted(table)}`,
    `WHERE ${[...rangeConditions(range), "log_status = 'OK'", "action = 'REJECT'", `srcaddr IN (${addresses.map((a) => `'${a}'`).join(', ')})`].join('\n  AND ')}`,
  ].join('\n');
}

const num = (v: string | null | undefined): number => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
};

// Athena's timestamps: `2026-11-23 03:00:00.000`, UTC.
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?$/;

/**
 * A report's rows from its query's result: the key is the first column, the
 * figure the column named after the report's unit, `records`, `bytes` and
 * `packets` where present, and the share from `percent` (the query's window
 * over all groups, before its LIMIT) or else from the rows' own total.
 * @throws AthenaResultError when the figure's column is missing
 */
export function athenaRows(report: Pick<CatalogReport, 'id' | 'unit'>, result: AthenaResult): WeeklyRow[] {
  const index = (name: string): number => result.columns.indexOf(name);
  const valueAt = index(report.unit);
  if (valueAt < 0 || result.columns.length < 2) throw new AthenaResultError(`Athena result of ${report.id} lacks the ${report.unit} column (columns: ${result.columns.join(', ')})`);
  const [recordsAt, bytesAt, packetsAt, percentAt] = ['records', 'bytes', 'packets', 'percent'].map(index) as [number, number, number, number];
  const total = result.rows.reduce((s, r) => s + num(r[valueAt]), 0);
  return result.rows.map((r) => {
    const raw = r[0] ?? '';
    const ts = TIMESTAMP.exec(raw);
    const value = num(r[valueAt]);
    return {
      key: ts ? `${ts[1]}T${ts[2]}${(ts[3] ?? '.000').padEnd(4, '0').slice(0, 4)}Z` : raw,
      value,
      records: recordsAt >= 0 ? num(r[recordsAt]) : value,
      share: percentAt >= 0 ? num(r[percentAt]) / 100 : total > 0 ? value / total : 0,
      ...(bytesAt >= 0 ? { bytes: num(r[bytesAt]) } : {}),
      ...(packetsAt >= 0 ? { packets: num(r[packetsAt]) } : {}),
    };
  });
}

/** NODATA and SKIPDATA counts from {@link excludedSql}'s result. */
export function excludedFromResult(result: AthenaResult): { nodata: number; skipdata: number } {
  const count = (status: string): number => num(result.rows.find((r) => r[0] === status)?.[1]);
  return { nodata: count('NODATA'), skipdata: count('SKIPDATA') };
}
