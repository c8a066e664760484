/**
 * ReportFunction in a bare Stack (schedule, bucket, topic, IAM, alarm), and
 * wired into the FlowLogsStack (OpenSearch or Athena source, context keys),
 * with cdk-nag AwsSolutions at zero findings.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { propsFromContext, resolveConfig } from '../../lib/config.js';
import { REPORT_FUNCTION_DEFAULTS, REPORT_FUNCTION_RANGES, ReportFunction, type ReportFunctionProps } from '../../lib/constructs/report-function.js';
import { ConfigError } from '../../src/errors.js';
import { secureBucket } from '../../lib/constructs/secure-bucket.js';
import { SearchDomain } from '../../lib/constructs/search-domain.js';
import { DEFAULT_FORMAT } from '../../src/format/flow-log-schema.js';
import { REPORT_ENV } from '../../src/settings.js';
import { CONFIGS, actionsOf, allStatements, flattenJoin, nagFindings, resourcesOf, synthesize, type Statement } from '../helpers/flow-logs-stack.js';

const ENV = { account: '123456789012', region: 'eu-west-1' };

interface Bare {
  readonly stack: Stack;
  readonly report: ReportFunction;
  readonly template: Template;
  readonly violations: string[];
}

function bare(kind: 'opensearch' | 'athena', extra: Partial<ReportFunctionProps> = {}): Bare {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Bare', { env: ENV });
  const alarmTopic = new Topic(stack, 'Alarms', { enforceSSL: true });
  const accessLogsBucket = secureBucket(stack, 'AccessLogs');
  const source: Partial<ReportFunctionProps> =
    kind === 'opensearch'
      ? { searchDomain: new SearchDomain(stack, 'Search', { domain: { kind: 'existing', endpoint: 'search-flowlogs-abcdefghijklmnop.eu-west-1.es.amazonaws.com', domainArn: undefined } }) }
      : {
          athena: {
            databaseName: 'flowlogs',
            tableName: 'vpc_flow_logs',
            workgroupName: 'flowlogs-wg',
            resultsBucket: secureBucket(stack, 'Results', { accessLogs: { bucket: accessLogsBucket, prefix: 'results/' } }),
            resultsPrefix: 'query-results/',
            flowLogBucket: secureBucket(stack, 'FlowLogs', { accessLogs: { bucket: accessLogsBucket, prefix: 'flow-logs/' } }),
            flowLogPrefix: 'vpc-flow-logs/',
            format: DEFAULT_FORMAT,
          },
        };
  const report = new ReportFunction(stack, 'Report', { alarmTopic, accessLogsBucket, indexPrefix: 'flows', ...source, ...extra });
  const template = Template.fromStack(stack);
  const pack = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(pack);
  const violations = pack
    .validateScope(app)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`))
    // Only the construct's own resources: the scaffolding around it is not under test.
    .filter((f) => f.includes('/Report/'));
  return { stack, report, template, violations };
}

function functionPolicy(b: Bare): Statement[] {
  const roleId = b.stack.getLogicalId(b.report.role.node.defaultChild as never);
  const policies = Object.values(resourcesOf(b.template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties?.Roles).includes(roleId));
  return policies.flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}

const resourcesText = (s: Statement): string[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => flattenJoin(r));

// The first synth of a file pays for loading aws-cdk-lib: minutes on a busy two-core machine.
describe('ReportFunction', { timeout: 240_000 }, () => {
  it('runs weekly on Monday 00:30 UTC by default', () => {
    const { template } = bare('opensearch');

    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(30 0 ? * MON *)', State: 'ENABLED' });
  });

  it('exports its defaults and ranges, and applies them: pages kept 365 days, its log group 30, the Powertools service "reports"', () => {
    expect(REPORT_FUNCTION_DEFAULTS).toEqual({ indexPrefix: 'vpcflowlogs', schedule: 'cron(30 0 ? * MON *)', expirationDays: 365, logRetentionDays: 30 });
    expect(REPORT_FUNCTION_RANGES).toEqual({ expirationDays: { min: 1, max: 36500 } });
    const { template } = bare('opensearch');

    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireReports', ExpirationInDays: 365 })]) } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024, Timeout: 600, Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'reports', POWERTOOLS_METRICS_NAMESPACE: 'VpcFlowLogs' }) } });
  });

  it('refuses pages kept out of range and a log retention CloudWatch Logs does not offer', () => {
    expect(() => bare('opensearch', { expirationDays: 0 })).toThrow(ConfigError);
    expect(() => bare('opensearch', { expirationDays: 0 })).toThrow('ReportFunction: expirationDays must be a whole number from 1 to 36500, got 0');
    expect(() => bare('opensearch', { logRetentionDays: 2 })).toThrow(/^ReportFunction: logRetentionDays must be one of 1, 3, 5, .*, got 2$/);
  });

  it('takes another schedule, or none', () => {
    expect(() => bare('opensearch', { schedule: 'every monday' })).toThrow(/schedule must be/);
    bare('opensearch', { schedule: 'rate(7 days)' }).template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(7 days)' });
    bare('opensearch', { schedule: 'off' }).template.resourceCountIs('AWS::Events::Rule', 0);
  });

  it('stores pages in an SSE-S3, TLS-only, private bucket whose pages expire', () => {
    const b = bare('opensearch', { expirationDays: 90 });
    const id = b.stack.getLogicalId(b.report.bucket.node.defaultChild as never);
    const bucket = b.template.toJSON().Resources[id] as { Properties: Record<string, unknown> };

    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: expect.arrayContaining([{ Id: 'ExpireReports', ExpirationInDays: 90, Status: 'Enabled' }]) },
    });
    const tlsDeny = allStatements(b.template).find((s) => s.Effect === 'Deny' && JSON.stringify(s.Resource).includes(id) && JSON.stringify(s.Condition).includes('aws:SecureTransport'));
    expect(tlsDeny?.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  it('announces on an encrypted topic that only the function may publish to, TLS only, with the configured address subscribed', () => {
    const b = bare('opensearch', { email: 'team@example.com' });
    const topicId = b.stack.getLogicalId(b.report.topic.node.defaultChild as never);
    const roleId = b.stack.getLogicalId(b.report.role.node.defaultChild as never);

    const topic = resourcesOf(b.template, 'AWS::SNS::Topic')[topicId];
    expect(flattenJoin(topic?.Properties?.KmsMasterKeyId)).toMatch(/:alias\/aws\/sns$/);
    b.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'team@example.com', TopicArn: { Ref: topicId } });
    const policy = Object.values(resourcesOf(b.template, 'AWS::SNS::TopicPolicy')).find((p) => JSON.stringify(p.Properties?.Topics).includes(topicId));
    const statements = (policy?.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(statements.find((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBeDefined();
    expect(statements.find((s) => s.Sid === 'OnlyTheReportFunctionPublishes')).toMatchObject({
      Effect: 'Deny',
      Action: 'sns:Publish',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [roleId, 'Arn'] } } },
    });
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 'sns:Publish', Principal: { AWS: { 'Fn::GetAtt': [roleId, 'Arn'] } } });
  });

  it('gives the function search on <prefix>-* of the domain only, page writes under its prefix, publish on its topic, and nothing else', () => {
    const b = bare('opensearch');
    const statements = functionPolicy(b);

    const search = statements.find((s) => actionsOf(s).includes('es:ESHttpPost'));
    expect(actionsOf(search!).sort()).toEqual(['es:ESHttpGet', 'es:ESHttpPost']);
    expect(resourcesText(search!)).toEqual([
      'arn:<AWS::Partition>:es:eu-west-1:123456789012:domain/flowlogs/flows-*',
      'arn:<AWS::Partition>:es:eu-west-1:123456789012:domain/flowlogs/flows-*/*',
    ]);
    const pages = statements.find((s) => s.Sid === 'StoreReports');
    expect(actionsOf(pages!).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(resourcesText(pages!)).toEqual([`<${b.stack.getLogicalId(b.report.bucket.node.defaultChild as never)}.Arn>/weekly/*`]);
    expect(statements.find((s) => s.Sid === 'AnnounceReports')).toMatchObject({ Action: 'sns:Publish', Resource: { Ref: b.stack.getLogicalId(b.report.topic.node.defaultChild as never) } });
    const all = statements.flatMap(actionsOf);
    expect(all.filter((a) => a.endsWith('*'))).toEqual([]);
    expect(all.some((a) => a.startsWith('athena:') || a.startsWith('glue:') || a.startsWith('ses:'))).toBe(false);
  });

  it('sends SES e-mail only from the configured identity, and needs a recipient for it', () => {
    const statements = functionPolicy(bare('opensearch', { email: 'team@example.com', sesIdentity: 'example.com' }));

    expect(statements.find((s) => s.Sid === 'MailReports')).toMatchObject({ Action: 'ses:SendEmail' });
    expect(resourcesText(statements.find((s) => s.Sid === 'MailReports')!)).toEqual(['arn:<AWS::Partition>:ses:eu-west-1:123456789012:identity/example.com']);
    expect(() => bare('opensearch', { sesIdentity: 'example.com' })).toThrow(/needs email/);
  });

  it('reads Athena with the workgroup, the table and the flow-log prefix only when there is no OpenSearch', () => {
    const b = bare('athena');
    const statements = functionPolicy(b);

    expect(resourcesText(statements.find((s) => s.Sid === 'RunReportQueries')!)).toEqual(['arn:<AWS::Partition>:athena:eu-west-1:123456789012:workgroup/flowlogs-wg']);
    expect(resourcesText(statements.find((s) => s.Sid === 'ReadTable')!)).toEqual([
      'arn:<AWS::Partition>:glue:eu-west-1:123456789012:catalog',
      'arn:<AWS::Partition>:glue:eu-west-1:123456789012:database/flowlogs',
      'arn:<AWS::Partition>:glue:eu-west-1:123456789012:table/flowlogs/vpc_flow_logs',
    ]);
    expect(resourcesText(statements.find((s) => s.Sid === 'ReadFlowLogs')!)[0]).toMatch(/^<FlowLogs\w+\.Arn>\/vpc-flow-logs\/AWSLogs\/\*$/);
    expect(statements.flatMap(actionsOf).some((a) => a.startsWith('es:'))).toBe(false);
    b.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ [REPORT_ENV.source]: 'athena', GLUE_DATABASE: 'flowlogs', ATHENA_WORKGROUP: 'flowlogs-wg' }) } });
  });

  it('alarms on the function\'s errors to the alarm topic', () => {
    const b = bare('opensearch');

    b.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: b.stack.getLogicalId(b.report.function.node.defaultChild as never) } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
    });
  });

  it.each(['opensearch', 'athena'] as const)('has no unacknowledged cdk-nag AwsSolutions finding (%s source)', (kind) => {
    expect(bare(kind, { email: 'team@example.com', sesIdentity: 'reports@example.com' }).violations).toEqual([]);
  });
});

describe('ReportFunction in the FlowLogsStack', { timeout: 240_000 }, () => {
  it('reads OpenSearch when the stack has it, Athena when it has only S3', () => {
    const withSearch = synthesize(CONFIGS.both);
    const s3Only = synthesize(CONFIGS.s3Only);

    withSearch.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ [REPORT_ENV.source]: 'opensearch', INDEX_PREFIX: 'vpcflowlogs' }) } });
    s3Only.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ [REPORT_ENV.source]: 'athena' }) } });
    expect(withSearch.stack.report).toBeDefined();
  });

  it('reads flowlogs:reportSchedule, flowlogs:reportEmail and flowlogs:reportSesIdentity from context', () => {
    const props = propsFromContext({ 'flowlogs:vpcIds': ['vpc-0123456789abcdef0'], 'flowlogs:reportSchedule': 'off', 'flowlogs:reportEmail': 'a@example.com', 'flowlogs:reportSesIdentity': 'example.com' });

    expect(resolveConfig(props).report).toEqual({ schedule: 'off', email: 'a@example.com', sesIdentity: 'example.com' });
    expect(resolveConfig({ vpcIds: ['vpc-0123456789abcdef0'] }).report).toEqual({ schedule: 'cron(30 0 ? * MON *)', email: undefined, sesIdentity: undefined });
    expect(() => resolveConfig({ vpcIds: ['vpc-0123456789abcdef0'], reportSchedule: 'weekly' })).toThrow(/reportSchedule/);
    expect(() => resolveConfig({ vpcIds: ['vpc-0123456789abcdef0'], reportSesIdentity: 'example.com' })).toThrow(/reportEmail/);
  });

  it('keeps every configuration at zero cdk-nag findings with a report e-mail and SES', () => {
    expect(nagFindings({ ...CONFIGS.domainInVpc, reportEmail: 'team@example.com', reportSesIdentity: 'example.com' })).toEqual([]);
    expect(nagFindings({ ...CONFIGS.s3Only, reportEmail: 'team@example.com' })).toEqual([]);
  });
});
