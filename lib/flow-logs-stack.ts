/**
 * The whole pipeline in one stack: capture, ingest into OpenSearch, Athena over
 * S3, alarms. It composes the constructs of lib/constructs/ and owns no
 * resource itself.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { resolveConfig, type FlowLogsConfig, type FlowLogsProps } from './config.js';
import { AccessLogBucket } from './constructs/access-log-bucket.js';
import { AthenaAnalytics, RESULTS_PREFIX } from './constructs/athena-analytics.js';
import { DashboardsSetup } from './constructs/dashboards.js';
import { DashboardsSignIn } from './constructs/dashboards-sign-in.js';
import { FlowLogCapture } from './constructs/flow-log-capture.js';
import { IngestFunction } from './constructs/ingest-function.js';
import { Operations } from './constructs/operations.js';
import { ReportFunction } from './constructs/report-function.js';
import { SearchDomain, defaultDomainName, newDomainArn } from './constructs/search-domain.js';
import { STACK_OUTPUTS } from '../src/settings.js';

/** The stack's props: the app's settings ({@link FlowLogsProps}, documented with their defaults) plus the usual stack props. */
export interface FlowLogsStackProps extends StackProps, FlowLogsProps {}

/**
 * VPC flow logs to CloudWatch Logs and/or S3; from CloudWatch Logs through the
 * ingest function into OpenSearch; Athena over S3; alarms to one topic.
 *
 * Import it into your own CDK app and pass the props; `bin/app.ts` fills them
 * from cdk.json context. Invalid props throw a `ConfigError` at synth.
 */
export class FlowLogsStack extends Stack {
  /** The validated settings, defaults filled in. */
  readonly config: FlowLogsConfig;
  readonly capture: FlowLogCapture;
  readonly operations: Operations;
  readonly searchDomain?: SearchDomain;
  readonly ingest?: IngestFunction;
  readonly athena?: AthenaAnalytics;
  readonly report?: ReportFunction;
  /** Cognito sign-in for Dashboards, with `dashboardsSignIn: 'cognito'`. */
  readonly dashboardsSignIn?: DashboardsSignIn;
  /** The saved-objects import (and role mappings), unless `dashboards: false`. */
  readonly dashboards?: DashboardsSetup;

  constructor(scope: Construct, id: string, props: FlowLogsStackProps) {
    super(scope, id, props);
    const config = resolveConfig(props);
    this.config = config;

    this.operations = new Operations(this, 'Operations', { ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}) });
    const accessLogs = new AccessLogBucket(this, 'AccessLogs');

    this.capture = new FlowLogCapture(this, 'FlowLogCapture', {
      vpcIds: config.vpcIds,
      format: config.format,
      trafficType: config.trafficType,
      aggregationInterval: config.aggregationInterval,
      ...(config.cloudWatchLogs
        ? { logGroup: { retentionDays: config.logRetentionDays, kms: config.logGroupKms, ...(config.logGroupName ? { logGroupName: config.logGroupName } : {}) } }
        : {}),
      ...(config.s3
        ? {
            bucket: {
              transitionDays: config.s3TransitionDays,
              transitionStorageClass: config.s3TransitionStorageClass,
              expirationDays: config.s3ExpirationDays,
              accessLogsBucket: accessLogs.bucket,
            },
          }
        : {}),
    });
    if (this.capture.logGroup) this.operations.output(STACK_OUTPUTS.flowLogGroupName, this.capture.logGroup.logGroupName, 'Log group the flow logs deliver to');
    if (this.capture.bucket) this.operations.output('FlowLogBucketName', this.capture.bucket.bucketName, `Bucket the flow logs deliver to, under ${this.capture.prefix}`);

    // OpenSearch is fed from CloudWatch Logs: without that destination there is nothing to index.
    if (this.capture.logGroup) {
      // Cognito and its master role exist before the domain, whose settings name them.
      const signIn =
        config.dashboards.signIn === 'cognito' && config.domain.kind === 'new' && config.dashboards.adminEmail
          ? new DashboardsSignIn(this, 'DashboardsSignIn', {
              adminEmail: config.dashboards.adminEmail,
              domainArn: newDomainArn(this, config.domain),
              domainName: config.domain.domainName ?? defaultDomainName(this.stackName),
              ...(config.dashboards.domainPrefix ? { domainPrefix: config.dashboards.domainPrefix } : {}),
            })
          : undefined;
      const searchDomain = new SearchDomain(this, 'SearchDomain', {
        domain: config.domain,
        logRetentionDays: config.opsLogRetentionDays,
        ...(config.vpcPlacement ? { vpcPlacement: config.vpcPlacement } : {}),
        ...(signIn
          ? { cognitoDashboardsAuth: signIn.cognitoOptions, fineGrainedAccessControl: { masterUserArn: signIn.masterRole.roleArn } }
          : {}),
      });
      const ingest = new IngestFunction(this, 'IngestFunction', {
        logGroup: this.capture.logGroup,
        format: config.format,
        searchDomain,
        accessLogsBucket: accessLogs.bucket,
        indexPrefix: config.indexPrefix,
        indexRetentionDays: config.indexRetentionDays,
        memoryMiB: config.ingestMemoryMiB,
        timeoutSeconds: config.ingestTimeoutSeconds,
        ...(config.ingestReservedConcurrency !== undefined ? { reservedConcurrency: config.ingestReservedConcurrency } : {}),
        filter: config.ingestFilter,
        retryAttempts: config.ingestRetryAttempts,
        maxEventAgeSeconds: config.ingestMaxEventAgeSeconds,
        geoip: config.geoip,
        deadLetterExpirationDays: config.deadLetterExpirationDays,
        logRetentionDays: config.opsLogRetentionDays,
      });
      this.operations.watchIngest(ingest);
      this.operations.watchDomain(searchDomain.domain, {
        yellow: (searchDomain.instanceCount ?? 2) > 1,
        // A quarter of one node's volume; 2 GiB for an existing domain of unknown size.
        freeStorageThresholdMiB: searchDomain.volumeSizeGiB ? searchDomain.volumeSizeGiB * 256 : 2048,
      });
      this.operations.output(STACK_OUTPUTS.domainEndpoint, `https://${searchDomain.endpoint}`, 'OpenSearch endpoint the ingest function writes to');
      this.operations.output(
        'DashboardsUrl',
        `https://${searchDomain.endpoint}/_dashboards/`,
        signIn ? 'OpenSearch Dashboards: opens the Cognito sign-in page (first sign-in: docs/deploy.md)' : 'OpenSearch Dashboards (requests must be SigV4-signed: see docs/deploy.md)',
      );
      if (signIn) {
        signIn.allowUsers(searchDomain);
        this.operations.output('DashboardsUserPoolId', signIn.userPool.userPoolId, 'Cognito user pool of the Dashboards users: invite more people here');
      }
      // With fine-grained access control the role mappings are needed even without the saved objects.
      if (config.dashboards.import || signIn) {
        this.dashboards = new DashboardsSetup(this, 'DashboardsSetup', {
          searchDomain,
          indexPrefix: config.indexPrefix,
          savedObjects: config.dashboards.import,
          logRetentionDays: config.opsLogRetentionDays,
          ...(signIn ? { role: signIn.masterRole, roleMappings: { ingestRole: ingest.role, dashboardsUserRoles: [signIn.authenticatedRole] } } : {}),
        });
        if (!searchDomain.createdDomain) {
          this.operations.output('DashboardsSetupRoleArn', this.dashboards.role.roleArn, 'Role that imports the Dashboards saved objects: allow it es:ESHttpPost on an existing domain (docs/deploy.md)');
        }
      }
      this.dashboardsSignIn = signIn;
      this.searchDomain = searchDomain;
      this.ingest = ingest;
    }

    if (this.capture.bucket) {
      this.athena = new AthenaAnalytics(this, 'AthenaAnalytics', {
        bucket: this.capture.bucket,
        prefix: this.capture.prefix,
        format: config.format,
        ...(this.capture.logGroup ? { logGroup: this.capture.logGroup } : {}),
        alarmTopic: this.operations.topic,
        accessLogsBucket: accessLogs.bucket,
        lookbackDays: config.athena.lookbackDays,
        partitionProjection: config.athena.partitionProjection,
        bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoffPerQuery,
        resultsExpirationDays: config.athena.resultsExpirationDays,
      });
    }

    // The weekly report reads OpenSearch when the stack has it, Athena otherwise.
    const athena = this.athena;
    const flowLogBucket = this.capture.bucket;
    if (this.searchDomain || (athena && flowLogBucket)) {
      this.report = new ReportFunction(this, 'ReportFunction', {
        ...(this.searchDomain
          ? { searchDomain: this.searchDomain }
          : athena && flowLogBucket
            ? {
                athena: {
                  databaseName: athena.databaseName,
                  tableName: athena.tableName,
                  workgroupName: athena.workgroupName,
                  resultsBucket: athena.resultsBucket,
                  resultsPrefix: RESULTS_PREFIX,
                  flowLogBucket,
                  flowLogPrefix: this.capture.prefix,
                  format: config.format,
                },
              }
            : {}),
        alarmTopic: this.operations.topic,
        accessLogsBucket: accessLogs.bucket,
        indexPrefix: config.indexPrefix,
        schedule: config.report.schedule,
        ...(config.report.email ? { email: config.report.email } : {}),
        ...(config.report.sesIdentity ? { sesIdentity: config.report.sesIdentity } : {}),
        logRetentionDays: config.opsLogRetentionDays,
      });
      this.operations.output('ReportBucketName', this.report.bucket.bucketName, `Weekly report pages, under ${this.report.keyPrefix}`);
      this.operations.output('ReportTopicArn', this.report.topic.topicArn, 'SNS topic that announces each weekly report');
      this.operations.output('ReportFunctionName', this.report.function.functionName, 'Report function: invoke it to send this week\'s report now');
    }
  }
}
