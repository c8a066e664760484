/**
 * The partition function's configuration (PARTITION_ENV), read once at cold
 * start into a frozen object. The `flowlogs partitions` command reads the same
 * names, with its options laid over them. A missing or bad value throws
 * ConfigError naming the variable (or, for the CLI, its flag: {@link LoadOptions.label}).
 */
import { ConfigError, FlowLogError } from '../../src/errors.js';
import { checkAccountId, checkBucket, checkIdentifier, checkPrefix, checkRegion, type FlowLogLocation, type TableRef } from '../../src/athena/partitions.js';
import { DEFAULTS, PARTITION_ENV, PARTITION_LOOKBACK_DAYS_RANGE } from '../../src/settings.js';
import { required, wholeNumberWithin, type Env } from '../shared/env.js';

export interface PartitionConfig {
  readonly table: TableRef;
  readonly location: FlowLogLocation;
  /** Athena workgroup the statements run in; undefined only where nothing runs (a dry run). */
  readonly workgroup: string | undefined;
  /** Days before today searched for days with data and no partition. */
  readonly lookbackDays: number;
}


export interface LoadOptions {
  /** Whether a workgroup is required (it is to run anything). @default true */
  readonly requireWorkgroup?: boolean;
  /**
   * How a setting is named in the message of a bad value, given its variable's name: the
   * CLI names the flag the value came from.
   * @default - the variable's name
   */
  readonly label?: (variable: string) => string;
}

/** Wraps a check so that its ConfigError names the setting. */
function named<T>(name: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof FlowLogError) throw new ConfigError(`${name}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** Reads the configuration from an environment (process.env in Lambda). */
export function loadPartitionConfig(env: Env, options: LoadOptions = {}): PartitionConfig {
  const label = options.label ?? ((variable: string) => variable);
  /** A variable that must be set and non-empty, then pass `check`; either failure names it by its label. */
  const checked = <T>(variable: string, what: string, check: (raw: string) => T): T => {
    const raw = required(env, variable, what, label(variable));
    return named(label(variable), () => check(raw));
  };
  const database = checked(PARTITION_ENV.database, 'the Glue database', (raw) => checkIdentifier('database', raw));
  const table = checked(PARTITION_ENV.table, 'the Glue table', (raw) => checkIdentifier('table', raw));
  const bucket = checked(PARTITION_ENV.bucket, 'the flow-log bucket', checkBucket);
  // Empty is a valid prefix (logs at the bucket's root); unset is not, so that a forgotten one is noticed.
  const rawPrefix = env[PARTITION_ENV.prefix];
  if (rawPrefix === undefined) throw new ConfigError(`${label(PARTITION_ENV.prefix)} is required (the key prefix the flow log writes under, e.g. vpc-flow-logs/; empty for the bucket root)`);
  const prefix = named(label(PARTITION_ENV.prefix), () => checkPrefix(rawPrefix));
  const accountId = checked(PARTITION_ENV.accountId, 'the account in the flow-log path, 12 digits', checkAccountId);
  const rawRegion = env[PARTITION_ENV.region] || env.AWS_REGION || '';
  if (rawRegion === '') throw new ConfigError(`${label(PARTITION_ENV.region)} is required (the flow log's region, e.g. eu-west-1)`);
  const region = named(label(PARTITION_ENV.region), () => checkRegion(rawRegion));
  const location: FlowLogLocation = { bucket, prefix, accountId, region };
  const workgroup = env[PARTITION_ENV.workgroup] || undefined;
  if ((options.requireWorkgroup ?? true) && workgroup === undefined) throw new ConfigError(`${label(PARTITION_ENV.workgroup)} is required (the Athena workgroup)`);
  if (workgroup !== undefined && !/^[a-zA-Z0-9._-]{1,128}$/.test(workgroup)) throw new ConfigError(`${label(PARTITION_ENV.workgroup)} must be an Athena workgroup name, got "${workgroup}"`);
  const lookbackDays = wholeNumberWithin(env, PARTITION_ENV.lookbackDays, DEFAULTS.partitionLookbackDays, PARTITION_LOOKBACK_DAYS_RANGE, 'days');
  return Object.freeze({
    table: Object.freeze({ database, table }),
    location: Object.freeze({ ...location }),
    workgroup,
    lookbackDays,
  });
}
