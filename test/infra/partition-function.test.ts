import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { AthenaCatalog } from '../../lib/constructs/athena-catalog.js';
import { AthenaWorkgroup } from '../../lib/constructs/athena-workgroup.js';
import { PARTITION_FUNCTION_DEFAULTS, PARTITION_FUNCTION_RANGES, PartitionFunction, type PartitionFunctionProps } from '../../lib/constructs/partition-function.js';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_FORMAT } from '../../src/format/flow-log-schema.js';

type Extra = Partial<Pick<PartitionFunctionProps, 'lookbackDays' | 'logRetentionDays'>> & { alarmTopic?: boolean };

function build(extra: Extra = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'FlowLogs', { env: { account: '123456789012', region: 'eu-west-1' } });
  const bucket = Bucket.fromBucketName(stack, 'Logs', 'flow-log-bucket');
  const catalog = new AthenaCatalog(stack, 'Catalog', { bucket, prefix: 'vpc-flow-logs/', format: DEFAULT_FORMAT });
  const workgroup = new AthenaWorkgroup(stack, 'Workgroup', { catalog, format: DEFAULT_FORMAT });
  const { alarmTopic, ...rest } = extra;
  const partitions = new PartitionFunction(stack, 'Partitions', { bucket, prefix: 'vpc-flow-logs/', catalog, workgroup, ...(alarmTopic ? { alarmTopic: new Topic(stack, 'Alarms') } : {}), ...rest });
  return { stack, partitions, template: Template.fromStack(stack) };
}

const fnProps = (template: Template) => (Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }))[0] as { Properties: Record<string, unknown> }).Properties;

describe('PartitionFunction in a bare stack', () => {
  it('exports a 7-day default look-back within 0 to 366 days', () => {
    expect(PARTITION_FUNCTION_DEFAULTS).toEqual({ lookbackDays: 7, logRetentionDays: 30 });
    expect(PARTITION_FUNCTION_RANGES).toEqual({ lookbackDays: { min: 0, max: 366 } });
  });

  it('applies the defaults: 7 days back, 256 MiB, 5 minutes, its log group kept 30 days, no alarm', () => {
    const { partitions, template } = build();

    const fn = fnProps(template);
    expect(fn).toMatchObject({ MemorySize: 256, Timeout: 300, Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      PARTITION_LOOKBACK_DAYS: '7',
      GLUE_DATABASE: 'flowlogs',
      GLUE_TABLE: 'vpc_flow_logs',
      ATHENA_WORKGROUP: 'FlowLogs-flow-logs',
      POWERTOOLS_SERVICE_NAME: 'partitions',
      POWERTOOLS_METRICS_NAMESPACE: 'VpcFlowLogs',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(15 0 * * ? *)' });
    template.resourceCountIs('Custom::Trigger', 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(partitions.lookbackDays).toBe(7);
  });

  it('takes the look-back, the log retention and an alarm topic', () => {
    const { template } = build({ lookbackDays: 0, logRetentionDays: 90, alarmTopic: true });

    expect((fnProps(template).Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({ PARTITION_LOOKBACK_DAYS: '0' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 1 });
  });

  it('accepts the look-back range the configuration and the function accept (0 and 366), and refuses what they refuse', () => {
    expect(() => build({ lookbackDays: 0 })).not.toThrow();
    expect(() => build({ lookbackDays: 366 })).not.toThrow();
    expect(() => build({ lookbackDays: 367 })).toThrow(ConfigError);
    expect(() => build({ lookbackDays: 367 })).toThrow('PartitionFunction: lookbackDays must be a whole number from 0 to 366, got 367');
    expect(() => build({ lookbackDays: -1 })).toThrow('PartitionFunction: lookbackDays must be a whole number from 0 to 366, got -1');
  });

  it('refuses a log retention CloudWatch Logs does not offer', () => {
    expect(() => build({ logRetentionDays: 31 })).toThrow(/^PartitionFunction: logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, .*, 3653, got 31$/);
  });
});
