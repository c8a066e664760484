import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { FLOW_LOG_CAPTURE_DEFAULTS, FLOW_LOG_CAPTURE_RANGES, FLOW_LOG_PREFIX, FlowLogCapture, type BucketDestinationProps, type FlowLogCaptureProps } from '../../lib/constructs/flow-log-capture.js';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_FORMAT } from '../../src/format/flow-log-schema.js';
import { CONFIGS, OTHER_VPC_ID, VPC_ID, flattenJoin, resourcesOf, synthesize, type Statement } from '../helpers/flow-logs-stack.js';

const SOURCE_ACCOUNT = { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } };

function bucketPolicyStatements(template: ReturnType<typeof synthesize>['template'], bucketIdPrefix: string): Statement[] {
  const policies = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).filter((p) => JSON.stringify(p.Properties?.Bucket).includes(bucketIdPrefix));
  return policies.flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe('FlowLogCapture', () => {
  describe('flow logs', () => {
    it('creates one flow log per VPC and destination', () => {
      const { template } = synthesize({ vpcIds: [VPC_ID, OTHER_VPC_ID] });

      template.resourceCountIs('AWS::EC2::FlowLog', 4);
      for (const vpcId of [VPC_ID, OTHER_VPC_ID]) {
        template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceId: vpcId, ResourceType: 'VPC', LogDestinationType: 'cloud-watch-logs' });
        template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceId: vpcId, ResourceType: 'VPC', LogDestinationType: 's3' });
      }
    });

    it('gives every flow log the LogFormat of the configured field list', () => {
      const fields = ['version', 'vpc-id', 'subnet-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'bytes', 'start', 'end', 'action', 'flow-direction'];
      const { template } = synthesize({ vpcIds: [VPC_ID], logFormat: fields });

      const formats = Object.values(resourcesOf(template, 'AWS::EC2::FlowLog')).map((r) => r.Properties?.LogFormat);
      const written = '${version} ${vpc-id} ${subnet-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${bytes} ${start} ${end} ${action} ${flow-direction}';
      expect(formats).toEqual([written, written]);
    });

    it('writes the default format out field by field', () => {
      const { template } = synthesize(CONFIGS.both);

      // The version 2 default format, as the VPC user guide lists it.
      template.allResourcesProperties('AWS::EC2::FlowLog', {
        LogFormat: '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}',
      });
    });

    it('uses the configured traffic type and aggregation interval', () => {
      const { template } = synthesize({ vpcIds: [VPC_ID], trafficType: 'REJECT', aggregationInterval: 60 });

      template.allResourcesProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT', MaxAggregationInterval: 60 });
    });

    it('creates only the CloudWatch Logs flow log, log group and role when S3 is not a destination', () => {
      const { template } = synthesize(CONFIGS.cloudWatchLogsOnly);

      template.resourceCountIs('AWS::EC2::FlowLog', 1);
      template.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 'cloud-watch-logs' });
      expect(Object.keys(resourcesOf(template, 'AWS::S3::Bucket')).some((id) => id.startsWith('FlowLogCaptureBucket'))).toBe(false);
    });

    it('creates only the S3 flow log and bucket when CloudWatch Logs is not a destination', () => {
      const { template } = synthesize(CONFIGS.s3Only);

      template.resourceCountIs('AWS::EC2::FlowLog', 1);
      template.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 's3' });
      expect(Object.keys(template.toJSON().Resources).filter((id) => /^FlowLogCapture(LogGroup|DeliveryRole)/.test(id))).toEqual([]);
      expect(JSON.stringify(template.toJSON())).not.toContain('vpc-flow-logs.amazonaws.com');
    });
  });

  describe('CloudWatch Logs destination', () => {
    it('keeps records for the configured retention and the log group when the stack is deleted', () => {
      const { template } = synthesize({ vpcIds: [VPC_ID], logRetentionDays: 30, logGroupName: '/flows/prod' });

      // RetainExceptOnCreate: a failed first deploy deletes the named group, so the retry does not collide with it.
      template.hasResource('AWS::Logs::LogGroup', { Properties: { LogGroupName: '/flows/prod', RetentionInDays: 30 }, DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    });

    it('lets only vpc-flow-logs.amazonaws.com of this account assume the delivery role, for flow logs of this region', () => {
      const { template } = synthesize(CONFIGS.cloudWatchLogsOnly);

      const roles = Object.values(resourcesOf(template, 'AWS::IAM::Role')).filter((r) => JSON.stringify(r).includes('vpc-flow-logs.amazonaws.com'));
      expect(roles).toHaveLength(1);
      const [trust] = (roles[0]?.Properties?.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
      expect(trust).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'vpc-flow-logs.amazonaws.com' } });
      expect(trust?.Condition?.StringEquals).toEqual(SOURCE_ACCOUNT);
      expect(flattenJoin(trust?.Condition?.ArnLike?.['aws:SourceArn'])).toBe('arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:vpc-flow-log/*');
    });

    it('lets the delivery role write to the flow-log log group only', () => {
      const { template, stack } = synthesize(CONFIGS.cloudWatchLogsOnly);

      const logGroupId = stack.getLogicalId(stack.capture.logGroup!.node.defaultChild as never);
      const roleId = stack.getLogicalId(stack.capture.deliveryRole!.node.defaultChild as never);
      const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties?.Roles).includes(roleId));
      expect(policies).toHaveLength(1);
      const statements = (policies[0]?.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
      const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
      expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents']);
      for (const s of statements) {
        for (const resource of [s.Resource].flat()) expect(flattenJoin(resource)).toContain(logGroupId);
      }
    });

    it('delivers through that role to that log group', () => {
      const { template, stack } = synthesize(CONFIGS.cloudWatchLogsOnly);

      template.hasResourceProperties('AWS::EC2::FlowLog', {
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: { Ref: stack.getLogicalId(stack.capture.logGroup!.node.defaultChild as never) },
        DeliverLogsPermissionArn: { 'Fn::GetAtt': [stack.getLogicalId(stack.capture.deliveryRole!.node.defaultChild as never), 'Arn'] },
      });
    });

    it('encrypts the log group with a rotating key that CloudWatch Logs may use for that log group only', () => {
      const { template } = synthesize({ vpcIds: [VPC_ID], logGroupKms: true, logGroupName: '/flows/prod' });

      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/flows/prod', KmsKeyId: Match.anyValue() });
      const key = Object.values(resourcesOf(template, 'AWS::KMS::Key'))[0];
      const logsStatement = (key?.Properties?.KeyPolicy as { Statement: Statement[] }).Statement.find((s) => JSON.stringify(s.Principal).includes('logs.'));
      expect(flattenJoin(logsStatement?.Condition?.ArnEquals?.['kms:EncryptionContext:aws:logs:arn'])).toBe('arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/flows/prod');
    });
  });

  describe('S3 destination', () => {
    it('writes plain text in the default layout, daily, under the documented prefix', () => {
      const { template, stack } = synthesize(CONFIGS.s3Only);

      expect(FLOW_LOG_PREFIX).toBe('vpc-flow-logs/');
      const flowLog = Object.values(resourcesOf(template, 'AWS::EC2::FlowLog'))[0];
      expect(flowLog?.Properties?.DestinationOptions).toEqual({ FileFormat: 'plain-text', HiveCompatiblePartitions: false, PerHourPartition: false });
      expect(flattenJoin(flowLog?.Properties?.LogDestination)).toBe(`<${stack.getLogicalId(stack.capture.bucket!.node.defaultChild as never)}.Arn>/vpc-flow-logs/`);
    });

    it('encrypts the bucket, blocks public access, disables ACLs and keeps it when the stack is deleted', () => {
      const { template, stack } = synthesize(CONFIGS.s3Only);

      const bucketId = stack.getLogicalId(stack.capture.bucket!.node.defaultChild as never);
      const bucket = template.toJSON().Resources[bucketId];
      expect(bucket.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { LogFilePrefix: 'flow-log-bucket/' },
      });
    });

    it('transitions and expires flow-log objects as configured', () => {
      const { template } = synthesize({ vpcIds: [VPC_ID], destinations: ['s3'], s3TransitionDays: 60, s3TransitionStorageClass: 'GLACIER_IR', s3ExpirationDays: 400 });

      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Id: 'FlowLogLifecycle', Prefix: 'vpc-flow-logs/', Status: 'Enabled', ExpirationInDays: 400, Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 60 }] }),
          ]),
        },
      });
    });

    it('expires only after the configured days, without a transition, when the transition is 0', () => {
      const { template } = synthesize({ vpcIds: [VPC_ID], destinations: ['s3'], s3TransitionDays: 0, s3ExpirationDays: 90 });

      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectEquals({ Id: 'FlowLogLifecycle', Prefix: 'vpc-flow-logs/', Status: 'Enabled', ExpirationInDays: 90 })]) },
      });
    });

    it('keeps flow-log objects forever when the transition and the expiry are 0', () => {
      const { template } = synthesize({ vpcIds: [VPC_ID], destinations: ['s3'], s3TransitionDays: 0, s3ExpirationDays: 0 });

      expect(JSON.stringify(template.toJSON())).not.toContain('FlowLogLifecycle');
    });

    it('denies requests without TLS 1.2', () => {
      const { template } = synthesize(CONFIGS.s3Only);

      const statements = bucketPolicyStatements(template, 'FlowLogCaptureBucket');
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }));
    });

    it('lets delivery.logs.amazonaws.com write under the prefix only for log deliveries of this account', () => {
      const { template } = synthesize(CONFIGS.s3Only);

      const statements = bucketPolicyStatements(template, 'FlowLogCaptureBucket').filter((s) => s.Effect === 'Allow');
      expect(statements.map((s) => s.Sid).sort()).toEqual(['AWSLogDeliveryAclCheck', 'AWSLogDeliveryWrite']);
      for (const s of statements) {
        expect(s.Principal).toEqual({ Service: 'delivery.logs.amazonaws.com' });
        expect(s.Condition?.StringEquals).toMatchObject(SOURCE_ACCOUNT);
        expect(flattenJoin(s.Condition?.ArnLike?.['aws:SourceArn'])).toBe('arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:*');
      }
      const write = statements.find((s) => s.Sid === 'AWSLogDeliveryWrite');
      expect(write?.Action).toBe('s3:PutObject');
      expect(write?.Condition?.StringEquals?.['s3:x-amz-acl']).toBe('bucket-owner-full-control');
      expect(flattenJoin(write?.Resource)).toMatch(/^<FlowLogCaptureBucket\w+\.Arn>\/vpc-flow-logs\/AWSLogs\/<AWS::AccountId>\/\*$/);
      // As the VPC user guide's bucket policy for flow logs lists them.
      expect(statements.find((s) => s.Sid === 'AWSLogDeliveryAclCheck')?.Action).toEqual(['s3:GetBucketAcl', 's3:ListBucket']);
    });

    it('creates the flow log after the bucket policy', () => {
      const { template, stack } = synthesize(CONFIGS.s3Only);

      const policyId = stack.getLogicalId(stack.capture.bucket!.policy!.node.defaultChild as never);
      template.hasResource('AWS::EC2::FlowLog', { DependsOn: Match.arrayWith([policyId]) });
    });
  });
});

describe('FlowLogCapture in a bare stack', () => {
  function build(extra: Partial<Omit<FlowLogCaptureProps, 'bucket'>> & { bucket?: Partial<BucketDestinationProps> } = {}) {
    const app = new App();
    const stack = new Stack(app, 'Bare', { env: { account: '123456789012', region: 'eu-west-1' } });
    const { bucket, ...rest } = extra;
    new FlowLogCapture(stack, 'Capture', {
      vpcIds: [VPC_ID],
      format: DEFAULT_FORMAT,
      logGroup: {},
      bucket: { accessLogsBucket: new Bucket(stack, 'AccessLogs'), ...bucket },
      ...rest,
    });
    return Template.fromStack(stack);
  }

  it('exports its defaults and ranges', () => {
    expect(FLOW_LOG_CAPTURE_DEFAULTS).toEqual({ trafficType: 'ALL', aggregationInterval: 600, logRetentionDays: 14, kms: false, transitionDays: 30, transitionStorageClass: 'STANDARD_IA', expirationDays: 365 });
    expect(FLOW_LOG_CAPTURE_RANGES).toEqual({ transitionDays: { min: 0, max: 36500 }, expirationDays: { min: 0, max: 36500 } });
  });

  it('applies the defaults: all traffic every 600 s, the log group kept 14 days without a key, objects to STANDARD_IA at 30 days and gone at 365', () => {
    const template = build();

    template.allResourcesProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', MaxAggregationInterval: 600 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/vpc-flow-logs/Bare', RetentionInDays: 14, KmsKeyId: Match.absent() });
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'FlowLogLifecycle', Prefix: 'vpc-flow-logs/', ExpirationInDays: 365, Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] }),
        ]),
      },
    });
  });

  it.each([
    [{ trafficType: 'SOME' as never }, 'FlowLogCapture: trafficType must be one of "ALL", "ACCEPT", "REJECT", got "SOME"'],
    [{ aggregationInterval: 120 }, 'FlowLogCapture: aggregationInterval must be one of 60, 600, got 120'],
    [{ logGroup: { retentionDays: 15 } }, 'FlowLogCapture: logGroup.retentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 15'],
    [{ bucket: { transitionDays: -1 } }, 'FlowLogCapture: bucket.transitionDays must be a whole number from 0 to 36500, got -1'],
    [{ bucket: { expirationDays: 36501 } }, 'FlowLogCapture: bucket.expirationDays must be a whole number from 0 to 36500, got 36501'],
    [{ bucket: { transitionDays: 29 } }, 'FlowLogCapture: bucket.transitionDays must be 0 (no transition) or at least 30 for STANDARD_IA, got 29'],
    [{ bucket: { transitionDays: 60, expirationDays: 60 } }, 'FlowLogCapture: bucket.expirationDays must be 0 (keep forever) or more than bucket.transitionDays (60), got 60'],
  ])('refuses %j at synth with a ConfigError', (extra, message) => {
    expect(() => build(extra)).toThrow(ConfigError);
    expect(() => build(extra)).toThrow(message);
  });

  it('allows a transition from day 1 to a class that is not infrequent access', () => {
    build({ bucket: { transitionDays: 1, transitionStorageClass: 'GLACIER_IR' } }).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 1 }] })]) },
    });
  });
});
