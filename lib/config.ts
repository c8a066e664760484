/**
 * The app's configuration: documented props with their defaults
 * ({@link FlowLogsProps}), the resolved and validated form the constructs read
 * ({@link FlowLogsConfig}), and the reader that fills the props from CDK
 * context (cdk.json or `cdk deploy -c flowlogs:key=value`).
 *
 * Every check runs at synth time; a bad value throws a {@link ConfigError}
 * naming the setting, the value given and what is allowed.
 */
import { ConfigError, FlowLogError } from '../src/errors.js';
import { DEFAULT_FORMAT, formatOf, parseFormatString, type FlowLogFormat } from '../src/format/flow-log-schema.js';
import { ATHENA_CATALOG_DEFAULTS } from './constructs/athena-catalog.js';
import { ATHENA_WORKGROUP_DEFAULTS, ATHENA_WORKGROUP_RANGES } from './constructs/athena-workgroup.js';
import { DASHBOARDS_SETUP_DEFAULTS } from './constructs/dashboards.js';
import {
  AGGREGATION_INTERVALS,
  FLOW_LOG_CAPTURE_DEFAULTS,
  FLOW_LOG_CAPTURE_RANGES,
  minTransitionDays,
  TRAFFIC_TYPES,
  TRANSITION_STORAGE_CLASSES,
  type TrafficType,
  type TransitionStorageClass,
} from './constructs/flow-log-capture.js';
import { INGEST_FILTERS, INGEST_FUNCTION_DEFAULTS, INGEST_FUNCTION_RANGES, type IngestFilter } from './constructs/ingest-function.js';
import { DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS } from './constructs/lambda-defaults.js';
import { PARTITION_FUNCTION_DEFAULTS, PARTITION_FUNCTION_RANGES } from './constructs/partition-function.js';
import type { IntegerRange } from './constructs/prop-checks.js';
import { REPORT_FUNCTION_DEFAULTS, SCHEDULE_EXPRESSION } from './constructs/report-function.js';
import { SEARCH_DOMAIN_DEFAULTS, SEARCH_DOMAIN_RANGES } from './constructs/search-domain.js';
import { AWS_DOMAIN_ENDPOINT } from './domain-endpoint.js';
import { INSTANCE_LIMITS, sizeDomain, type DomainSizing } from './domain-sizing.js';

// The names this module used to define: each is now owned by its construct.
export { AGGREGATION_INTERVALS, TRAFFIC_TYPES, TRANSITION_STORAGE_CLASSES, type TrafficType, type TransitionStorageClass } from './constructs/flow-log-capture.js';
export { INGEST_FILTERS, type IngestFilter } from './constructs/ingest-function.js';
export { LOG_RETENTION_DAYS } from './constructs/lambda-defaults.js';
export { SCHEDULE_EXPRESSION } from './constructs/report-function.js';
export { AWS_DOMAIN_ENDPOINT } from './domain-endpoint.js';

const SCHEDULE_EXPRESSION_OR_OFF = new RegExp(`^off$|${SCHEDULE_EXPRESSION.source}`);

/** Default of {@link FlowLogsProps.expectedDailyRecords}: about 1 GB of default-format records a day. */
export const DEFAULT_EXPECTED_DAILY_RECORDS = 10_000_000;

/** Where a flow log delivers records. */
export type Destination = 'cloud-watch-logs' | 's3';
export const DESTINATIONS: readonly Destination[] = ['cloud-watch-logs', 's3'];

/** Prefix of every context key the app reads: `flowlogs:vpcIds`. */
export const CONTEXT_PREFIX = 'flowlogs:';

/**
 * Everything a deployment can set. All but {@link vpcIds} are optional; the
 * `@default` of each is what {@link resolveConfig} fills in.
 */
export interface FlowLogsProps {
  /** VPCs to capture, by id (`vpc-0123456789abcdef0`). Used as given: no lookup, so synth needs no credentials. */
  readonly vpcIds: readonly string[];
  /**
   * Traffic the flow logs record.
   * @default 'ALL'
   */
  readonly trafficType?: TrafficType;
  /**
   * Seconds over which a flow is aggregated into one record: 60 or 600.
   * 60 gives fresher dashboards and more records.
   * @default 600
   */
  readonly aggregationInterval?: number;
  /**
   * Fields of the flow-log record, in order, by name from the shared field list
   * (`src/format/flow-log-schema.ts`, hyphen or underscore spelling), or `'default'`.
   * The flow log's LogFormat, the subscription filter, the index mapping and the
   * Glue table all come from this one list.
   * @default 'default' - the 14 version-2 fields
   */
  readonly logFormat?: readonly string[] | 'default';
  /**
   * Where the flow logs deliver: CloudWatch Logs (feeds OpenSearch), S3 (feeds Athena), or both.
   * @default ['cloud-watch-logs', 's3']
   */
  readonly destinations?: readonly Destination[];
  /**
   * Days the flow-log log group keeps records. One of the values CloudWatch Logs accepts.
   * @default 14
   */
  readonly logRetentionDays?: number;
  /**
   * Name of the flow-log log group.
   * @default '/vpc-flow-logs/<stack name>'
   */
  readonly logGroupName?: string;
  /**
   * Encrypt the flow-log log group with a new customer-managed KMS key (about 1 USD a month).
   * @default false - CloudWatch Logs' own encryption
   */
  readonly logGroupKms?: boolean;
  /**
   * Days after which flow-log objects move to {@link s3TransitionStorageClass}; 0 turns the transition off.
   * @default 30
   */
  readonly s3TransitionDays?: number;
  /**
   * Storage class flow-log objects move to. Only classes Athena can still read are allowed.
   * @default 'STANDARD_IA'
   */
  readonly s3TransitionStorageClass?: TransitionStorageClass;
  /**
   * Days after which flow-log objects are deleted; 0 keeps them forever.
   * @default 365
   */
  readonly s3ExpirationDays?: number;
  /**
   * Endpoint of an existing Amazon OpenSearch Service domain (`https://search-name-id.region.es.amazonaws.com`).
   * When set, no domain is created and the ingest role must be mapped on that domain (docs/deploy.md).
   * @default - the app creates a domain
   */
  readonly opensearchEndpoint?: string;
  /**
   * ARN of the existing domain, needed when {@link opensearchEndpoint} is a custom endpoint.
   * @default - derived from the endpoint, in this stack's account
   */
  readonly opensearchDomainArn?: string;
  /**
   * Name of the domain the app creates (3 to 28 characters: a-z, 0-9, hyphen; starts with a letter).
   * @default - the stack name in lower case
   */
  readonly domainName?: string;
  /**
   * Engine version of the domain the app creates, as the OpenSearch Service API spells it.
   * @default 'OpenSearch_2.19'
   */
  readonly domainEngineVersion?: string;
  /**
   * Data node instance type.
   * @default 't3.small.search'
   */
  readonly domainInstanceType?: string;
  /**
   * Number of data nodes. Two lets every index keep a replica, so the cluster is green.
   * @default 2
   */
  readonly domainInstanceCount?: number;
  /**
   * Flow-log records the domain is sized for, per day (about 100 bytes of
   * default-format text each, so 10 million is about 1 GB a day). With
   * {@link indexRetentionDays} and the node count it sets the default
   * {@link domainVolumeSizeGiB} by AWS's storage rule (lib/domain-sizing.ts).
   * @default 10000000
   */
  readonly expectedDailyRecords?: number;
  /**
   * gp3 volume per data node, GiB. At least what {@link expectedDailyRecords} needs.
   * @default - sized from expectedDailyRecords (77 GiB per node for the defaults)
   */
  readonly domainVolumeSizeGiB?: number;
  /**
   * Spread data nodes over {@link domainAvailabilityZoneCount} Availability Zones.
   * @default false
   */
  readonly domainZoneAwareness?: boolean;
  /**
   * Availability Zones used with zone awareness: 2 or 3.
   * @default 2
   */
  readonly domainAvailabilityZoneCount?: number;
  /**
   * Dedicated master nodes: 0, 3 or 5.
   * @default 0
   */
  readonly domainDedicatedMasterCount?: number;
  /**
   * Dedicated master instance type, when {@link domainDedicatedMasterCount} is not 0.
   * @default 'm7g.large.search'
   */
  readonly domainDedicatedMasterType?: string;
  /**
   * VPC to place the domain in. The ingest function is placed in the same subnets.
   * With an existing domain, it places only the ingest function.
   * @default - public endpoint, guarded by the IAM access policy
   */
  readonly domainVpcId?: string;
  /**
   * Subnets of {@link domainVpcId}: one per Availability Zone the domain uses (one without zone awareness).
   * They need a route to S3 (gateway endpoint or NAT) for dead letters.
   * @default - none; required with domainVpcId
   */
  readonly domainSubnetIds?: readonly string[];
  /**
   * IAM principals (role or user ARNs) given `es:ESHttp*` on the domain the app creates, for Dashboards and admin.
   * @default - this account: any principal whose own IAM policy allows `es:ESHttp*` on the domain
   */
  readonly domainAdminPrincipalArns?: readonly string[];
  /**
   * Days the ingest function's and the domain's own log groups keep entries.
   * @default 30
   */
  readonly opsLogRetentionDays?: number;
  /**
   * Daily indices are `<indexPrefix>-YYYY.MM.DD`.
   * @default 'vpcflowlogs'
   */
  readonly indexPrefix?: string;
  /**
   * Days an index lives before the ISM policy deletes it.
   * @default 30
   */
  readonly indexRetentionDays?: number;
  /**
   * Memory of the ingest function, MiB.
   * @default 1024
   */
  readonly ingestMemoryMiB?: number;
  /**
   * Timeout of the ingest function, seconds.
   * @default 60
   */
  readonly ingestTimeoutSeconds?: number;
  /**
   * Reserved concurrency of the ingest function: a cap on the bulk writers the cluster sees at once.
   * Lambda keeps at least 100 executions of the account unreserved, so a reservation fails to deploy
   * where the account's concurrency quota is below 100 + the reservation (new accounts may have 10).
   * Without a cap, a burst that the cluster rejects (HTTP 429) is retried per item and then by
   * Lambda's asynchronous retry and on-failure queue.
   * @default - none: the function shares the account's unreserved concurrency
   */
  readonly ingestReservedConcurrency?: number;
  /**
   * Which flow-log events the subscription filter passes to the ingest function:
   * `all` (an empty pattern: malformed lines still reach the parser and are dead-lettered),
   * or `reject` (only records of rejected traffic, to cut OpenSearch cost; needs the `action` field).
   * @default 'all'
   */
  readonly ingestFilter?: IngestFilter;
  /**
   * Times Lambda retries a failed asynchronous invocation (0 to 2) before sending it to the on-failure queue.
   * @default 2
   */
  readonly ingestRetryAttempts?: number;
  /**
   * Seconds an event may wait in Lambda's asynchronous queue (60 to 21600) before it goes to the on-failure queue.
   * @default 21600
   */
  readonly ingestMaxEventAgeSeconds?: number;
  /**
   * Enrich documents with GeoIP country and ASN (bundles the databases into the function).
   * @default true
   */
  readonly geoip?: boolean;
  /**
   * Days dead letters (records that can never be indexed) are kept.
   * @default 90
   */
  readonly deadLetterExpirationDays?: number;
  /**
   * E-mail address subscribed to the alarm topic (the recipient must confirm).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Use Athena partition projection instead of the partition function.
   * @default false
   */
  readonly athenaPartitionProjection?: boolean;
  /**
   * Days the partition function looks back for missing partitions.
   * @default 7
   */
  readonly athenaLookbackDays?: number;
  /**
   * Bytes one Athena query may scan before the workgroup cancels it.
   * @default 10 GiB
   */
  readonly athenaBytesScannedCutoffPerQuery?: number;
  /**
   * Days Athena query results are kept.
   * @default 30
   */
  readonly athenaResultsExpirationDays?: number;
  /**
   * When the weekly report runs: an EventBridge `cron(...)` or `rate(...)` expression (UTC), or `"off"`.
   * @default 'cron(30 0 ? * MON *)' - Monday 00:30 UTC, for the 7 days that just ended
   */
  readonly reportSchedule?: string;
  /**
   * E-mail address subscribed to the weekly report topic (the recipient must confirm).
   * @default - no subscription
   */
  readonly reportEmail?: string;
  /**
   * Verified SES identity (an address, or a domain: the mail then comes from vpc-flow-logs@<domain>) that sends
   * the report page itself as an HTML e-mail to {@link reportEmail}.
   * @default - no SES e-mail, only the SNS summary with its link
   */
  readonly reportSesIdentity?: string;
  /**
   * Import the Dashboards saved objects (index pattern, one visualization per report,
   * the "VPC Flow Logs" dashboard) at every deployment.
   * @default true
   */
  readonly dashboards?: boolean;
  /**
   * How people sign in to OpenSearch Dashboards: `iam` (SigV4-signed requests, e.g. through
   * a signing proxy) or `cognito` (a sign-in page backed by an Amazon Cognito user pool, with
   * fine-grained access control on). `cognito` needs a domain the app creates.
   * @default 'iam'
   */
  readonly dashboardsSignIn?: DashboardsSignIn;
  /**
   * Address of the first Dashboards user, invited by e-mail with a temporary password.
   * Required with `dashboardsSignIn: 'cognito'`.
   * @default - none
   */
  readonly dashboardsAdminEmail?: string;
  /**
   * Prefix of the Cognito hosted sign-in domain, `<prefix>.auth.<region>.amazoncognito.com`:
   * unique in the region, lower-case letters, digits and hyphens, without "aws", "amazon" or "cognito".
   * @default - `<domain name>-<account id>`
   */
  readonly dashboardsDomainPrefix?: string;
}

/** How people sign in to OpenSearch Dashboards. */
export type DashboardsSignIn = 'iam' | 'cognito';
export const DASHBOARDS_SIGN_INS: readonly DashboardsSignIn[] = ['iam', 'cognito'];

/** A domain the app creates. */
export interface NewDomainConfig {
  readonly kind: 'new';
  readonly domainName: string | undefined;
  readonly engineVersion: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGiB: number;
  /** The storage the expected volume needs, by AWS's rule. */
  readonly sizing: DomainSizing;
  readonly expectedDailyRecords: number;
  readonly zoneAwareness: boolean;
  readonly availabilityZoneCount: number;
  readonly dedicatedMasterCount: number;
  readonly dedicatedMasterType: string;
  readonly adminPrincipalArns: readonly string[];
}

/** A domain that exists already. */
export interface ExistingDomainConfig {
  readonly kind: 'existing';
  /** Host name, without scheme. */
  readonly endpoint: string;
  readonly domainArn: string | undefined;
}

/** VPC placement of the domain and the ingest function. */
export interface VpcPlacementConfig {
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
}

/** The props after validation, every default filled in. */
export interface FlowLogsConfig {
  readonly vpcIds: readonly string[];
  readonly trafficType: TrafficType;
  readonly aggregationInterval: 60 | 600;
  readonly format: FlowLogFormat;
  readonly cloudWatchLogs: boolean;
  readonly s3: boolean;
  readonly logRetentionDays: number;
  readonly logGroupName: string | undefined;
  readonly logGroupKms: boolean;
  readonly s3TransitionDays: number;
  readonly s3TransitionStorageClass: TransitionStorageClass;
  readonly s3ExpirationDays: number;
  readonly domain: NewDomainConfig | ExistingDomainConfig;
  readonly vpcPlacement: VpcPlacementConfig | undefined;
  readonly opsLogRetentionDays: number;
  readonly indexPrefix: string;
  readonly indexRetentionDays: number;
  readonly ingestMemoryMiB: number;
  readonly ingestTimeoutSeconds: number;
  readonly ingestReservedConcurrency: number | undefined;
  readonly ingestFilter: IngestFilter;
  readonly ingestRetryAttempts: number;
  readonly ingestMaxEventAgeSeconds: number;
  readonly geoip: boolean;
  readonly deadLetterExpirationDays: number;
  readonly alarmEmail: string | undefined;
  readonly athena: {
    readonly partitionProjection: boolean;
    readonly lookbackDays: number;
    readonly bytesScannedCutoffPerQuery: number;
    readonly resultsExpirationDays: number;
  };
  /** The weekly report: its schedule (`off` for none), topic subscription and SES identity. */
  readonly report: {
    readonly schedule: string;
    readonly email: string | undefined;
    readonly sesIdentity: string | undefined;
  };
  readonly dashboards: DashboardsConfig;
}

/** Dashboards content and sign-in, validated. */
export interface DashboardsConfig {
  readonly import: boolean;
  readonly signIn: DashboardsSignIn;
  /** Set with `signIn: 'cognito'`. */
  readonly adminEmail: string | undefined;
  readonly domainPrefix: string | undefined;
}

type Kind = 'string' | 'number' | 'boolean' | 'list' | 'format';

/** Every prop, with how a context value is read: the same noun in cdk.json, the props and the docs. */
const CONTEXT_KINDS: { readonly [K in keyof Required<FlowLogsProps>]: Kind } = {
  vpcIds: 'list',
  trafficType: 'string',
  aggregationInterval: 'number',
  logFormat: 'format',
  destinations: 'list',
  logRetentionDays: 'number',
  logGroupName: 'string',
  logGroupKms: 'boolean',
  s3TransitionDays: 'number',
  s3TransitionStorageClass: 'string',
  s3ExpirationDays: 'number',
  opensearchEndpoint: 'string',
  opensearchDomainArn: 'string',
  domainName: 'string',
  domainEngineVersion: 'string',
  domainInstanceType: 'string',
  domainInstanceCount: 'number',
  domainVolumeSizeGiB: 'number',
  expectedDailyRecords: 'number',
  domainZoneAwareness: 'boolean',
  domainAvailabilityZoneCount: 'number',
  domainDedicatedMasterCount: 'number',
  domainDedicatedMasterType: 'string',
  domainVpcId: 'string',
  domainSubnetIds: 'list',
  domainAdminPrincipalArns: 'list',
  opsLogRetentionDays: 'number',
  indexPrefix: 'string',
  indexRetentionDays: 'number',
  ingestMemoryMiB: 'number',
  ingestTimeoutSeconds: 'number',
  ingestReservedConcurrency: 'number',
  ingestFilter: 'string',
  ingestRetryAttempts: 'number',
  ingestMaxEventAgeSeconds: 'number',
  geoip: 'boolean',
  deadLetterExpirationDays: 'number',
  alarmEmail: 'string',
  athenaPartitionProjection: 'boolean',
  athenaLookbackDays: 'number',
  athenaBytesScannedCutoffPerQuery: 'number',
  athenaResultsExpirationDays: 'number',
  reportSchedule: 'string',
  reportEmail: 'string',
  reportSesIdentity: 'string',
  dashboards: 'boolean',
  dashboardsSignIn: 'string',
  dashboardsAdminEmail: 'string',
  dashboardsDomainPrefix: 'string',
};

/** The context keys the app reads, `flowlogs:` + prop name. */
export const CONTEXT_KEYS: readonly string[] = Object.keys(CONTEXT_KINDS).map((k) => CONTEXT_PREFIX + k);

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

function invalid(key: string, value: unknown, allowed: string, cause?: unknown): ConfigError {
  return new ConfigError(
    `invalid configuration: ${key} (context key ${CONTEXT_PREFIX}${key}) is ${show(value)}; allowed: ${allowed}`,
    cause === undefined ? undefined : { cause },
  );
}

function coerce(key: string, kind: Kind, value: unknown): unknown {
  switch (kind) {
    case 'string':
      if (typeof value === 'string') return value.trim();
      throw invalid(key, value, 'a string');
    case 'number':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
      throw invalid(key, value, 'a number');
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw invalid(key, value, 'true or false');
    case 'list':
      return list(key, value);
    case 'format':
      if (typeof value === 'string') {
        const text = value.trim();
        if (text === '' || text === 'default') return 'default';
        // A LogFormat string pasted from the console or an existing flow log.
        if (text.startsWith('${')) {
          try {
            return parseFormatString(text).fields.map((f) => f.name);
          } catch (error) {
            throw invalid(key, value, `"default", a list of field names, or a format string like "\${version} \${srcaddr}": ${message(error)}`, error);
          }
        }
      }
      return list(key, value);
  }
}

function list(key: string, value: unknown): string[] {
  // `-c flowlogs:vpcIds=vpc-1,vpc-2` arrives as one string.
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((s) => s !== '');
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value.map((v) => v.trim());
  throw invalid(key, value, 'a list of strings (a JSON array, or one comma-separated string)');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads the props from CDK context: every `flowlogs:<prop>` key. Values may be
 * JSON types (cdk.json) or strings (`-c`), which are converted. An unknown
 * `flowlogs:` key is an error, so a typo is not silently ignored.
 */
export function propsFromContext(context: Readonly<Record<string, unknown>>): FlowLogsProps {
  const props: Record<string, unknown> = {};
  const kinds: Readonly<Record<string, Kind>> = CONTEXT_KINDS;
  for (const [contextKey, value] of Object.entries(context)) {
    if (!contextKey.startsWith(CONTEXT_PREFIX)) continue;
    const key = contextKey.slice(CONTEXT_PREFIX.length);
    if (key === 'stackName') continue; // read by bin/app.ts
    const kind = kinds[key];
    if (kind === undefined) {
      throw new ConfigError(`invalid configuration: unknown context key ${contextKey}; known keys: ${CONTEXT_PREFIX}stackName, ${CONTEXT_KEYS.join(', ')}`);
    }
    if (value === undefined || value === null) continue;
    props[key] = coerce(key, kind, value);
  }
  if (props.vpcIds === undefined) throw invalid('vpcIds', undefined, 'a list of one or more VPC ids such as ["vpc-0123456789abcdef0"]');
  // The shape of every value was checked above; resolveConfig checks the values.
  return props as unknown as FlowLogsProps;
}

function oneOf<T>(key: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  const hit = allowed.find((a) => a === value);
  if (hit === undefined) throw invalid(key, value, allowed.map(show).join(', '));
  return hit;
}

/** `value` within the range a construct exports, or `fallback` (the construct's default) when unset. */
function integer(key: string, value: unknown, range: IntegerRange, fallback: number, note = ''): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw invalid(key, value, `an integer from ${range.min} to ${range.max}${note}`);
  }
  return value;
}

function bool(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(key, value, 'true or false');
  return value;
}

function text(key: string, value: unknown, pattern: RegExp, allowed: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw invalid(key, value, allowed);
  return value;
}

function strings(key: string, value: unknown, pattern: RegExp, allowed: string, minLength: number): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length < minLength) {
    throw invalid(key, value, `a list of ${minLength > 0 ? 'one or more ' : ''}${allowed}`);
  }
  for (const item of value) {
    if (typeof item !== 'string' || !pattern.test(item)) throw invalid(key, value, `a list of ${allowed}; ${show(item)} is not one`);
  }
  const unique = new Set(value);
  if (unique.size !== value.length) throw invalid(key, value, `a list of ${allowed}, each at most once`);
  return Object.freeze([...(value as string[])]);
}

const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|(role|user)\/[\w+=,.@/-]+)$/;
const DOMAIN_ARN = /^arn:aws[a-z-]*:es:[a-z0-9-]+:\d{12}:domain\/[a-z][a-z0-9-]{2,27}$/;
const DOMAIN_NAME = /^[a-z][a-z0-9-]{2,27}$/;
const INSTANCE_TYPE = /^[a-z0-9]+\.[a-z0-9]+\.search$/;
const ENGINE_VERSION = /^(OpenSearch|Elasticsearch)_\d+\.\d+$/;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SES_IDENTITY = /^([^\s@]+@)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;
const INDEX_PREFIX = /^[a-z0-9][a-z0-9_-]{0,99}$/;
/** Records a day the sizing accepts: at least one. */
const EXPECTED_DAILY_RECORDS: IntegerRange = { min: 1, max: 1e12 };
const LOG_GROUP_NAME = /^[\w\-/.#]{1,512}$/;

function logFormat(value: unknown): FlowLogFormat {
  if (value === undefined || value === 'default') return DEFAULT_FORMAT;
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw invalid('logFormat', value, '"default" or a list of field names from src/format/flow-log-schema.ts');
  }
  try {
    return formatOf(value);
  } catch (error) {
    if (error instanceof FlowLogError) throw invalid('logFormat', value, `"default" or a list of distinct field names from src/format/flow-log-schema.ts (${error.message})`, error);
    throw error;
  }
}

// Cognito refuses these words in a domain prefix.
const COGNITO_DOMAIN_PREFIX = /^(?!.*(aws|amazon|cognito))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function dashboardsConfig(props: FlowLogsProps, domain: NewDomainConfig | ExistingDomainConfig): DashboardsConfig {
  const signIn = oneOf('dashboardsSignIn', props.dashboardsSignIn, DASHBOARDS_SIGN_INS, 'iam');
  const adminEmail = text('dashboardsAdminEmail', props.dashboardsAdminEmail, EMAIL, 'an e-mail address');
  const domainPrefix = text('dashboardsDomainPrefix', props.dashboardsDomainPrefix, COGNITO_DOMAIN_PREFIX, '1 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen, without "aws", "amazon" or "cognito"');
  if (signIn === 'cognito') {
    // Cognito sign-in and fine-grained access control are settings of the domain itself.
    if (domain.kind === 'existing') throw invalid('dashboardsSignIn', signIn, '"iam" with an existing domain (opensearchEndpoint): Cognito sign-in is configured on a domain the app creates');
    if (adminEmail === undefined) throw invalid('dashboardsAdminEmail', undefined, 'the e-mail address of the first Dashboards user (required with dashboardsSignIn "cognito")');
  } else {
    if (adminEmail !== undefined) throw invalid('dashboardsAdminEmail', adminEmail, 'only with dashboardsSignIn "cognito"');
    if (domainPrefix !== undefined) throw invalid('dashboardsDomainPrefix', domainPrefix, 'only with dashboardsSignIn "cognito"');
  }
  return { import: bool('dashboards', props.dashboards, DASHBOARDS_SETUP_DEFAULTS.savedObjects), signIn, adminEmail, domainPrefix };
}

function ingestFilter(value: unknown, format: FlowLogFormat): IngestFilter {
  const filter = oneOf('ingestFilter', value, INGEST_FILTERS, INGEST_FUNCTION_DEFAULTS.filter);
  if (filter === 'reject' && !format.fields.some((f) => f.name === 'action')) {
    throw invalid('ingestFilter', value, '"all", or "reject" only with a logFormat that has the action field');
  }
  return filter;
}

function endpointHost(value: string): string {
  return value.replace(/^https:\/\//, '').replace(/\/+$/, '');
}

/**
 * Validates the props and fills in every default. Throws a {@link ConfigError}
 * for the first bad value.
 */
export function resolveConfig(props: FlowLogsProps): FlowLogsConfig {
  const vpcIds = strings('vpcIds', props.vpcIds, VPC_ID, 'VPC ids such as "vpc-0123456789abcdef0"', 1);
  if (vpcIds === undefined) throw invalid('vpcIds', undefined, 'a list of one or more VPC ids such as ["vpc-0123456789abcdef0"]');

  const destinations = props.destinations ?? DESTINATIONS;
  if (!Array.isArray(destinations) || destinations.length === 0 || destinations.some((d) => !DESTINATIONS.includes(d)) || new Set(destinations).size !== destinations.length) {
    throw invalid('destinations', destinations, `a non-empty list of distinct values from ${DESTINATIONS.map(show).join(', ')}`);
  }

  const capture = FLOW_LOG_CAPTURE_DEFAULTS;
  const s3TransitionStorageClass = oneOf('s3TransitionStorageClass', props.s3TransitionStorageClass, TRANSITION_STORAGE_CLASSES, capture.transitionStorageClass);
  const minTransition = minTransitionDays(s3TransitionStorageClass);
  const s3TransitionDays = integer('s3TransitionDays', props.s3TransitionDays, FLOW_LOG_CAPTURE_RANGES.transitionDays, capture.transitionDays, ` (0 for no transition)`);
  if (s3TransitionDays !== 0 && s3TransitionDays < minTransition) {
    throw invalid('s3TransitionDays', s3TransitionDays, `0 (no transition) or at least ${minTransition} for ${s3TransitionStorageClass}`);
  }
  const s3ExpirationDays = integer('s3ExpirationDays', props.s3ExpirationDays, FLOW_LOG_CAPTURE_RANGES.expirationDays, capture.expirationDays, ' (0 to keep objects forever)');
  if (s3ExpirationDays !== 0 && s3TransitionDays !== 0 && s3ExpirationDays <= s3TransitionDays) {
    throw invalid('s3ExpirationDays', s3ExpirationDays, `0 (keep forever) or more than s3TransitionDays (${s3TransitionDays})`);
  }

  const opensearchEndpoint = text('opensearchEndpoint', props.opensearchEndpoint, /^(https:\/\/)?[a-z0-9.-]+\/?$/, 'an https endpoint such as "https://search-name-abc123.eu-west-1.es.amazonaws.com"');
  const opensearchDomainArn = text('opensearchDomainArn', props.opensearchDomainArn, DOMAIN_ARN, 'a domain ARN such as "arn:aws:es:eu-west-1:123456789012:domain/name"');
  if (opensearchDomainArn !== undefined && opensearchEndpoint === undefined) {
    throw invalid('opensearchDomainArn', opensearchDomainArn, 'only together with opensearchEndpoint');
  }
  const domainVpcId = text('domainVpcId', props.domainVpcId, VPC_ID, 'a VPC id such as "vpc-0123456789abcdef0"');
  const domainSubnetIds = strings('domainSubnetIds', props.domainSubnetIds, SUBNET_ID, 'subnet ids such as "subnet-0123456789abcdef0"', 1);
  if (domainVpcId !== undefined && domainSubnetIds === undefined) throw invalid('domainSubnetIds', undefined, 'a list of subnet ids of domainVpcId (required with domainVpcId)');
  if (domainVpcId === undefined && domainSubnetIds !== undefined) throw invalid('domainVpcId', undefined, 'a VPC id (required with domainSubnetIds)');
  const vpcPlacement = domainVpcId !== undefined && domainSubnetIds !== undefined ? { vpcId: domainVpcId, subnetIds: domainSubnetIds } : undefined;

  const ingest = INGEST_FUNCTION_DEFAULTS;
  const indexRetentionDays = integer('indexRetentionDays', props.indexRetentionDays, INGEST_FUNCTION_RANGES.indexRetentionDays, ingest.indexRetentionDays);
  let domain: NewDomainConfig | ExistingDomainConfig;
  if (opensearchEndpoint !== undefined) {
    const endpoint = endpointHost(opensearchEndpoint);
    if (!HOSTNAME.test(endpoint)) throw invalid('opensearchEndpoint', opensearchEndpoint, 'an https endpoint such as "https://search-name-abc123.eu-west-1.es.amazonaws.com"');
    if (opensearchDomainArn === undefined && !AWS_DOMAIN_ENDPOINT.test(endpoint)) {
      throw invalid('opensearchEndpoint', opensearchEndpoint, 'a domain endpoint search-<name>-<id>.<region>.es.amazonaws.com, or set opensearchDomainArn too (custom endpoints)');
    }
    domain = { kind: 'existing', endpoint, domainArn: opensearchDomainArn };
  } else {
    const domainDefaults = SEARCH_DOMAIN_DEFAULTS;
    const instanceCount = integer('domainInstanceCount', props.domainInstanceCount, SEARCH_DOMAIN_RANGES.instanceCount, domainDefaults.instanceCount);
    const zoneAwareness = bool('domainZoneAwareness', props.domainZoneAwareness, domainDefaults.zoneAwareness);
    const availabilityZoneCount = oneOf('domainAvailabilityZoneCount', props.domainAvailabilityZoneCount, SEARCH_DOMAIN_RANGES.availabilityZoneCounts, domainDefaults.availabilityZoneCount);
    if (zoneAwareness && instanceCount % availabilityZoneCount !== 0) {
      throw invalid('domainInstanceCount', instanceCount, `a multiple of domainAvailabilityZoneCount (${availabilityZoneCount}) with zone awareness`);
    }
    if (vpcPlacement !== undefined) {
      const needed = zoneAwareness ? availabilityZoneCount : 1;
      if (vpcPlacement.subnetIds.length !== needed) {
        throw invalid('domainSubnetIds', vpcPlacement.subnetIds, `exactly ${needed} subnet id(s), one per Availability Zone the domain uses (${zoneAwareness ? `domainAvailabilityZoneCount is ${availabilityZoneCount}` : 'zone awareness is off'})`);
      }
    }
    const dedicatedMasterCount = oneOf('domainDedicatedMasterCount', props.domainDedicatedMasterCount, SEARCH_DOMAIN_RANGES.dedicatedMasterCounts, domainDefaults.dedicatedMasterCount);
    const instanceType = text('domainInstanceType', props.domainInstanceType, INSTANCE_TYPE, 'an OpenSearch instance type such as "t3.small.search" or "m7g.large.search"') ?? domainDefaults.instanceType;
    const expectedDailyRecords = integer('expectedDailyRecords', props.expectedDailyRecords, EXPECTED_DAILY_RECORDS, DEFAULT_EXPECTED_DAILY_RECORDS);
    const sizing = sizeDomain({ dailyRecords: expectedDailyRecords, retentionDays: indexRetentionDays, instanceCount });
    const volumeSizeGiB = integer('domainVolumeSizeGiB', props.domainVolumeSizeGiB, { min: sizing.volumeGiBPerNode, max: SEARCH_DOMAIN_RANGES.volumeSizeGiBMax }, sizing.volumeGiBPerNode, ` (${expectedDailyRecords} records a day kept ${indexRetentionDays} days need ${sizing.volumeGiBPerNode} GiB on each of ${instanceCount} nodes; lower expectedDailyRecords or indexRetentionDays, or add nodes)`);
    const limits = INSTANCE_LIMITS[instanceType];
    if (limits && instanceCount > limits.maxDataNodes) {
      throw invalid('domainInstanceCount', instanceCount, `at most ${limits.maxDataNodes} data nodes of ${instanceType}; choose a larger instance type such as "m7g.large.search"`);
    }
    if (limits && volumeSizeGiB > limits.maxVolumeGiB) {
      const nodesNeeded = Math.ceil(sizing.provisionedGiB / limits.maxVolumeGiB);
      const fix = nodesNeeded <= limits.maxDataNodes ? `set domainInstanceCount to ${nodesNeeded} or more, ` : '';
      throw invalid(
        'domainVolumeSizeGiB',
        volumeSizeGiB,
        `at most ${limits.maxVolumeGiB} GiB per node on ${instanceType}: ${expectedDailyRecords} records a day kept ${indexRetentionDays} days need ${Math.ceil(sizing.provisionedGiB)} GiB in all (AWS's rule source x (1 + replicas) x 1.45, plus 20% headroom); ${fix}choose a larger instance type, or lower expectedDailyRecords or indexRetentionDays`,
      );
    }
    domain = {
      kind: 'new',
      domainName: text('domainName', props.domainName, DOMAIN_NAME, '3 to 28 characters a-z, 0-9 and hyphen, starting with a letter'),
      engineVersion: text('domainEngineVersion', props.domainEngineVersion, ENGINE_VERSION, 'a version such as "OpenSearch_2.19"') ?? domainDefaults.engineVersion,
      instanceType,
      instanceCount,
      volumeSizeGiB,
      sizing,
      expectedDailyRecords,
      zoneAwareness,
      availabilityZoneCount,
      dedicatedMasterCount,
      dedicatedMasterType: text('domainDedicatedMasterType', props.domainDedicatedMasterType, INSTANCE_TYPE, 'an OpenSearch instance type such as "m7g.large.search"') ?? domainDefaults.dedicatedMasterType,
      adminPrincipalArns: strings('domainAdminPrincipalArns', props.domainAdminPrincipalArns, IAM_PRINCIPAL_ARN, 'IAM role or user ARNs such as "arn:aws:iam::123456789012:role/Admin"', 1) ?? [],
    };
  }

  const alarmEmail = text('alarmEmail', props.alarmEmail, EMAIL, 'an e-mail address');
  const reportSchedule = text('reportSchedule', props.reportSchedule, SCHEDULE_EXPRESSION_OR_OFF, '"off", or an EventBridge expression such as "cron(30 0 ? * MON *)" or "rate(7 days)"') ?? REPORT_FUNCTION_DEFAULTS.schedule;
  const reportEmail = text('reportEmail', props.reportEmail, EMAIL, 'an e-mail address');
  const reportSesIdentity = text('reportSesIdentity', props.reportSesIdentity, SES_IDENTITY, 'a verified SES identity: an e-mail address or a domain');
  if (reportSesIdentity !== undefined && reportEmail === undefined) throw invalid('reportEmail', undefined, 'an e-mail address (required with reportSesIdentity: the recipient of the HTML e-mail)');
  const dashboards = dashboardsConfig(props, domain);

  const format = logFormat(props.logFormat);
  return Object.freeze({
    vpcIds,
    trafficType: oneOf('trafficType', props.trafficType, TRAFFIC_TYPES, capture.trafficType),
    aggregationInterval: oneOf('aggregationInterval', props.aggregationInterval, AGGREGATION_INTERVALS, capture.aggregationInterval) as 60 | 600,
    format,
    cloudWatchLogs: destinations.includes('cloud-watch-logs'),
    s3: destinations.includes('s3'),
    logRetentionDays: oneOf('logRetentionDays', props.logRetentionDays, LOG_RETENTION_DAYS, capture.logRetentionDays),
    logGroupName: text('logGroupName', props.logGroupName, LOG_GROUP_NAME, 'a log group name of 1 to 512 characters a-z, A-Z, 0-9, _ - / . #'),
    logGroupKms: bool('logGroupKms', props.logGroupKms, capture.kms),
    s3TransitionDays,
    s3TransitionStorageClass,
    s3ExpirationDays,
    domain,
    vpcPlacement,
    opsLogRetentionDays: oneOf('opsLogRetentionDays', props.opsLogRetentionDays, LOG_RETENTION_DAYS, DEFAULT_LOG_RETENTION_DAYS),
    indexPrefix: text('indexPrefix', props.indexPrefix, INDEX_PREFIX, 'lower-case letters, digits, _ and -, starting with a letter or digit') ?? ingest.indexPrefix,
    indexRetentionDays,
    ingestMemoryMiB: integer('ingestMemoryMiB', props.ingestMemoryMiB, INGEST_FUNCTION_RANGES.memoryMiB, ingest.memoryMiB),
    ingestTimeoutSeconds: integer('ingestTimeoutSeconds', props.ingestTimeoutSeconds, INGEST_FUNCTION_RANGES.timeoutSeconds, ingest.timeoutSeconds),
    ingestReservedConcurrency:
      props.ingestReservedConcurrency === undefined ? undefined : integer('ingestReservedConcurrency', props.ingestReservedConcurrency, INGEST_FUNCTION_RANGES.reservedConcurrency, INGEST_FUNCTION_RANGES.reservedConcurrency.min),
    ingestFilter: ingestFilter(props.ingestFilter, format),
    ingestRetryAttempts: integer('ingestRetryAttempts', props.ingestRetryAttempts, INGEST_FUNCTION_RANGES.retryAttempts, ingest.retryAttempts),
    ingestMaxEventAgeSeconds: integer('ingestMaxEventAgeSeconds', props.ingestMaxEventAgeSeconds, INGEST_FUNCTION_RANGES.maxEventAgeSeconds, ingest.maxEventAgeSeconds),
    geoip: bool('geoip', props.geoip, ingest.geoip),
    deadLetterExpirationDays: integer('deadLetterExpirationDays', props.deadLetterExpirationDays, INGEST_FUNCTION_RANGES.deadLetterExpirationDays, ingest.deadLetterExpirationDays),
    alarmEmail,
    dashboards,
    athena: {
      partitionProjection: bool('athenaPartitionProjection', props.athenaPartitionProjection, ATHENA_CATALOG_DEFAULTS.partitionProjection),
      lookbackDays: integer('athenaLookbackDays', props.athenaLookbackDays, PARTITION_FUNCTION_RANGES.lookbackDays, PARTITION_FUNCTION_DEFAULTS.lookbackDays),
      bytesScannedCutoffPerQuery: integer(
        'athenaBytesScannedCutoffPerQuery',
        props.athenaBytesScannedCutoffPerQuery,
        ATHENA_WORKGROUP_RANGES.bytesScannedCutoffPerQuery,
        ATHENA_WORKGROUP_DEFAULTS.bytesScannedCutoffPerQuery,
        ' (Athena\'s minimum is 10 MiB)',
      ),
      resultsExpirationDays: integer('athenaResultsExpirationDays', props.athenaResultsExpirationDays, ATHENA_WORKGROUP_RANGES.resultsExpirationDays, ATHENA_WORKGROUP_DEFAULTS.resultsExpirationDays),
    },
    report: { schedule: reportSchedule, email: reportEmail, sesIdentity: reportSesIdentity },
  });
}
