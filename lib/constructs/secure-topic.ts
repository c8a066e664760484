/**
 * The one way this app makes an SNS topic: TLS only, and publishable by the
 * CloudWatch alarms of this account.
 */
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic, type ITopic, type TopicProps } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export interface SecureTopicProps {
  /** Shown as the sender of e-mail notifications. @default - none */
  readonly displayName?: string;
}

/**
 * A topic that denies publishing without TLS (`enforceSSL`) and lets the
 * CloudWatch alarms of this account and region publish to it.
 *
 * `enforceSSL` writes an `AWS::SNS::TopicPolicy`, and a topic policy replaces
 * the topic's default policy: without {@link allowCloudWatchAlarms} no alarm
 * could notify anyone.
 */
export function secureTopic(scope: Construct, id: string, props: SecureTopicProps = {}): Topic {
  const topicProps: TopicProps = { enforceSSL: true, ...(props.displayName ? { displayName: props.displayName } : {}) };
  const topic = new Topic(scope, id, topicProps);
  allowCloudWatchAlarms(topic);
  return topic;
}

/**
 * Adds to the topic's policy the statement CloudWatch needs to publish alarm
 * notifications, limited to alarms of this account and region (confused-deputy
 * guard: `aws:SourceAccount` and `aws:SourceArn`).
 * https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
 */
export function allowCloudWatchAlarms(topic: ITopic): void {
  const stack = Stack.of(topic);
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowCloudWatchAlarms',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
      },
    }),
  );
}
