/**
 * Names shared by the CDK app, the Lambdas, the CLI, the tests and the docs:
 * environment variables and their defaults. One name for one thing.
 */

/** Environment variables of the ingest function (`IngestFunction`). */
export const INGEST_ENV = {
  /** OpenSearch endpoint URL, `https://search-...es.amazonaws.com` or `http://127.0.0.1:9200`. */
  endpoint: 'OPENSEARCH_ENDPOINT',
  /** `aws-sigv4` (Amazon OpenSearch Service), `basic` or `none` (self-managed). */
  auth: 'OPENSEARCH_AUTH',
  /** User name for `basic` auth. */
  username: 'OPENSEARCH_USERNAME',
  /** Password for `basic` auth (for local and self-managed clusters). */
  password: 'OPENSEARCH_PASSWORD',
  /** Daily indices are `<prefix>-YYYY.MM.DD`. */
  indexPrefix: 'INDEX_PREFIX',
  /** Days an index is kept before the ISM policy deletes it. */
  indexRetentionDays: 'INDEX_RETENTION_DAYS',
  /** The flow log's format string (`${version} ${account-id} ...`); empty means the default format. */
  flowLogFormat: 'FLOW_LOG_FORMAT',
  /** S3 bucket for dead letters (records that can never be indexed). */
  deadLetterBucket: 'DEAD_LETTER_BUCKET',
  /** Key prefix for dead letters in that bucket. */
  deadLetterPrefix: 'DEAD_LETTER_PREFIX',
  /** Local folder for dead letters instead of S3 (local runs, the demo, tests). */
  deadLetterDir: 'DEAD_LETTER_DIR',
  /** Folder with the GeoIP databases (the Lambda bundle's `geo/`). */
  geoipDir: 'GEOIP_DIR',
  /** Optional path to the user's own mmdb (e.g. GeoLite2 City) used instead of the bundled country database. */
  geoipDatabase: 'GEOIP_DATABASE',
  /** `false` turns GeoIP enrichment off. */
  geoipEnabled: 'GEOIP_ENABLED',
  /** `true` gzips `_bulk` request bodies (fewer bytes on the wire, more CPU). */
  gzip: 'OPENSEARCH_GZIP',
  /** Upper bound of one `_bulk` request body, in bytes. */
  bulkMaxBytes: 'BULK_MAX_BYTES',
} as const;

/** Environment variables of the partition function (`PartitionFunction`). */
export const PARTITION_ENV = {
  database: 'GLUE_DATABASE',
  table: 'GLUE_TABLE',
  bucket: 'FLOW_LOG_BUCKET',
  prefix: 'FLOW_LOG_PREFIX',
  workgroup: 'ATHENA_WORKGROUP',
  lookbackDays: 'PARTITION_LOOKBACK_DAYS',
  accountId: 'FLOW_LOG_ACCOUNT_ID',
  region: 'FLOW_LOG_REGION',
} as const;

/**
 * Environment variables of the report function (`ReportFunction`). The
 * OpenSearch connection and index prefix use the ingest function's names
 * ({@link INGEST_ENV}); the Athena table and workgroup the partition
 * function's ({@link PARTITION_ENV}).
 */
export const REPORT_ENV = {
  /** `opensearch` or `athena`: where the figures come from. */
  source: 'REPORT_SOURCE',
  /** Bucket the HTML pages are stored in. */
  bucket: 'REPORT_BUCKET',
  /** Key prefix of the pages in that bucket. */
  keyPrefix: 'REPORT_KEY_PREFIX',
  /** SNS topic that receives the plain-text summary and the link. */
  topicArn: 'REPORT_TOPIC_ARN',
  /** Verified SES identity (address or domain) that sends the HTML e-mail; unset means no e-mail through SES. */
  sesIdentity: 'REPORT_SES_IDENTITY',
  /** Recipient of the SES e-mail. */
  email: 'REPORT_EMAIL',
  /** Days before the week in which a REJECTed source counts as already seen. */
  lookbackDays: 'REPORT_LOOKBACK_DAYS',
} as const;

/**
 * Outputs of the deployed stack (`FlowLogsStack`) that `flowlogs --stack NAME` reads besides its
 * functions' environment.
 */
export const STACK_OUTPUTS = {
  /** `https://` endpoint of the OpenSearch domain the ingest function writes to. */
  domainEndpoint: 'DomainEndpoint',
  /** Log group the flow logs deliver to (replay reads it back). */
  flowLogGroupName: 'FlowLogGroupName',
} as const;

/** Defaults used when a setting is not given. */
export const DEFAULTS = {
  indexPrefix: 'vpcflowlogs',
  indexRetentionDays: 30,
  deadLetterPrefix: 'dead-letters/',
  /** 5 MiB: well under the 10 MiB request limit of the smallest Amazon OpenSearch instance types. */
  bulkMaxBytes: 5 * 1024 * 1024,
  partitionLookbackDays: 7,
  /** The weekly report: Monday 00:30 UTC (an EventBridge cron expression), for the 7 days that just ended. */
  reportSchedule: 'cron(30 0 ? * MON *)',
  reportKeyPrefix: 'weekly/',
  /** Days stored report pages are kept. */
  reportExpirationDays: 365,
  /** Where the ingest bundle's GeoIP data is on Lambda. */
  geoipDir: '/var/task/geo',
} as const;

/** Days an index may live before the ISM policy deletes it (`INDEX_RETENTION_DAYS`): 1 day to about 10 years. */
export const INDEX_RETENTION_DAYS_RANGE = { min: 1, max: 3650 } as const;

/**
 * Days the partition function looks back for days with data and no partition
 * (`PARTITION_LOOKBACK_DAYS`): 0 (today and tomorrow only) to a year. The
 * construct, the app's configuration and the function all check this one
 * range; older gaps are for `flowlogs partitions --from --to`.
 */
export const PARTITION_LOOKBACK_DAYS_RANGE = { min: 0, max: 366 } as const;

/** Days a report looks back over (`REPORT_LOOKBACK_DAYS`): 1 to about ten years. */
export const REPORT_LOOKBACK_DAYS_RANGE = { min: 1, max: 3660 } as const;

/**
 * The Dashboards setup function's custom resources (`DashboardsSetup`): their
 * CloudFormation types, which the function dispatches on.
 */
export const DASHBOARDS_SETUP = {
  /** Imports the saved objects generated from the report catalog. */
  savedObjectsType: 'Custom::DashboardsSavedObjects',
  /** Writes the OpenSearch security roles and their mappings (fine-grained access control). */
  roleMappingsType: 'Custom::OpenSearchRoleMappings',
  /** Seconds one HTTP request to Dashboards or OpenSearch may take. */
  requestTimeoutSeconds: 30,
} as const;
