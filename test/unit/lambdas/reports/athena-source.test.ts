import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { athenaSource } from '../../../../lambdas/reports/athena-source.js';
import { AthenaQueryError } from '../../../../lambdas/errors.js';
import type { CatalogReport } from '../../../../src/reports/catalog.js';
import { collectWeeklyReport, ReportQueryError } from '../../../../src/reports/weekly.js';
import { fakeReport } from '../../../helpers/weekly-fakes.js';

const athenaMock = mockClient(AthenaClient);
afterEach(() => athenaMock.reset());

const WEEK = { from: Date.parse('2026-11-23T00:00:00Z'), to: Date.parse('2026-11-30T00:00:00Z') };
const instant = () => Promise.resolve();
const withAthena = (report: CatalogReport, sql: string): CatalogReport => ({ ...report, athena: { needs: [], sql: () => sql } }) as unknown as CatalogReport;
const column = (Name: string) => ({ Name, Type: 'varchar' });
const values = (...v: string[]) => ({ Data: v.map((VarCharValue) => ({ VarCharValue })) });

describe('athenaSource', () => {
  it('runs the report\'s SQL in the workgroup, reads every result page without the header, and the NODATA count', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolvesOnce({ QueryExecutionId: 'q-report' }).resolvesOnce({ QueryExecutionId: 'q-status' });
    athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athenaMock
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-report' })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: { ColumnInfo: [column('action'), column('records'), column('percent')] }, Rows: [values('action', 'records', 'percent'), values('ACCEPT', '30', '75.0')] }, NextToken: 't2' })
      .resolvesOnce({ ResultSet: { Rows: [values('REJECT', '10', '25.0')] } });
    athenaMock.on(GetQueryResultsCommand, { QueryExecutionId: 'q-status' }).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: [column('log_status'), column('records')] }, Rows: [values('log_status', 'records'), values('OK', '40'), values('NODATA', '3')] },
    });
    const source = athenaSource({ athena: new AthenaClient({}), database: 'flowlogs', table: 'vpc_flow_logs', workgroup: 'wg', sleep: instant });

    const run = await source.run(withAthena(fakeReport('accept-reject-ratio'), 'SELECT report'), { ...WEEK, top: 10 });

    expect(run).toEqual({
      rows: [
        { key: 'ACCEPT', value: 30, records: 30, share: 0.75 },
        { key: 'REJECT', value: 10, records: 10, share: 0.25 },
      ],
      excluded: { nodata: 3, skipdata: 0 },
    });
    const starts = athenaMock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(starts[0]).toMatchObject({ QueryString: 'SELECT report', WorkGroup: 'wg', QueryExecutionContext: { Database: 'flowlogs' } });
    expect(starts[1]?.QueryString).toMatch(/^SELECT log_status, count\(\*\) AS records/);
    expect(athenaMock.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 't2', undefined]);
  });

  it('finds which addresses were REJECTed sources in the look-back', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athenaMock.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [column('srcaddr')] }, Rows: [values('srcaddr'), values('203.0.113.9')] } });
    const source = athenaSource({ athena: new AthenaClient({}), database: 'flowlogs', table: 'vpc_flow_logs', workgroup: 'wg', sleep: instant });

    const seen = await source.rejectedSourcesIn(['198.51.100.7', '203.0.113.9'], WEEK);

    expect([...seen]).toEqual(['203.0.113.9']);
  });

  it('fails the weekly report with Athena\'s own reason when a query FAILED: never a quiet week', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-bad' });
    athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'HIVE_PARTITION_SCHEMA_MISMATCH' } } });
    const source = athenaSource({ athena: new AthenaClient({}), database: 'flowlogs', table: 'vpc_flow_logs', workgroup: 'wg', sleep: instant });

    const error = await collectWeeklyReport(source, { week: WEEK, reports: [withAthena(fakeReport('accept-reject-ratio'), 'SELECT 1')] }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReportQueryError);
    expect((error as ReportQueryError).cause).toBeInstanceOf(AthenaQueryError);
    expect((error as Error).message).toContain('HIVE_PARTITION_SCHEMA_MISMATCH');
  });
});
