import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOG_RETENTION_DAYS, FlowLogsFunction, functionLogGroup, functionRole, LOG_RETENTION_DAYS } from '../../lib/constructs/lambda-defaults.js';
import { PARTITION_ENTRY } from '../../lib/constructs/partition-function.js';
import { ConfigError } from '../../src/errors.js';

function build(retentionDays?: number) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Bare', { env: { account: '123456789012', region: 'eu-west-1' } });
  const logGroup = functionLogGroup(stack, 'LogGroup', 'TestFunction', retentionDays);
  const role = functionRole(stack, 'Role', 'Test function', logGroup);
  const fn = new FlowLogsFunction(stack, 'Function', {
    entry: PARTITION_ENTRY,
    service: 'partitions',
    role,
    logGroup,
    memorySize: 256,
    timeout: Duration.seconds(30),
    environment: { OWN_SETTING: 'x' },
  });
  return { fn, template: Template.fromStack(stack) };
}

describe('FlowLogsFunction (the base of every function) in a bare stack', () => {
  it('runs Node.js 24 on arm64 with the handler export, the Powertools service and namespace beside its own environment', () => {
    const { fn, template } = build();

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 30,
      Environment: { Variables: { OWN_SETTING: 'x', POWERTOOLS_SERVICE_NAME: 'partitions', POWERTOOLS_METRICS_NAMESPACE: 'VpcFlowLogs' } },
      LoggingConfig: { LogGroup: { Ref: 'LogGroupF5B46931' } },
    });
    expect(fn.service).toBe('partitions');
  });

  it('gives the function its own log group, kept 30 days by default and deleted with the stack', () => {
    const { template } = build();

    expect(DEFAULT_LOG_RETENTION_DAYS).toBe(30);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  it('gives the role a trust limited to this account and writes to its own log group only, no managed policy', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } }],
      },
      ManagedPolicyArns: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': ['LogGroupF5B46931', 'Arn'] } }] },
    });
  });

  it('takes any retention CloudWatch Logs offers and refuses others with a ConfigError naming the owner', () => {
    // The values PutRetentionPolicy accepts (CloudWatch Logs API reference).
    expect(LOG_RETENTION_DAYS).toEqual([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);
    build(3653).template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 3653 });
    expect(() => build(0)).toThrow(ConfigError);
    expect(() => build(0)).toThrow('TestFunction: logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 0');
  });
});
