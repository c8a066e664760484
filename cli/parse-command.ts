/**
 * `flowlogs parse`: flow-log records on stdin, one JSON document per line on
 * stdout, in order; `{"error": "..."}` in place of a line that does not parse.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RecordParser } from '../src/format/parse.js';
import { FORMAT_AND_GEO_OPTIONS, formatFrom, geoFrom, writeAll } from './common.js';

const HELP = `usage: flowlogs parse [--format FMT] [--geoip-dir DIR | --geoip-database FILE | --no-geoip] < records
Writes one JSON object per input line. Exit 0: all parsed; 2: some did not; 1: bad usage.`;

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
  const parser = new RecordParser(formatFrom(values), geo ? { geo } : {});
  const text = readFileSync(0, 'utf8');
  const lines = text.split('\n');
  // A final newline ends the last record; it does not start another.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let failed = 0;
  let out: string[] = [];
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
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
