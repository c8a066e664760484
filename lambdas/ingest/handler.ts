/**
 * `IngestFunction`: the CloudWatch Logs subscription target. Thin: it reads
 * its configuration once, wires the OpenSearch transport, the dead-letter
 * sink and Powertools, and hands each event to the pure core (src/ingest/pipeline.ts).
 */
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { openGeoLookup } from '../../src/enrich/geoip.js';
import { DailyIndexNamer } from '../../src/ingest/index-name.js';
import { indexLayout } from '../../src/ingest/index-template.js';
import { ingestEvent, type IngestSummary } from '../../src/ingest/pipeline.js';
import { RecordParser } from '../../src/format/parse.js';
import { DeliveryError } from '../../src/errors.js';
import type { DeadLetterSink } from '../../src/ingest/dead-letters.js';
import { fileDeadLetterSink, s3DeadLetterSink } from '../shared/dead-letter-sinks.js';
import { clientTransport, createOpenSearchClient, ensureIndexLayout } from '../shared/opensearch.js';
import { INGEST_METRICS, SERVICES } from '../shared/metric-names.js';
import { createLogger, createMetrics, withPowertools } from '../shared/powertools.js';
import { loadIngestConfig, type IngestConfig } from './config.js';

/** Time kept back from the Lambda deadline for dead letters, metrics and logs. */
const RESERVE_MS = 5_000;

/** Test and local-run overrides of {@link createIngestHandler}. */
export interface HandlerOverrides {
  /** Backoff bounds for per-item retries. */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Silences the Powertools logger (the demo prints its own progress). */
  readonly quiet?: boolean;
}

/** The Lambda handler's signature, with the context parts it uses. */
export type IngestHandler = (event: CloudWatchLogsEvent, context: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<IngestSummary>;

/** Builds a handler for a configuration: everything costly happens once, here and at the first call. */
export function createIngestHandler(config: IngestConfig, overrides: HandlerOverrides = {}): IngestHandler {
  const logger = createLogger(SERVICES.ingest, overrides.quiet);
  const metrics = createMetrics(SERVICES.ingest);
  const geo = config.geoipEnabled ? openGeoLookup({ dir: config.geoipDir ?? '', ...(config.geoipDatabase ? { database: config.geoipDatabase } : {}) }) : undefined;
  const parser = new RecordParser(config.format, geo ? { geo } : {});
  const namer = new DailyIndexNamer(config.indexPrefix);
  const layout = indexLayout(config.indexPrefix, config.indexRetentionDays);
  const clientPromise = createOpenSearchClient(config.connection);
  const transportPromise = clientPromise.then(clientTransport);
  const deadLetters: Promise<DeadLetterSink> = config.deadLetterBucket
    ? import('@aws-sdk/client-s3').then(({ S3Client }) => s3DeadLetterSink(new S3Client({}), config.deadLetterBucket!))
    : Promise.resolve(fileDeadLetterSink(config.deadLetterDir!));

  // Installed before the first bulk of each instance; a failure is retried
  // by the next invocation rather than remembered.
  let layoutReady: Promise<unknown> | undefined;
  const ensureLayout = async (): Promise<void> => {
    layoutReady ??= clientPromise.then((c) => ensureIndexLayout(c, layout)).then((outcome) => logger.info('index layout', { ...outcome }));
    try {
      await layoutReady;
    } catch (err) {
      layoutReady = undefined;
      throw new DeliveryError(`could not install the index template: ${(err as Error).message}`, 0, { cause: err });
    }
  };

  const ingest: IngestHandler = async (event, context) => {
    const transport = await transportPromise;
    await ensureLayout();
    const summary = await ingestEvent(event, {
      parser,
      namer,
      transport,
      deadLetters: await deadLetters,
      deadLetterPrefix: config.deadLetterPrefix,
      maxBytes: config.bulkMaxBytes,
      retryWindowMs: () => context.getRemainingTimeInMillis() - RESERVE_MS,
      ...(overrides.minDelayMs !== undefined ? { minDelayMs: overrides.minDelayMs } : {}),
      ...(overrides.maxDelayMs !== undefined ? { maxDelayMs: overrides.maxDelayMs } : {}),
      onRequest: (_items, ms) => metrics.addMetric(INGEST_METRICS.bulkLatency, MetricUnit.Milliseconds, ms),
    });
    metrics.addMetric(INGEST_METRICS.recordsIn, MetricUnit.Count, summary.recordsIn);
    metrics.addMetric(INGEST_METRICS.recordsIndexed, MetricUnit.Count, summary.indexed);
    metrics.addMetric(INGEST_METRICS.recordsRetried, MetricUnit.Count, summary.retried);
    metrics.addMetric(INGEST_METRICS.recordsDeadLettered, MetricUnit.Count, summary.deadLettered);
    metrics.addMetric(INGEST_METRICS.parseErrors, MetricUnit.Count, summary.parseErrors);
    if (summary.deadLettered > 0) logger.warn('dead letters written', { ...summary });
    else logger.info('batch done', { ...summary });
    return summary;
  };
  return withPowertools(ingest, {
    logger,
    metrics,
    errorMessage: 'batch failed; Lambda retries the event, then sends it to the on-failure destination',
    ...(overrides.quiet ? { quiet: true } : {}),
  });
}

let lambdaHandler: IngestHandler | undefined;

/** The Lambda entry point. */
export const handler: IngestHandler = (event, context) => {
  lambdaHandler ??= createIngestHandler(loadIngestConfig(process.env));
  return lambdaHandler(event, context);
};
