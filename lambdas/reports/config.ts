/**
 * The report function's configuration (REPORT_ENV, plus the ingest
 * function's OpenSearch names or the partition function's Athena names),
 * read once at cold start into a frozen object. A missing or bad value throws
 * ConfigError naming the variable.
 */
import { ConfigError } from '../../src/errors.js';
import { parseFormatString, type FlowLogFormat } from '../../src/format/flow-log-schema.js';
import { DEFAULT_LOOKBACK_DAYS } from '../../src/reports/weekly.js';
import { required, wholeNumberWithin, type Env } from '../shared/env.js';
import { DEFAULTS, INGEST_ENV, PARTITION_ENV, REPORT_ENV, REPORT_LOOKBACK_DAYS_RANGE } from '../../src/settings.js';
import type { OpenSearchConnection } from '../shared/opensearch.js';

/** Figures from OpenSearch. */
export interface OpenSearchReportSourceConfig {
  readonly kind: 'opensearch';
  readonly connection: OpenSearchConnection;
  readonly indexPrefix: string;
}

/** Figures from Athena (a stack without OpenSearch). */
export interface AthenaReportSourceConfig {
  readonly kind: 'athena';
  readonly database: string;
  readonly table: string;
  readonly workgroup: string;
  /** The flow log's format: which reports its table can serve. */
  readonly format: FlowLogFormat;
}

export interface ReportConfig {
  readonly source: OpenSearchReportSourceConfig | AthenaReportSourceConfig;
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly topicArn: string;
  /** SES sender identity and recipient: both or neither. */
  readonly mail?: { readonly from: string; readonly to: string };
  readonly lookbackDays: number;
}


/** The From address for an SES identity: the address itself, or `vpc-flow-logs@<domain>` for a domain identity. */
export function senderFor(identity: string): string {
  return identity.includes('@') ? identity : `vpc-flow-logs@${identity}`;
}

function formatFrom(env: Env): FlowLogFormat {
  try {
    return parseFormatString(env[INGEST_ENV.flowLogFormat]);
  } catch (err) {
    throw new ConfigError(`${INGEST_ENV.flowLogFormat}: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads the configuration from an environment (process.env in Lambda). */
export function loadReportConfig(env: Env): ReportConfig {
  const kind = env[REPORT_ENV.source] || 'opensearch';
  let source: ReportConfig['source'];
  if (kind === 'opensearch') {
    const endpoint = required(env, INGEST_ENV.endpoint, 'the OpenSearch endpoint URL');
    if (!/^https?:\/\//.test(endpoint)) throw new ConfigError(`${INGEST_ENV.endpoint} must start with https:// or http://, got "${endpoint}"`);
    const auth = env[INGEST_ENV.auth] ?? (endpoint.startsWith('https://') ? 'aws-sigv4' : 'none');
    if (auth !== 'aws-sigv4' && auth !== 'basic' && auth !== 'none') throw new ConfigError(`${INGEST_ENV.auth} must be aws-sigv4, basic or none, got "${auth}"`);
    const indexPrefix = env[INGEST_ENV.indexPrefix] || DEFAULTS.indexPrefix;
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(indexPrefix)) throw new ConfigError(`${INGEST_ENV.indexPrefix} must be lower-case letters, digits, - or _, got "${indexPrefix}"`);
    source = {
      kind,
      indexPrefix,
      connection: Object.freeze({
        endpoint,
        auth,
        ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
        ...(env[INGEST_ENV.username] ? { username: env[INGEST_ENV.username] } : {}),
        ...(env[INGEST_ENV.password] ? { password: env[INGEST_ENV.password] } : {}),
      }),
    };
  } else if (kind === 'athena') {
    source = {
      kind,
      database: required(env, PARTITION_ENV.database, 'the Glue database'),
      table: required(env, PARTITION_ENV.table, 'the Glue table'),
      workgroup: required(env, PARTITION_ENV.workgroup, 'the Athena workgroup'),
      format: formatFrom(env),
    };
  } else {
    throw new ConfigError(`${REPORT_ENV.source} must be opensearch or athena, got "${kind}"`);
  }
  const identity = env[REPORT_ENV.sesIdentity] || undefined;
  const email = env[REPORT_ENV.email] || undefined;
  if (identity && !email) throw new ConfigError(`${REPORT_ENV.email} is required with ${REPORT_ENV.sesIdentity} (the address the HTML e-mail goes to)`);
  const lookbackDays = wholeNumberWithin(env, REPORT_ENV.lookbackDays, DEFAULT_LOOKBACK_DAYS, REPORT_LOOKBACK_DAYS_RANGE, 'days');
  return Object.freeze({
    source: Object.freeze(source),
    bucket: required(env, REPORT_ENV.bucket, 'the reports bucket'),
    keyPrefix: env[REPORT_ENV.keyPrefix] ?? DEFAULTS.reportKeyPrefix,
    topicArn: required(env, REPORT_ENV.topicArn, 'the SNS topic the summary goes to'),
    ...(identity && email ? { mail: Object.freeze({ from: senderFor(identity), to: email }) } : {}),
    lookbackDays,
  });
}
