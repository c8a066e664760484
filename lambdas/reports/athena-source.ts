/**
 * The weekly report's figures from Athena, for a stack without OpenSearch:
 * each catalog report's own Athena query bounded to the range
 * (src/reports/weekly-athena.ts), run to the end in the workgroup
 * (runStatement: FAILED, CANCELLED and timeouts throw), and its result pages
 * read back. A failed query fails the run; nothing is read as "no rows".
 */
import { GetQueryResultsCommand, type AthenaClient } from '@aws-sdk/client-athena';
import type { CatalogReport, ReportRange } from '../../src/reports/catalog.js';
import { athenaRows, excludedFromResult, excludedSql, rejectedSourcesSql, reportSql, type AthenaResult, type AthenaTable } from '../../src/reports/weekly-athena.js';
import type { ReportRun, ReportSource, WeekRange } from '../../src/reports/weekly.js';
import { FlowLogError } from '../../src/errors.js';
import { runStatement } from '../partitions/athena.js';

/** What {@link athenaSource} needs. */
export interface AthenaSourceOptions {
  readonly athena: AthenaClient;
  readonly database: string;
  readonly table: string;
  readonly workgroup: string;
  /** Whether the flow-log format has a field, by key. @default - every field */
  readonly has?: (key: string) => boolean;
  /** Milliseconds left for the whole run. @default 9 minutes from the first query */
  readonly remainingMs?: () => number;
  /** How to wait between polls (tests pass an instant one). */
  readonly sleep?: (ms: number) => Promise<void>;
}

// The look-back check lists addresses in the SQL text; Athena's query string limit is 256 kB.
const ADDRESSES_PER_QUERY = 1000;

/** Every page of a finished query's result; the header row of a SELECT is dropped. */
export async function queryResult(athena: AthenaClient, queryExecutionId: string): Promise<AthenaResult> {
  let columns: string[] = [];
  const rows: (string | null)[][] = [];
  let token: string | undefined;
  let first = true;
  do {
    const page = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: queryExecutionId, ...(token ? { NextToken: token } : {}) }));
    if (first) columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
    const data = (page.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null));
    rows.push(...(first ? data.slice(1) : data));
    first = false;
    token = page.NextToken;
  } while (token);
  return { columns, rows };
}

/** The source over a workgroup and the flow-log table. */
export function athenaSource(options: AthenaSourceOptions): ReportSource {
  const table: AthenaTable = { database: options.database, table: options.table };
  const has = options.has ?? (() => true);
  let deadline: number | undefined;
  const remainingMs = options.remainingMs ?? (() => (deadline ??= Date.now() + 9 * 60_000) - Date.now());
  const query = async (sql: string): Promise<AthenaResult> => {
    const { queryExecutionId } = await runStatement(options.athena, { sql, workgroup: options.workgroup, database: options.database, remainingMs, ...(options.sleep ? { sleep: options.sleep } : {}) });
    return queryResult(options.athena, queryExecutionId);
  };
  return {
    name: `Athena workgroup ${options.workgroup} (${options.database}.${options.table})`,
    async run(report: CatalogReport, range: ReportRange): Promise<ReportRun> {
      const sql = reportSql(report, table, range, has);
      if (sql === undefined) throw new FlowLogError(`report ${report.id} has no Athena query`);
      const rows = athenaRows(report, await query(sql));
      const week = { from: Number(new Date(range.from)), to: Number(new Date(range.to)) };
      // The left-out count is one more query; only the headline report needs it.
      const excluded = report.id === 'accept-reject-ratio' ? excludedFromResult(await query(excludedSql(table, week))) : { nodata: 0, skipdata: 0 };
      return { rows, excluded };
    },
    async rejectedSourcesIn(addresses: readonly string[], range: WeekRange): Promise<ReadonlySet<string>> {
      const seen = new Set<string>();
      for (let i = 0; i < addresses.length; i += ADDRESSES_PER_QUERY) {
        const result = await query(rejectedSourcesSql(table, addresses.slice(i, i + ADDRESSES_PER_QUERY), range));
        for (const r of result.rows) if (r[0]) seen.add(r[0]);
      }
      return seen;
    },
  };
}
