/**
 * Structured logs and CloudWatch metrics (embedded metric format) for both
 * functions, from Powertools for AWS Lambda, so neither hand-rolls JSON logs.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Metric namespace shared by the functions, the alarms and the docs. */
export const METRICS_NAMESPACE = 'VpcFlowLogs';

/** A logger for one function, e.g. `createLogger('ingest')`. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/** A metrics emitter for one function; flush with `publishStoredMetrics()`. */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
}
