/**
 * Structured logs and CloudWatch metrics (embedded metric format) for both
 * functions, from Powertools for AWS Lambda, so neither hand-rolls JSON logs;
 * and the Middy middleware that wires them around a handler, so neither
 * hand-writes the try/catch/finally that flushes metrics.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { METRICS_NAMESPACE } from './metric-names.js';

export { METRICS_NAMESPACE } from './metric-names.js';

/**
 * A logger for one function, e.g. `createLogger(SERVICES.ingest)`. `quiet`
 * makes SILENT its initial level: the middleware restores the initial level
 * on every invocation, so a level set later would not hold.
 */
export function createLogger(serviceName: string, quiet = false): Logger {
  return new Logger({ serviceName, ...(quiet ? { logLevel: 'SILENT' as const } : {}) });
}

/** A metrics emitter for one function; the {@link withPowertools} middleware flushes it. */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
}

/** What {@link withPowertools} wires around a handler. */
export interface PowertoolsOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Logged, with the error, when an invocation fails (it is then rethrown for Lambda to retry). */
  readonly errorMessage: string;
  /** Drop the metrics instead of printing them (demo and tests that print their own output). @default false */
  readonly quiet?: boolean;
}

/**
 * Wraps a handler in Powertools' Middy middleware: the logger gets the Lambda
 * context (request id, cold start) and logs the error of a failed invocation
 * (which still fails: Lambda retries it);
 * metrics are flushed as EMF after every invocation, failed ones included,
 * with Powertools' `ColdStart` metric on the first. Middy's own early timeout
 * is off: the core keeps its own reserve before the Lambda deadline.
 */
export function withPowertools<E, R, C extends Partial<Context>>(handler: (event: E, context: C) => Promise<R>, options: PowertoolsOptions): (event: E, context: C) => Promise<R> {
  const { logger, metrics } = options;
  const wrapped = middy<E, R, Error, Context>((event: E, context: Context) => handler(event, context as unknown as C), { timeoutEarlyInMillis: 0 }).use(injectLambdaContext(logger));
  wrapped.use({ onError: (request) => logger.error(options.errorMessage, request.error ?? 'unknown error') });
  wrapped.use(options.quiet ? discardMetrics(metrics) : logMetrics(metrics, { captureColdStartMetric: true }));
  return (event, context) => wrapped(event, context as unknown as Context);
}

function discardMetrics(metrics: Metrics): MiddlewareObj {
  const clear = (): void => {
    metrics.clearMetrics();
  };
  return { after: clear, onError: clear };
}
