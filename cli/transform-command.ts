/**
 * `flowlogs transform`: subscription events in, the `_bulk` body the ingest
 * function would send out, nothing sent. Records that would be dead-lettered
 * are reported on stderr, and the exit status is 2 if there were any.
 */
import { readFileSync } from 'node:fs';
import { planBulk } from '../src/ingest/bulk.js';
import { LazyPayloadDecoder } from '../src/ingest/decode.js';
import { FlowLogError } from '../src/errors.js';
import { DailyIndexNamer } from '../src/ingest/index-name.js';
import { RecordParser } from '../src/format/parse.js';
import { FORMAT_OPTION, GEO_OPTIONS, INDEX_PREFIX_OPTION, formatFrom, geoFrom, indexPrefixFrom, writeAll } from './common.js';
import { HELP_OPTION, STACK_OPTION, optionHelp, parseOptionsWithStack, requireOptions, type OptionTable } from './options.js';
import type { StackClients } from './stack.js';

// --stack: the format, index prefix and GeoIP setting of a deployed ingest function, so the
// body is the one it would send.
const OPTIONS = { ...FORMAT_OPTION, ...INDEX_PREFIX_OPTION, ...GEO_OPTIONS, ...STACK_OPTION, ...HELP_OPTION } as const satisfies OptionTable;

const HELP = `usage: flowlogs transform [options] FILE...

Each FILE holds one Lambda event {"awslogs":{"data":"..."}}. Writes the _bulk body the
ingest function would send to stdout, nothing sent; records it would dead-letter go to
stderr. Exit 0: all transformed; 2: some were not; 1: bad usage.

${optionHelp(OPTIONS)}`;

/** Records planned and written at a time. */
const SLICE = 500;

/** `outFd` receives the body (tests give a file's). */
export async function runTransformCommand(argv: readonly string[], stackClients?: StackClients, outFd = 1): Promise<number> {
  const { values, positionals } = await parseOptionsWithStack(OPTIONS, argv, stackClients);
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  requireOptions('transform', OPTIONS, values, [], positionals.length === 0 ? ['no FILE given'] : []);
  const geo = geoFrom(values);
  const parser = new RecordParser(formatFrom(values), geo ? { geo } : {});
  const namer = new DailyIndexNamer(indexPrefixFrom(values));
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
      writeAll(outFd, plan.items.map((item) => item.lines));
      for (const l of plan.deadLetters) {
        problems++;
        process.stderr.write(`${file}: event ${l.id}: ${l.reason}\n`);
      }
    }
  }
  return problems > 0 ? 2 : 0;
}
