/**
 * The ingest handler over a corpus of saved subscription events, with the
 * command line of `flowlogs transform FILE...`, so `npm run bench` times it
 * beside the transform and the yardsticks as one more whole process: every
 * file is one Lambda event `{"awslogs":{"data":...}}` handed to the real
 * handler (decode, parse, enrich, `_bulk` over HTTP, the answer read back)
 * one after the other, as one warm function instance would take them. The
 * OpenSearch is `--endpoint`, a stand-in in another process
 * (bench/null-opensearch.ts), so its work is not counted here.
 *
 *   node .bench/handler-corpus.mjs --endpoint URL [--format FMT] [--geoip-dir DIR] FILE...
 *
 * Exit 1 unless every record of every file was indexed: a figure over records that were
 * dead-lettered would not be the function's throughput.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadIngestConfig } from '../lambdas/ingest/config.js';
import { createIngestHandler } from '../lambdas/ingest/handler.js';
import { INGEST_ENV } from '../src/settings.js';

const { values, positionals } = parseArgs({
  options: { endpoint: { type: 'string' }, format: { type: 'string' }, 'geoip-dir': { type: 'string' } },
  allowPositionals: true,
});
if (!values.endpoint || positionals.length === 0) {
  process.stderr.write('usage: handler-corpus --endpoint URL [--format FMT] [--geoip-dir DIR] FILE...\n');
  process.exit(64);
}
const dir = mkdtempSync(join(tmpdir(), 'handler-corpus-'));
const handler = createIngestHandler(
  loadIngestConfig({
    [INGEST_ENV.endpoint]: values.endpoint,
    [INGEST_ENV.auth]: 'none',
    [INGEST_ENV.deadLetterDir]: dir,
    [INGEST_ENV.geoipDir]: values['geoip-dir'] ?? new URL('../geo-data/', import.meta.url).pathname,
    ...(values.format ? { [INGEST_ENV.flowLogFormat]: values.format } : {}),
  }),
  // As the Lambda entry point runs it: each event is parsed from its file, the
  // invocation's alone, as the runtime parses each invocation's body.
  { quiet: true, releasePayload: true },
);
// A Lambda invocation's deadline is minutes; the bench must never hit it.
const context = { getRemainingTimeInMillis: () => 900_000 };
let recordsIn = 0;
let indexed = 0;
for (const file of positionals) {
  const s = await handler(JSON.parse(readFileSync(file, 'utf8')) as Parameters<typeof handler>[0], context);
  recordsIn += s.recordsIn;
  indexed += s.indexed;
}
rmSync(dir, { recursive: true, force: true });
process.stderr.write(`handler: ${indexed} of ${recordsIn} records indexed from ${positionals.length} events\n`);
process.exitCode = indexed === recordsIn && recordsIn > 0 ? 0 : 1;
