/**
 * The ingest path: the CloudWatch Logs subscription filter, the ingest
 * function (bundled by esbuild, with the GeoIP databases), its asynchronous
 * retry and on-failure queue, the dead-letter bucket, and least-privilege
 * permissions.
 */
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, SubscriptionFilter, type IFilterPattern, type ILogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LAMBDA_ARCHITECTURE, LAMBDA_BUNDLING, LAMBDA_RUNTIME, lambdaPrincipal } from './lambda-defaults.js';
import { ConfigError } from '../../src/errors.js';
import { fieldByName, formatString, type FlowLogFormat } from '../../src/format/flow-log-schema.js';
import type { IngestFilter } from '../config.js';
import { DEFAULTS, INGEST_ENV } from '../../src/settings.js';
import { acknowledge, acknowledgeWildcardResource } from './nag.js';
import { secureBucket } from './secure-bucket.js';
import type { SearchDomain } from './search-domain.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The handler's source. */
export const INGEST_ENTRY = fileURLToPath(new URL('../../lambdas/ingest/handler.ts', import.meta.url));
/** Writes the GeoIP databases into the folder given with `--out`. */
export const BUILD_GEO_SCRIPT = fileURLToPath(new URL('../../scripts/build-geo.mjs', import.meta.url));
/** Where the bundle's `geo/` folder is on Lambda. */
export const GEOIP_DIR = DEFAULTS.geoipDir;

// esbuild's ESM output has no `require`; CommonJS dependencies (the OpenSearch
// client, Powertools' internals) still call it for Node built-ins.

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
  /** @default 'vpcflowlogs' */
  readonly indexPrefix?: string;
  /** @default 30 */
  readonly indexRetentionDays?: number;
  /** @default 1024 */
  readonly memoryMiB?: number;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /**
   * Most concurrent invocations, i.e. concurrent bulk writers the cluster sees.
   * A reservation needs the account to keep 100 executions unreserved besides it.
   * @default - none (throttling by the cluster is absorbed by per-item retries, Lambda's retries and the on-failure queue)
   */
  readonly reservedConcurrency?: number;
  /**
   * Events the subscription filter passes: every one, or only rejected traffic.
   * @default 'all'
   */
  readonly filter?: IngestFilter;
  /** Retries of a failed asynchronous invocation, 0 to 2. @default 2 */
  readonly retryAttempts?: number;
  /** Seconds an event may wait for a retry. @default 21600 */
  readonly maxEventAgeSeconds?: number;
  /** Bundle the GeoIP databases and enrich documents. @default true */
  readonly geoip?: boolean;
  /** Days dead letters are kept. @default 90 */
  readonly deadLetterExpirationDays?: number;
  /** Days the function's log group keeps entries. @default 30 */
  readonly logRetentionDays?: number;
}

/** The subscription target that indexes flow-log records into OpenSearch. */
export class IngestFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
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
    const geoip = props.geoip ?? true;
    const placement = props.searchDomain.vpcPlacement;

    this.deadLetterBucket = secureBucket(this, 'DeadLetterBucket', {
      accessLogs: { bucket: props.accessLogsBucket, prefix: 'dead-letter-bucket/' },
      lifecycleRules: [{ id: 'ExpireDeadLetters', expiration: Duration.days(props.deadLetterExpirationDays ?? 90) }],
    });

    this.onFailureQueue = new Queue(this, 'OnFailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.onFailureQueue, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter destination (Lambda on-failure destination) of the ingest function; an alarm fires when it holds a message.');

    const logGroup = new LogGroup(this, 'LogGroup', {
      retention: (props.logRetentionDays ?? 30) as RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Our own role: CDK's default would attach the AWSLambdaBasicExecutionRole
    // managed policy, which can write to every log group.
    this.role = new Role(this, 'Role', {
      assumedBy: lambdaPrincipal(this),
      description: 'Ingest function: writes flow-log records to OpenSearch',
    });
    logGroup.grantWrite(this.role);
    const deadLetterObjects = this.deadLetterBucket.arnForObjects(`${this.deadLetterPrefix}*`);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [deadLetterObjects] }));
    acknowledgeWildcardResource(this.role, deadLetterObjects, 'Dead letters are new objects with generated keys; the grant is s3:PutObject under the dead-letter prefix of this one bucket only.');
    const indexPrefix = props.indexPrefix ?? DEFAULTS.indexPrefix;
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

    this.function = new NodejsFunction(this, 'Function', {
      description: 'Indexes VPC flow-log records from CloudWatch Logs into OpenSearch',
      entry: INGEST_ENTRY,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: fileURLToPath(new URL('../../package-lock.json', import.meta.url)),
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      memorySize: props.memoryMiB ?? 1024,
      timeout: Duration.seconds(props.timeoutSeconds ?? 60),
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      role: this.role,
      logGroup,
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: Duration.seconds(props.maxEventAgeSeconds ?? 21600),
      onFailure: new SqsDestination(this.onFailureQueue),
      environment: {
        [INGEST_ENV.endpoint]: `https://${props.searchDomain.endpoint}`,
        [INGEST_ENV.auth]: 'aws-sigv4',
        [INGEST_ENV.indexPrefix]: indexPrefix,
        [INGEST_ENV.indexRetentionDays]: String(props.indexRetentionDays ?? DEFAULTS.indexRetentionDays),
        [INGEST_ENV.flowLogFormat]: formatString(props.format),
        [INGEST_ENV.deadLetterBucket]: this.deadLetterBucket.bucketName,
        [INGEST_ENV.deadLetterPrefix]: this.deadLetterPrefix,
        [INGEST_ENV.geoipEnabled]: String(geoip),
        [INGEST_ENV.geoipDir]: GEOIP_DIR,
        [INGEST_ENV.bulkMaxBytes]: String(DEFAULTS.bulkMaxBytes),
      },
      bundling: {
        ...LAMBDA_BUNDLING,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) =>
            geoip ? [`node ${JSON.stringify(BUILD_GEO_SCRIPT)} --out ${JSON.stringify(`${outputDir}/geo`)}`] : [],
        },
      },
      ...(placement && this.securityGroup
        ? { vpc: placement.vpc, vpcSubnets: { subnets: [...placement.subnets] }, securityGroups: [this.securityGroup], allowPublicSubnet: false }
        : {}),
    });

    this.subscriptionFilter = new SubscriptionFilter(this, 'SubscriptionFilter', {
      logGroup: props.logGroup,
      destination: new LambdaDestination(this.function),
      filterPattern: subscriptionPattern(props.filter ?? 'all', props.format),
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
