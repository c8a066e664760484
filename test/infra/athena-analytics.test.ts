import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { AthenaAnalytics, databaseNameFor, REPORT_DAYS, workgroupNameFor } from '../../lib/constructs/athena-analytics.js';
import type { AthenaAnalyticsProps } from '../../lib/constructs/athena-analytics-props.js';
import { projectionProperties } from '../../src/athena/athena-sql.js';
import { DEFAULT_FORMAT, formatOf } from '../../src/format/flow-log-schema.js';
import { athenaReports, insightsReports, STANDARD_REPORTS } from '../../src/reports/catalog.js';
import { PARTITION_ENV } from '../../src/settings.js';
import { CONFIGS, synthesize } from '../helpers/flow-logs-stack.js';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const REPORT_IDS = [...STANDARD_REPORTS.map((r) => r.id), 'top-talkers'];

type Extra = Partial<Omit<AthenaAnalyticsProps, 'bucket' | 'logGroup' | 'alarmTopic'>> & { logGroup?: boolean; alarmTopic?: boolean; accessLogs?: boolean };

function build(extra: Extra = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'FlowLogs', { env: ENV });
  const bucket = Bucket.fromBucketName(stack, 'FlowLogBucket', 'flow-log-bucket');
  const { logGroup, alarmTopic, accessLogs, ...rest } = extra;
  const athena = new AthenaAnalytics(stack, 'AthenaAnalytics', {
    bucket,
    prefix: 'vpc-flow-logs/',
    format: DEFAULT_FORMAT,
    ...(logGroup ? { logGroup: new LogGroup(stack, 'FlowLogGroup') } : {}),
    ...(alarmTopic ? { alarmTopic: new Topic(stack, 'Alarms') } : {}),
    ...(accessLogs ? { accessLogsBucket: new Bucket(stack, 'AccessLogs') } : {}),
    ...rest,
  });
  return { app, stack, athena, template: Template.fromStack(stack) };
}

const props = (template: Template, type: string) => Object.values(template.findResources(type)).map((r) => r.Properties as Record<string, unknown>);

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

function partitionPolicy(template: Template): Statement[] {
  const policies = props(template, 'AWS::IAM::Policy').filter((p) => JSON.stringify(p.Roles).includes('PartitionRole'));
  expect(policies).toHaveLength(1);
  return (policies[0]!.PolicyDocument as { Statement: Statement[] }).Statement;
}

describe('AthenaAnalytics', () => {
  describe('Glue table', () => {
    it('has one column per field of the format, with the shared names and types, partitioned by account, region and day', () => {
      const format = formatOf(['version', 'srcaddr', 'dstaddr', 'bytes', 'start', 'end', 'action', 'tcp-flags', 'reject-reason']);
      const { template } = build({ format });

      template.hasResourceProperties('AWS::Glue::Table', {
        CatalogId: '123456789012',
        DatabaseName: 'flowlogs',
        TableInput: {
          Name: 'vpc_flow_logs',
          TableType: 'EXTERNAL_TABLE',
          Parameters: { EXTERNAL: 'TRUE', 'skip.header.line.count': '1' },
          PartitionKeys: [
            { Name: 'aws_account_id', Type: 'string', Comment: Match.anyValue() },
            { Name: 'aws_region', Type: 'string', Comment: Match.anyValue() },
            { Name: 'day', Type: 'string', Comment: Match.anyValue() },
          ],
          StorageDescriptor: {
            Columns: format.fields.map((f) => ({ Name: f.key, Type: f.glue, Comment: f.description })),
            Location: 's3://flow-log-bucket/vpc-flow-logs/AWSLogs/',
            InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
            OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
            SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', Parameters: { 'field.delim': ' ', 'serialization.format': ' ' } },
          },
        },
      });
      template.hasResourceProperties('AWS::Glue::Database', { CatalogId: '123456789012', DatabaseInput: { Name: 'flowlogs' } });
    });

    it('declares the columns of the CREATE TABLE statement in docs/athena.md, in order, for the default format', () => {
      const docs = readFileSync(fileURLToPath(new URL('../../docs/athena.md', import.meta.url)), 'utf8');
      const ddl = /CREATE EXTERNAL TABLE[\s\S]*?\n```/.exec(docs)?.[0] ?? '';
      const documented = [...ddl.matchAll(/^ {2}`(\w+)` (\w+) COMMENT/gm)].map((m) => `${m[1]} ${m[2]}`);
      const { template } = build();
      const table = props(template, 'AWS::Glue::Table')[0]!.TableInput as { StorageDescriptor: { Columns: { Name: string; Type: string }[] }; PartitionKeys: { Name: string; Type: string }[] };

      expect(documented).toHaveLength(17);
      expect([...table.StorageDescriptor.Columns, ...table.PartitionKeys].map((c) => `${c.Name} ${c.Type}`)).toEqual(documented);
    });

    it('with partition projection, projects the partitions and has no partition function', () => {
      const { template } = build({ partitionProjection: true });

      template.hasResourceProperties('AWS::Glue::Table', {
        TableInput: { Parameters: { ...projectionProperties({ bucket: 'flow-log-bucket', prefix: 'vpc-flow-logs/', ...{ accountId: ENV.account, region: ENV.region } }), 'skip.header.line.count': '1' } },
      });
      template.resourceCountIs('AWS::Lambda::Function', 0);
      template.resourceCountIs('AWS::Events::Rule', 0);
      template.resourceCountIs('AWS::Athena::NamedQuery', REPORT_IDS.length);
    });

    it('names the database after the stack', () => {
      expect(databaseNameFor('VpcFlowLogs')).toBe('vpcflowlogs');
      expect(databaseNameFor('Flow-Logs-Prod')).toBe('flow_logs_prod');
      expect(workgroupNameFor('Flow-Logs-Prod')).toBe('Flow-Logs-Prod-flow-logs');
    });
  });

  describe('workgroup', () => {
    it('enforces its configuration: SSE-S3 results in its own bucket, engine 3, a 10 GiB cutoff per query', () => {
      const { template } = build();

      template.hasResourceProperties('AWS::Athena::WorkGroup', {
        Name: 'FlowLogs-flow-logs',
        State: 'ENABLED',
        RecursiveDeleteOption: true,
        WorkGroupConfiguration: {
          EnforceWorkGroupConfiguration: true,
          PublishCloudWatchMetricsEnabled: true,
          // 10 GiB.
          BytesScannedCutoffPerQuery: 10737418240,
          EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
          ResultConfiguration: {
            OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^AthenaAnalyticsResultsBucket') }, '/query-results/']] },
            EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          },
        },
      });
    });

    it('takes the cutoff and the results expiry from the props', () => {
      const { template } = build({ bytesScannedCutoffPerQuery: 1024 ** 3, resultsExpirationDays: 7 });

      template.hasResourceProperties('AWS::Athena::WorkGroup', { WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 1024 ** 3 } });
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireQueryResults', ExpirationInDays: 7, Status: 'Enabled' })]) },
      });
    });

    it('keeps results in an encrypted, private, TLS-only bucket that expires them after 30 days', () => {
      const { template } = build();

      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireQueryResults', ExpirationInDays: 30 })]) },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    it('refuses a cutoff below Athena\'s 10 MiB minimum', () => {
      expect(() => build({ bytesScannedCutoffPerQuery: 1024 })).toThrow('AthenaWorkgroup: bytesScannedCutoffPerQuery must be a whole number from 10485760 to 9007199254740991 (Athena\'s minimum is 10 MiB), got 1024');
    });
  });

  describe('saved queries', () => {
    it('has a named query per report, by id, in the workgroup, each bounded by the day partition', () => {
      const { template } = build();
      const queries = props(template, 'AWS::Athena::NamedQuery');

      expect(queries.map((q) => q.Name).sort()).toEqual([...REPORT_IDS].sort());
      const expected = new Map<string, string>(athenaReports({ database: 'flowlogs', table: 'vpc_flow_logs' }, DEFAULT_FORMAT, { days: REPORT_DAYS }).reports.map((r) => [r.id, r.sql]));
      for (const q of queries) {
        expect(q.QueryString, String(q.Name)).toBe(expected.get(String(q.Name)));
        expect(q.QueryString, String(q.Name)).toMatch(/\nWHERE day >= date_format\(current_date - INTERVAL '6' DAY, '%Y\/%m\/%d'\)\n/);
        expect(q).toMatchObject({ Database: 'flowlogs', WorkGroup: { Ref: expect.stringMatching(/^AthenaAnalyticsWorkGroup/) } });
      }
    });

    it('leaves out the reports the format cannot serve', () => {
      const { template } = build({ format: formatOf(['srcaddr', 'dstaddr', 'bytes']) });

      expect(props(template, 'AWS::Athena::NamedQuery').map((q) => q.Name)).toEqual(['top-talkers']);
    });

    it('has a Logs Insights query definition per report for the log group, in a folder named after the stack', () => {
      const { template } = build({ logGroup: true });
      const definitions = props(template, 'AWS::Logs::QueryDefinition');
      const expected = new Map<string, string>(insightsReports(DEFAULT_FORMAT).reports.map((r) => [`FlowLogs/${r.id}`, r.query]));

      expect(definitions.map((d) => d.Name).sort()).toEqual(REPORT_IDS.map((id) => `FlowLogs/${id}`).sort());
      for (const d of definitions) {
        expect(d.QueryString).toBe(expected.get(String(d.Name)));
        expect(d.LogGroupNames).toEqual([{ Ref: expect.stringMatching(/^FlowLogGroup/) }]);
      }
    });

    it('has no query definitions without a log group', () => {
      build().template.resourceCountIs('AWS::Logs::QueryDefinition', 0);
    });
  });

  describe('partition function', () => {
    it('runs on the current Node.js runtime on arm64, configured with the shared environment names', () => {
      const { template } = build({ lookbackDays: 14 });

      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: {
          Variables: {
            [PARTITION_ENV.database]: 'flowlogs',
            [PARTITION_ENV.table]: 'vpc_flow_logs',
            [PARTITION_ENV.bucket]: 'flow-log-bucket',
            [PARTITION_ENV.prefix]: 'vpc-flow-logs/',
            [PARTITION_ENV.workgroup]: 'FlowLogs-flow-logs',
            [PARTITION_ENV.lookbackDays]: '14',
            [PARTITION_ENV.accountId]: '123456789012',
            [PARTITION_ENV.region]: 'eu-west-1',
          },
        },
      });
      const env = (props(template, 'AWS::Lambda::Function')[0]!.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(env).sort()).toEqual(
        ['ATHENA_WORKGROUP', 'FLOW_LOG_ACCOUNT_ID', 'FLOW_LOG_BUCKET', 'FLOW_LOG_PREFIX', 'FLOW_LOG_REGION', 'GLUE_DATABASE', 'GLUE_TABLE', 'PARTITION_LOOKBACK_DAYS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'],
      );
      expect(env).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'partitions', POWERTOOLS_METRICS_NAMESPACE: 'VpcFlowLogs' });
    });

    it('looks back 7 days by default', () => {
      build().template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { [PARTITION_ENV.lookbackDays]: '7' } } });
    });

    it('runs once on deploy, asynchronously, after the table and the workgroup exist (day one is queryable)', () => {
      const { template, stack, athena } = build();

      const triggers = Object.values(template.findResources('Custom::Trigger')) as { Properties: Record<string, unknown>; DependsOn?: string[] }[];
      expect(triggers).toHaveLength(1);
      expect(triggers[0]!.Properties).toMatchObject({ InvocationType: 'Event', HandlerArn: { Ref: expect.stringMatching(/^AthenaAnalyticsPartitionFunctionCurrentVersion/) } });
      expect(triggers[0]!.DependsOn).toEqual(expect.arrayContaining([stack.getLogicalId(athena.table), stack.getLogicalId(athena.workgroup)]));
      // CDK's trigger provider trusts Lambda in this account only, like every role of the app.
      const providerRole = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith('AWSCDKTrigger'))![1] as { Properties: { AssumeRolePolicyDocument: { Statement: { Condition?: unknown }[] } } };
      expect(providerRole.Properties.AssumeRolePolicyDocument.Statement[0]!.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '123456789012' } });
    });

    it('runs daily on an EventBridge schedule', () => {
      const { template } = build();

      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'cron(15 0 * * ? *)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AthenaAnalyticsPartitionFunction'), 'Arn'] } })],
      });
    });

    it('may do only what adding partitions needs, on this workgroup, catalog, table and prefix', () => {
      const statements = partitionPolicy(build().template);
      const bySid = new Map(statements.map((s) => [s.Sid, s]));
      const arn = (service: string, resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:eu-west-1:123456789012:${resource}`]] });

      expect(bySid.get('RunPartitionStatements')).toMatchObject({ Action: ['athena:StartQueryExecution', 'athena:GetQueryExecution'], Resource: arn('athena', 'workgroup/FlowLogs-flow-logs') });
      expect(bySid.get('AddPartitions')).toMatchObject({
        Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions', 'glue:CreatePartition', 'glue:BatchCreatePartition'],
        Resource: [arn('glue', 'catalog'), arn('glue', 'database/flowlogs'), arn('glue', 'table/flowlogs/vpc_flow_logs')],
      });
      // Athena looks up the `default` database for every query, DDL included.
      expect(bySid.get('DefaultDatabase')).toMatchObject({ Action: 'glue:GetDatabase', Resource: arn('glue', 'database/default') });
      expect(bySid.get('AddPartitions')).toMatchObject({
      });
      expect(bySid.get('ListDayFolders')).toMatchObject({
        Action: 's3:ListBucket',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::flow-log-bucket']] },
        Condition: { StringLike: { 's3:prefix': ['vpc-flow-logs/AWSLogs/*'] } },
      });
      expect(bySid.get('WriteResults')?.Action).toEqual(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts']);
      expect(JSON.stringify(bySid.get('WriteResults')?.Resource)).toContain('/query-results/*');
      for (const s of statements) {
        for (const action of [s.Action].flat()) expect(action, s.Sid).not.toMatch(/\*/);
        expect(s.Resource, s.Sid).not.toBe('*');
        // No access to the flow-log objects themselves.
        if ([s.Action].flat().some((a) => a.startsWith('s3:Get') && a !== 's3:GetBucketLocation')) expect(JSON.stringify(s.Resource)).not.toContain('flow-log-bucket');
      }
    });

    it('alarms to the topic when the function fails', () => {
      const { template } = build({ alarmTopic: true });

      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
      });
    });

    it('has no alarm without a topic', () => {
      build().template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    });
  });

  describe('cdk-nag', () => {
    const findings = (extra: Extra) => {
      const { app, athena } = build(extra);
      const pack = new AwsSolutionsChecks(app);
      Validations.of(app).addPlugins(pack);
      return pack
        .validateScope(app)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`))
        .filter((f) => f.includes(athena.node.path));
    };

    it('has no unacknowledged AwsSolutions finding, with the partition function or with projection', () => {
      expect(findings({ logGroup: true, alarmTopic: true })).toEqual([]);
      expect(findings({ partitionProjection: true, accessLogs: true })).toEqual([]);
    });
  });

  describe('in the FlowLogsStack', () => {
    it('is there when the flow logs go to S3, with a named query per report', () => {
      const { template } = synthesize(CONFIGS.s3Only);

      template.resourceCountIs('AWS::Glue::Table', 1);
      template.resourceCountIs('AWS::Athena::NamedQuery', REPORT_IDS.length);
    });
  });
});
