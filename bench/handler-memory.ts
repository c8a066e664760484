/**
 * Peak RSS and records/s through the real ingest handler, one payload per
 * process, for the worst payloads: the largest CloudWatch Logs can deliver
 * (10,000 events, 1 MiB of messages, with `extractedFields`), all good and
 * all bad, and payloads inflating to just under the decompression cap.
 * OpenSearch is a local stand-in that accepts every item, so the figures are
 * the function's own; dead letters go to a temp folder.
 *
 *   npx tsx bench/handler-memory.ts            # every case, one child process each
 *   (one case: --case good-10k --event FILE, FILE as the parent writes it)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { loadIngestConfig } from '../lambdas/ingest/config.js';
import { createIngestHandler } from '../lambdas/ingest/handler.js';
import { DEFAULT_FORMAT } from '../src/format/flow-log-schema.js';
import { MAX_DECOMPRESSED_BYTES } from '../src/ingest/decode.js';
import { startNullOpenSearch } from './null-opensearch.js';

const CASES = ['idle', 'good-10k', 'bad-10k', 'good-cap', 'bad-cap'] as const;
type Case = (typeof CASES)[number];

const { values } = parseArgs({ options: { case: { type: 'string' }, event: { type: 'string' } } });

function record(i: number): string {
  return `2 012345678901 eni-0a1b2c3d4e5f60718 10.0.${(i >> 8) & 255}.${i & 255} 198.18.${(i >> 8) & 255}.${i & 255} ${1024 + (i % 60000)} 443 6 ${i % 1000} ${i * 7} 1795824000 1795824060 ACCEPT OK`;
}

/** A payload as CloudWatch writes it: each event with the filter's extractedFields. */
function payload(kind: Case): { data: string; events: number; inflated: number } {
  const keys = DEFAULT_FORMAT.fields.map((f) => f.key);
  const good = kind.startsWith('good');
  // The cap cases: events of equal size so the JSON stays just under the cap.
  const cap = kind.endsWith('cap');
  const events = cap ? (good ? 45_000 : 10_000) : 10_000;
  const badLine = (i: number, len: number) => `not a flow log ${i} `.padEnd(len, 'x');
  const parts: string[] = [];
  for (let i = 0; i < events; i++) {
    const message = good ? record(i) : badLine(i, cap ? 1_150 : 96);
    const tokens = message.split(' ');
    const extracted = good ? Object.fromEntries(keys.map((k, j) => [k, tokens[j] ?? ''])) : { version: message };
    parts.push(JSON.stringify({ id: String(37_580_000_000_000_000_000_000_000_000_000_000_000_000_000_000 + i).padStart(56, '3'), timestamp: 1795824061000, message, extractedFields: extracted }));
  }
  const json = `{"messageType":"DATA_MESSAGE","owner":"012345678901","logGroup":"/vpc/flow-logs","logStream":"eni-0a1b2c3d4e5f60718-all","subscriptionFilters":["f"],"logEvents":[${parts.join(',')}]}`;
  return { data: gzipSync(json).toString('base64'), events, inflated: Buffer.byteLength(json) };
}

async function runCase(kind: Case): Promise<void> {
  const { url, server } = await startNullOpenSearch();
  const dir = mkdtempSync(join(tmpdir(), 'handler-memory-'));
  const handler = createIngestHandler(
    loadIngestConfig({ OPENSEARCH_ENDPOINT: url, OPENSEARCH_AUTH: 'none', DEAD_LETTER_DIR: dir, GEOIP_ENABLED: 'false' }),
    { quiet: true, releasePayload: true },
  );
  let line = { case: kind, events: 0, inflatedMiB: 0, seconds: 0, recordsPerSecond: 0, indexed: 0, deadLettered: 0 };
  if (kind !== 'idle') {
    // The event as the Lambda runtime hands it over, made by the parent process so that making it costs this one nothing.
    const p = JSON.parse(readFileSync(values.event!, 'utf8')) as { data: string; events: number; inflated: number };
    const event = { awslogs: { data: p.data } };
    const t0 = performance.now();
    const s = await handler(event, { getRemainingTimeInMillis: () => 300_000 });
    const seconds = (performance.now() - t0) / 1000;
    line = { case: kind, events: p.events, inflatedMiB: Number((p.inflated / 2 ** 20).toFixed(1)), seconds: Number(seconds.toFixed(2)), recordsPerSecond: Math.round(p.events / seconds), indexed: s.indexed, deadLettered: s.deadLettered };
  }
  console.log(JSON.stringify({ ...line, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
  server.close();
  rmSync(dir, { recursive: true, force: true });
}

if (values.case) {
  await runCase(values.case as Case);
} else {
  console.error(`decompression cap: ${MAX_DECOMPRESSED_BYTES / 2 ** 20} MiB`);
  const rows = [];
  const dir = mkdtempSync(join(tmpdir(), 'handler-memory-events-'));
  for (const c of CASES) {
    const file = join(dir, `${c}.json`);
    if (c !== 'idle') writeFileSync(file, JSON.stringify(payload(c)));
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--case', c, '--event', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    rows.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>);
  }
  rmSync(dir, { recursive: true, force: true });
  console.table(rows);
}
