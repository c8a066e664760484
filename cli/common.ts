/**
 * Options shared by the subcommands: the flow-log format and GeoIP, read from
 * flags with the ingest function's environment variables as fallback, so the
 * CLI and the Lambda agree on names.
 */
import { existsSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../src/errors.js';
import { parseFormatString, type FlowLogFormat } from '../src/format/flow-log-schema.js';
import { openGeoLookup } from '../lambdas/shared/geo-files.js';
import type { GeoLookup } from '../src/enrich/geoip.js';
import { INGEST_ENV } from '../src/settings.js';

/** Flags every subcommand that parses records accepts. */
export const FORMAT_AND_GEO_OPTIONS = {
  format: { type: 'string' },
  'geoip-dir': { type: 'string' },
  'geoip-database': { type: 'string' },
  'no-geoip': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface FormatAndGeoValues {
  format?: string;
  'geoip-dir'?: string;
  'geoip-database'?: string;
  'no-geoip'?: boolean;
}

/** The format from --format or FLOW_LOG_FORMAT; the default format otherwise. */
export function formatFrom(values: FormatAndGeoValues): FlowLogFormat {
  return parseFormatString(values.format ?? process.env[INGEST_ENV.flowLogFormat]);
}

/** `geo-data/` beside the package, where `npm run build` puts the bundled databases. */
export const DEFAULT_GEO_DIR = fileURLToPath(new URL('../geo-data/', import.meta.url));

/** GeoIP lookups, unless turned off. */
export function geoFrom(values: FormatAndGeoValues): GeoLookup | undefined {
  if (values['no-geoip'] || process.env[INGEST_ENV.geoipEnabled] === 'false') return undefined;
  const dir = values['geoip-dir'] ?? process.env[INGEST_ENV.geoipDir] ?? DEFAULT_GEO_DIR;
  const database = values['geoip-database'] ?? process.env[INGEST_ENV.geoipDatabase];
  if (!database && !existsSync(dir)) {
    throw new ConfigError(`no GeoIP data in ${dir}: run "npm run build" (or node scripts/build-geo.mjs --out ${dir}), or pass --no-geoip`);
  }
  return openGeoLookup({ dir, ...(database ? { database } : {}) });
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
