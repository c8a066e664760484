/**
 * The whole pipeline in one stack: capture, ingest into OpenSearch, Athena over
 * S3, alarms. It composes the constructs of lib/constructs/ and owns no
 * resource itself.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { resolveConfig, type FlowLogsConfig, type FlowLogsProps } from './config.js';
import { AccessLogBucket } from './constructs/access-log-bucket.js';
import { AthenaAnalytics } from './constructs/athena-analytics.js';
import { FlowLogCapture } from './constructs/flow-log-capture.js';
import { IngestFunction } from './constructs/ingest-function.js';
import { Operations } from './constructs/operations.js';
import { SearchDomain } from './constructs/search-domain.js';

/** The stack's props: the app's settings ({@link FlowLogsProps}, documented with their defaults) plus the usual stack props. */
export interface FlowLogsStackProps extends StackProps, FlowLogsProps {}

/**
 * VPC flow logs to CloudWatch Logs and/or S3; from CloudWatch Logs through the
 * ingest function into OpenSearch; Athena over S3; alarms to one topic.
 *
 * Import it into your own CDK app and pass the props; `bin/app.ts` fills them
 * from cdk.json context. Invalid props throw a `ConfigError` at synth.
 */
export class FlowLogsStack extends Stack {
  /** The validated settings, defaults filled in. */
  readonly config: FlowLogsConfig;
  readonly capture: FlowLogCapture;
  readonly operations: Operations;
  readonly searchDomain?: SearchDomain;
  readonly ingest?: IngestFunction;
  readonly athena?: AthenaAnalytics;

  constructor(scope: Construct, id: string, props: FlowLogsStackProps) {
    super(scope, id, props);
    const config = resolveConfig(props);
    this.config = config;

    this.operations = new Operations(this, 'Operations', { ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}) });
    const accessLogs = new AccessLogBucket(this, 'AccessLogs');

    this.capture = new FlowLogCapture(this, 'FlowLogCapture', {
      vpcIds: config.vpcIds,
      format: config.format,
      trafficType: config.trafficType,
      aggregationInterval: config.aggregationInterval,
      ...(config.cloudWatchLogs
        ? { logGroup: { retentionDays: config.logRetentionDays, kms: config.logGroupKms, ...(config.logGroupName ? { logGroupName: config.logGroupName } : {}) } }
        : {}),
      ...(config.s3
        ? {
            bucket: {
              transitionDays: config.s3TransitionDays,
              transitionStorageClass: config.s3TransitionStorageClass,
              expirationDays: config.s3ExpirationDays,
              accessLogsBucket: accessLogs.bucket,
            },
          }
        : {}),
    });
    if (this.capture.logGroup) this.operations.output('FlowLogGroupName', this.capture.logGroup.logGroupName, 'Log group the flow logs deliver to');
    if (this.capture.bucket) this.operations.output('FlowLogBucketName', this.capture.bucket.bucketName, `Bucket the flow logs deliver to, under ${this.capture.prefix}`);

    // OpenSearch is fed from CloudWatch Logs: without that destination there is nothing to index.
    if (this.capture.logGroup) {
      const searchDomain = new SearchDomain(this, 'SearchDomain', {
        domain: config.domain,
        logRetentionDays: config.opsLogRetentionDays,
        ...(config.vpcPlacement ? { vpcPlacement: config.vpcPlacement } : {}),
      });
      const ingest = new IngestFunction(this, 'IngestFunction', {
        logGroup: this.capture.logGroup,
        format: config.format,
        searchDomain,
        accessLogsBucket: accessLogs.bucket,
        indexPrefix: config.indexPrefix,
        indexRetentionDays: config.indexRetentionDays,
        memoryMiB: config.ingestMemoryMiB,
        timeoutSeconds: config.ingestTimeoutSeconds,
        ...(config.ingestReservedConcurrency !== undefined ? { reservedConcurrency: config.ingestReservedConcurrency } : {}),
        filter: config.ingestFilter,
        retryAttempts: config.ingestRetryAttempts,
        maxEventAgeSeconds: config.ingestMaxEventAgeSeconds,
        geoip: config.geoip,
        deadLetterExpirationDays: config.deadLetterExpirationDays,
        logRetentionDays: config.opsLogRetentionDays,
      });
      this.operations.watchIngest(ingest);
      this.operations.watchDomain(searchDomain.domain, {
        yellow: (searchDomain.instanceCount ?? 2) > 1,
        // A quarter of one node's volume; 2 GiB for an existing domain of unknown size.
        freeStorageThresholdMiB: searchDomain.volumeSizeGiB ? searchDomain.volumeSizeGiB * 256 : 2048,
      });
      this.operations.output('DomainEndpoint', `https://${searchDomain.endpoint}`, 'OpenSearch endpoint the ingest function writes to');
      this.operations.output('DashboardsUrl', `https://${searchDomain.endpoint}/_dashboards/`, 'OpenSearch Dashboards (requests must be SigV4-signed: see docs/deploy.md)');
      this.searchDomain = searchDomain;
      this.ingest = ingest;
    }

    if (this.capture.bucket) {
      this.athena = new AthenaAnalytics(this, 'AthenaAnalytics', {
        bucket: this.capture.bucket,
        prefix: this.capture.prefix,
        format: config.format,
        ...(this.capture.logGroup ? { logGroup: this.capture.logGroup } : {}),
        alarmTopic: this.operations.topic,
        accessLogsBucket: accessLogs.bucket,
        lookbackDays: config.athena.lookbackDays,
        partitionProjection: config.athena.partitionProjection,
        bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoffPerQuery,
        resultsExpirationDays: config.athena.resultsExpirationDays,
      });
    }
  }
}
