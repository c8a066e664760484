/**
 * `ReportFunction`: run weekly by EventBridge. Thin: it reads its
 * configuration once, makes the clients once, and hands each run to the pure
 * core (src/reports/weekly-run.ts) with the week that ended at 00:00 UTC on
 * the day of the scheduled event. A failure throws: the invocation counts as
 * an error (the ReportErrors alarm) and nothing was announced.
 */
import type { Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { REPORT_CATALOG, type CatalogReport } from '../../src/reports/catalog.js';
import { weekEndingOn, type ReportSource } from '../../src/reports/weekly.js';
import { runWeeklyReport, type ReportPublisher } from '../../src/reports/weekly-run.js';
import { createOpenSearchClient } from '../shared/opensearch.js';
import { SERVICES } from '../shared/metric-names.js';
import { createLogger, createMetrics } from '../shared/powertools.js';
import { loadReportConfig, type ReportConfig } from './config.js';
import { openSearchSource } from './opensearch-source.js';
import { awsPublisher } from './publish.js';

/** What the handler returns: where the page went. */
export interface ReportSummary {
  readonly key: string;
  readonly records: number;
  readonly htmlBytes: number;
  readonly summaryBytes: number;
  readonly firstSeen: number;
  readonly mailed: boolean;
}

/** EventBridge's scheduled event, with the part the handler reads. */
export interface ScheduledEvent {
  /** When the schedule fired, ISO 8601. */
  readonly time?: string;
}

export type ReportHandler = (event: ScheduledEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<ReportSummary>;

/** Test overrides of {@link createReportHandler}. */
export interface ReportHandlerOverrides {
  readonly source?: ReportSource;
  readonly publisher?: ReportPublisher;
  readonly now?: () => Date;
  readonly quiet?: boolean;
}

async function sourceFor(config: ReportConfig): Promise<ReportSource> {
  if (config.source.kind === 'opensearch') {
    const client = await createOpenSearchClient(config.source.connection);
    return openSearchSource(client, config.source.indexPrefix, `OpenSearch ${config.source.connection.endpoint} (${config.source.indexPrefix}-*)`);
  }
  const { athenaSource } = await import('./athena-source.js');
  const { createAthenaClient } = await import('../partitions/athena.js');
  const keys = new Set(config.source.format.fields.map((f) => f.key));
  return athenaSource({ athena: createAthenaClient(), database: config.source.database, table: config.source.table, workgroup: config.source.workgroup, has: (k) => keys.has(k) });
}

/**
 * The reports a source can serve: all of them from OpenSearch; from Athena
 * those with an Athena query whose fields the format has (the GeoIP reports
 * read fields that exist only in OpenSearch).
 */
export function reportsFor(config: ReportConfig): readonly CatalogReport[] {
  const source = config.source;
  if (source.kind === 'opensearch') return REPORT_CATALOG;
  const keys = new Set(source.format.fields.map((f) => f.key));
  return REPORT_CATALOG.filter((r) => r.athena && r.athena.needs.every((k) => keys.has(k)));
}

async function publisherFor(config: ReportConfig): Promise<ReportPublisher> {
  const [{ S3Client }, { SNSClient }] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/client-sns')]);
  const mail = config.mail ? { ses: new (await import('@aws-sdk/client-sesv2')).SESv2Client({}), ...config.mail } : undefined;
  return awsPublisher({ s3: new S3Client({}), sns: new SNSClient({}), bucket: config.bucket, topicArn: config.topicArn, ...(mail ? { mail } : {}) });
}

/** Builds a handler for a configuration; clients are made once, at the first call. */
export function createReportHandler(config: ReportConfig, overrides: ReportHandlerOverrides = {}): ReportHandler {
  const logger = createLogger(SERVICES.reports);
  if (overrides.quiet) logger.setLogLevel('SILENT');
  const metrics = createMetrics(SERVICES.reports);
  const now = overrides.now ?? (() => new Date());
  let parts: Promise<[ReportSource, ReportPublisher]> | undefined;

  return async (event) => {
    parts ??= Promise.all([overrides.source ?? sourceFor(config), overrides.publisher ?? publisherFor(config)]);
    try {
      const [source, publisher] = await parts;
      const fired = event.time ? new Date(event.time) : now();
      const { week } = weekEndingOn(Number.isFinite(fired.getTime()) ? fired : now());
      const result = await runWeeklyReport({ source, publisher, reports: reportsFor(config), week, now: now(), lookbackDays: config.lookbackDays, keyPrefix: config.keyPrefix });
      for (const w of result.warnings) logger.warn('chart warning', { warning: w });
      metrics.addMetric('ReportsSent', MetricUnit.Count, 1);
      metrics.addMetric('ReportHtmlBytes', MetricUnit.Bytes, result.htmlBytes);
      const summary: ReportSummary = {
        key: result.key,
        records: result.data.headline.records,
        htmlBytes: result.htmlBytes,
        summaryBytes: result.summaryBytes,
        firstSeen: result.data.firstSeen.length,
        mailed: result.mailed,
      };
      logger.info('weekly report sent', { ...summary });
      return summary;
    } catch (err) {
      parts = undefined;
      logger.error('weekly report failed: nothing was announced; the ReportErrors alarm fires', err as Error);
      throw err;
    } finally {
      if (overrides.quiet) metrics.clearMetrics();
      else metrics.publishStoredMetrics();
    }
  };
}

let lambdaHandler: ReportHandler | undefined;

/** The Lambda entry point. */
export const handler: ReportHandler = (event, context) => {
  lambdaHandler ??= createReportHandler(loadReportConfig(process.env));
  return lambdaHandler(event, context);
};
