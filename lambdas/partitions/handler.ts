/**
 * `PartitionFunction`: run daily by EventBridge. Thin: it reads its
 * configuration once, makes the clients once, and hands each run to
 * {@link addDailyPartitions}. A failure throws, so the invocation counts as an
 * error (the alarm) and Lambda's asynchronous retry runs it again.
 */
import type { Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { PARTITION_METRICS, SERVICES } from '../shared/metric-names.js';
import { createLogger, createMetrics, withPowertools } from '../shared/powertools.js';
import { addDailyPartitions, type DailyRunInput, type DailyRunSummary } from './add-partitions.js';
import { createAthenaClient } from './athena.js';
import { loadPartitionConfig, type PartitionConfig } from './config.js';
import { createS3Client } from './s3-days.js';

/** The Lambda handler's signature, with the context part it uses. The event (EventBridge's scheduled event) is not read. */
export type PartitionHandler = (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<DailyRunSummary>;

/** Test and local-run overrides of {@link createPartitionHandler}. */
export interface PartitionHandlerOverrides {
  readonly athena?: DailyRunInput['athena'];
  readonly s3?: DailyRunInput['s3'];
  readonly now?: () => Date;
  readonly polling?: DailyRunInput['polling'];
  /** Silences the Powertools logger and drops metrics. */
  readonly quiet?: boolean;
}

/** Builds a handler for a configuration; clients are made once, here. */
export function createPartitionHandler(config: PartitionConfig, overrides: PartitionHandlerOverrides = {}): PartitionHandler {
  const logger = createLogger(SERVICES.partitions, overrides.quiet);
  const metrics = createMetrics(SERVICES.partitions);
  const athena = overrides.athena ?? createAthenaClient();
  const s3 = overrides.s3 ?? createS3Client();
  const now = overrides.now ?? (() => new Date());

  const run: PartitionHandler = async (_event, context) => {
    const summary = await addDailyPartitions({
      config,
      athena,
      s3,
      now: now(),
      remainingMs: () => context.getRemainingTimeInMillis(),
      polling: { ...overrides.polling, onPoll: (state, id) => logger.debug('query state', { queryExecutionId: id, state }) },
    });
    metrics.addMetric(PARTITION_METRICS.partitionsAdded, MetricUnit.Count, summary.days.length);
    metrics.addMetric(PARTITION_METRICS.partitionsBackfilled, MetricUnit.Count, summary.backfill.length);
    logger.info('partitions added', { ...summary });
    return summary;
  };
  return withPowertools(run, {
    logger,
    metrics,
    errorMessage: 'partition run failed; Lambda retries it, and the next daily run backfills what it missed',
    ...(overrides.quiet ? { quiet: true } : {}),
  });
}

let lambdaHandler: PartitionHandler | undefined;

/** The Lambda entry point. */
export const handler: PartitionHandler = (event, context) => {
  lambdaHandler ??= createPartitionHandler(loadPartitionConfig(process.env));
  return lambdaHandler(event, context);
};
