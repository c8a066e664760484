/**
 * Runs one Athena statement to the end: StartQueryExecution, then
 * GetQueryExecution with exponential backoff until it succeeds, fails, or the
 * caller's deadline comes.
 *
 * Throttling and transient errors of each call are retried by the SDK's own
 * retry strategy ({@link createAthenaClient}: adaptive, several attempts);
 * this module only waits for the query. StartQueryExecution carries a
 * ClientRequestToken, so an SDK retry of it cannot start the query twice.
 */
import { randomUUID } from 'node:crypto';
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand, type AthenaClientConfig, type QueryExecutionState } from '@aws-sdk/client-athena';
import { AthenaQueryError, QueryTimeoutError, UnexpectedAnswerError } from '../errors.js';
import { SDK_RETRY } from './retry.js';

/**
 * An Athena client whose calls are retried with the SDK's adaptive strategy:
 * exponential backoff with jitter, and client-side rate limiting once
 * throttling errors (ThrottlingException, TooManyRequestsException) come back.
 */
export function createAthenaClient(config: AthenaClientConfig = {}): AthenaClient {
  return new AthenaClient({ ...SDK_RETRY, ...config });
}


/** Options of {@link runStatement}. */
export interface RunStatementOptions {
  readonly sql: string;
  readonly workgroup: string;
  /** Database the statement's unqualified names refer to. */
  readonly database?: string;
  /** Milliseconds left before the caller must stop (Lambda: context.getRemainingTimeInMillis). */
  readonly remainingMs: () => number;
  /** Time kept back from the deadline for logging and metrics. @default 3000 */
  readonly reserveMs?: number;
  /** First wait between polls; each next one doubles. @default 250 */
  readonly initialDelayMs?: number;
  /** Longest wait between polls. @default 5000 */
  readonly maxDelayMs?: number;
  /** How to wait (tests pass an instant one). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called after each poll, for logs. */
  readonly onPoll?: (state: QueryExecutionState | undefined, queryExecutionId: string) => void;
}

/** A query that SUCCEEDED. */
export interface StatementResult {
  readonly queryExecutionId: string;
  /** Athena's own figure for the run, when it gives one. */
  readonly engineExecutionTimeMs?: number;
  readonly polls: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts `sql` in the workgroup and waits until it SUCCEEDED.
 * @throws AthenaQueryError on FAILED or CANCELLED, with Athena's StateChangeReason
 * @throws QueryTimeoutError when the next wait would pass the deadline
 */
export async function runStatement(athena: AthenaClient, options: RunStatementOptions): Promise<StatementResult> {
  const reserveMs = options.reserveMs ?? 3_000;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const sleep = options.sleep ?? defaultSleep;
  if (options.remainingMs() <= reserveMs) throw new QueryTimeoutError(undefined, 'NOT_STARTED', 0);

  const started = await athena.send(
    new StartQueryExecutionCommand({
      QueryString: options.sql,
      WorkGroup: options.workgroup,
      ClientRequestToken: randomUUID(),
      ...(options.database ? { QueryExecutionContext: { Database: options.database } } : {}),
    }),
  );
  const id = started.QueryExecutionId;
  if (!id) throw new UnexpectedAnswerError('Athena StartQueryExecution returned no QueryExecutionId');

  let delay = options.initialDelayMs ?? 250;
  let waited = 0;
  for (let polls = 1; ; polls++) {
    const { QueryExecution: execution } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const status = execution?.Status;
    const state = status?.State;
    options.onPoll?.(state, id);
    if (state === 'SUCCEEDED') {
      const ms = execution?.Statistics?.EngineExecutionTimeInMillis;
      return { queryExecutionId: id, polls, ...(ms !== undefined ? { engineExecutionTimeMs: ms } : {}) };
    }
    if (state === 'FAILED' || state === 'CANCELLED') {
      const reason = status?.StateChangeReason ?? status?.AthenaError?.ErrorMessage ?? 'Athena gave no reason';
      const errorType = status?.AthenaError?.ErrorType !== undefined ? String(status.AthenaError.ErrorType) : undefined;
      throw new AthenaQueryError(id, state, reason, errorType);
    }
    const wait = Math.min(delay, maxDelayMs);
    if (options.remainingMs() - reserveMs < wait) throw new QueryTimeoutError(id, state ?? 'QUEUED', waited);
    await sleep(wait);
    waited += wait;
    delay = Math.min(delay * 2, maxDelayMs);
  }
}
