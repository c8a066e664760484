/**
 * Athena over the S3 flow logs: the Glue database and table (columns from the
 * configured format), the workgroup and its encrypted results bucket, a named
 * query per report, a Logs Insights query definition per report, and either
 * the daily partition function or partition projection.
 *
 * Defaults (props in athena-analytics-props.ts):
 * - partitions: the partition function, daily at 00:15 UTC, looking back 7 days;
 * - per query: at most 10 GiB scanned, then the workgroup cancels it;
 * - query results: SSE-S3, kept 30 days;
 * - no Logs Insights query definitions without a log group, no alarm without a topic.
 */
import { fileURLToPath } from 'node:url';
import { Annotations, CfnResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { InvocationType, Trigger } from 'aws-cdk-lib/triggers';
import { CfnQueryDefinition, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LAMBDA_ARCHITECTURE, LAMBDA_BUNDLING, LAMBDA_RUNTIME, lambdaPrincipal } from './lambda-defaults.js';
import { BASE_TABLE_PROPERTIES, partitionColumns, projectionProperties, TABLE_STORAGE, tableColumns, tableLocation, type GlueColumn } from '../../src/athena/athena-sql.js';
import { ConfigError } from '../../src/errors.js';
import { athenaReports, insightsReports } from '../../src/reports/catalog.js';
import { DEFAULTS, PARTITION_ENV } from '../../src/settings.js';
import type { AthenaAnalyticsProps } from './athena-analytics-props.js';
import { acknowledge, acknowledgeWildcardResource } from './nag.js';
import { secureBucket } from './secure-bucket.js';

export type { AthenaAnalyticsProps } from './athena-analytics-props.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The partition function's source. */
export const PARTITION_ENTRY = fileURLToPath(new URL('../../lambdas/partitions/handler.ts', import.meta.url));

// esbuild's ESM output has no `require`; CommonJS dependencies (Powertools'
// internals, parts of the AWS SDK) still call it for Node built-ins.

/** Name of the flow-log table in the construct's database. */
export const TABLE_NAME = 'vpc_flow_logs';
/** Key prefix of query results in the results bucket. */
export const RESULTS_PREFIX = 'query-results/';
/** Days the report named queries cover, today included. */
export const REPORT_DAYS = 7;
/** When the partition function runs: daily, 00:15 UTC (it adds tomorrow's partition too, so the time is not critical). */
export const PARTITION_SCHEDULE = { minute: '15', hour: '0' } as const;
/** Default of {@link AthenaAnalyticsProps.bytesScannedCutoffPerQuery}: 10 GiB. */
export const DEFAULT_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;

/** `VpcFlowLogs` → `vpcflowlogs`: a Glue database name (lower-case letters, digits, `_`). */
export function databaseNameFor(stackName: string): string {
  const name = stackName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return name === '' ? 'vpc_flow_logs' : name.slice(0, 255);
}

/** `VpcFlowLogs` → `VpcFlowLogs-flow-logs`: an Athena workgroup name. */
export function workgroupNameFor(stackName: string): string {
  return `${stackName.replace(/[^A-Za-z0-9._-]+/g, '-')}-flow-logs`.slice(0, 128);
}

function glueColumns(columns: readonly GlueColumn[]): CfnTable.ColumnProperty[] {
  return columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment }));
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, c: string) => c.toUpperCase());
}

/**
 * CDK's trigger provider (one per stack) trusts `lambda.amazonaws.com` with
 * no condition; limit it to this account like every other role here
 * (confused-deputy guard).
 */
function limitTriggerProviderTrust(stack: Stack): void {
  const provider = stack.node.tryFindChild('AWSCDK.TriggerCustomResourceProviderCustomResourceProvider');
  const role = provider?.node.tryFindChild('Role');
  if (role instanceof CfnResource) {
    role.addPropertyOverride('AssumeRolePolicyDocument.Statement.0.Condition', { StringEquals: { 'aws:SourceAccount': stack.account } });
  }
}

/** Queryable flow logs: catalog, workgroup, saved queries, and the partitions kept current. */
export class AthenaAnalytics extends Construct {
  readonly database: CfnDatabase;
  readonly table: CfnTable;
  readonly databaseName: string;
  readonly tableName = TABLE_NAME;
  readonly workgroup: CfnWorkGroup;
  readonly workgroupName: string;
  /** Query results, under {@link RESULTS_PREFIX}, expiring after `resultsExpirationDays`. */
  readonly resultsBucket: Bucket;
  /** One per report the format can serve, by report id. */
  readonly namedQueries: Readonly<Record<string, CfnNamedQuery>>;
  /** One per report the format can serve, by report id; empty without a log group. */
  readonly queryDefinitions: Readonly<Record<string, CfnQueryDefinition>>;
  /** The partition function, unless partition projection is on. */
  readonly partitionFunction?: NodejsFunction;
  readonly partitionRole?: Role;
  /** Runs {@link partitionFunction} once when the stack is created. */
  readonly initialRun?: Trigger;
  /** The daily EventBridge rule that runs {@link partitionFunction}. */
  readonly schedule?: Rule;
  /** Errors of {@link partitionFunction}, to the alarm topic. */
  readonly partitionErrorsAlarm?: Alarm;

  constructor(scope: Construct, id: string, props: AthenaAnalyticsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const projection = props.partitionProjection ?? false;
    const lookbackDays = props.lookbackDays ?? DEFAULTS.partitionLookbackDays;
    const bytesScannedCutoff = props.bytesScannedCutoffPerQuery ?? DEFAULT_BYTES_SCANNED_CUTOFF;
    const resultsExpirationDays = props.resultsExpirationDays ?? 30;
    if (!Token.isUnresolved(props.prefix) && !/^(?:[A-Za-z0-9!_.*()=+,:@-]+\/)*$/.test(props.prefix)) {
      throw new ConfigError(`AthenaAnalytics: prefix must be empty or end in "/", got "${props.prefix}"`);
    }
    if (!Number.isInteger(lookbackDays) || lookbackDays < 0 || lookbackDays > 3660) throw new ConfigError(`AthenaAnalytics: lookbackDays must be a whole number from 0 to 3660, got ${lookbackDays}`);
    // Athena's own minimum for the per-query cutoff.
    if (!Number.isInteger(bytesScannedCutoff) || bytesScannedCutoff < 10 * 1024 ** 2) throw new ConfigError(`AthenaAnalytics: bytesScannedCutoffPerQuery must be at least 10 MiB (10485760), got ${bytesScannedCutoff}`);

    const location = { bucket: props.bucket.bucketName, prefix: props.prefix, accountId: stack.account, region: stack.region };
    this.databaseName = databaseNameFor(stack.stackName);
    this.workgroupName = workgroupNameFor(stack.stackName);

    // ---- catalog ------------------------------------------------------------
    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: `VPC flow logs of ${stack.stackName}, queried with Athena` },
    });
    this.table = new CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: TABLE_NAME,
        description: `VPC flow logs in s3://${props.bucket.bucketName}/${props.prefix} (plain text, one folder a day), partitioned by account, region and day`,
        tableType: 'EXTERNAL_TABLE',
        parameters: { ...BASE_TABLE_PROPERTIES, ...(projection ? projectionProperties(location) : {}) },
        partitionKeys: glueColumns(partitionColumns()),
        storageDescriptor: {
          columns: glueColumns(tableColumns(props.format)),
          location: tableLocation(location),
          inputFormat: TABLE_STORAGE.inputFormat,
          outputFormat: TABLE_STORAGE.outputFormat,
          compressed: true,
          serdeInfo: { serializationLibrary: TABLE_STORAGE.serializationLibrary, parameters: { ...TABLE_STORAGE.serdeParameters } },
        },
      },
    });
    this.table.addResourceDependency(this.database);

    // ---- workgroup ------------------------------------------------------------
    this.resultsBucket = secureBucket(this, 'ResultsBucket', {
      ...(props.accessLogsBucket ? { accessLogs: { bucket: props.accessLogsBucket, prefix: 'athena-results-bucket/' } } : {}),
      lifecycleRules: [{ id: 'ExpireQueryResults', expiration: Duration.days(resultsExpirationDays) }],
    });
    if (!props.accessLogsBucket) {
      acknowledge(this.resultsBucket, 'AwsSolutions-S1', 'Holds only Athena query results, which expire; no access-log bucket was given (accessLogsBucket).');
    }
    this.workgroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workgroupName,
      description: `Flow-log queries of ${stack.stackName}: results encrypted, at most ${bytesScannedCutoff} bytes scanned per query`,
      state: 'ENABLED',
      // Query history and the named queries must not block a stack deletion.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Clients cannot override the output location, encryption or cutoff.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: bytesScannedCutoff,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/${RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    // ---- saved queries ------------------------------------------------------------
    const table = { database: this.databaseName, table: TABLE_NAME };
    const { reports, skipped } = athenaReports(table, props.format, { days: REPORT_DAYS });
    const namedQueries: Record<string, CfnNamedQuery> = {};
    for (const r of reports) {
      const query = new CfnNamedQuery(this, `${pascal(r.id)}Query`, {
        name: r.id,
        description: `${r.title}, last ${REPORT_DAYS} days (UTC)`,
        database: this.databaseName,
        workGroup: this.workgroup.ref,
        queryString: r.sql,
      });
      query.addResourceDependency(this.table);
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

    if (projection) return;

    // ---- partition function ------------------------------------------------------------
    const logGroup = new LogGroup(this, 'PartitionLogGroup', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // Our own role: CDK's default would attach AWSLambdaBasicExecutionRole, which can write to every log group.
    const role = new Role(this, 'PartitionRole', {
      assumedBy: lambdaPrincipal(this),
      description: 'Partition function: lists flow-log day folders, adds Athena partitions',
    });
    logGroup.grantWrite(role);
    const workgroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workgroupName });
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'RunPartitionStatements', actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution'], resources: [workgroupArn] }));
    // What Athena itself calls, with the caller's credentials, for ALTER TABLE ADD PARTITION.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'AddPartitions',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions', 'glue:CreatePartition', 'glue:BatchCreatePartition'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${TABLE_NAME}` }),
        ],
      }),
    );
    // Athena reads the `default` database for every query it starts, DDL included.
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'DefaultDatabase', actions: ['glue:GetDatabase'], resources: [stack.formatArn({ service: 'glue', resource: 'database', resourceName: 'default' })] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ListDayFolders',
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${props.prefix}AWSLogs/*`] } },
      }),
    );
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'BucketLocations', actions: ['s3:GetBucketLocation'], resources: [props.bucket.bucketArn, this.resultsBucket.bucketArn] }));
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'ListResults', actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], resources: [this.resultsBucket.bucketArn] }));
    const resultObjects = this.resultsBucket.arnForObjects(`${RESULTS_PREFIX}*`);
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'WriteResults', actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], resources: [resultObjects] }),
    );
    acknowledgeWildcardResource(role, resultObjects, 'Athena writes each query\'s result (also for DDL) under a generated key; the grant is under the results prefix of this workgroup\'s own bucket only.');
    this.partitionRole = role;

    const fn = new NodejsFunction(this, 'PartitionFunction', {
      description: 'Adds the Athena partitions of the VPC flow logs: today, tomorrow, and missing days of the look-back',
      entry: PARTITION_ENTRY,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: fileURLToPath(new URL('../../package-lock.json', import.meta.url)),
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      memorySize: 256,
      // A DDL query takes seconds; the rest is headroom for queueing in Athena.
      timeout: Duration.minutes(5),
      role,
      logGroup,
      retryAttempts: 2,
      environment: {
        [PARTITION_ENV.database]: this.databaseName,
        [PARTITION_ENV.table]: TABLE_NAME,
        [PARTITION_ENV.bucket]: props.bucket.bucketName,
        [PARTITION_ENV.prefix]: props.prefix,
        [PARTITION_ENV.workgroup]: this.workgroupName,
        [PARTITION_ENV.lookbackDays]: String(lookbackDays),
        [PARTITION_ENV.accountId]: stack.account,
        [PARTITION_ENV.region]: stack.region,
      },
      bundling: LAMBDA_BUNDLING,
    });
    // The workgroup must exist before the first run.
    fn.node.addDependency(this.workgroup);
    this.partitionFunction = fn;

    // Day one: without this run Athena has no partition until the next 00:15 UTC.
    // Asynchronous, so a slow or failed first run (Lambda retries it) never fails the deploy.
    this.initialRun = new Trigger(this, 'InitialPartitionRun', {
      handler: fn,
      invocationType: InvocationType.EVENT,
      executeAfter: [this.table, this.workgroup],
      executeOnHandlerChange: false,
    });
    limitTriggerProviderTrust(stack);

    this.schedule = new Rule(this, 'PartitionSchedule', {
      description: 'Daily run of the flow-log partition function',
      schedule: Schedule.cron(PARTITION_SCHEDULE),
      targets: [new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });

    if (props.alarmTopic) {
      this.partitionErrorsAlarm = new Alarm(this, 'PartitionErrors', {
        alarmDescription: 'The partition function failed: new days may not be queryable in Athena until it succeeds (it backfills missed days on its next run).',
        metric: fn.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      this.partitionErrorsAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
    }
  }
}
