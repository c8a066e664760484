import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../lambdas/shared/metric-names.js';
import { actionsOf, CONFIGS, flattenJoin, resourcesOf, synthesize, type Statement } from '../helpers/flow-logs-stack.js';

interface AlarmProps {
  readonly MetricName: string;
  readonly Namespace: string;
  readonly Threshold: number;
  readonly ComparisonOperator: string;
  readonly Dimensions?: { Name: string; Value: unknown }[];
  readonly AlarmActions: unknown[];
}

function alarms(config: Parameters<typeof synthesize>[0]): Record<string, AlarmProps> {
  const { template } = synthesize(config);
  const out: Record<string, AlarmProps> = {};
  // The Operations construct's own alarms (AthenaAnalytics adds its own to the same topic).
  for (const [id, r] of Object.entries(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('Operations'))) {
    const name = /^Operations(\w+?)[0-9A-F]{8}$/.exec(id)?.[1] ?? id;
    out[name] = r.Properties as unknown as AlarmProps;
  }
  return out;
}

describe('Operations', () => {
  it('alarms on ingest errors, throttles, the on-failure queue, dead letters, cluster red and yellow, blocked writes and free storage', () => {
    const all = alarms(CONFIGS.both);

    expect(Object.keys(all).sort()).toEqual(
      ['AutomatedSnapshotFailed', 'ClusterIndexWritesBlocked', 'ClusterRed', 'ClusterYellow', 'CpuHigh', 'DeadLettersWritten', 'FreeStorageLow', 'IngestErrors', 'IngestThrottles', 'JvmMemoryPressureHigh', 'OnFailureQueueNotEmpty'].sort(),
    );
    expect(all.IngestErrors).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(all.IngestThrottles).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles', Threshold: 1 });
    expect(all.OnFailureQueueNotEmpty).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(all.ClusterRed).toMatchObject({ Namespace: 'AWS/ES', MetricName: 'ClusterStatus.red', Threshold: 1 });
    expect(all.ClusterYellow).toMatchObject({ Namespace: 'AWS/ES', MetricName: 'ClusterStatus.yellow', Threshold: 1 });
    expect(all.FreeStorageLow).toMatchObject({ Namespace: 'AWS/ES', MetricName: 'FreeStorageSpace', ComparisonOperator: 'LessThanOrEqualToThreshold', Threshold: 19712 }); // a quarter of 77 GiB, in MiB
    // AWS's recommended alarms (cloudwatch-alarms.html): JVM >= 95% 3 x 1 min, CPU >= 80% 3 x 15 min, snapshot failure >= 1.
    expect(all.JvmMemoryPressureHigh).toMatchObject({ Namespace: 'AWS/ES', MetricName: 'JVMMemoryPressure', Threshold: 95, Period: 60, EvaluationPeriods: 3, Statistic: 'Maximum' });
    expect(all.CpuHigh).toMatchObject({ Namespace: 'AWS/ES', MetricName: 'CPUUtilization', Threshold: 80, Period: 900, EvaluationPeriods: 3, Statistic: 'Maximum' });
    expect(all.AutomatedSnapshotFailed).toMatchObject({ Namespace: 'AWS/ES', MetricName: 'AutomatedSnapshotFailure', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('alarms when a record is dead-lettered, on the metric the ingest function emits', () => {
    const { DeadLettersWritten } = alarms(CONFIGS.both);

    expect(DeadLettersWritten).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: 'RecordsDeadLettered',
      Dimensions: [{ Name: 'service', Value: 'ingest' }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('watches the existing domain by the name in its endpoint', () => {
    const { ClusterRed } = alarms(CONFIGS.existingDomain);

    expect(ClusterRed?.Dimensions).toContainEqual({ Name: 'DomainName', Value: 'flowlogs' });
  });

  it('skips the yellow alarm on a one-node domain, where replicas can never be assigned', () => {
    const all = alarms({ ...CONFIGS.both, domainInstanceCount: 1 });

    expect(all.ClusterYellow).toBeUndefined();
    expect(all.ClusterRed).toBeDefined();
  });

  it('sends every alarm to the alarm topic', () => {
    const s = synthesize(CONFIGS.both);

    const topicId = s.stack.getLogicalId(s.stack.operations.topic.node.defaultChild as never);
    const every = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).map((r) => (r.Properties as unknown as AlarmProps).AlarmActions);
    expect(every.length).toBeGreaterThan(8);
    for (const actions of every) expect(actions).toEqual([{ Ref: topicId }]);
  });

  it('subscribes the configured e-mail address, and nothing without one', () => {
    synthesize(CONFIGS.domainInVpc).template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    synthesize(CONFIGS.both).template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('makes the topic refuse plain-HTTP publishing', () => {
    synthesize(CONFIGS.both).template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it.each(Object.entries(CONFIGS))('lets CloudWatch alarms of this account publish to every topic an alarm of the %s stack notifies', (_name, config) => {
    const { template } = synthesize(config);
    // The report topic is no alarm's target: only the report function may publish to it (report-function.test.ts).
    const alarmActions = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).flatMap((r) => ((r.Properties as { AlarmActions?: { Ref?: string }[] }).AlarmActions ?? []));
    const topics = [...new Set(alarmActions.flatMap((a) => (a.Ref ? [a.Ref] : [])))];
    expect(alarmActions.every((a) => a.Ref !== undefined)).toBe(true);
    const policies = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy')).map((r) => r.Properties as { Topics: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } });

    expect(topics.length).toBeGreaterThan(0);
    for (const topic of topics) {
      // A topic policy replaces the default policy, so the Allow must be in the policy that covers the topic.
      const statements = policies.filter((p) => p.Topics.some((t) => t.Ref === topic)).flatMap((p) => p.PolicyDocument.Statement);
      const allow = statements.find((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }));
      expect(allow, topic).toBeDefined();
      expect(actionsOf(allow!)).toEqual(['sns:Publish']);
      expect(allow!.Resource).toEqual({ Ref: topic });
      expect(allow!.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      expect(flattenJoin(allow!.Condition?.ArnLike?.['aws:SourceArn'])).toBe('arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*');
    }
  });

  it('outputs the bucket, log group, domain endpoint, Dashboards URL, queue, ingest role and weekly report under fixed names', () => {
    const outputs = synthesize(CONFIGS.both).template.toJSON().Outputs as Record<string, unknown>;

    expect(Object.keys(outputs).sort()).toEqual(
      [
        'AlarmTopicArn',
        'DashboardsUrl',
        'DeadLetterBucketName',
        'DomainEndpoint',
        'FlowLogBucketName',
        'FlowLogGroupName',
        'IngestFunctionName',
        'IngestRoleArn',
        'OnFailureQueueUrl',
        'ReportBucketName',
        'ReportFunctionName',
        'ReportTopicArn',
      ].sort(),
    );
    expect(JSON.stringify(outputs.DashboardsUrl)).toContain('/_dashboards/');
  });

  it('outputs only what exists: no domain or queue without CloudWatch Logs, the ingest security group inside a VPC', () => {
    const s3Only = Object.keys(synthesize(CONFIGS.s3Only).template.toJSON().Outputs as object);
    const inVpc = Object.keys(synthesize(CONFIGS.domainInVpc).template.toJSON().Outputs as object);

    // The weekly report runs on Athena there.
    expect(s3Only.sort()).toEqual(['AlarmTopicArn', 'FlowLogBucketName', 'ReportBucketName', 'ReportFunctionName', 'ReportTopicArn']);
    expect(inVpc).toContain('IngestSecurityGroupId');
  });
});
