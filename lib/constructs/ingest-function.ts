/**
 * The ingest path: the CloudWatch Logs subscription filter, the ingest
 * function (bundled by esbuild, with the GeoIP databases), its asynchronous
 * retry and on-failure queue, the dead-letter bucket, and least-privilege
 * permissions.
 */
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { FilterPattern, SubscriptionFilter, type IFilterPattern, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICES } from '../../lambdas/shared/metric-names.js';
import { ConfigError } from '../../src/errors.js';
import { fieldByName, formatString, type FlowLogFormat } from '../../src/format/flow-log-schema.js';
import { DEFAULTS, INDEX_RETENTION_DAYS_RANGE, INGEST_ENV } from '../../src/settings.js';
import { DEFAULT_LOG_RETENTION_DAYS, FlowLogsFunction, functionLogGroup, functionRole } from './lambda-defaults.js';
import { acknowledge, acknowledgeWildcardResource } from './nag.js';
import { checkInteger, checkOneOf } from './prop-checks.js';
import { secureBucket } from './secure-bucket.js';
import type { SearchDomain } from './search-domain.js';

/** The handler's source. */
export const INGEST_ENTRY = fileURLToPath(new URL('../../lambdas/ingest/handler.ts', import.meta.url));
/** Writes the GeoIP databases into the folder given with `--out`. */
export const BUILD_GEO_SCRIPT = fileURLToPath(new URL('../../scripts/build-geo.mjs', import.meta.url));
/** Where the bundle's `geo/` folder is on Lambda. */
export const GEOIP_DIR = DEFAULTS.geoipDir;

/** Which flow-log events the subscription filter passes to the ingest function. */
export type IngestFilter = 'all' | 'reject';
export const INGEST_FILTERS: readonly IngestFilter[] = ['all', 'reject'];

/** Defaults of {@link IngestFunctionProps}: what the constructor fills in for an unset prop. */
export const INGEST_FUNCTION_DEFAULTS = {
  indexPrefix: DEFAULTS.indexPrefix,
  indexRetentionDays: DEFAULTS.indexRetentionDays,
  memoryMiB: 1024,
  timeoutSeconds: 60,
  filter: 'all' as IngestFilter,
  retryAttempts: 2,
  maxEventAgeSeconds: 21600,
  geoip: true,
  deadLetterExpirationDays: 90,
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
} as const;

/** Allowed ranges of the numeric {@link IngestFunctionProps}, checked at synth. */
export const INGEST_FUNCTION_RANGES = {
  indexRetentionDays: INDEX_RETENTION_DAYS_RANGE,
  // Lambda's limits: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
  memoryMiB: { min: 128, max: 10240 },
  timeoutSeconds: { min: 3, max: 900 },
  reservedConcurrency: { min: 1, max: 1000 },
  // Lambda's asynchronous invocation limits (PutFunctionEventInvokeConfig).
  retryAttempts: { min: 0, max: 2 },
  maxEventAgeSeconds: { min: 60, max: 21600 },
  deadLetterExpirationDays: { min: 1, max: 36500 },
} as const;

/**
 * What a function in a VPC needs to manage its network interfaces: the EC2
 * actions of the AWSLambdaVPCAccessExecutionRole managed policy.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
 */
export const VPC_NETWORK_INTERFACE_ACTIONS: readonly string[] = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/**
 * The subscription filter's pattern. `all` is the empty pattern: every event,
 * whatever its number of fields (a space-delimited pattern would drop a
 * malformed line before the parser could dead-letter it), and no
 * `extractedFields` doubling the payload. `reject` is a term pattern on the
 * action value, which no other field of a flow-log record can hold; it too
 * adds no `extractedFields`.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
export function subscriptionPattern(filter: IngestFilter, format: FlowLogFormat): IFilterPattern {
  if (filter === 'all') return FilterPattern.allEvents();
  const action = fieldByName('action');
  if (!format.fields.some((f) => f.name === action.name)) throw new ConfigError(`ingestFilter "reject" needs the ${action.name} field in the flow-log format`);
  return FilterPattern.literal('"REJECT"');
}

export interface IngestFunctionProps {
  /** Log group whose records are indexed. */
  readonly logGroup: ILogGroup;
  /** The flow log's format: the filter pattern and the function's FLOW_LOG_FORMAT. */
  readonly format: FlowLogFormat;
  /** Domain that receives the `_bulk` writes. */
  readonly searchDomain: SearchDomain;
  /** Bucket for the dead-letter bucket's server access logs. */
  readonly accessLogsBucket: IBucket;
  /**
   * Daily indices are `<indexPrefix>-YYYY.MM.DD`.
   * @default 'vpcflowlogs'
   */
  readonly indexPrefix?: string;
  /**
   * Days an index lives before the ISM policy deletes it, 1 to 3650.
   * @default 30
   */
  readonly indexRetentionDays?: number;
  /**
   * Memory of the function, MiB, 128 to 10240.
   * @default 1024
   */
  readonly memoryMiB?: number;
  /**
   * Timeout of the function, seconds, 3 to 900.
   * @default 60
   */
  readonly timeoutSeconds?: number;
  /**
   * Most concurrent invocations, i.e. concurrent bulk writers the cluster sees, 1 to 1000.
   * A reservation needs the account to keep 100 executions unreserved besides it.
   * @default - none (throttling by the cluster is absorbed by per-item retries, Lambda's retries and the on-failure queue)
   */
  readonly reservedConcurrency?: number;
  /**
   * Events the subscription filter passes: every one, or only rejected traffic.
   * @default 'all'
   */
  readonly filter?: IngestFilter;
  /**
   * Retries of a failed asynchronous invocation, 0 to 2.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * Seconds an event may wait for a retry, 60 to 21600.
   * @default 21600
   */
  readonly maxEventAgeSeconds?: number;
  /**
   * Bundle the GeoIP databases and enrich documents.
   * @default true
   */
  readonly geoip?: boolean;
  /**
   * Days dead letters are kept, 1 to 36500.
   * @default 90
   */
  readonly deadLetterExpirationDays?: number;
  /**
   * Days the function's log group keeps entries (a value CloudWatch Logs accepts).
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/** The optional props as the construct used them, every default filled in. */
export type ResolvedIngestFunctionProps = Readonly<Required<Omit<IngestFunctionProps, 'logGroup' | 'format' | 'searchDomain' | 'accessLogsBucket' | 'reservedConcurrency'>>> & {
  readonly reservedConcurrency: number | undefined;
};

const OWNER = 'IngestFunction';

function resolveProps(props: IngestFunctionProps): ResolvedIngestFunctionProps {
  const d = INGEST_FUNCTION_DEFAULTS;
  const r = INGEST_FUNCTION_RANGES;
  return Object.freeze({
    indexPrefix: props.indexPrefix ?? d.indexPrefix,
    indexRetentionDays: checkInteger(OWNER, 'indexRetentionDays', props.indexRetentionDays ?? d.indexRetentionDays, r.indexRetentionDays),
    memoryMiB: checkInteger(OWNER, 'memoryMiB', props.memoryMiB ?? d.memoryMiB, r.memoryMiB),
    timeoutSeconds: checkInteger(OWNER, 'timeoutSeconds', props.timeoutSeconds ?? d.timeoutSeconds, r.timeoutSeconds),
    reservedConcurrency: props.reservedConcurrency === undefined ? undefined : checkInteger(OWNER, 'reservedConcurrency', props.reservedConcurrency, r.reservedConcurrency),
    filter: checkOneOf(OWNER, 'filter', props.filter ?? d.filter, INGEST_FILTERS),
    retryAttempts: checkInteger(OWNER, 'retryAttempts', props.retryAttempts ?? d.retryAttempts, r.retryAttempts),
    maxEventAgeSeconds: checkInteger(OWNER, 'maxEventAgeSeconds', props.maxEventAgeSeconds ?? d.maxEventAgeSeconds, r.maxEventAgeSeconds),
    geoip: props.geoip ?? d.geoip,
    deadLetterExpirationDays: checkInteger(OWNER, 'deadLetterExpirationDays', props.deadLetterExpirationDays ?? d.deadLetterExpirationDays, r.deadLetterExpirationDays),
    logRetentionDays: props.logRetentionDays ?? d.logRetentionDays,
  });
}

/** The subscription target that indexes flow-log records into OpenSearch. */
export class IngestFunction extends Construct {
  readonly function: FlowLogsFunction;
  readonly role: Role;
  /** The optional props with their defaults, as used. */
  readonly resolved: ResolvedIngestFunctionProps;
  /** Events that failed every retry land here (the Lambda on-failure destination). */
  readonly onFailureQueue: Queue;
  /** Records that can never be indexed, as objects under {@link deadLetterPrefix}. */
  readonly deadLetterBucket: Bucket;
  readonly deadLetterPrefix = DEFAULTS.deadLetterPrefix;
  readonly subscriptionFilter: SubscriptionFilter;
  /** The function's security group, when it runs in a VPC. */
  readonly securityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    super(scope, id);
    const resolved = resolveProps(props);
    this.resolved = resolved;
    const { geoip, indexPrefix } = resolved;
    const placement = props.searchDomain.vpcPlacement;

    this.deadLetterBucket = secureBucket(this, 'DeadLetterBucket', {
      accessLogs: { bucket: props.accessLogsBucket, prefix: 'dead-letter-bucket/' },
      lifecycleRules: [{ id: 'ExpireDeadLetters', expiration: Duration.days(resolved.deadLetterExpirationDays) }],
    });

    this.onFailureQueue = new Queue(this, 'OnFailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.onFailureQueue, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter destination (Lambda on-failure destination) of the ingest function; an alarm fires when it holds a message.');

    const logGroup = functionLogGroup(this, 'LogGroup', OWNER, resolved.logRetentionDays);
    this.role = functionRole(this, 'Role', 'Ingest function: writes flow-log records to OpenSearch', logGroup);
    const deadLetterObjects = this.deadLetterBucket.arnForObjects(`${this.deadLetterPrefix}*`);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [deadLetterObjects] }));
    acknowledgeWildcardResource(this.role, deadLetterObjects, 'Dead letters are new objects with generated keys; the grant is s3:PutObject under the dead-letter prefix of this one bucket only.');
    props.searchDomain.grantIngest(this.role, indexPrefix);
    acknowledgeWildcardResource(this.role, `${props.searchDomain.domainArn}/${indexPrefix}-*`, 'The daily indices <indexPrefix>-YYYY.MM.DD of this one domain (their documents and, for the id scheme, their _mapping), created as days go by; every other path (_bulk, the two templates, the ISM policy) is named.');
    if (placement) {
      // The EC2 half of AWSLambdaVPCAccessExecutionRole: its logs half would
      // allow writing to every log group. Lambda checks these at create time,
      // and the function depends on the role's policy.
      this.role.addToPrincipalPolicy(new PolicyStatement({ sid: 'VpcNetworkInterfaces', actions: [...VPC_NETWORK_INTERFACE_ACTIONS], resources: ['*'] }));
      this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
        vpc: placement.vpc,
        description: 'Ingest function: HTTPS to OpenSearch and S3',
        allowAllOutbound: true,
      });
      props.searchDomain.allowHttpsFrom(this.securityGroup);
    }

    this.function = new FlowLogsFunction(this, 'Function', {
      description: 'Indexes VPC flow-log records from CloudWatch Logs into OpenSearch',
      entry: INGEST_ENTRY,
      service: SERVICES.ingest,
      memorySize: resolved.memoryMiB,
      timeout: Duration.seconds(resolved.timeoutSeconds),
      ...(resolved.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: resolved.reservedConcurrency } : {}),
      role: this.role,
      logGroup,
      retryAttempts: resolved.retryAttempts,
      maxEventAge: Duration.seconds(resolved.maxEventAgeSeconds),
      onFailure: new SqsDestination(this.onFailureQueue),
      environment: {
        [INGEST_ENV.endpoint]: `https://${props.searchDomain.endpoint}`,
        [INGEST_ENV.auth]: 'aws-sigv4',
        [INGEST_ENV.indexPrefix]: indexPrefix,
        [INGEST_ENV.indexRetentionDays]: String(resolved.indexRetentionDays),
        [INGEST_ENV.flowLogFormat]: formatString(props.format),
        [INGEST_ENV.deadLetterBucket]: this.deadLetterBucket.bucketName,
        [INGEST_ENV.deadLetterPrefix]: this.deadLetterPrefix,
        [INGEST_ENV.geoipEnabled]: String(geoip),
        [INGEST_ENV.geoipDir]: GEOIP_DIR,
        [INGEST_ENV.bulkMaxBytes]: String(DEFAULTS.bulkMaxBytes),
      },
      afterBundling: (outputDir) => (geoip ? [`node ${JSON.stringify(BUILD_GEO_SCRIPT)} --out ${JSON.stringify(`${outputDir}/geo`)}`] : []),
      ...(placement && this.securityGroup
        ? { vpc: placement.vpc, vpcSubnets: { subnets: [...placement.subnets] }, securityGroups: [this.securityGroup], allowPublicSubnet: false }
        : {}),
    });

    this.subscriptionFilter = new SubscriptionFilter(this, 'SubscriptionFilter', {
      logGroup: props.logGroup,
      destination: new LambdaDestination(this.function),
      filterPattern: subscriptionPattern(resolved.filter, props.format),
    });

    if (placement) {
      acknowledge(
        this.role,
        'AwsSolutions-IAM5[Resource::*]',
        'The EC2 network-interface actions Lambda performs with the execution role for a function in a VPC (the EC2 part of AWSLambdaVPCAccessExecutionRole): the Describe actions take no resource ARN, and the interfaces Lambda creates have no ARN known before they exist.',
      );
    }
  }
}
