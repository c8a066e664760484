/**
 * The weekly report: the report function (bundled by esbuild), its
 * EventBridge schedule, the reports bucket, the SNS topic that announces each
 * report, the optional SES e-mail, an alarm on the function's errors, and
 * least-privilege permissions for OpenSearch or Athena.
 *
 * Defaults:
 * - schedule: Monday 00:30 UTC (`cron(30 0 ? * MON *)`), for the 7 days that just ended;
 * - pages kept 365 days; the topic encrypted with the AWS-managed SNS key;
 * - no e-mail subscription, no SES e-mail, unless configured.
 */
import { fileURLToPath } from 'node:url';
import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AnyPrincipal, ArnPrincipal, Effect, ManagedPolicy, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ConfigError } from '../../src/errors.js';
import { formatString, type FlowLogFormat } from '../../src/format/flow-log-schema.js';
import { DEFAULTS, INGEST_ENV, PARTITION_ENV, REPORT_ENV } from '../../src/settings.js';
import { SERVICES } from '../../lambdas/shared/metric-names.js';
import { DEFAULT_LOG_RETENTION_DAYS, FlowLogsFunction, functionLogGroup, functionRole } from './lambda-defaults.js';
import { acknowledge, acknowledgeWildcardResource } from './nag.js';
import { checkInteger } from './prop-checks.js';
import type { SearchDomain } from './search-domain.js';
import { secureBucket } from './secure-bucket.js';

/** The handler's source. */
export const REPORT_ENTRY = fileURLToPath(new URL('../../lambdas/reports/handler.ts', import.meta.url));

/** An EventBridge schedule expression: `cron(...)` (six fields) or `rate(...)`. */
export const SCHEDULE_EXPRESSION = /^(cron\((\S+ ){5}\S+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/;

/** Defaults of {@link ReportFunctionProps}. */
export const REPORT_FUNCTION_DEFAULTS = {
  indexPrefix: DEFAULTS.indexPrefix,
  schedule: DEFAULTS.reportSchedule,
  expirationDays: DEFAULTS.reportExpirationDays,
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
} as const;

/** Allowed ranges of the numeric {@link ReportFunctionProps}, checked at synth. */
export const REPORT_FUNCTION_RANGES = {
  expirationDays: { min: 1, max: 36500 },
} as const;

/** Where the report's figures come from when the stack has no OpenSearch. */
export interface ReportAthenaSource {
  readonly databaseName: string;
  readonly tableName: string;
  readonly workgroupName: string;
  /** The workgroup's results bucket and the key prefix its results go under. */
  readonly resultsBucket: IBucket;
  readonly resultsPrefix: string;
  /** The flow-log bucket and the prefix the flow logs are under. */
  readonly flowLogBucket: IBucket;
  readonly flowLogPrefix: string;
  /** The flow log's format: which reports the table can serve. */
  readonly format: FlowLogFormat;
}

export interface ReportFunctionProps {
  /** OpenSearch domain the reports query (`<indexPrefix>-*`). One of searchDomain and athena. */
  readonly searchDomain?: SearchDomain;
  /** The Athena table, used when there is no searchDomain. */
  readonly athena?: ReportAthenaSource;
  /** Topic the alarm on the function's errors notifies. */
  readonly alarmTopic: ITopic;
  /** Bucket for the reports bucket's server access logs. */
  readonly accessLogsBucket: IBucket;
  /**
   * Daily indices the reports search, `<indexPrefix>-*`.
   * @default 'vpcflowlogs'
   */
  readonly indexPrefix?: string;
  /**
   * When the report runs: an EventBridge `cron(...)` or `rate(...)` expression (UTC), or `'off'`.
   * @default 'cron(30 0 ? * MON *)' - Monday 00:30 UTC
   */
  readonly schedule?: string;
  /**
   * Address subscribed to the report topic (the recipient must confirm).
   * @default - no subscription
   */
  readonly email?: string;
  /**
   * Verified SES identity (address or domain) that sends the HTML e-mail to {@link email}.
   * @default - no SES e-mail
   */
  readonly sesIdentity?: string;
  /**
   * Days stored pages are kept, 1 to 36500.
   * @default 365
   */
  readonly expirationDays?: number;
  /**
   * Days the function's log group keeps entries (a value CloudWatch Logs accepts).
   * @default 30
   */
  readonly logRetentionDays?: number;
}

const OWNER = 'ReportFunction';

/** The weekly report function and what it writes to. */
export class ReportFunction extends Construct {
  readonly function: FlowLogsFunction;
  readonly role: Role;
  /** Stored pages, under {@link keyPrefix}. */
  readonly bucket: Bucket;
  readonly keyPrefix = DEFAULTS.reportKeyPrefix;
  /** Receives the plain-text summary and the link. */
  readonly topic: Topic;
  /** The EventBridge rule, unless the schedule is off. */
  readonly schedule?: Rule;
  readonly errorsAlarm: Alarm;
  readonly securityGroup?: SecurityGroup;
  /** The optional props with their defaults, as used. */
  readonly resolved: { readonly indexPrefix: string; readonly schedule: string; readonly expirationDays: number; readonly logRetentionDays: number };

  constructor(scope: Construct, id: string, props: ReportFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const indexPrefix = props.indexPrefix ?? REPORT_FUNCTION_DEFAULTS.indexPrefix;
    const schedule = props.schedule ?? REPORT_FUNCTION_DEFAULTS.schedule;
    const expirationDays = checkInteger(OWNER, 'expirationDays', props.expirationDays ?? REPORT_FUNCTION_DEFAULTS.expirationDays, REPORT_FUNCTION_RANGES.expirationDays);
    const logRetentionDays = props.logRetentionDays ?? REPORT_FUNCTION_DEFAULTS.logRetentionDays;
    this.resolved = Object.freeze({ indexPrefix, schedule, expirationDays, logRetentionDays });
    if (schedule !== 'off' && !SCHEDULE_EXPRESSION.test(schedule)) throw new ConfigError(`ReportFunction: schedule must be "off", cron(...) or rate(...), got "${schedule}"`);
    if (!props.searchDomain && !props.athena) throw new ConfigError('ReportFunction: needs a searchDomain or an athena source');
    if (props.sesIdentity && !props.email) throw new ConfigError('ReportFunction: sesIdentity needs email (the recipient)');
    const placement = props.searchDomain?.vpcPlacement;

    this.bucket = secureBucket(this, 'Bucket', {
      accessLogs: { bucket: props.accessLogsBucket, prefix: 'reports-bucket/' },
      lifecycleRules: [{ id: 'ExpireReports', expiration: Duration.days(expirationDays) }],
    });

    // The AWS-managed SNS key: encrypted at rest at no key cost; only this function publishes (no CloudWatch alarm needs it).
    this.topic = new Topic(this, 'Topic', {
      displayName: 'VPC flow logs weekly report',
      enforceSSL: true,
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));

    const logGroup = functionLogGroup(this, 'LogGroup', OWNER, logRetentionDays);
    this.role = functionRole(this, 'Role', 'Report function: reads flow-log figures, stores and announces the weekly report', logGroup);

    const pages = this.bucket.arnForObjects(`${this.keyPrefix}*`);
    // GetObject: the presigned link is signed with this role, so the reader's GET is authorized as the role.
    this.role.addToPrincipalPolicy(new PolicyStatement({ sid: 'StoreReports', actions: ['s3:PutObject', 's3:GetObject'], resources: [pages] }));
    acknowledgeWildcardResource(this.role, pages, 'One object per week under the reports prefix of this one bucket; s3:PutObject and s3:GetObject only.');
    this.role.addToPrincipalPolicy(new PolicyStatement({ sid: 'AnnounceReports', actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    // Only the function may publish; an enforceSSL deny already comes with the topic.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheReportFunctionPublishes',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': this.role.roleArn } },
      }),
    );
    this.topic.addToResourcePolicy(new PolicyStatement({ sid: 'ReportFunctionPublishes', principals: [new ArnPrincipal(this.role.roleArn)], actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    if (props.sesIdentity) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'MailReports',
          actions: ['ses:SendEmail'],
          resources: [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.sesIdentity })],
        }),
      );
    }

    const environment: Record<string, string> = {
      [REPORT_ENV.bucket]: this.bucket.bucketName,
      [REPORT_ENV.keyPrefix]: this.keyPrefix,
      [REPORT_ENV.topicArn]: this.topic.topicArn,
      ...(props.sesIdentity && props.email ? { [REPORT_ENV.sesIdentity]: props.sesIdentity, [REPORT_ENV.email]: props.email } : {}),
    };

    if (props.searchDomain) {
      const resources = props.searchDomain.grantSearch(this.role, indexPrefix);
      for (const r of resources) acknowledgeWildcardResource(this.role, r, 'Searches on the daily indices <indexPrefix>-* of this one domain; es:ESHttpGet and es:ESHttpPost only, nothing writes.');
      Object.assign(environment, {
        [REPORT_ENV.source]: 'opensearch',
        [INGEST_ENV.endpoint]: `https://${props.searchDomain.endpoint}`,
        [INGEST_ENV.auth]: 'aws-sigv4',
        [INGEST_ENV.indexPrefix]: indexPrefix,
      });
      if (placement) {
        this.role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
        acknowledge(
          this.role,
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
          'AWSLambdaVPCAccessExecutionRole is the AWS-documented minimum for a function in a VPC; its network-interface actions do not support resource-level permissions.',
        );
        this.securityGroup = new SecurityGroup(this, 'SecurityGroup', { vpc: placement.vpc, description: 'Report function: HTTPS to OpenSearch, S3, SNS and SES', allowAllOutbound: true });
        props.searchDomain.allowHttpsFrom(this.securityGroup);
      }
    } else if (props.athena) {
      const a = props.athena;
      Object.assign(environment, {
        [REPORT_ENV.source]: 'athena',
        [PARTITION_ENV.database]: a.databaseName,
        [PARTITION_ENV.table]: a.tableName,
        [PARTITION_ENV.workgroup]: a.workgroupName,
        [INGEST_ENV.flowLogFormat]: formatString(a.format),
      });
      this.grantAthena(a);
    }

    this.function = new FlowLogsFunction(this, 'Function', {
      description: 'Renders the weekly VPC flow-log report, stores it and announces it',
      entry: REPORT_ENTRY,
      service: SERVICES.reports,
      // Vega and two weeks of every report: room for the charts, and time for Athena's queue.
      memorySize: 1024,
      timeout: Duration.minutes(10),
      role: this.role,
      logGroup,
      // A failed run is retried once; announcing is its last step, so a retry never announces twice a run that failed before it.
      retryAttempts: 1,
      environment,
      ...(placement && this.securityGroup
        ? { vpc: placement.vpc, vpcSubnets: { subnets: [...placement.subnets] }, securityGroups: [this.securityGroup], allowPublicSubnet: false }
        : {}),
    });

    if (schedule !== 'off') {
      this.schedule = new Rule(this, 'Schedule', {
        description: 'Weekly VPC flow-log report',
        schedule: Schedule.expression(schedule),
        targets: [new LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
      });
    }

    this.errorsAlarm = new Alarm(this, 'Errors', {
      alarmDescription: 'The weekly report failed: no report was announced for the week (a query, a chart, S3, SNS or SES failed; see the function log).',
      metric: this.function.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }

  /** What Athena needs, with the caller's credentials, to run the reports' SELECTs. */
  private grantAthena(a: ReportAthenaSource): void {
    const stack = Stack.of(this);
    const role = this.role;
    const workgroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: a.workgroupName });
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'RunReportQueries', actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'], resources: [workgroupArn] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadTable',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: a.databaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${a.databaseName}/${a.tableName}` }),
        ],
      }),
    );
    const flowLogObjects = a.flowLogBucket.arnForObjects(`${a.flowLogPrefix}AWSLogs/*`);
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'ReadFlowLogs', actions: ['s3:GetObject'], resources: [flowLogObjects] }));
    acknowledgeWildcardResource(role, flowLogObjects, 'Athena reads the flow-log objects with the caller\'s credentials; s3:GetObject under the flow-log prefix of this one bucket.');
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'ListFlowLogs', actions: ['s3:ListBucket'], resources: [a.flowLogBucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${a.flowLogPrefix}AWSLogs/*`] } } }),
    );
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'BucketLocations', actions: ['s3:GetBucketLocation'], resources: [a.flowLogBucket.bucketArn, a.resultsBucket.bucketArn] }));
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'ListResults', actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], resources: [a.resultsBucket.bucketArn] }));
    const resultObjects = a.resultsBucket.arnForObjects(`${a.resultsPrefix}*`);
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'WriteResults', actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], resources: [resultObjects] }));
    acknowledgeWildcardResource(role, resultObjects, 'Athena writes each query\'s result under a generated key; the grant is under the results prefix of the workgroup\'s own bucket only.');
  }
}
