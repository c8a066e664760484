/**
 * Operations: the alarm topic (with the optional e-mail subscription), the
 * alarms on the ingest path and the domain, and the stack outputs.
 */
import { CfnOutput, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IDomain } from 'aws-cdk-lib/aws-opensearchservice';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { INGEST_METRICS, METRICS_NAMESPACE, SERVICE_DIMENSION, SERVICES } from '../../lambdas/shared/metric-names.js';
import type { IngestFunction } from './ingest-function.js';
import { secureTopic } from './secure-topic.js';

export interface OperationsProps {
  /** Address subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
}

export interface DomainAlarmOptions {
  /** Alarm on yellow as well as red. Off for a one-node domain, where replicas can never be assigned. @default true */
  readonly yellow?: boolean;
  /** Alarm when the smallest node's free storage falls below this many MiB. @default 2048 */
  readonly freeStorageThresholdMiB?: number;
}

const FIVE_MINUTES = Duration.minutes(5);

/** The alarm topic, the alarms, the outputs. */
export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps = {}) {
    super(scope, id);
    this.topic = secureTopic(this, 'AlarmTopic', { displayName: 'VPC flow logs alarms' });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.output('AlarmTopicArn', this.topic.topicArn, 'SNS topic the alarms notify');
  }

  /** Errors, sustained throttles, a non-empty on-failure queue, and dead letters. */
  watchIngest(ingest: IngestFunction): void {
    const fn = ingest.function;
    this.alarm('IngestErrors', fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), 1, 'The ingest function failed invocations (Lambda retries them).');
    // Throttles come in bursts (the account's concurrency, or a reservation)
    // and Lambda retries them, so only 15 minutes of them alarm.
    this.alarm('IngestThrottles', fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), 1, 'The ingest function has been throttled for 15 minutes: raise the account concurrency quota or ingestReservedConcurrency, if set.', 3);
    this.alarm(
      'OnFailureQueueNotEmpty',
      ingest.onFailureQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      1,
      'Events failed every retry and wait in the on-failure queue; see docs/deploy.md to replay them.',
    );
    this.alarm(
      'DeadLettersWritten',
      new Metric({ namespace: METRICS_NAMESPACE, metricName: INGEST_METRICS.recordsDeadLettered, dimensionsMap: { [SERVICE_DIMENSION]: SERVICES.ingest }, period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
      'Records that can never be indexed were written to the dead-letter bucket.',
    );
    this.output('IngestFunctionName', fn.functionName, 'Ingest function');
    this.output('IngestRoleArn', ingest.role.roleArn, 'Role of the ingest function: map it on an existing domain with fine-grained access control');
    this.output('OnFailureQueueUrl', ingest.onFailureQueue.queueUrl, 'Events that failed every retry');
    this.output('DeadLetterBucketName', ingest.deadLetterBucket.bucketName, `Records that can never be indexed, under ${ingest.deadLetterPrefix}`);
    if (ingest.securityGroup) this.output('IngestSecurityGroupId', ingest.securityGroup.securityGroupId, 'Security group of the ingest function: allow HTTPS from it on an existing VPC domain');
  }

  /**
   * Cluster red (and yellow), index writes blocked, free storage low, JVM
   * memory pressure, CPU, failed automated snapshots: the alarms AWS
   * recommends, with its thresholds and periods
   * (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/cloudwatch-alarms.html);
   * the free-storage threshold comes from the sized volume. Written with the
   * domain's own metric methods rather than cdk-monitoring-constructs: eight
   * alarms on one topic do not need a dashboard framework and its dependency tree.
   */
  watchDomain(domain: IDomain, options: DomainAlarmOptions = {}): void {
    this.alarm('ClusterRed', domain.metricClusterStatusRed({ period: Duration.minutes(1), statistic: 'Maximum' }), 1, 'At least one primary shard is unassigned.');
    if (options.yellow ?? true) {
      this.alarm('ClusterYellow', domain.metricClusterStatusYellow({ period: Duration.minutes(1), statistic: 'Maximum' }), 1, 'At least one replica shard is unassigned.', 5);
    }
    this.alarm('ClusterIndexWritesBlocked', domain.metricClusterIndexWritesBlocked({ period: FIVE_MINUTES, statistic: 'Maximum' }), 1, 'The cluster rejects writes (disk or memory pressure).');
    this.alarm(
      'FreeStorageLow',
      domain.metricFreeStorageSpace({ period: FIVE_MINUTES, statistic: 'Minimum' }),
      options.freeStorageThresholdMiB ?? 2048,
      'A data node is low on free storage (MiB): lower indexRetentionDays or add storage.',
      1,
      ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
    );
    this.alarm('JvmMemoryPressureHigh', domain.metricJVMMemoryPressure({ period: Duration.minutes(1), statistic: 'Maximum' }), 95, 'JVM memory pressure has been at 95% or more for 3 minutes: the cluster may run out of memory; choose a larger instance type.', 3);
    this.alarm('CpuHigh', domain.metricCPUUtilization({ period: Duration.minutes(15), statistic: 'Maximum' }), 80, 'CPU has been at 80% or more for 45 minutes: choose a larger instance type or add nodes.', 3);
    this.alarm('AutomatedSnapshotFailed', domain.metricAutomatedSnapshotFailure({ period: Duration.minutes(1), statistic: 'Maximum' }), 1, 'An automated snapshot failed (often because the cluster is red).');
  }

  /** A stack output, named `id` exactly (no hash suffix), so scripts and docs can rely on it. */
  output(id: string, value: string, description: string): CfnOutput {
    const output = new CfnOutput(this, id, { value, description });
    output.overrideLogicalId(id);
    return output;
  }

  private alarm(
    id: string,
    metric: IMetric,
    threshold: number,
    description: string,
    evaluationPeriods = 1,
    comparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      comparisonOperator,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}
