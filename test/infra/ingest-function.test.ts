import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { GEOIP_DIR } from '../../lib/constructs/ingest-function.js';
import { INGEST_HTTP_ACTIONS } from '../../lib/constructs/search-domain.js';
import { formatOf, formatString } from '../../src/format/flow-log-schema.js';
import { DEFAULTS, INGEST_ENV } from '../../src/settings.js';
/**
 * The HTTP paths the ingest function uses (lambdas/shared/opensearch.ts), written out by hand for the default prefix.
 * `vpcflowlogs-*` covers the daily indices and their `/_mapping` (the id scheme lookup, GET).
 */
const INGEST_PATHS = ['_bulk', '_component_template/vpcflowlogs-mappings', '_index_template/vpcflowlogs', '_plugins/_ism/policies/vpcflowlogs-retention', 'vpcflowlogs-*'];
import { CONFIGS, VPC_ID, actionsOf, flattenJoin, resourcesOf, synthesize, type Statement } from '../helpers/flow-logs-stack.js';

function ingestPolicy(s: ReturnType<typeof synthesize>): Statement[] {
  const roleId = s.stack.getLogicalId(s.stack.ingest!.role.node.defaultChild as never);
  const policies = Object.values(resourcesOf(s.template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties?.Roles).includes(roleId));
  expect(policies).toHaveLength(1);
  return (policies[0]?.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
}

function idOf(s: ReturnType<typeof synthesize>, construct: { node: { defaultChild?: unknown } }): string {
  return s.stack.getLogicalId(construct.node.defaultChild as never);
}

describe('IngestFunction', () => {
  it('runs on the current Node.js runtime on arm64, sized as configured', () => {
    const { template } = synthesize({ ...CONFIGS.both, ingestMemoryMiB: 2048, ingestTimeoutSeconds: 90, ingestReservedConcurrency: 6 });

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 2048,
      Timeout: 90,
      ReservedConcurrentExecutions: 6,
    });
  });

  it('defaults to 1024 MB, 60 s and no reserved concurrency (a new account has only 10 and must keep them unreserved)', () => {
    const s = synthesize(CONFIGS.both);

    const fn = s.template.toJSON().Resources[idOf(s, s.stack.ingest!.function)];
    expect(fn.Properties).toMatchObject({ MemorySize: 1024, Timeout: 60 });
    expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('sets exactly the shared environment names, with the flow-log format from the shared field list', () => {
    const fields = ['version', 'vpc-id', 'srcaddr', 'dstaddr', 'bytes', 'action'];
    const s = synthesize({ ...CONFIGS.both, logFormat: fields, indexPrefix: 'flows', indexRetentionDays: 14 });

    const fn = s.template.toJSON().Resources[idOf(s, s.stack.ingest!.function)] as { Properties?: Record<string, unknown> };
    const env = (fn?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env).sort()).toEqual(
      [INGEST_ENV.endpoint, INGEST_ENV.auth, INGEST_ENV.indexPrefix, INGEST_ENV.indexRetentionDays, INGEST_ENV.flowLogFormat, INGEST_ENV.deadLetterBucket, INGEST_ENV.deadLetterPrefix, INGEST_ENV.geoipEnabled, INGEST_ENV.geoipDir, INGEST_ENV.bulkMaxBytes].sort(),
    );
    expect(env).toMatchObject({
      [INGEST_ENV.auth]: 'aws-sigv4',
      [INGEST_ENV.indexPrefix]: 'flows',
      [INGEST_ENV.indexRetentionDays]: '14',
      [INGEST_ENV.flowLogFormat]: formatString(formatOf(fields)),
      [INGEST_ENV.deadLetterBucket]: { Ref: idOf(s, s.stack.ingest!.deadLetterBucket) },
      [INGEST_ENV.deadLetterPrefix]: DEFAULTS.deadLetterPrefix,
      [INGEST_ENV.geoipEnabled]: 'true',
      [INGEST_ENV.geoipDir]: GEOIP_DIR,
      [INGEST_ENV.bulkMaxBytes]: String(DEFAULTS.bulkMaxBytes),
    });
    expect(GEOIP_DIR).toBe('/var/task/geo');
    expect(flattenJoin(env[INGEST_ENV.endpoint])).toMatch(/^https:\/\/<SearchDomain\w+\.DomainEndpoint>$/);
  });

  it('turns GeoIP enrichment off when configured', () => {
    const { template } = synthesize({ ...CONFIGS.both, geoip: false });

    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ [INGEST_ENV.geoipEnabled]: 'false' }) } });
  });

  it('subscribes to every event of the flow-log log group (empty pattern), so a malformed line still reaches the parser and its dead letters', () => {
    const s = synthesize({ ...CONFIGS.both, logFormat: ['version', 'account-id', 'srcaddr', 'dstaddr', 'log-status'] });

    s.template.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    s.template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      FilterPattern: '',
      LogGroupName: { Ref: idOf(s, s.stack.capture.logGroup!) },
      DestinationArn: { 'Fn::GetAtt': [idOf(s, s.stack.ingest!.function), 'Arn'] },
    });
  });

  it('passes only rejected traffic with ingestFilter "reject": a term pattern, so events carry no extractedFields', () => {
    const { template } = synthesize({ ...CONFIGS.both, ingestFilter: 'reject' });

    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { FilterPattern: '"REJECT"' });
  });

  it('refuses ingestFilter "reject" for a format without the action field', () => {
    expect(() => synthesize({ ...CONFIGS.both, ingestFilter: 'reject', logFormat: ['version', 'srcaddr', 'dstaddr'] })).toThrow(/ingestFilter.*action/);
  });

  it('lets only CloudWatch Logs, for the flow-log log group, invoke the function', () => {
    const s = synthesize(CONFIGS.both);

    const fnId = idOf(s, s.stack.ingest!.function);
    const permissions = Object.values(resourcesOf(s.template, 'AWS::Lambda::Permission')).filter((p) => JSON.stringify(p.Properties?.FunctionName).includes(fnId));
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'logs.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [idOf(s, s.stack.capture.logGroup!), 'Arn'] },
    });
  });

  it('retries failed asynchronous invocations and sends what still fails to the on-failure queue', () => {
    const s = synthesize({ ...CONFIGS.both, ingestRetryAttempts: 1, ingestMaxEventAgeSeconds: 3600 });

    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(s, s.stack.ingest!.onFailureQueue), 'Arn'] } } },
    });
  });

  it('encrypts the on-failure queue, keeps messages 14 days and refuses plain HTTP', () => {
    const s = synthesize(CONFIGS.both);

    s.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('keeps dead letters in an encrypted, private, TLS-only bucket that expires them', () => {
    const s = synthesize({ ...CONFIGS.both, deadLetterExpirationDays: 30 });

    const bucket = s.template.toJSON().Resources[idOf(s, s.stack.ingest!.deadLetterBucket)];
    expect(bucket.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: expect.arrayContaining([expect.objectContaining({ Id: 'ExpireDeadLetters', ExpirationInDays: 30 })]) },
    });
  });

  describe('permissions', () => {
    it('are exactly: its own logs, dead letters under the prefix, the ingest HTTP methods on the domain, the on-failure queue', () => {
      const s = synthesize(CONFIGS.both);

      const statements = ingestPolicy(s);
      const byAction = Object.fromEntries(statements.map((st) => [actionsOf(st).join(','), [st.Resource].flat().map(flattenJoin).join(' ')]));
      expect(byAction).toEqual({
        'logs:CreateLogStream,logs:PutLogEvents': `<${idOf(s, s.stack.ingest!.function.logGroup as never)}.Arn>`,
        's3:PutObject': `<${idOf(s, s.stack.ingest!.deadLetterBucket)}.Arn>/dead-letters/*`,
        [INGEST_HTTP_ACTIONS.join(',')]: INGEST_PATHS.map((path) => `arn:<AWS::Partition>:es:<AWS::Region>:<AWS::AccountId>:domain/flowlogs/${path}`).join(' '),
        'sqs:SendMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl': `<${idOf(s, s.stack.ingest!.onFailureQueue)}.Arn>`,
      });
      expect(statements.every((st) => st.Effect === 'Allow')).toBe(true);
    });

    it('let the function GET a daily index\'s mapping (its document id scheme), and no other prefix\'s', () => {
      const statements = ingestPolicy(synthesize(CONFIGS.both));
      // IAM's wildcard: "*" matches any characters, "/" included.
      const allows = (action: string, path: string) =>
        statements.some((st) => actionsOf(st).includes(action) && [st.Resource].flat().map(flattenJoin).some((r) => new RegExp(`^${r.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(path)));
      const arn = (path: string) => `arn:<AWS::Partition>:es:<AWS::Region>:<AWS::AccountId>:domain/flowlogs/${path}`;

      expect(allows('es:ESHttpGet', arn('vpcflowlogs-2026.12.02/_mapping'))).toBe(true);
      expect(allows('es:ESHttpGet', arn('other-2026.12.02/_mapping'))).toBe(false);
      expect(allows('es:ESHttpGet', arn('_mapping'))).toBe(false);
    });

    it('never use a wildcard action or a bare "*" resource, except the network-interface actions in a VPC', () => {
      for (const config of [CONFIGS.both, CONFIGS.existingDomain, CONFIGS.domainInVpc]) {
        for (const st of ingestPolicy(synthesize(config)).filter((s) => s.Sid !== 'VpcNetworkInterfaces')) {
          expect(actionsOf(st).filter((a) => a.includes('*'))).toEqual([]);
          expect([st.Resource].flat()).not.toContain('*');
        }
      }
    });

    it('attach no managed policy outside a VPC', () => {
      const s = synthesize(CONFIGS.both);

      const role = s.template.toJSON().Resources[idOf(s, s.stack.ingest!.role)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    });

    it('add only the network-interface actions inside a VPC (no managed policy, so no logs:* on every log group), and the domain subnets', () => {
      const s = synthesize(CONFIGS.domainInVpc);

      const role = s.template.toJSON().Resources[idOf(s, s.stack.ingest!.role)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const eni = ingestPolicy(s).find((st) => st.Sid === 'VpcNetworkInterfaces');
      // The EC2 actions of AWSLambdaVPCAccessExecutionRole, without its logs actions.
      expect(actionsOf(eni!).sort()).toEqual(
        ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:UnassignPrivateIpAddresses'],
      );
      expect(ingestPolicy(s).flatMap(actionsOf).filter((a) => a.startsWith('logs:'))).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      s.template.hasResourceProperties('AWS::Lambda::Function', {
        VpcConfig: {
          SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
          SecurityGroupIds: [{ 'Fn::GetAtt': [idOf(s, s.stack.ingest!.securityGroup!), 'GroupId'] }],
        },
      });
      s.template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: VPC_ID, GroupDescription: Match.stringLikeRegexp('^Ingest function') });
    });
  });

  it('is not created when CloudWatch Logs is not a destination', () => {
    const { template, stack } = synthesize(CONFIGS.s3Only);

    expect(stack.ingest).toBeUndefined();
    expect(Object.keys(template.toJSON().Resources).filter((id) => /^(IngestFunction|SearchDomain)/.test(id))).toEqual([]);
    template.resourceCountIs('AWS::OpenSearchService::Domain', 0);
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 0);
  });
});
