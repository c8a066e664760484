/**
 * The ingest function's configuration, read once from the environment at
 * cold start into a frozen object. A missing or bad value throws ConfigError
 * naming the variable.
 */
import { ConfigError } from '../../src/errors.js';
import { parseFormatString, type FlowLogFormat } from '../../src/format/flow-log-schema.js';
import { DEFAULTS, INDEX_RETENTION_DAYS_RANGE, INGEST_ENV } from '../../src/settings.js';
import { positiveWholeNumber, wholeNumberWithin, type Env } from '../shared/env.js';
import type { OpenSearchConnection } from '../shared/opensearch.js';

export interface IngestConfig {
  readonly connection: OpenSearchConnection;
  readonly indexPrefix: string;
  readonly indexRetentionDays: number;
  readonly format: FlowLogFormat;
  /** S3 dead letters (AWS) ... */
  readonly deadLetterBucket?: string;
  /** ... or a local folder. */
  readonly deadLetterDir?: string;
  readonly deadLetterPrefix: string;
  readonly geoipEnabled: boolean;
  readonly geoipDir?: string;
  readonly geoipDatabase?: string;
  readonly bulkMaxBytes: number;
}


/**
 * The region requests are signed for: the one in an Amazon OpenSearch Service
 * endpoint (`search-<name>-<id>.<region>.es.amazonaws.com`), which may differ
 * from the function's own; else the function's region.
 */
function signingRegion(endpoint: string, env: Env): string | undefined {
  return /^https:\/\/(?:search|vpc)-[^.]+\.([a-z0-9-]+)\.es\.amazonaws\.com(?:\.cn)?(?::\d+)?\/?$/.exec(endpoint)?.[1] ?? (env.AWS_REGION || undefined);
}

/** Reads the configuration from an environment (process.env in Lambda). */
export function loadIngestConfig(env: Env): IngestConfig {
  const endpoint = env[INGEST_ENV.endpoint];
  if (!endpoint) throw new ConfigError(`${INGEST_ENV.endpoint} is required (the OpenSearch endpoint URL)`);
  if (!/^https?:\/\//.test(endpoint)) throw new ConfigError(`${INGEST_ENV.endpoint} must start with https:// or http://, got "${endpoint}"`);
  const auth = env[INGEST_ENV.auth] ?? (endpoint.startsWith('https://') ? 'aws-sigv4' : 'none');
  if (auth !== 'aws-sigv4' && auth !== 'basic' && auth !== 'none') {
    throw new ConfigError(`${INGEST_ENV.auth} must be aws-sigv4, basic or none, got "${auth}"`);
  }
  const prefix = env[INGEST_ENV.indexPrefix] || DEFAULTS.indexPrefix;
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(prefix)) {
    throw new ConfigError(`${INGEST_ENV.indexPrefix} must be lower-case letters, digits, - or _, got "${prefix}"`);
  }
  let format: FlowLogFormat;
  try {
    format = parseFormatString(env[INGEST_ENV.flowLogFormat]);
  } catch (err) {
    throw new ConfigError(`${INGEST_ENV.flowLogFormat}: ${(err as Error).message}`, { cause: err });
  }
  const deadLetterBucket = env[INGEST_ENV.deadLetterBucket] || undefined;
  const deadLetterDir = env[INGEST_ENV.deadLetterDir] || undefined;
  if (!deadLetterBucket && !deadLetterDir) {
    throw new ConfigError(`${INGEST_ENV.deadLetterBucket} (or ${INGEST_ENV.deadLetterDir} for local runs) is required: records that can never be indexed must go somewhere`);
  }
  const geoipEnabled = env[INGEST_ENV.geoipEnabled] !== 'false';
  if (geoipEnabled && !env[INGEST_ENV.geoipDir] && !env[INGEST_ENV.geoipDatabase]) {
    throw new ConfigError(`${INGEST_ENV.geoipDir} (the GeoIP data folder) is required unless ${INGEST_ENV.geoipEnabled}=false`);
  }
  return Object.freeze({
    connection: Object.freeze({
      endpoint,
      auth,
      ...(signingRegion(endpoint, env) ? { region: signingRegion(endpoint, env) } : {}),
      ...(env[INGEST_ENV.username] ? { username: env[INGEST_ENV.username] } : {}),
      ...(env[INGEST_ENV.password] ? { password: env[INGEST_ENV.password] } : {}),
      ...(env[INGEST_ENV.gzip] === 'true' ? { compression: true } : {}),
    }),
    indexPrefix: prefix,
    indexRetentionDays: wholeNumberWithin(env, INGEST_ENV.indexRetentionDays, DEFAULTS.indexRetentionDays, INDEX_RETENTION_DAYS_RANGE, 'days'),
    format,
    ...(deadLetterBucket ? { deadLetterBucket } : {}),
    ...(deadLetterDir ? { deadLetterDir } : {}),
    deadLetterPrefix: env[INGEST_ENV.deadLetterPrefix] ?? DEFAULTS.deadLetterPrefix,
    geoipEnabled,
    // GEOIP_DATABASE replaces the country data only: the ASN data still comes from the bundle's folder.
    ...(env[INGEST_ENV.geoipDir] || env[INGEST_ENV.geoipDatabase] ? { geoipDir: env[INGEST_ENV.geoipDir] || DEFAULTS.geoipDir } : {}),
    ...(env[INGEST_ENV.geoipDatabase] ? { geoipDatabase: env[INGEST_ENV.geoipDatabase] } : {}),
    bulkMaxBytes: positiveWholeNumber(env, INGEST_ENV.bulkMaxBytes, DEFAULTS.bulkMaxBytes),
  });
}
