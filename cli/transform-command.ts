/**
 * `flowlogs transform`: subscription events in, the `_bulk` body the ingest
 * function would send out, nothing sent. Records that would be dead-lettered
 * are reported on stderr, and the exit status is 2 if there were any.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { planBulk } from '../src/ingest/bulk.js';
import { LazyPayloadDecoder } from '../src/ingest/decode.js';
import { FlowLogError } from '../src/errors.js';
import { DailyIndexNamer } from '../src/ingest/index-name.js';
import { RecordParser } from '../src/format/parse.js';
import { DEFAULTS, INGEST_ENV } from '../src/settings.js';
import { FORMAT_AND_GEO_OPTIONS, formatFrom, geoFrom, writeAll } from './common.js';

const HELP = `usage: flowlogs transform [--format FMT] [--index-prefix P] [--geoip-dir DIR | --geoip-database FILE | --no-geoip] FILE...
Each FILE holds one Lambda event {"awslogs":{"data":"..."}}. Writes the _bulk body to stdout.`;

/** Records planned and written at a time. */
const SLICE = 500;

export async function runTransformCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { ...FORMAT_AND_GEO_OPTIONS, 'index-prefix': { type: 'string' } },
    allowPositionals: true,
  });
  if (values.help || positionals.length === 0) {
    (values.help ? process.stdout : process.stderr).write(HELP + '\n');
    return values.help ? 0 : 1;
  }
  const geo = geoFrom(values);
  const parser = new RecordParser(formatFrom(values), geo ? { geo } : {});
  const namer = new DailyIndexNamer(values['index-prefix'] ?? process.env[INGEST_ENV.indexPrefix] ?? DEFAULTS.indexPrefix);
  const decoder = new LazyPayloadDecoder();
  let problems = 0;
  for (const file of positionals) {
    let msg;
    try {
      msg = decoder.decodeEvent(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      if (!(err instanceof FlowLogError) && !(err instanceof SyntaxError)) throw err;
      problems++;
      process.stderr.write(`${file}: ${(err as Error).message}\n`);
      continue;
    }
    if (msg.messageType === 'CONTROL_MESSAGE') continue;
    // Read, planned and written a slice at a time, so that what one slice
    // allocates (its events included) dies young, instead of a whole
    // payload's being promoted and held until a full collection.
    for (let from = 0; from < msg.eventCount; from += SLICE) {
      const plan = planBulk({ ...msg, logEvents: msg.events(from, from + SLICE) }, { parser, namer });
      writeAll(1, plan.items.map((item) => item.lines));
      for (const l of plan.deadLetters) {
        problems++;
        process.stderr.write(`${file}: event ${l.id}: ${l.reason}\n`);
      }
    }
  }
  return problems > 0 ? 2 : 0;
}
