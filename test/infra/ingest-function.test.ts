import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { IngestFunction, INGEST_FUNCTION_DEFAULTS, INGEST_FUNCTION_RANGES, type IngestFunctionProps } from '../../lib/constructs/ingest-function.js';
import { SearchDomain } from '../../lib/constructs/search-domain.js';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_FORMAT } from '../../src/format/flow-log-schema.js';
/**
 * The HTTP paths the ingest function uses (lambdas/shared/opensearch.ts), written out by hand for the default prefix.
 * `vpcflowlogs-*` covers the daily indices and their `/_mapping` (the id scheme lookup, GET).
 */
const INGEST_PATHS = ['_bulk', '_component_template/vpcflowlogs-mappings', '_index_template/vpcflowlogs', '_plugins/_ism/policies/vpcflowlogs-retention', 'vpcflowlogs-*'];
import { CONFIGS, VPC_ID, actionsOf, flattenJoin, resourcesOf, synthesize, type Statement } from '../helpers/flow-logs-stack.js';

function ingestPolicy(s: ReturnType<typeof synthesize>): Statement[] {
  const roleId = 'IngestFunctionRoleFCD49BD1';
  const policies = Object.values(resourcesOf(s.template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties?.Roles).includes(roleId));
  expect(policies).toHaveLength(1);
  return (policies[0]?.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
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

    const fn = s.template.toJSON().Resources['IngestFunction83726A21'];
    expect(fn.Properties).toMatchObject({ MemorySize: 1024, Timeout: 60 });
    expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('sets exactly the shared environment names, with the flow-log format from the shared field list', () => {
    const fields = ['version', 'vpc-id', 'srcaddr', 'dstaddr', 'bytes', 'action'];
    const s = synthesize({ ...CONFIGS.both, logFormat: fields, indexPrefix: 'flows', indexRetentionDays: 14 });

    const fn = s.template.toJSON().Resources['IngestFunction83726A21'] as { Properties?: Record<string, unknown> };
    const env = (fn?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    // The names the function reads (lambdas/ingest/config.ts), written out.
    expect(Object.keys(env).sort()).toEqual([
      'BULK_MAX_BYTES',
      'DEAD_LETTER_BUCKET',
      'DEAD_LETTER_PREFIX',
      'FLOW_LOG_FORMAT',
      'GEOIP_DIR',
      'GEOIP_ENABLED',
      'INDEX_PREFIX',
      'INDEX_RETENTION_DAYS',
      'OPENSEARCH_AUTH',
      'OPENSEARCH_ENDPOINT',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
    ]);
    expect(env).toEqual({
      OPENSEARCH_ENDPOINT: expect.anything(),
      OPENSEARCH_AUTH: 'aws-sigv4',
      INDEX_PREFIX: 'flows',
      INDEX_RETENTION_DAYS: '14',
      // The flow log's LogFormat syntax, for the fields in the order given.
      FLOW_LOG_FORMAT: '${version} ${vpc-id} ${srcaddr} ${dstaddr} ${bytes} ${action}',
      DEAD_LETTER_BUCKET: { Ref: 'IngestFunctionDeadLetterBucketFE182DAA' },
      DEAD_LETTER_PREFIX: 'dead-letters/',
      GEOIP_ENABLED: 'true',
      GEOIP_DIR: '/var/task/geo',
      // 5 MiB.
      BULK_MAX_BYTES: '5242880',
      POWERTOOLS_SERVICE_NAME: 'ingest',
      POWERTOOLS_METRICS_NAMESPACE: 'VpcFlowLogs',
    });
    expect(flattenJoin(env.OPENSEARCH_ENDPOINT)).toBe('https://<SearchDomainDEDB155F.DomainEndpoint>');
  });

  it('turns GeoIP enrichment off when configured', () => {
    const { template } = synthesize({ ...CONFIGS.both, geoip: false });

    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ GEOIP_ENABLED: 'false' }) } });
  });

  it('subscribes to every event of the flow-log log group (empty pattern), so a malformed line still reaches the parser and its dead letters', () => {
    const s = synthesize({ ...CONFIGS.both, logFormat: ['version', 'account-id', 'srcaddr', 'dstaddr', 'log-status'] });

    s.template.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    s.template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      FilterPattern: '',
      LogGroupName: { Ref: 'FlowLogCaptureLogGroup4EE917E0' },
      DestinationArn: { 'Fn::GetAtt': ['IngestFunction83726A21', 'Arn'] },
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

    const fnId = 'IngestFunction83726A21';
    const permissions = Object.values(resourcesOf(s.template, 'AWS::Lambda::Permission')).filter((p) => JSON.stringify(p.Properties?.FunctionName).includes(fnId));
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'logs.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': ['FlowLogCaptureLogGroup4EE917E0', 'Arn'] },
    });
  });

  it('retries failed asynchronous invocations and sends what still fails to the on-failure queue', () => {
    const s = synthesize({ ...CONFIGS.both, ingestRetryAttempts: 1, ingestMaxEventAgeSeconds: 3600 });

    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['IngestFunctionOnFailureQueue823B6A97', 'Arn'] } } },
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

    const bucket = s.template.toJSON().Resources['IngestFunctionDeadLetterBucketFE182DAA'];
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
        'logs:CreateLogStream,logs:PutLogEvents': `<IngestFunctionLogGroup8E264078.Arn>`,
        's3:PutObject': `<IngestFunctionDeadLetterBucketFE182DAA.Arn>/dead-letters/*`,
        'es:ESHttpGet,es:ESHttpHead,es:ESHttpPut,es:ESHttpPost': INGEST_PATHS.map((path) => `arn:<AWS::Partition>:es:<AWS::Region>:<AWS::AccountId>:domain/flowlogs/${path}`).join(' '),
        'sqs:SendMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl': `<IngestFunctionOnFailureQueue823B6A97.Arn>`,
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

      const role = s.template.toJSON().Resources['IngestFunctionRoleFCD49BD1'];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    });

    it('add only the network-interface actions inside a VPC (no managed policy, so no logs:* on every log group), and the domain subnets', () => {
      const s = synthesize(CONFIGS.domainInVpc);

      const role = s.template.toJSON().Resources['IngestFunctionRoleFCD49BD1'];
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
          SecurityGroupIds: [{ 'Fn::GetAtt': ['IngestFunctionSecurityGroupF314EC07', 'GroupId'] }],
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

describe('IngestFunction in a bare stack', () => {
  function build(extra: Partial<Omit<IngestFunctionProps, 'logGroup' | 'format' | 'searchDomain' | 'accessLogsBucket'>> = {}) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Bare', { env: { account: '123456789012', region: 'eu-west-1' } });
    const searchDomain = new SearchDomain(stack, 'Domain', { domain: { kind: 'existing', endpoint: 'search-flows-abc123.eu-west-1.es.amazonaws.com', domainArn: undefined } });
    const ingest = new IngestFunction(stack, 'Ingest', {
      logGroup: new LogGroup(stack, 'FlowLogs'),
      format: DEFAULT_FORMAT,
      searchDomain,
      accessLogsBucket: new Bucket(stack, 'AccessLogs'),
      ...extra,
    });
    return { ingest, template: Template.fromStack(stack) };
  }

  it('exports its defaults and ranges', () => {
    expect(INGEST_FUNCTION_DEFAULTS).toEqual({
      indexPrefix: 'vpcflowlogs',
      indexRetentionDays: 30,
      memoryMiB: 1024,
      timeoutSeconds: 60,
      filter: 'all',
      retryAttempts: 2,
      maxEventAgeSeconds: 21600,
      geoip: true,
      deadLetterExpirationDays: 90,
      logRetentionDays: 30,
    });
    // Lambda's limits and its asynchronous invocation limits.
    expect(INGEST_FUNCTION_RANGES).toEqual({
      indexRetentionDays: { min: 1, max: 3650 },
      memoryMiB: { min: 128, max: 10240 },
      timeoutSeconds: { min: 3, max: 900 },
      reservedConcurrency: { min: 1, max: 1000 },
      retryAttempts: { min: 0, max: 2 },
      maxEventAgeSeconds: { min: 60, max: 21600 },
      deadLetterExpirationDays: { min: 1, max: 36500 },
    });
  });

  it('applies every default to a function given only what it needs', () => {
    const { ingest, template } = build();

    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 60,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: { Variables: Match.objectLike({ INDEX_PREFIX: 'vpcflowlogs', INDEX_RETENTION_DAYS: '30', GEOIP_ENABLED: 'true', OPENSEARCH_ENDPOINT: 'https://search-flows-abc123.eu-west-1.es.amazonaws.com' }) },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 });
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { FilterPattern: '' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireDeadLetters', ExpirationInDays: 90 })]) } });
    expect(ingest.resolved).toEqual({
      indexPrefix: 'vpcflowlogs',
      indexRetentionDays: 30,
      memoryMiB: 1024,
      timeoutSeconds: 60,
      reservedConcurrency: undefined,
      filter: 'all',
      retryAttempts: 2,
      maxEventAgeSeconds: 21600,
      geoip: true,
      deadLetterExpirationDays: 90,
      logRetentionDays: 30,
    });
  });

  it('accepts both ends of every range', () => {
    expect(() => build({ memoryMiB: 128, timeoutSeconds: 3, retryAttempts: 0, maxEventAgeSeconds: 60, deadLetterExpirationDays: 1, indexRetentionDays: 1, reservedConcurrency: 1 })).not.toThrow();
    expect(() => build({ memoryMiB: 10240, timeoutSeconds: 900, retryAttempts: 2, maxEventAgeSeconds: 21600, deadLetterExpirationDays: 36500, indexRetentionDays: 3650, reservedConcurrency: 1000 })).not.toThrow();
  });

  it.each([
    [{ memoryMiB: 127 }, 'IngestFunction: memoryMiB must be a whole number from 128 to 10240, got 127'],
    [{ memoryMiB: 10241 }, 'IngestFunction: memoryMiB must be a whole number from 128 to 10240, got 10241'],
    [{ timeoutSeconds: 901 }, 'IngestFunction: timeoutSeconds must be a whole number from 3 to 900, got 901'],
    [{ reservedConcurrency: 0 }, 'IngestFunction: reservedConcurrency must be a whole number from 1 to 1000, got 0'],
    [{ retryAttempts: 3 }, 'IngestFunction: retryAttempts must be a whole number from 0 to 2, got 3'],
    [{ maxEventAgeSeconds: 59 }, 'IngestFunction: maxEventAgeSeconds must be a whole number from 60 to 21600, got 59'],
    [{ deadLetterExpirationDays: 0 }, 'IngestFunction: deadLetterExpirationDays must be a whole number from 1 to 36500, got 0'],
    [{ indexRetentionDays: 3651 }, 'IngestFunction: indexRetentionDays must be a whole number from 1 to 3650, got 3651'],
    [{ memoryMiB: 1024.5 }, 'IngestFunction: memoryMiB must be a whole number from 128 to 10240, got 1024.5'],
  ])('refuses %j at synth with a ConfigError naming the prop and the range', (extra, message) => {
    expect(() => build(extra)).toThrow(ConfigError);
    expect(() => build(extra)).toThrow(message);
  });

  it('refuses a log retention CloudWatch Logs does not offer', () => {
    expect(() => build({ logRetentionDays: 10 })).toThrow(/^IngestFunction: logRetentionDays must be one of 1, 3, 5, 7, 14, 30, .*, got 10$/);
  });
});
