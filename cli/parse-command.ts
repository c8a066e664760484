/**
 * `flowlogs parse`: flow-log records on stdin, one JSON document per line on
 * stdout, in order; `{"error": "..."}` in place of a line that does not parse.
 * Blank lines are skipped. A first line of field names (the header of a
 * flow-log file in S3: `version account-id interface-id ...`) is the format
 * when none is given, and is skipped.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatOf, type FlowLogFormat } from '../src/format/flow-log-schema.js';
import { RecordParser } from '../src/format/parse.js';
import { INGEST_ENV } from '../src/settings.js';
import { FORMAT_AND_GEO_OPTIONS, formatFrom, geoFrom, writeAll } from './common.js';

const HELP = `usage: flowlogs parse [--format FMT] [--geoip-dir DIR | --geoip-database FILE | --no-geoip] < records
Writes one JSON object per record line; blank lines are skipped. A header line of field
names (as in a flow-log file in S3) gives the format when --format is not set.
Exit 0: all parsed; 2: some did not; 1: bad usage.`;

/** The format a header line of field names declares (`version account-id ...`), or undefined if the line is a record. */
export function headerFormat(line: string): FlowLogFormat | undefined {
  const names = line.trim().split(/\s+/);
  // A record has at least one token that is no field name (an address, a number, "-").
  if (names.some((n) => !/^[a-z][a-z0-9_-]*$/.test(n))) return undefined;
  try {
    return formatOf(names);
  } catch {
    return undefined;
  }
}

export async function runParseCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: FORMAT_AND_GEO_OPTIONS, allowPositionals: true });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (positionals.length > 0) {
    process.stderr.write(`flowlogs parse: unexpected argument "${positionals[0]}" (records are read from stdin)\n${HELP}\n`);
    return 1;
  }
  const geo = geoFrom(values);
  const text = readFileSync(0, 'utf8');
  const lines = text.split('\n').map((raw) => (raw.endsWith('\r') ? raw.slice(0, -1) : raw));
  const first = lines.findIndex((l) => l.trim() !== '');
  const header = first < 0 ? undefined : headerFormat(lines[first]!);
  if (header !== undefined) lines[first] = '';
  const formatGiven = values.format !== undefined || (process.env[INGEST_ENV.flowLogFormat] ?? '') !== '';
  const parser = new RecordParser(header !== undefined && !formatGiven ? header : formatFrom(values), geo ? { geo } : {});
  let failed = 0;
  let out: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const r = parser.toJson(line);
    if (r.ok) out.push(r.value);
    else {
      failed++;
      out.push(JSON.stringify({ error: r.reason }));
    }
    if (out.length >= 10_000) {
      writeAll(1, out.join('\n') + '\n');
      out = [];
    }
  }
  if (out.length > 0) writeAll(1, out.join('\n') + '\n');
  return failed > 0 ? 2 : 0;
}
