/**
 * Options several commands share (the flow-log format, GeoIP, the index prefix, the OpenSearch
 * connection), as entries of their option tables (cli/options.ts), and the values they make.
 * They fall back to the ingest function's environment variables, so the CLI and the Lambda
 * agree on names, and `--stack` reads them from the deployed functions.
 */
import { existsSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, FlowLogError } from '../src/errors.js';
import { parseFormatString, type FlowLogFormat } from '../src/format/flow-log-schema.js';
import { openGeoLookup } from '../lambdas/shared/geo-files.js';
import type { OpenSearchConnection } from '../lambdas/shared/opensearch.js';
import type { GeoLookup } from '../src/enrich/geoip.js';
import { DEFAULTS, INGEST_ENV, STACK_OUTPUTS } from '../src/settings.js';
import { AWS_DOMAIN_ENDPOINT } from '../lib/domain-endpoint.js';
import { optionName, type OptionTable } from './options.js';

/** `geo-data/` beside the package, where `npm run build` puts the bundled databases. */
export const DEFAULT_GEO_DIR = fileURLToPath(new URL('../geo-data/', import.meta.url));

/** `--format`: a setting of the deployed ingest function, so `--stack` gives it. */
export const FORMAT_OPTION = {
  format: { type: 'string', arg: 'FMT', env: [INGEST_ENV.flowLogFormat], help: "the flow log's format string ('${version} ${srcaddr} ...'); default: the default (version 2) format" },
} as const satisfies OptionTable;

/**
 * GeoIP. The folder and database of a deployed function are paths inside its bundle, never
 * the stack's to give (`stack: []`); whether GeoIP is on is.
 */
export const GEO_OPTIONS = {
  'geoip-dir': { type: 'string', arg: 'DIR', env: [INGEST_ENV.geoipDir], stack: [], help: 'folder of the GeoIP data (default: geo-data/ beside the command, made by npm run build)' },
  'geoip-database': { type: 'string', arg: 'FILE', env: [INGEST_ENV.geoipDatabase], stack: [], help: 'your own mmdb (e.g. GeoLite2 City) instead of the bundled country data' },
  'no-geoip': { type: 'boolean', env: [INGEST_ENV.geoipEnabled], envValue: 'false', help: 'no GeoIP enrichment' },
} as const satisfies OptionTable;

/** `--index-prefix`. */
export const INDEX_PREFIX_OPTION = {
  'index-prefix': { type: 'string', arg: 'P', env: [INGEST_ENV.indexPrefix], help: `daily indices <P>-YYYY.MM.DD (default ${DEFAULTS.indexPrefix})` },
} as const satisfies OptionTable;

/** How to reach an OpenSearch: the ingest function's settings, or the stack's domain endpoint output. */
export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string', arg: 'URL', env: [INGEST_ENV.endpoint], stack: [INGEST_ENV.endpoint, STACK_OUTPUTS.domainEndpoint], help: 'OpenSearch endpoint, https://... or http://...' },
  auth: { type: 'string', arg: 'aws-sigv4|basic|none', env: [INGEST_ENV.auth], help: 'default aws-sigv4 for https://, none for http://' },
  region: { type: 'string', arg: 'R', help: 'region to sign for (default: the one in an Amazon OpenSearch Service endpoint, else AWS_REGION)' },
  username: { type: 'string', arg: 'U', env: [INGEST_ENV.username], help: 'user for basic auth' },
  password: { type: 'string', arg: 'P', env: [INGEST_ENV.password], help: 'password for basic auth (prefer the variable: a flag shows in ps)' },
} as const satisfies OptionTable;

type Values<K extends string, V = string> = { readonly [P in K]?: V | undefined };

/** The format from `--format`; an empty one is the default format. */
export function formatFrom(values: Values<'format'>): FlowLogFormat {
  try {
    return parseFormatString(values.format);
  } catch (err) {
    if (!(err instanceof FlowLogError)) throw err;
    throw new ConfigError(`${optionName(FORMAT_OPTION, 'format')}: ${err.message}`, { cause: err });
  }
}

/** GeoIP lookups, unless turned off. */
export function geoFrom(values: Values<'geoip-dir' | 'geoip-database'> & Values<'no-geoip', boolean>): GeoLookup | undefined {
  if (values['no-geoip']) return undefined;
  const dir = values['geoip-dir'] ?? DEFAULT_GEO_DIR;
  const database = values['geoip-database'] || undefined;
  if (!database && !existsSync(dir)) {
    throw new ConfigError(`no GeoIP data in ${dir}: run "npm run build" (or node scripts/build-geo.mjs --out ${dir}), or pass --no-geoip`);
  }
  return openGeoLookup({ dir, ...(database ? { database } : {}) });
}

const INDEX_PREFIX = /^[a-z0-9][a-z0-9_-]*$/;

/** The index prefix from `--index-prefix`, checked; the default one when not given. */
export function indexPrefixFrom(values: Values<'index-prefix'>): string {
  const prefix = values['index-prefix'] || DEFAULTS.indexPrefix;
  if (!INDEX_PREFIX.test(prefix)) throw new ConfigError(`--index-prefix must be lower-case letters, digits, - or _, got "${prefix}"`);
  return prefix;
}

/** The connection from the {@link CONNECTION_OPTIONS} values (the endpoint required before). */
export function connectionFrom(values: Values<keyof typeof CONNECTION_OPTIONS>): OpenSearchConnection {
  const endpoint = (values.endpoint ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(endpoint)) throw new ConfigError(`--endpoint must be an http:// or https:// URL, got "${values.endpoint ?? ''}"`);
  const auth = values.auth || (endpoint.startsWith('https://') ? 'aws-sigv4' : 'none');
  if (auth !== 'aws-sigv4' && auth !== 'basic' && auth !== 'none') throw new ConfigError(`--auth must be aws-sigv4, basic or none, got "${auth}"`);
  const region = values.region || AWS_DOMAIN_ENDPOINT.exec(new URL(endpoint).hostname)?.[2] || process.env.AWS_REGION || undefined;
  return {
    endpoint,
    auth,
    ...(region ? { region } : {}),
    ...(values.username ? { username: values.username } : {}),
    ...(values.password ? { password: values.password } : {}),
  };
}

// One buffer, grown as needed, for everything written: a fresh Buffer per
// write would be external memory that outlives the write until a GC notices.
let scratch = Buffer.allocUnsafeSlow(1 << 20);

/**
 * Writes all of a string, or of several one after the other, to a file
 * descriptor, waiting out EAGAIN on a non-blocking pipe. Several strings are
 * encoded one by one into the buffer, never joined into one.
 */
export function writeAll(fd: number, text: string | readonly string[]): void {
  const texts = typeof text === 'string' ? [text] : text;
  let used = 0;
  for (const t of texts) {
    // ASCII, as nearly all is, needs as many bytes as characters: count them only when they may not fit.
    if (used + 3 * t.length > scratch.length) {
      const bytes = Buffer.byteLength(t, 'utf8');
      if (used + bytes > scratch.length) {
        flush(fd, used);
        used = 0;
        if (bytes > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.max(bytes, 2 * scratch.length));
      }
    }
    used += scratch.write(t, used, 'utf8');
  }
  flush(fd, used);
}

function flush(fd: number, length: number): void {
  let buf = scratch.subarray(0, length);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      if (code === 'EPIPE') return;
      throw err;
    }
  }
}
