/**
 * Props of the `AthenaAnalytics` construct (lib/constructs/athena-analytics.ts):
 * the contract between the stack that owns the flow-log bucket and the
 * construct that makes those logs queryable in Athena.
 */
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { FlowLogFormat } from '../../src/format/flow-log-schema.js';

export interface AthenaAnalyticsProps {
  /** Bucket the flow log writes to (plain text, default AWS layout, no Hive prefixes, daily). */
  readonly bucket: IBucket;
  /** Key prefix the flow log writes under, ending in `/` (objects land in `<prefix>AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/`). */
  readonly prefix: string;
  /** The flow log's format; the Glue columns are generated from it. */
  readonly format: FlowLogFormat;
  /**
   * Log group that also receives the flow log, for Logs Insights query definitions.
   * @default - no query definitions
   */
  readonly logGroup?: ILogGroup;
  /**
   * Topic for the partition function's alarms.
   * @default - no alarms
   */
  readonly alarmTopic?: ITopic;
  /**
   * Days the partition function looks back for missing partitions, 0 to 366 (`PARTITION_FUNCTION_RANGES`).
   * @default 7
   */
  readonly lookbackDays?: number;
  /**
   * Use Athena partition projection instead of the partition function.
   * @default false
   */
  readonly partitionProjection?: boolean;
  /**
   * Bytes one query may scan before the workgroup cancels it, at least 10 MiB.
   * @default 10737418240 (10 GiB)
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * Days query results are kept, 1 to 36500.
   * @default 30
   */
  readonly resultsExpirationDays?: number;
  /**
   * Bucket for the results bucket's server access logs (under `athena-results-bucket/`).
   * @default - none (the cdk-nag S1 finding is acknowledged)
   */
  readonly accessLogsBucket?: IBucket;
}
