/**
 * Typed errors of the functions (lambdas/): what a run failed on, with the data needed to act.
 * They extend the core's FlowLogError, so one `instanceof` tells ours from the SDK's.
 */
import type { QueryExecutionState } from '@aws-sdk/client-athena';
import { FlowLogError } from '../src/errors.js';

/** AWS answered a call without what it must carry (an id, a result). */
export class UnexpectedAnswerError extends FlowLogError {}

/** Athena ended the query in FAILED or CANCELLED: its reason, as Athena gave it. */
export class AthenaQueryError extends FlowLogError {
  constructor(
    readonly queryExecutionId: string,
    readonly state: 'FAILED' | 'CANCELLED',
    readonly reason: string,
    readonly errorType?: string,
  ) {
    super(`Athena query ${queryExecutionId} ${state}: ${reason}`);
  }
}

/**
 * The deadline came before the query finished. The query goes on in Athena;
 * every statement this project runs is idempotent, so the next run repeats it.
 */
export class QueryTimeoutError extends FlowLogError {
  constructor(
    readonly queryExecutionId: string | undefined,
    readonly lastState: QueryExecutionState | 'NOT_STARTED',
    readonly waitedMs: number,
  ) {
    super(
      queryExecutionId
        ? `Athena query ${queryExecutionId} was still ${lastState} when the time ran out (waited ${waitedMs} ms); it is idempotent, so the next run repeats it`
        : 'no time left to start the Athena query',
    );
  }
}

/**
 * OpenSearch answered a request with a status other than 2xx (`statusCode`,
 * with the answer's `body`), or gave no answer (`statusCode` undefined:
 * refused, reset, timed out). The core's retry rules read `statusCode`
 * (src/ingest/deliver.ts `httpStatusOf`).
 */
export class OpenSearchHttpError extends FlowLogError {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    readonly body?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
