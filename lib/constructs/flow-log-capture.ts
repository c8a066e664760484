/**
 * The capture side: one flow log per VPC and destination, the log group and
 * its delivery role, the bucket and its delivery policy.
 *
 * Flow-log delivery: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-cwl.html
 * and https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnFlowLog, type CfnFlowLogProps } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { StorageClass, type Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct, type IDependable } from 'constructs';
import { ConfigError } from '../../src/errors.js';
import { formatString, type FlowLogFormat } from '../../src/format/flow-log-schema.js';
import { LOG_RETENTION_DAYS } from './lambda-defaults.js';
import { checkInteger, checkOneOf } from './prop-checks.js';
import { secureBucket } from './secure-bucket.js';

/**
 * Key prefix the flow logs write under. Objects land in
 * `vpc-flow-logs/AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/`: plain
 * text, AWS's default layout (no Hive-style `key=value` folders), one folder a
 * day. The Athena table (`AthenaAnalytics`) reads exactly this layout.
 */
export const FLOW_LOG_PREFIX = 'vpc-flow-logs/';

/** Which traffic a flow log records. */
export type TrafficType = 'ALL' | 'ACCEPT' | 'REJECT';
export const TRAFFIC_TYPES: readonly TrafficType[] = ['ALL', 'ACCEPT', 'REJECT'];
/** Seconds over which a flow log aggregates a flow into one record (CreateFlowLogs' MaxAggregationInterval). */
export const AGGREGATION_INTERVALS: readonly number[] = [60, 600];
/** S3 storage classes a flow-log object may move to and stay queryable by Athena. */
export type TransitionStorageClass = 'STANDARD_IA' | 'ONEZONE_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR';
export const TRANSITION_STORAGE_CLASSES: readonly TransitionStorageClass[] = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'];

/** Defaults of {@link FlowLogCaptureProps} and its destinations. */
export const FLOW_LOG_CAPTURE_DEFAULTS = {
  trafficType: 'ALL' as TrafficType,
  aggregationInterval: 600,
  logRetentionDays: 14,
  kms: false,
  transitionDays: 30,
  transitionStorageClass: 'STANDARD_IA' as TransitionStorageClass,
  expirationDays: 365,
} as const;

/** Allowed ranges of the numeric props, checked at synth; 0 turns the lifecycle step off. */
export const FLOW_LOG_CAPTURE_RANGES = {
  transitionDays: { min: 0, max: 36500 },
  expirationDays: { min: 0, max: 36500 },
} as const;

/** The first day a transition to `storageClass` may happen: S3 refuses an IA class before day 30. */
export function minTransitionDays(storageClass: TransitionStorageClass): number {
  return storageClass === 'STANDARD_IA' || storageClass === 'ONEZONE_IA' ? 30 : 1;
}

/** The CloudWatch Logs destination. */
export interface LogGroupDestinationProps {
  /**
   * Days the log group keeps records (a value CloudWatch Logs accepts).
   * @default 14
   */
  readonly retentionDays?: number;
  /**
   * Name of the log group.
   * @default '/vpc-flow-logs/<stack name>'
   */
  readonly logGroupName?: string;
  /**
   * Encrypt with a new customer-managed key.
   * @default false
   */
  readonly kms?: boolean;
}

/** The S3 destination. */
export interface BucketDestinationProps {
  /**
   * Days before objects move to {@link transitionStorageClass}; 0 for never.
   * @default 30
   */
  readonly transitionDays?: number;
  /**
   * Storage class objects move to.
   * @default 'STANDARD_IA'
   */
  readonly transitionStorageClass?: TransitionStorageClass;
  /**
   * Days before objects are deleted; 0 for never.
   * @default 365
   */
  readonly expirationDays?: number;
  /** Bucket for this bucket's server access logs. */
  readonly accessLogsBucket: IBucket;
}

export interface FlowLogCaptureProps {
  /** VPCs to capture, by id. */
  readonly vpcIds: readonly string[];
  /** The record format; becomes every flow log's LogFormat. */
  readonly format: FlowLogFormat;
  /**
   * Traffic the flow logs record.
   * @default 'ALL'
   */
  readonly trafficType?: TrafficType;
  /**
   * Seconds over which a flow is aggregated into one record: 60 or 600.
   * @default 600
   */
  readonly aggregationInterval?: number;
  /**
   * Deliver to CloudWatch Logs.
   * @default - no CloudWatch Logs destination
   */
  readonly logGroup?: LogGroupDestinationProps;
  /**
   * Deliver to S3.
   * @default - no S3 destination
   */
  readonly bucket?: BucketDestinationProps;
}

const OWNER = 'FlowLogCapture';

/** The props of a flow log that say where its records go. */
type FlowLogDestination = Pick<CfnFlowLogProps, 'logDestinationType' | 'logDestination' | 'logGroupName' | 'deliverLogsPermissionArn' | 'destinationOptions'>;

const STORAGE_CLASSES: Readonly<Record<TransitionStorageClass, StorageClass>> = {
  STANDARD_IA: StorageClass.INFREQUENT_ACCESS,
  ONEZONE_IA: StorageClass.ONE_ZONE_INFREQUENT_ACCESS,
  INTELLIGENT_TIERING: StorageClass.INTELLIGENT_TIERING,
  GLACIER_IR: StorageClass.GLACIER_INSTANT_RETRIEVAL,
};

/** Flow logs for each VPC into a log group, a bucket, or both. */
export class FlowLogCapture extends Construct {
  /** The log group, when CloudWatch Logs is a destination. */
  readonly logGroup?: LogGroup;
  /** The role `vpc-flow-logs.amazonaws.com` assumes to write to {@link logGroup}. */
  readonly deliveryRole?: Role;
  /** The bucket, when S3 is a destination. */
  readonly bucket?: Bucket;
  /** The key prefix in {@link bucket}. */
  readonly prefix = FLOW_LOG_PREFIX;
  /** The flow logs, CloudWatch Logs ones first. */
  readonly flowLogs: CfnFlowLog[] = [];
  /** Resolved {@link FlowLogCaptureProps.trafficType}. */
  readonly trafficType: TrafficType;
  /** Resolved {@link FlowLogCaptureProps.aggregationInterval}. */
  readonly aggregationInterval: number;

  constructor(scope: Construct, id: string, props: FlowLogCaptureProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const d = FLOW_LOG_CAPTURE_DEFAULTS;
    const trafficType = checkOneOf(OWNER, 'trafficType', props.trafficType ?? d.trafficType, TRAFFIC_TYPES);
    const aggregationInterval = checkOneOf(OWNER, 'aggregationInterval', props.aggregationInterval ?? d.aggregationInterval, AGGREGATION_INTERVALS);
    this.trafficType = trafficType;
    this.aggregationInterval = aggregationInterval;
    // What every flow log shares; each destination adds where its records go.
    const flowLogPerVpc = (idPrefix: string, destination: FlowLogDestination, dependency: IDependable | undefined): void => {
      for (const vpcId of props.vpcIds) {
        const flowLog = new CfnFlowLog(this, `${idPrefix}-${vpcId}`, {
          resourceId: vpcId,
          resourceType: 'VPC',
          trafficType,
          maxAggregationInterval: aggregationInterval,
          logFormat: formatString(props.format),
          ...destination,
        });
        if (dependency) flowLog.node.addDependency(dependency);
        this.flowLogs.push(flowLog);
      }
    };

    if (props.logGroup) {
      const logGroupName = props.logGroup.logGroupName ?? `/vpc-flow-logs/${stack.stackName}`;
      const retentionDays = checkOneOf(OWNER, 'logGroup.retentionDays', props.logGroup.retentionDays ?? d.logRetentionDays, LOG_RETENTION_DAYS);
      const encryptionKey = (props.logGroup.kms ?? d.kms) ? this.logGroupKey(logGroupName) : undefined;
      const logGroup = new LogGroup(this, 'LogGroup', {
        logGroupName,
        retention: retentionDays as RetentionDays,
        ...(encryptionKey ? { encryptionKey } : {}),
        // Kept on delete; removed when its creation is rolled back, so the retry of a failed first deploy does not collide with the fixed name.
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      });
      // Confused-deputy guard: only flow logs of this account and region may assume the role.
      const deliveryRole = new Role(this, 'DeliveryRole', {
        description: 'Assumed by VPC Flow Logs to write to the flow-log log group',
        assumedBy: new ServicePrincipal('vpc-flow-logs.amazonaws.com', {
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:vpc-flow-log/*` },
          },
        }),
      });
      // What the L2 FlowLog grants, scoped to this one log group (the docs' example uses "*").
      logGroup.grantWrite(deliveryRole);
      logGroup.grant(deliveryRole, 'logs:DescribeLogStreams');
      // The role's policy must exist before the flow log first delivers (the role itself is referenced).
      flowLogPerVpc(
        'ToLogs',
        { logDestinationType: 'cloud-watch-logs', logGroupName: logGroup.logGroupName, deliverLogsPermissionArn: deliveryRole.roleArn },
        deliveryRole.node.findChild('DefaultPolicy'),
      );
      this.logGroup = logGroup;
      this.deliveryRole = deliveryRole;
    }

    if (props.bucket) {
      const b = {
        transitionDays: checkInteger(OWNER, 'bucket.transitionDays', props.bucket.transitionDays ?? d.transitionDays, FLOW_LOG_CAPTURE_RANGES.transitionDays),
        transitionStorageClass: checkOneOf(OWNER, 'bucket.transitionStorageClass', props.bucket.transitionStorageClass ?? d.transitionStorageClass, TRANSITION_STORAGE_CLASSES),
        expirationDays: checkInteger(OWNER, 'bucket.expirationDays', props.bucket.expirationDays ?? d.expirationDays, FLOW_LOG_CAPTURE_RANGES.expirationDays),
        accessLogsBucket: props.bucket.accessLogsBucket,
      };
      const minTransition = minTransitionDays(b.transitionStorageClass);
      if (b.transitionDays !== 0 && b.transitionDays < minTransition) {
        throw new ConfigError(`${OWNER}: bucket.transitionDays must be 0 (no transition) or at least ${minTransition} for ${b.transitionStorageClass}, got ${b.transitionDays}`);
      }
      if (b.expirationDays !== 0 && b.transitionDays !== 0 && b.expirationDays <= b.transitionDays) {
        throw new ConfigError(`${OWNER}: bucket.expirationDays must be 0 (keep forever) or more than bucket.transitionDays (${b.transitionDays}), got ${b.expirationDays}`);
      }
      const keepForever = b.transitionDays === 0 && b.expirationDays === 0;
      const bucket = secureBucket(this, 'Bucket', {
        accessLogs: { bucket: b.accessLogsBucket, prefix: 'flow-log-bucket/' },
        lifecycleRules: keepForever
          ? []
          : [
              {
                id: 'FlowLogLifecycle',
                prefix: FLOW_LOG_PREFIX,
                ...(b.transitionDays > 0 ? { transitions: [{ storageClass: STORAGE_CLASSES[b.transitionStorageClass], transitionAfter: Duration.days(b.transitionDays) }] } : {}),
                ...(b.expirationDays > 0 ? { expiration: Duration.days(b.expirationDays) } : {}),
              },
            ],
      });
      // The policy AWS would otherwise add by itself on first delivery (and CloudFormation would then drift from).
      const sourceConditions = {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*` },
      };
      bucket.addToResourcePolicy(
        new PolicyStatement({
          sid: 'AWSLogDeliveryWrite',
          principals: [new ServicePrincipal('delivery.logs.amazonaws.com')],
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects(`${FLOW_LOG_PREFIX}AWSLogs/${stack.account}/*`)],
          conditions: {
            StringEquals: { ...sourceConditions.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' },
            ArnLike: sourceConditions.ArnLike,
          },
        }),
      );
      bucket.addToResourcePolicy(
        new PolicyStatement({
          sid: 'AWSLogDeliveryAclCheck',
          principals: [new ServicePrincipal('delivery.logs.amazonaws.com')],
          // Both, as the VPC user guide's policy for flow logs to S3 lists them.
          actions: ['s3:GetBucketAcl', 's3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: sourceConditions,
        }),
      );
      flowLogPerVpc(
        'ToS3',
        {
          logDestinationType: 's3',
          logDestination: `${bucket.bucketArn}/${FLOW_LOG_PREFIX}`,
          destinationOptions: { FileFormat: 'plain-text', HiveCompatiblePartitions: false, PerHourPartition: false },
        },
        bucket.policy,
      );
      this.bucket = bucket;
    }
  }

  /** A rotating key that CloudWatch Logs may use for this one log group only. */
  private logGroupKey(logGroupName: string): Key {
    const stack = Stack.of(this);
    const key = new Key(this, 'LogGroupKey', {
      description: `Encrypts the flow-log log group ${logGroupName}`,
      enableKeyRotation: true,
      // Kept with the log group it encrypts.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${logGroupName}` },
        },
      }),
    );
    return key;
  }
}
