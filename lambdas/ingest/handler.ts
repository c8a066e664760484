/**
 * `IngestFunction`: the CloudWatch Logs subscription target. Thin: it reads
 * its configuration once, wires the OpenSearch transport, the dead-letter
 * sink and Powertools, and hands each event to the pure core (src/ingest/pipeline.ts).
 */
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { openGeoLookup } from '../shared/geo-files.js';
import { DailyIndexNamer } from '../../src/ingest/index-name.js';
import { indexLayout } from '../../src/ingest/index-template.js';
import { ingestEvent, type IngestSummary } from '../../src/ingest/pipeline.js';
import { LazyPayloadDecoder } from '../../src/ingest/decode.js';
import { BulkPacer, retryWithinDeadline, withinMs, type Deadline } from '../../src/ingest/deliver.js';
import { RecordParser } from '../../src/format/parse.js';
import { DeliveryError } from '../../src/errors.js';
import type { DeadLetterSink } from '../../src/ingest/dead-letters.js';
import { fileDeadLetterSink, s3DeadLetterSink } from '../shared/dead-letter-sinks.js';
import { createOpenSearchHttp, type OpenSearchRequester } from '../shared/opensearch-http.js';
import { ensureIndexLayout, indexMetaSource } from '../shared/index-layout.js';
import { IndexIdSchemes, type IndexMetaSource } from '../../src/ingest/index-id-schemes.js';
import { INGEST_METRICS, SERVICES } from '../shared/metric-names.js';
import { createLogger, createMetrics, withPowertools } from '../shared/powertools.js';
import { loadIngestConfig, type IngestConfig } from './config.js';

/** Time kept back from the Lambda deadline for dead letters, metrics and logs. */
export const RESERVE_MS = 5_000;

/** Of the reserve, what dead letters leave for the error log and metrics (the rest is theirs). */
const LOG_SHARE_OF_RESERVE = 0.4;

/** Test and local-run overrides of {@link createIngestHandler}. */
export interface HandlerOverrides {
  /** Backoff bounds after pushback. */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Time kept back from the deadline. @default RESERVE_MS */
  readonly reserveMs?: number;
  /** Pacing of bulk requests (tests inspect it). @default - one per handler, from the configuration */
  readonly pacer?: BulkPacer;
  /** Silences the Powertools logger (the demo prints its own progress). */
  readonly quiet?: boolean;
  /**
   * Each event is the invocation's own, as the Lambda runtime hands it over: its payload text is dropped once decoded (src/ingest/pipeline.ts `releasePayload`).
   * @default false - callers that hand the same event object in again (tests, replay) keep it whole; the Lambda entry point sets it
   */
  readonly releasePayload?: boolean;
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
  const httpPromise = createOpenSearchHttp(config.connection);
  const transportPromise = httpPromise.then((h) => h.bulkTransport());
  // What this instance learns about the cluster's pace, kept across invocations.
  const pacer = overrides.pacer ?? new BulkPacer({ maxBytes: config.bulkMaxBytes, ...delays(overrides) });
  const decoder = new LazyPayloadDecoder();
  // Which ids each daily index holds, looked up once per index by this
  // instance, after the template install (so an index still to be created
  // will get the current scheme from the template just installed).
  const idSchemes = new IndexIdSchemes(lazyIndexMetaSource(httpPromise), delays(overrides));
  const reserveMs = overrides.reserveMs ?? RESERVE_MS;
  // S3's client is made at the first dead letter (lambdas/shared/dead-letter-sinks.ts), not here.
  const deadLetters: DeadLetterSink = config.deadLetterBucket ? s3DeadLetterSink(config.deadLetterBucket) : fileDeadLetterSink(config.deadLetterDir!);

  // Installed before the first bulk of each instance, retried within the
  // deadline like a bulk; a failure is forgotten, so the next invocation
  // tries again. Concurrent invocations share one install, each waiting no
  // longer than its own deadline.
  let layoutReady: Promise<unknown> | undefined;
  const ensureLayout = async (deadline: Deadline): Promise<void> => {
    const install = (layoutReady ??= httpPromise
      .then((c) => retryWithinDeadline((ms) => ensureIndexLayout(c, layout, () => Math.min(ms, deadline())), deadline, { ...delays(overrides), what: 'install the index template' }))
      .then((outcome) => logger.info('index layout', { ...outcome })));
    try {
      await withinMs(install, deadline(), 'the index template install');
    } catch (err) {
      if (layoutReady === install) layoutReady = undefined;
      throw err instanceof DeliveryError ? err : new DeliveryError(`could not install the index template: ${(err as Error).message}`, 0, { cause: err });
    }
  };

  const ingest: IngestHandler = async (event, context) => {
    const deadline: Deadline = () => context.getRemainingTimeInMillis() - reserveMs;
    try {
      const transport = await transportPromise;
      await ensureLayout(deadline);
      const summary = await ingestEvent(event, {
        parser,
        namer,
        idSchemes,
        decoder,
        transport,
        pacer,
        deadline,
        deadLetterDeadline: () => context.getRemainingTimeInMillis() - reserveMs * LOG_SHARE_OF_RESERVE,
        deadLetters,
        deadLetterPrefix: config.deadLetterPrefix,
        ...(overrides.releasePayload ? { releasePayload: true } : {}),
        onRequest: (_items, ms) => metrics.addMetric(INGEST_METRICS.bulkLatency, MetricUnit.Milliseconds, ms),
      });
      metrics.addMetric(INGEST_METRICS.recordsIn, MetricUnit.Count, summary.recordsIn);
      metrics.addMetric(INGEST_METRICS.recordsIndexed, MetricUnit.Count, summary.indexed);
      metrics.addMetric(INGEST_METRICS.recordsRetried, MetricUnit.Count, summary.retried);
      metrics.addMetric(INGEST_METRICS.recordsDeadLettered, MetricUnit.Count, summary.deadLettered);
      metrics.addMetric(INGEST_METRICS.parseErrors, MetricUnit.Count, summary.parseErrors);
      metrics.addMetric(INGEST_METRICS.invalidUtf8Records, MetricUnit.Count, summary.invalidUtf8Records);
      if (summary.deadLettered > 0) logger.warn('dead letters written', { ...summary });
      else logger.info('batch done', { ...summary });
      return summary;
    } catch (err) {
      // Only DeliveryError leaves the handler: anything else (a client that
      // could not be made, a bug) still means "retry the whole event".
      throw err instanceof DeliveryError ? err : new DeliveryError(`ingest failed: ${(err as Error)?.message ?? String(err)}`, 0, { cause: err });
    }
  };
  return withPowertools(ingest, {
    logger,
    metrics,
    errorMessage: 'batch failed; Lambda retries the event, then sends it to the on-failure destination',
    ...(overrides.quiet ? { quiet: true } : {}),
  });
}

/** The index meta source over a requester still being made. */
function lazyIndexMetaSource(http: Promise<OpenSearchRequester>): IndexMetaSource {
  return { indexMeta: async (index, options) => indexMetaSource(await http).indexMeta(index, options) };
}

function delays(o: HandlerOverrides): { minDelayMs?: number; maxDelayMs?: number } {
  return { ...(o.minDelayMs !== undefined ? { minDelayMs: o.minDelayMs } : {}), ...(o.maxDelayMs !== undefined ? { maxDelayMs: o.maxDelayMs } : {}) };
}

/**
 * The context of an invocation outside Lambda (replay, demo): its own countdown of
 * `timeoutSeconds` from now, as Lambda gives each invocation the function's timeout. The
 * handler's retries stop at its deadline; a constant time left would retry an unreachable
 * endpoint forever.
 */
export function invocationContext(timeoutSeconds: number, now: () => number = Date.now): Pick<Context, 'getRemainingTimeInMillis'> {
  const end = now() + timeoutSeconds * 1000;
  return { getRemainingTimeInMillis: () => end - now() };
}

let lambdaHandler: IngestHandler | undefined;

/** The Lambda entry point. */
export const handler: IngestHandler = (event, context) => {
  lambdaHandler ??= createIngestHandler(loadIngestConfig(process.env), { releasePayload: true });
  return lambdaHandler(event, context);
};
