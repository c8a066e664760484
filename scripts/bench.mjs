#!/usr/bin/env node
// `npm run bench`: our speed as ratios against the two yardsticks in
// ../shared/bench (the classic LogsToElasticsearch transform and the bare
// floor), measured in one run on the same files, for the default format and
// for a custom format with every v2-v5 field; then the largest payload's
// peak RSS, and end-to-end records/s through the real handler into the local
// OpenSearch. Speed targets live here, never in unit tests.
//
//   npm run bench [-- --runs 7 --files 20 --events 10000 --e2e-records 100000 --no-e2e]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = fileURLToPath(new URL('../../shared/bench/', import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    files: { type: 'string', default: '20' },
    events: { type: 'string', default: '10000' },
    'e2e-records': { type: 'string', default: '100000' },
    'no-e2e': { type: 'boolean', default: false },
  },
});

if (!existsSync(`${shared}compare.mjs`)) {
  console.error(`bench: the yardsticks are expected in ${shared} (shared/bench beside the repository)`);
  process.exit(1);
}
if (!existsSync('/usr/bin/time')) console.error('bench: /usr/bin/time is missing (Debian package "time"): peak RSS will read NaN');

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, [`${root}scripts/build.mjs`]);

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
  const ours = `node ${root}dist/cli.js transform` + (format === 'custom' ? ` --format '${customFormat}'` : '');
  console.log(`\n== ${format} format: transform, all enrichment on (GeoIP country + AS, scopes, protocol, TCP flags)`);
  run(process.execPath, [
    `${shared}compare.mjs`, '--files', `${dir}/*.json`, '--records', String(records), '--runs', values.runs,
    '--cmd', `floor=node ${shared}floor.mjs`, '--cmd', `anchor=node ${shared}anchor-logstoes.mjs`, '--cmd', `ours=${ours}`,
  ]);
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

if (!values['no-e2e']) {
  console.log('\n== end to end: real handler into the local OpenSearch');
  run('npx', ['tsx', `${root}bench/e2e.ts`, '--records', values['e2e-records']], { cwd: root });
}
