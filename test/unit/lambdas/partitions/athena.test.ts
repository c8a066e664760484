import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand, type QueryExecutionState } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AthenaQueryError, QueryTimeoutError } from '../../../../lambdas/errors.js';
import { runStatement } from '../../../../lambdas/partitions/athena.js';
import { fakeClock } from './fakes.js';

const athenaMock = mockClient(AthenaClient);
afterEach(() => athenaMock.reset());

const SQL = "ALTER TABLE `db`.`t` ADD IF NOT EXISTS PARTITION (`day` = '2024/02/29') LOCATION 's3://b/p/'";

/** GetQueryExecution answers, one per poll, the last repeated. */
function states(...sequence: { State: QueryExecutionState; StateChangeReason?: string }[]) {
  athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  let call = 0;
  athenaMock.on(GetQueryExecutionCommand).callsFake(() => {
    const status = sequence[Math.min(call++, sequence.length - 1)];
    return { QueryExecution: { QueryExecutionId: 'q-1', Status: status, Statistics: { EngineExecutionTimeInMillis: 420 } } };
  });
}

describe('runStatement', () => {
  it('starts the statement in the workgroup and polls with doubling waits until SUCCEEDED', async () => {
    states({ State: 'QUEUED' }, { State: 'RUNNING' }, { State: 'RUNNING' }, { State: 'SUCCEEDED' });
    const clock = fakeClock(60_000);

    const result = await runStatement(new AthenaClient({}), { sql: SQL, workgroup: 'wg', database: 'db', remainingMs: clock.remainingMs, sleep: clock.sleep });

    expect(result).toEqual({ queryExecutionId: 'q-1', polls: 4, engineExecutionTimeMs: 420 });
    expect(clock.sleeps).toEqual([250, 500, 1000]);
    const start = athenaMock.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(start).toMatchObject({ QueryString: SQL, WorkGroup: 'wg', QueryExecutionContext: { Database: 'db' } });
    expect(start.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(athenaMock.commandCalls(GetQueryExecutionCommand).every((c) => c.args[0].input.QueryExecutionId === 'q-1')).toBe(true);
  });

  it('caps the wait between polls', async () => {
    states({ State: 'RUNNING' }, { State: 'RUNNING' }, { State: 'RUNNING' }, { State: 'RUNNING' }, { State: 'SUCCEEDED' });
    const clock = fakeClock(60_000);

    await runStatement(new AthenaClient({}), { sql: SQL, workgroup: 'wg', remainingMs: clock.remainingMs, sleep: clock.sleep, initialDelayMs: 1000, maxDelayMs: 3000 });

    expect(clock.sleeps).toEqual([1000, 2000, 3000, 3000]);
  });

  it('fails with Athena\'s reason when the query FAILED', async () => {
    states({ State: 'RUNNING' }, { State: 'FAILED', StateChangeReason: 'FAILED: SemanticException [Error 10001]: Table not found vpc_flow_logs' });
    const clock = fakeClock(60_000);

    const error = await runStatement(new AthenaClient({}), { sql: SQL, workgroup: 'wg', remainingMs: clock.remainingMs, sleep: clock.sleep }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toMatchObject({ queryExecutionId: 'q-1', state: 'FAILED', reason: 'FAILED: SemanticException [Error 10001]: Table not found vpc_flow_logs' });
    expect((error as Error).message).toBe('Athena query q-1 FAILED: FAILED: SemanticException [Error 10001]: Table not found vpc_flow_logs');
  });

  it('falls back to the AthenaError message when there is no StateChangeReason', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'FAILED', AthenaError: { ErrorMessage: 'Access denied to the results bucket', ErrorType: 1301 } } } });

    const error = await runStatement(new AthenaClient({}), { sql: SQL, workgroup: 'wg', remainingMs: () => 60_000 }).catch((e: unknown) => e);

    expect(error).toMatchObject({ state: 'FAILED', reason: 'Access denied to the results bucket', errorType: '1301' });
  });

  it('fails when the query was CANCELLED', async () => {
    states({ State: 'CANCELLED', StateChangeReason: 'Query cancelled by user' });

    const error = await runStatement(new AthenaClient({}), { sql: SQL, workgroup: 'wg', remainingMs: () => 60_000 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toMatchObject({ state: 'CANCELLED', reason: 'Query cancelled by user' });
  });

  it('gives up with a timeout error when the query never finishes before the deadline', async () => {
    states({ State: 'RUNNING' });
    const clock = fakeClock(20_000);

    const error = await runStatement(new AthenaClient({}), { sql: SQL, workgroup: 'wg', remainingMs: clock.remainingMs, sleep: clock.sleep }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(error).toMatchObject({ queryExecutionId: 'q-1', lastState: 'RUNNING' });
    expect((error as Error).message).toMatch(/^Athena query q-1 was still RUNNING when the time ran out/);
    // It stopped before a wait would have crossed the deadline less the reserve.
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000 - 3_000);
    expect(clock.remainingMs()).toBeGreaterThan(0);
  });

  it('starts nothing when no time is left', async () => {
    const error = await runStatement(new AthenaClient({}), { sql: SQL, workgroup: 'wg', remainingMs: () => 2_000 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });
});
