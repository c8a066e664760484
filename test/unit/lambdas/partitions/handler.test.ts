import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand, type StartQueryExecutionCommandInput } from '@aws-sdk/client-athena';
import { ListObjectsV2Command, S3Client, type ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AthenaQueryError, QueryTimeoutError } from '../../../../lambdas/errors.js';
import { createPartitionHandler } from '../../../../lambdas/partitions/handler.js';
import { addPartitionsStatement } from '../../../../src/athena/partitions.js';
import { CONFIG, dayFolder, fakeClock, LOCATION } from './fakes.js';

const athenaMock = mockClient(AthenaClient);
const s3Mock = mockClient(S3Client);
afterEach(() => {
  athenaMock.reset();
  s3Mock.reset();
});

/** The bucket: day folders, answered one page per call as S3 does with a delimiter. */
function bucket(days: readonly string[]) {
  s3Mock.on(ListObjectsV2Command).callsFake((input: ListObjectsV2CommandInput) => ({
    CommonPrefixes: days
      .map(dayFolder)
      .filter((p) => p.startsWith(input.Prefix ?? ''))
      .map((Prefix) => ({ Prefix })),
    IsTruncated: false,
  }));
}

/**
 * Athena and the catalog behind it: ADD IF NOT EXISTS PARTITION adds the
 * partitions that are not there and leaves the rest, as Athena does.
 */
function athenaWithCatalog() {
  const catalog = new Set<string>();
  const added: number[] = [];
  let n = 0;
  athenaMock.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) => {
    const days = [...(input.QueryString ?? '').matchAll(/`day` = '([\d/]+)'/g)].map((m) => m[1]!);
    added.push(days.filter((d) => !catalog.has(d)).length);
    for (const d of days) catalog.add(d);
    return { QueryExecutionId: `q-${++n}` };
  });
  athenaMock.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({ QueryExecution: { QueryExecutionId: input.QueryExecutionId, Status: { State: 'SUCCEEDED' } } }));
  return { catalog, added };
}

const context = (remainingMs = 300_000) => ({ getRemainingTimeInMillis: () => remainingMs });
const handlerAt = (iso: string, overrides: Parameters<typeof createPartitionHandler>[1] = {}) =>
  createPartitionHandler(CONFIG, { athena: new AthenaClient({}), s3: new S3Client({}), now: () => new Date(iso), quiet: true, ...overrides });

describe('partition handler', () => {
  it('adds today, tomorrow and the look-back days with data in one statement, across a leap day', async () => {
    bucket(['2024-02-27', '2024-02-29', '2024-03-01']);
    athenaWithCatalog();

    const summary = await handlerAt('2024-03-01T00:15:00Z')({}, context());

    expect(summary).toEqual({
      today: '2024-03-01',
      days: ['2024-02-27', '2024-02-29', '2024-03-01', '2024-03-02'],
      backfill: ['2024-02-27', '2024-02-29'],
      empty: ['2024-02-28'],
      queryExecutionIds: ['q-1'],
    });
    const starts = athenaMock.commandCalls(StartQueryExecutionCommand);
    expect(starts).toHaveLength(1);
    expect(starts[0]!.args[0].input).toMatchObject({
      QueryString: addPartitionsStatement(CONFIG.table, LOCATION, summary.days),
      WorkGroup: CONFIG.workgroup,
      QueryExecutionContext: { Database: 'vpcflowlogs' },
    });
  });

  it('changes nothing on a second run', async () => {
    bucket(['2024-12-29', '2024-12-30', '2024-12-31']);
    const { catalog, added } = athenaWithCatalog();
    const handler = handlerAt('2024-12-31T23:00:00Z');

    await handler({}, context());
    const after = new Set(catalog);
    await handler({}, context());

    expect(added).toEqual([4, 0]);
    expect(catalog).toEqual(after);
    expect([...catalog].sort()).toEqual(['2024/12/29', '2024/12/30', '2024/12/31', '2025/01/01']);
  });

  it('adds only today and tomorrow when the look-back is empty', async () => {
    bucket([]);
    athenaWithCatalog();

    const summary = await handlerAt('2025-01-01T00:00:00Z')({}, context());

    expect(summary.days).toEqual(['2025-01-01', '2025-01-02']);
    expect(summary.empty).toEqual(['2024-12-29', '2024-12-30', '2024-12-31']);
  });

  it('lists nothing with a look-back of 0', async () => {
    athenaWithCatalog();
    const handler = createPartitionHandler({ ...CONFIG, lookbackDays: 0 }, { athena: new AthenaClient({}), s3: new S3Client({}), now: () => new Date('2024-05-05T10:00:00Z'), quiet: true });

    const summary = await handler({}, context());

    expect(summary.days).toEqual(['2024-05-05', '2024-05-06']);
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });

  it('fails the invocation with Athena\'s reason when the statement FAILED', async () => {
    bucket([]);
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-f' });
    athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'Insufficient permissions to execute the query. User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: glue:BatchCreatePartition' } } });

    await expect(handlerAt('2024-06-01T00:15:00Z')({}, context())).rejects.toThrow(AthenaQueryError);
    await expect(handlerAt('2024-06-01T00:15:00Z')({}, context())).rejects.toThrow(/q-f FAILED: Insufficient permissions .* glue:BatchCreatePartition/);
  });

  it('fails with a timeout error when the statement never finishes before the Lambda deadline', async () => {
    bucket([]);
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-slow' });
    athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    const clock = fakeClock(30_000);
    const handler = handlerAt('2024-06-01T00:15:00Z', { polling: { sleep: clock.sleep } });

    const error = await handler({}, { getRemainingTimeInMillis: clock.remainingMs }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(error).toMatchObject({ queryExecutionId: 'q-slow', lastState: 'RUNNING' });
    expect(athenaMock.commandCalls(GetQueryExecutionCommand).length).toBeGreaterThan(1);
  });

  it('lets an S3 error fail the invocation before any statement runs', async () => {
    s3Mock.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    athenaWithCatalog();

    await expect(handlerAt('2024-06-01T00:15:00Z')({}, context())).rejects.toThrow('Access Denied');
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });
});
