/**
 * The partition function: adds the Athena partitions of the flow-log table
 * (today, tomorrow, and days with data but no partition in the look-back),
 * run once on deploy and daily by EventBridge, with an alarm on its errors.
 * Not needed with partition projection.
 *
 * Defaults:
 * - daily at 00:15 UTC ({@link PARTITION_SCHEDULE}), looking back {@link PARTITION_FUNCTION_DEFAULTS} `lookbackDays` (7) days;
 * - 256 MiB, 5 minutes, two asynchronous retries; its log group kept 30 days;
 * - no alarm without a topic.
 */
import { fileURLToPath } from 'node:url';
import { CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { InvocationType, Trigger } from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { SERVICES } from '../../lambdas/shared/metric-names.js';
import { DEFAULTS, PARTITION_ENV, PARTITION_LOOKBACK_DAYS_RANGE } from '../../src/settings.js';
import type { AthenaCatalog } from './athena-catalog.js';
import { RESULTS_PREFIX, type AthenaWorkgroup } from './athena-workgroup.js';
import { DEFAULT_LOG_RETENTION_DAYS, FlowLogsFunction, functionLogGroup, functionRole } from './lambda-defaults.js';
import { acknowledgeWildcardResource } from './nag.js';
import { checkInteger } from './prop-checks.js';

/** The partition function's source. */
export const PARTITION_ENTRY = fileURLToPath(new URL('../../lambdas/partitions/handler.ts', import.meta.url));

/** When the partition function runs: daily, 00:15 UTC (it adds tomorrow's partition too, so the time is not critical). */
export const PARTITION_SCHEDULE = { minute: '15', hour: '0' } as const;

/** Defaults of {@link PartitionFunctionProps}. */
export const PARTITION_FUNCTION_DEFAULTS = {
  /** Shared with the function's own default for `PARTITION_LOOKBACK_DAYS` (src/settings.ts). */
  lookbackDays: DEFAULTS.partitionLookbackDays,
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
} as const;

/** Allowed ranges of the numeric {@link PartitionFunctionProps}, checked at synth. */
export const PARTITION_FUNCTION_RANGES = {
  /** The one range the construct, the app's configuration and the function check (src/settings.ts). */
  lookbackDays: PARTITION_LOOKBACK_DAYS_RANGE,
} as const;

export interface PartitionFunctionProps {
  /** Bucket the flow log writes to. */
  readonly bucket: IBucket;
  /** Key prefix the flow log writes under, as given to the catalog. */
  readonly prefix: string;
  /** The table whose partitions the function adds. */
  readonly catalog: AthenaCatalog;
  /** The workgroup the `ALTER TABLE` statements run in, and its results bucket. */
  readonly workgroup: AthenaWorkgroup;
  /**
   * Days the function looks back for days with data and no partition, 0 to 366.
   * @default 7
   */
  readonly lookbackDays?: number;
  /**
   * Topic for the alarm on the function's errors.
   * @default - no alarm
   */
  readonly alarmTopic?: ITopic;
  /**
   * Days the function's log group keeps entries (a value CloudWatch Logs accepts).
   * @default 30
   */
  readonly logRetentionDays?: number;
}

const OWNER = 'PartitionFunction';

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

/** The function that keeps the table's daily partitions current, its schedule, first run and alarm. */
export class PartitionFunction extends Construct {
  readonly function: FlowLogsFunction;
  readonly role: Role;
  /** Runs {@link function} once when the stack is created. */
  readonly initialRun: Trigger;
  /** The daily EventBridge rule that runs {@link function}. */
  readonly schedule: Rule;
  /** Errors of {@link function}, to the alarm topic. */
  readonly errorsAlarm?: Alarm;
  /** Resolved {@link PartitionFunctionProps.lookbackDays}. */
  readonly lookbackDays: number;

  constructor(scope: Construct, id: string, props: PartitionFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.lookbackDays = checkInteger(OWNER, 'lookbackDays', props.lookbackDays ?? PARTITION_FUNCTION_DEFAULTS.lookbackDays, PARTITION_FUNCTION_RANGES.lookbackDays);
    const { databaseName, tableName } = props.catalog;
    const { workgroupName, resultsBucket } = props.workgroup;

    const logGroup = functionLogGroup(this, 'PartitionLogGroup', OWNER, props.logRetentionDays ?? PARTITION_FUNCTION_DEFAULTS.logRetentionDays);
    const role = functionRole(this, 'PartitionRole', 'Partition function: lists flow-log day folders, adds Athena partitions', logGroup);
    const workgroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workgroupName });
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'RunPartitionStatements', actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution'], resources: [workgroupArn] }));
    // What Athena itself calls, with the caller's credentials, for ALTER TABLE ADD PARTITION.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'AddPartitions',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions', 'glue:CreatePartition', 'glue:BatchCreatePartition'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/${tableName}` }),
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
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'BucketLocations', actions: ['s3:GetBucketLocation'], resources: [props.bucket.bucketArn, resultsBucket.bucketArn] }));
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'ListResults', actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], resources: [resultsBucket.bucketArn] }));
    const resultObjects = resultsBucket.arnForObjects(`${RESULTS_PREFIX}*`);
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'WriteResults', actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], resources: [resultObjects] }),
    );
    acknowledgeWildcardResource(role, resultObjects, 'Athena writes each query\'s result (also for DDL) under a generated key; the grant is under the results prefix of this workgroup\'s own bucket only.');
    this.role = role;

    const fn = new FlowLogsFunction(this, 'PartitionFunction', {
      description: 'Adds the Athena partitions of the VPC flow logs: today, tomorrow, and missing days of the look-back',
      entry: PARTITION_ENTRY,
      service: SERVICES.partitions,
      memorySize: 256,
      // A DDL query takes seconds; the rest is headroom for queueing in Athena.
      timeout: Duration.minutes(5),
      role,
      logGroup,
      retryAttempts: 2,
      environment: {
        [PARTITION_ENV.database]: databaseName,
        [PARTITION_ENV.table]: tableName,
        [PARTITION_ENV.bucket]: props.bucket.bucketName,
        [PARTITION_ENV.prefix]: props.prefix,
        [PARTITION_ENV.workgroup]: workgroupName,
        [PARTITION_ENV.lookbackDays]: String(this.lookbackDays),
        [PARTITION_ENV.accountId]: stack.account,
        [PARTITION_ENV.region]: stack.region,
      },
    });
    // The workgroup must exist before the first run.
    fn.node.addDependency(props.workgroup.workgroup);
    this.function = fn;

    // Day one: without this run Athena has no partition until the next 00:15 UTC.
    // Asynchronous, so a slow or failed first run (Lambda retries it) never fails the deploy.
    this.initialRun = new Trigger(this, 'InitialPartitionRun', {
      handler: fn,
      invocationType: InvocationType.EVENT,
      executeAfter: [props.catalog.table, props.workgroup.workgroup],
      executeOnHandlerChange: false,
    });
    limitTriggerProviderTrust(stack);

    this.schedule = new Rule(this, 'PartitionSchedule', {
      description: 'Daily run of the flow-log partition function',
      schedule: Schedule.cron(PARTITION_SCHEDULE),
      targets: [new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });

    if (props.alarmTopic) {
      this.errorsAlarm = new Alarm(this, 'PartitionErrors', {
        alarmDescription: 'The partition function failed: new days may not be queryable in Athena until it succeeds (it backfills missed days on its next run).',
        metric: fn.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      this.errorsAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
    }
  }
}
