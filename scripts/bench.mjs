#!/usr/bin/env node
// `npm run bench`: our speed as ratios against the two yardsticks in
// ../shared/bench (the classic LogsToElasticsearch transform and the bare
// floor), measured in one run on the same files, for the default format and
// for a custom format with every v2-v5 field, with the ingest handler over the
// same files timed beside them (the function's own figures, against a
// stand-in OpenSearch in another process) and checked against its targets;
// then the largest payloads' peak RSS, and end-to-end records/s through the
// real handler into the local OpenSearch. Speed targets live here, never in
// unit tests.
//
//   npm run bench [-- --yardsticks DIR --runs 7 --files 20 --events 10000 --e2e-records 100000 --no-e2e]
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    yardsticks: { type: 'string' },
    runs: { type: 'string', default: '7' },
    files: { type: 'string', default: '20' },
    events: { type: 'string', default: '10000' },
    'e2e-records': { type: 'string', default: '100000' },
    'no-e2e': { type: 'boolean', default: false },
  },
});

// shared/bench beside the repository, or --yardsticks DIR (a git worktree elsewhere).
const shared = values.yardsticks ? `${values.yardsticks.replace(/\/+$/, '')}/` : fileURLToPath(new URL('../../shared/bench/', import.meta.url));
if (!existsSync(`${shared}compare.mjs`)) {
  console.error(`bench: the yardsticks are expected in ${shared} (shared/bench beside the repository; --yardsticks DIR for elsewhere)`);
  process.exit(1);
}
if (!existsSync('/usr/bin/time')) console.error('bench: /usr/bin/time is missing (Debian package "time"): peak RSS will read NaN');

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, [`${root}scripts/build.mjs`]);

// The handler over a corpus (bench/handler-corpus.ts), bundled as the deployed function is
// (lib/constructs/lambda-defaults.ts LAMBDA_BUNDLING: one minified file, names kept) so that it
// pays no TypeScript loader and starts as the function does; and the stand-in OpenSearch it
// writes to, in a process of its own.
const { build } = await import('esbuild');
await build({
  entryPoints: { 'handler-corpus': `${root}bench/handler-corpus.ts` },
  outdir: `${root}.bench`,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  mainFields: ['module', 'main'],
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __flowlogsCreateRequire } from 'node:module';\nconst require = __flowlogsCreateRequire(import.meta.url);" },
});
const standIn = spawn(process.execPath, ['--import', 'tsx', `${root}bench/null-opensearch.ts`], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const [firstChunk] = await once(standIn.stdout, 'data');
const standInUrl = String(firstChunk).trim();
// Nothing of it keeps this process alive; it ends with this one.
standIn.stdout.destroy();
standIn.unref();
process.on('exit', () => standIn.kill());

/** The medians compare.mjs prints, by command name. */
function medians(output) {
  const rows = {};
  for (const m of output.matchAll(/^(\S+)\s+(\d+) records\/s\s+wall [\d.]+ s\s+peak RSS ([\d.]+|NaN) MiB/gm)) rows[m[1]] = { rate: Number(m[2]), rssMiB: Number(m[3]) };
  return rows;
}

/** The handler path against its targets (issue 12): peak RSS no higher than the floor's, records/s within 10% of the transform's. */
function targets(format, rows) {
  const { floor, anchor, ours, handler } = rows;
  if (!floor || !anchor || !ours || !handler) return `targets: cannot compare, compare.mjs printed no figures for ${['floor', 'anchor', 'ours', 'handler'].filter((n) => !rows[n]).join(', ')}`;
  const rss = handler.rssMiB <= floor.rssMiB;
  const rate = handler.rate >= 0.9 * ours.rate;
  return [
    `handler path (${format} format), same run:`,
    `  peak RSS   handler ${handler.rssMiB.toFixed(1)} MiB, floor ${floor.rssMiB.toFixed(1)} MiB, transform ${ours.rssMiB.toFixed(1)} MiB: handler/floor ${(handler.rssMiB / floor.rssMiB).toFixed(2)} (target <= 1.00) ${rss ? 'MET' : 'MISSED'}`,
    `  records/s  handler ${handler.rate}, transform ${ours.rate}: handler/transform ${(handler.rate / ours.rate).toFixed(2)} (target >= 0.90) ${rate ? 'MET' : 'MISSED'}; handler/floor ${(handler.rate / floor.rate).toFixed(2)}, handler/anchor ${(handler.rate / anchor.rate).toFixed(2)}`,
  ].join('\n');
}
const summaries = [];

// The custom format: the 29 fields gen.mjs writes for --format custom, in its order.
const { CUSTOM_FIELDS } = await import(`${shared}formats.mjs`);
const customFormat = CUSTOM_FIELDS.map((f) => '${' + f + '}').join(' ');
const records = Number(values.files) * Number(values.events);

for (const format of ['default', 'custom']) {
  const dir = `${root}.bench/corpus-${format}-${values.files}x${values.events}`;
  if (!existsSync(dir) || readdirSync(dir).length !== Number(values.files)) {
    mkdirSync(dir, { recursive: true });
    run(process.execPath, [`${shared}gen.mjs`, '--out', dir, '--files', values.files, '--events-per-file', values.events, '--format', format, '--seed', '1']);
  }
  const formatFlag = format === 'custom' ? ` --format '${customFormat}'` : '';
  const ours = `node ${root}dist/cli.js transform${formatFlag}`;
  const handler = `node ${root}.bench/handler-corpus.mjs --endpoint ${standInUrl}${formatFlag}`;
  console.log(`\n== ${format} format: transform and the handler, all enrichment on (GeoIP country + AS, scopes, protocol, TCP flags)`);
  const compared = spawnSync(process.execPath, [
    `${shared}compare.mjs`, '--files', `${dir}/*.json`, '--records', String(records), '--runs', values.runs,
    '--cmd', `floor=node ${shared}floor.mjs`, '--cmd', `anchor=node ${shared}anchor-logstoes.mjs`, '--cmd', `ours=${ours}`, '--cmd', `handler=${handler}`,
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(compared.stdout ?? '');
  if (compared.status !== 0) process.exit(compared.status ?? 1);
  const summary = targets(format, medians(compared.stdout));
  summaries.push(summary);
  console.log(`\n${summary}`);
  // One 10,000-event payload alone: what a single invocation needs.
  const one = `${dir}/${readdirSync(dir).sort()[0]}`;
  const r = spawnSync('/usr/bin/time', ['-v', 'sh', '-c', `${ours} ${one} > /dev/null`], { encoding: 'utf8' });
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  console.log(`one ${values.events}-event payload: peak RSS ${m ? (Number(m[1]) / 1024).toFixed(1) : 'NaN'} MiB (whole process)`);
}

// The function's own figures: peak RSS and records/s through the real handler (a stand-in
// OpenSearch that accepts everything), for the worst payloads it can be given.
console.log('\n== through the handler: peak RSS and records/s per payload (one process each)');
run('npx', ['tsx', `${root}bench/handler-memory.ts`], { cwd: root });

console.log(`\n== the function's figures against its targets (${records.toLocaleString('en-US')} records; the ratios, from one run, are what counts on a shared machine)`);
console.log(summaries.join('\n'));

if (!values['no-e2e']) {
  console.log('\n== end to end: real handler into the local OpenSearch');
  run('npx', ['tsx', `${root}bench/e2e.ts`, '--records', values['e2e-records']], { cwd: root });
}
