/**
 * Athena over the S3 flow logs, composed of three constructs: the Glue
 * catalog ({@link AthenaCatalog}), the workgroup with its saved queries
 * ({@link AthenaWorkgroup}), and, unless partition projection is on, the
 * partition function ({@link PartitionFunction}). Each owns its defaults and
 * ranges; this composition only wires them and keeps the resources' logical
 * ids from before the split.
 *
 * Defaults: those of the three parts (partitions by the function, daily at
 * 00:15 UTC, looking back 7 days; at most 10 GiB scanned per query; results
 * kept 30 days; no query definitions without a log group, no alarm without a topic).
 */
import type { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { CfnQueryDefinition } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Trigger } from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import type { AthenaAnalyticsProps } from './athena-analytics-props.js';
import { AthenaCatalog, TABLE_NAME } from './athena-catalog.js';
import { AthenaWorkgroup } from './athena-workgroup.js';
import type { FlowLogsFunction } from './lambda-defaults.js';
import { keepFormerLogicalIds } from './logical-ids.js';
import { PartitionFunction } from './partition-function.js';

export type { AthenaAnalyticsProps } from './athena-analytics-props.js';
export { ATHENA_CATALOG_DEFAULTS, databaseNameFor, TABLE_NAME } from './athena-catalog.js';
export { ATHENA_WORKGROUP_DEFAULTS, ATHENA_WORKGROUP_RANGES, REPORT_DAYS, RESULTS_PREFIX, workgroupNameFor } from './athena-workgroup.js';
export { PARTITION_ENTRY, PARTITION_FUNCTION_DEFAULTS, PARTITION_FUNCTION_RANGES, PARTITION_SCHEDULE } from './partition-function.js';

/** Queryable flow logs: catalog, workgroup, saved queries, and the partitions kept current. */
export class AthenaAnalytics extends Construct {
  readonly catalog: AthenaCatalog;
  readonly queries: AthenaWorkgroup;
  /** The partition function, unless partition projection is on. */
  readonly partitions?: PartitionFunction;

  readonly database: CfnDatabase;
  readonly table: CfnTable;
  readonly databaseName: string;
  readonly tableName = TABLE_NAME;
  readonly workgroup: CfnWorkGroup;
  readonly workgroupName: string;
  /** Query results, under `RESULTS_PREFIX`, expiring after `resultsExpirationDays`. */
  readonly resultsBucket: Bucket;
  /** One per report the format can serve, by report id. */
  readonly namedQueries: Readonly<Record<string, CfnNamedQuery>>;
  /** One per report the format can serve, by report id; empty without a log group. */
  readonly queryDefinitions: Readonly<Record<string, CfnQueryDefinition>>;
  readonly partitionFunction?: FlowLogsFunction;
  readonly partitionRole?: Role;
  readonly initialRun?: Trigger;
  readonly schedule?: Rule;
  readonly partitionErrorsAlarm?: Alarm;

  constructor(scope: Construct, id: string, props: AthenaAnalyticsProps) {
    super(scope, id);
    this.catalog = new AthenaCatalog(this, 'Catalog', {
      bucket: props.bucket,
      prefix: props.prefix,
      format: props.format,
      ...(props.partitionProjection !== undefined ? { partitionProjection: props.partitionProjection } : {}),
    });
    this.queries = new AthenaWorkgroup(this, 'Workgroup', {
      catalog: this.catalog,
      format: props.format,
      ...(props.logGroup ? { logGroup: props.logGroup } : {}),
      ...(props.bytesScannedCutoffPerQuery !== undefined ? { bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery } : {}),
      ...(props.resultsExpirationDays !== undefined ? { resultsExpirationDays: props.resultsExpirationDays } : {}),
      ...(props.accessLogsBucket ? { accessLogsBucket: props.accessLogsBucket } : {}),
    });
    // These resources sat directly under this construct before the split: keep their
    // logical ids, or CloudFormation would replace the table, the workgroup and the results bucket.
    keepFormerLogicalIds(this.catalog, this);
    keepFormerLogicalIds(this.queries, this);

    this.database = this.catalog.database;
    this.table = this.catalog.table;
    this.databaseName = this.catalog.databaseName;
    this.workgroup = this.queries.workgroup;
    this.workgroupName = this.queries.workgroupName;
    this.resultsBucket = this.queries.resultsBucket;
    this.namedQueries = this.queries.namedQueries;
    this.queryDefinitions = this.queries.queryDefinitions;

    if (this.catalog.partitionProjection) return;
    // "Default" is left out of logical ids (and of names CDK derives from paths, such as the
    // schedule's Lambda permission), so the partition resources keep the ids they had
    // directly under this construct, without overrides.
    const partitions = new PartitionFunction(this, 'Default', {
      bucket: props.bucket,
      prefix: props.prefix,
      catalog: this.catalog,
      workgroup: this.queries,
      ...(props.lookbackDays !== undefined ? { lookbackDays: props.lookbackDays } : {}),
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
    });
    this.partitions = partitions;
    this.partitionFunction = partitions.function;
    this.partitionRole = partitions.role;
    this.initialRun = partitions.initialRun;
    this.schedule = partitions.schedule;
    if (partitions.errorsAlarm) this.partitionErrorsAlarm = partitions.errorsAlarm;
  }
}
