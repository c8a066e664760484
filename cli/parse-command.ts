/**
 * `flowlogs parse`: flow-log records on stdin, one JSON document per line on
 * stdout, in order; `{"error": "..."}` in place of a line that does not parse.
 * Blank lines are skipped. A first line of field names (the header of a
 * flow-log file in S3: `version account-id interface-id ...`) is the format
 * when none is given, and is skipped, as is that header again further on (files
 * concatenated). Gzip input, as a flow-log file in S3 is (`.log.gz`), is
 * decompressed first.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { formatOf, type FlowLogFormat } from '../src/format/flow-log-schema.js';
import { RecordParser } from '../src/format/parse.js';
import { FORMAT_OPTION, GEO_OPTIONS, formatFrom, geoFrom, writeAll } from './common.js';
import { UsageError } from './errors.js';
import { HELP_OPTION, STACK_OPTION, optionHelp, parseOptionsWithStack, type OptionTable } from './options.js';
import type { StackClients } from './stack.js';

// --stack: the format (and GeoIP on or off) of a deployed ingest function, so records parse as it parses them.
const OPTIONS = { ...FORMAT_OPTION, ...GEO_OPTIONS, ...STACK_OPTION, ...HELP_OPTION } as const satisfies OptionTable;

const HELP = `usage: flowlogs parse [options] < records
       flowlogs parse [options] < 123456789012_vpcflowlogs_eu-west-1_fl-..._20261203T0000Z_abcd.log.gz

Writes one JSON object per record line; blank lines are skipped. A header line of field
names (as in a flow-log file in S3) gives the format when --format is not set, and is
skipped wherever it appears again (cat *.log.gz | flowlogs parse). Gzip input is
decompressed.

${optionHelp(OPTIONS)}

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

/**
 * The records' text from the input's bytes, decompressed when they are gzip (the magic
 * bytes 1f 8b; concatenated gzip files decompress as one).
 */
export function recordsText(bytes: Uint8Array): string {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch (err) {
    throw new UsageError(`parse: the input starts as gzip does but does not decompress (${(err as Error).message})`, { cause: err });
  }
}

/** Where {@link runParseCommand} reads and writes (tests give their own). */
export interface ParseIo {
  /** The records' bytes (or text). @default - stdin */
  readonly input?: () => Uint8Array | string;
  /** @default 1 (stdout) */
  readonly outFd?: number;
}

export async function runParseCommand(argv: readonly string[], stackClients?: StackClients, io: ParseIo = {}): Promise<number> {
  const { values, positionals } = await parseOptionsWithStack(OPTIONS, argv, stackClients);
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`parse: unexpected argument "${positionals[0]}" (records are read from stdin); see flowlogs parse --help`);
  const geo = geoFrom(values);
  const input = (io.input ?? (() => readFileSync(0)))();
  const text = typeof input === 'string' ? input : recordsText(input);
  const fd = io.outFd ?? 1;
  const lines = text.split('\n').map((raw) => (raw.endsWith('\r') ? raw.slice(0, -1) : raw));
  const first = lines.findIndex((l) => l.trim() !== '');
  const header = first < 0 ? undefined : headerFormat(lines[first]!);
  if (header !== undefined) {
    // The same header further on starts another file (cat *.log.gz): skipped, not an error line.
    const headerLine = lines[first]!.trim();
    for (let i = first; i < lines.length; i++) if (lines[i]!.trim() === headerLine) lines[i] = '';
  }
  const formatGiven = (values.format ?? '') !== '';
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
      writeAll(fd, out.join('\n') + '\n');
      out = [];
    }
  }
  if (out.length > 0) writeAll(fd, out.join('\n') + '\n');
  return failed > 0 ? 2 : 0;
}
