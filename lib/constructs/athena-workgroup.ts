/**
 * The Athena workgroup of the flow-log table, with its encrypted results
 * bucket, a named query per report the format can serve, and a Logs Insights
 * query definition per report for the flow-log log group.
 *
 * Defaults:
 * - per query: at most {@link ATHENA_WORKGROUP_DEFAULTS} `bytesScannedCutoffPerQuery` (10 GiB) scanned, then the workgroup cancels it;
 * - query results: SSE-S3, kept 30 days;
 * - no Logs Insights query definitions without a log group.
 */
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnQueryDefinition, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { FlowLogFormat } from '../../src/format/flow-log-schema.js';
import { athenaReports, insightsReports } from '../../src/reports/catalog.js';
import type { AthenaCatalog } from './athena-catalog.js';
import { acknowledge } from './nag.js';
import { checkInteger } from './prop-checks.js';
import { secureBucket } from './secure-bucket.js';

/** Key prefix of query results in the results bucket. */
export const RESULTS_PREFIX = 'query-results/';
/** Days the report named queries cover, today included. */
export const REPORT_DAYS = 7;

/** Defaults of {@link AthenaWorkgroupProps}. */
export const ATHENA_WORKGROUP_DEFAULTS = {
  /** 10 GiB. */
  bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
  resultsExpirationDays: 30,
} as const;

/** Allowed ranges of the numeric {@link AthenaWorkgroupProps}, checked at synth. */
export const ATHENA_WORKGROUP_RANGES = {
  // Athena's own minimum is 10 MiB (CreateWorkGroup's BytesScannedCutoffPerQuery).
  bytesScannedCutoffPerQuery: { min: 10 * 1024 ** 2, max: Number.MAX_SAFE_INTEGER },
  resultsExpirationDays: { min: 1, max: 36500 },
} as const;

/** `VpcFlowLogs` → `VpcFlowLogs-flow-logs`: an Athena workgroup name. */
export function workgroupNameFor(stackName: string): string {
  return `${stackName.replace(/[^A-Za-z0-9._-]+/g, '-')}-flow-logs`.slice(0, 128);
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, c: string) => c.toUpperCase());
}

export interface AthenaWorkgroupProps {
  /** The database and table the saved queries read. */
  readonly catalog: AthenaCatalog;
  /** The flow log's format: which reports the table can serve. */
  readonly format: FlowLogFormat;
  /**
   * Log group that also receives the flow log, for Logs Insights query definitions.
   * @default - no query definitions
   */
  readonly logGroup?: ILogGroup;
  /**
   * Bytes one query may scan before the workgroup cancels it, at least 10 MiB (10485760).
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

const OWNER = 'AthenaWorkgroup';

/** The workgroup, its results bucket, and the saved queries. */
export class AthenaWorkgroup extends Construct {
  readonly workgroup: CfnWorkGroup;
  readonly workgroupName: string;
  /** Query results, under {@link RESULTS_PREFIX}, expiring after {@link resultsExpirationDays}. */
  readonly resultsBucket: Bucket;
  /** One per report the format can serve, by report id. */
  readonly namedQueries: Readonly<Record<string, CfnNamedQuery>>;
  /** One per report the format can serve, by report id; empty without a log group. */
  readonly queryDefinitions: Readonly<Record<string, CfnQueryDefinition>>;
  /** Resolved {@link AthenaWorkgroupProps.bytesScannedCutoffPerQuery}. */
  readonly bytesScannedCutoffPerQuery: number;
  /** Resolved {@link AthenaWorkgroupProps.resultsExpirationDays}. */
  readonly resultsExpirationDays: number;

  constructor(scope: Construct, id: string, props: AthenaWorkgroupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { databaseName, tableName } = props.catalog;
    const cutoff = props.bytesScannedCutoffPerQuery ?? ATHENA_WORKGROUP_DEFAULTS.bytesScannedCutoffPerQuery;
    this.bytesScannedCutoffPerQuery = checkInteger(OWNER, 'bytesScannedCutoffPerQuery', cutoff, ATHENA_WORKGROUP_RANGES.bytesScannedCutoffPerQuery, ' (Athena\'s minimum is 10 MiB)');
    this.resultsExpirationDays = checkInteger(OWNER, 'resultsExpirationDays', props.resultsExpirationDays ?? ATHENA_WORKGROUP_DEFAULTS.resultsExpirationDays, ATHENA_WORKGROUP_RANGES.resultsExpirationDays);
    this.workgroupName = workgroupNameFor(stack.stackName);

    this.resultsBucket = secureBucket(this, 'ResultsBucket', {
      ...(props.accessLogsBucket ? { accessLogs: { bucket: props.accessLogsBucket, prefix: 'athena-results-bucket/' } } : {}),
      lifecycleRules: [{ id: 'ExpireQueryResults', expiration: Duration.days(this.resultsExpirationDays) }],
    });
    if (!props.accessLogsBucket) {
      acknowledge(this.resultsBucket, 'AwsSolutions-S1', 'Holds only Athena query results, which expire; no access-log bucket was given (accessLogsBucket).');
    }
    this.workgroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workgroupName,
      description: `Flow-log queries of ${stack.stackName}: results encrypted, at most ${this.bytesScannedCutoffPerQuery} bytes scanned per query`,
      state: 'ENABLED',
      // Query history and the named queries must not block a stack deletion.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Clients cannot override the output location, encryption or cutoff.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: this.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/${RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    const { reports, skipped } = athenaReports({ database: databaseName, table: tableName }, props.format, { days: REPORT_DAYS });
    const namedQueries: Record<string, CfnNamedQuery> = {};
    for (const r of reports) {
      const query = new CfnNamedQuery(this, `${pascal(r.id)}Query`, {
        name: r.id,
        description: `${r.title}, last ${REPORT_DAYS} days (UTC)`,
        database: databaseName,
        workGroup: this.workgroup.ref,
        queryString: r.sql,
      });
      query.addResourceDependency(props.catalog.table);
      namedQueries[r.id] = query;
    }
    this.namedQueries = namedQueries;
    for (const s of skipped) Annotations.of(this).addInfo(`No named query "${s.id}": the flow-log format lacks ${s.missing.join(', ')}`);

    const queryDefinitions: Record<string, CfnQueryDefinition> = {};
    if (props.logGroup) {
      for (const r of insightsReports(props.format).reports) {
        queryDefinitions[r.id] = new CfnQueryDefinition(this, `${pascal(r.id)}Insights`, {
          // A "/" makes a folder in the console's saved queries.
          name: `${stack.stackName}/${r.id}`,
          queryString: r.query,
          logGroupNames: [props.logGroup.logGroupName],
        });
      }
    }
    this.queryDefinitions = queryDefinitions;
  }
}
