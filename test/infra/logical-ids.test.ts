/**
 * The CloudFormation logical ids of the stateful resources, pinned as
 * literals. CloudFormation replaces a resource whose logical id changes: a new
 * empty bucket, table or domain, the old one deleted (or kept and orphaned), a
 * named one failing the update. A construct refactoring that moves one of
 * these must keep its id (lib/constructs/logical-ids.ts); this test says so.
 *
 * The literals were read from the templates synthesized before the
 * AthenaAnalytics split (issue 12), not computed by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { logicalIdAt } from '../../lib/constructs/logical-ids.js';
import { CONFIGS, synthesize } from '../helpers/flow-logs-stack.js';

const STATEFUL_TYPES = [
  'AWS::S3::Bucket',
  'AWS::Logs::LogGroup',
  'AWS::Glue::Database',
  'AWS::Glue::Table',
  'AWS::Athena::WorkGroup',
  'AWS::OpenSearchService::Domain',
  'AWS::KMS::Key',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::Cognito::UserPool',
  'AWS::Cognito::IdentityPool',
];

/** Logical id and type of every stateful resource of a template, sorted. */
function statefulIds(props: Parameters<typeof synthesize>[0]): string[] {
  const resources = synthesize(props).template.toJSON().Resources as Record<string, { Type: string }>;
  return Object.entries(resources)
    .filter(([, r]) => STATEFUL_TYPES.includes(r.Type))
    .map(([id, r]) => `${id} ${r.Type}`)
    .sort();
}

// Of the default configuration (CONFIGS.both: CloudWatch Logs and S3, a new domain).
const BOTH = [
  'AccessLogsBucketCD784A59 AWS::S3::Bucket',
  'AthenaAnalyticsDatabase1520C1FA AWS::Glue::Database',
  'AthenaAnalyticsPartitionLogGroup937357D7 AWS::Logs::LogGroup',
  'AthenaAnalyticsResultsBucket1FABF3D7 AWS::S3::Bucket',
  'AthenaAnalyticsTable6E63C15A AWS::Glue::Table',
  'AthenaAnalyticsWorkGroupA8F01234 AWS::Athena::WorkGroup',
  'DashboardsSetupLogGroup47228F18 AWS::Logs::LogGroup',
  'FlowLogCaptureBucket8F39FCB2 AWS::S3::Bucket',
  'FlowLogCaptureLogGroup4EE917E0 AWS::Logs::LogGroup',
  'IngestFunctionDeadLetterBucketFE182DAA AWS::S3::Bucket',
  'IngestFunctionLogGroup8E264078 AWS::Logs::LogGroup',
  'IngestFunctionOnFailureQueue823B6A97 AWS::SQS::Queue',
  'OperationsAlarmTopic909EF7A3 AWS::SNS::Topic',
  'ReportFunctionBucket442C73FC AWS::S3::Bucket',
  'ReportFunctionLogGroupC7486457 AWS::Logs::LogGroup',
  'ReportFunctionTopicFB46F9B2 AWS::SNS::Topic',
  'SearchDomainDEDB155F AWS::OpenSearchService::Domain',
  'SearchDomainErrorLogsC1E78572 AWS::Logs::LogGroup',
  'SearchDomainSlowIndexLogs510CC4BC AWS::Logs::LogGroup',
  'SearchDomainSlowSearchLogs9C65C1B4 AWS::Logs::LogGroup',
];

describe('stateful logical ids', () => {
  it('stay those of the default configuration', () => {
    expect(statefulIds(CONFIGS.both)).toEqual(BOTH);
  });

  it('keep the flow-log key with KMS on', () => {
    expect(statefulIds(CONFIGS.kms)).toEqual([...BOTH, 'FlowLogCaptureLogGroupKeyAF6494D7 AWS::KMS::Key'].sort());
  });

  it('keep the Cognito pools with Cognito sign-in', () => {
    expect(statefulIds(CONFIGS.cognitoSignIn)).toEqual([...BOTH, 'DashboardsSignInIdentityPool70345DD3 AWS::Cognito::IdentityPool', 'DashboardsSignInUserPool03125850 AWS::Cognito::UserPool'].sort());
  });

  it('keep the Athena resources without the partition function (S3 only, projection)', () => {
    expect(statefulIds({ ...CONFIGS.s3Only, athenaPartitionProjection: true })).toEqual([
      'AccessLogsBucketCD784A59 AWS::S3::Bucket',
      'AthenaAnalyticsDatabase1520C1FA AWS::Glue::Database',
      'AthenaAnalyticsResultsBucket1FABF3D7 AWS::S3::Bucket',
      'AthenaAnalyticsTable6E63C15A AWS::Glue::Table',
      'AthenaAnalyticsWorkGroupA8F01234 AWS::Athena::WorkGroup',
      'FlowLogCaptureBucket8F39FCB2 AWS::S3::Bucket',
      'OperationsAlarmTopic909EF7A3 AWS::SNS::Topic',
      'ReportFunctionBucket442C73FC AWS::S3::Bucket',
      'ReportFunctionLogGroupC7486457 AWS::Logs::LogGroup',
      'ReportFunctionTopicFB46F9B2 AWS::SNS::Topic',
    ]);
  });

  it('keep the saved queries and the partition schedule of the Athena parts', () => {
    const ids = Object.keys(synthesize(CONFIGS.both).template.toJSON().Resources as object);

    expect(ids).toEqual(expect.arrayContaining(['AthenaAnalyticsTopTalkersQueryB5933E42', 'AthenaAnalyticsRejectedByPortQueryF02C8885', 'AthenaAnalyticsPartitionRole3C9F8592', 'AthenaAnalyticsPartitionFunctionB017893F']));
  });
});

describe('logicalIdAt', () => {
  it('gives the id CDK gives a resource at that path', () => {
    expect(logicalIdAt(['AthenaAnalytics', 'Database'])).toBe('AthenaAnalyticsDatabase1520C1FA');
    expect(logicalIdAt(['AthenaAnalytics', 'ResultsBucket', 'Resource'])).toBe('AthenaAnalyticsResultsBucket1FABF3D7');
  });
});
