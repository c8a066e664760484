#!/usr/bin/env node
// `npm run mutate`: Stryker over the pure core (stryker.config.json `mutate`:
// src/ingest, src/format, src/enrich, src/reports/catalog.ts) with the fast
// unit tests (vitest.stryker.config.ts), then a per-file table and the
// overall score as the last line. The HTML report is written to
// reports/mutation/index.html. Extra arguments go to `stryker run`, e.g.
// `npm run mutate -- --mutate src/ingest/deliver.ts`.
// Incremental: results whose code and covering tests did not change are
// reused from stryker-incremental.json (optional: without it every mutant
// runs), so only what changed is run again.
//
//   npm run mutate [-- --mutate FILE,FILE... | --force] [--break PCT]
//   npm run mutate:changed [-- BASE]   only the core files changed since BASE (default origin/main or main)
//   npm run mutate:ci                  the delivery and parse files, failing below 80% (part of test:all)
//   node scripts/mutate.mjs --table [REPORT]   only the table and score of a report already written
//
// --break PCT exits non-zero when "killed or justified" is below PCT.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const REPORT = 'reports/mutation/mutation.json';
// The entries of stryker.config.json's `mutate`, as path prefixes.
const CORE = ['src/ingest/', 'src/format/', 'src/enrich/', 'src/reports/catalog.ts'];
// What `--ci` mutates: the files whose bugs lose or duplicate records (delivery) or corrupt them (parse).
const CI_FILES = ['src/ingest/deliver.ts', 'src/format/parse.ts'];
const CI_BREAK = 80;

const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });

/** Core files changed since `base` (committed or not), for `--changed`. */
function changedCoreFiles(base) {
  const ref = base ?? (git('rev-parse', '--verify', '-q', 'origin/main').status === 0 ? 'origin/main' : 'main');
  const mergeBase = git('merge-base', ref, 'HEAD').stdout.trim() || ref;
  const out = git('diff', '--name-only', mergeBase, '--', ...CORE);
  if (out.status !== 0) throw new Error(`git diff against ${ref} failed: ${out.stderr.trim()}`);
  return out.stdout.split('\n').filter((f) => f.endsWith('.ts') && existsSync(`${root}${f}`));
}

let args = process.argv.slice(2);
let breakAt;
const b = args.indexOf('--break');
if (b >= 0) {
  breakAt = Number(args[b + 1]);
  if (!Number.isFinite(breakAt)) throw new Error(`--break needs a percentage, got ${args[b + 1]}`);
  args.splice(b, 2);
}
let reportFile = `${root}${REPORT}`;
const tableOnly = args[0] === '--table';
if (tableOnly) {
  reportFile = args[1] ?? reportFile;
} else if (args[0] === '--ci') {
  args = ['--mutate', CI_FILES.join(','), ...args.slice(1)];
  breakAt ??= CI_BREAK;
  console.log(`mutate: ${CI_FILES.join(' ')}, failing below ${breakAt}% killed or justified`);
} else if (args[0] === '--changed') {
  const files = changedCoreFiles(args[1]);
  if (files.length === 0) {
    console.log('mutate: no core file changed; nothing to mutate');
    process.exit(0);
  }
  console.log(`mutate: ${files.length} changed core file(s): ${files.join(' ')}`);
  args = ['--mutate', files.join(','), ...args.slice(2)];
}

if (!tableOnly) {
  // A report left by an earlier run must not be read as this run's.
  rmSync(reportFile, { force: true });
  const run = spawnSync(process.execPath, [`${root}node_modules/@stryker-mutator/core/bin/stryker.js`, 'run', ...args], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

// The score, counted the way Stryker counts it: killed and timed-out mutants
// over every mutant that ran or could have run. "Justified" adds the mutants
// disabled in the code with a reason (equivalent ones); static mutants left
// out by ignoreStatic count nowhere.
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
// Stryker's report also lists files of the incremental file that this run did
// not mutate: count only those asked for with --mutate (all files otherwise).
const m = args.indexOf('--mutate');
const globRe = (g) => new RegExp(`^${g.replace(/:[\d:-]+$/, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\uE000').replace(/\*/g, '[^/]*').replace(/\uE000/g, '.*')}$`);
const wanted = m >= 0 ? args[m + 1].split(',').map(globRe) : undefined;
if (wanted) for (const file of Object.keys(report.files)) if (!wanted.some((re) => re.test(file))) delete report.files[file];
const STATUSES = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'Justified', 'Static', 'Errors'];
const count = () => Object.fromEntries(STATUSES.map((s) => [s, 0]));
const total = count();
const rows = [];
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [c]) => a.localeCompare(c))) {
  const n = count();
  for (const m of mutants) {
    const status = m.status === 'Ignored' ? (/ignoreStatic/.test(m.statusReason ?? '') ? 'Static' : 'Justified') : m.status in n ? m.status : 'Errors';
    n[status]++;
    total[status]++;
  }
  rows.push([file, n]);
}
const pct = (a, c) => (c === 0 ? 'n/a' : `${((100 * a) / c).toFixed(2)}%`);
const detected = (n) => n.Killed + n.Timeout;
const valid = (n) => detected(n) + n.Survived + n.NoCoverage;
const justifiedScore = (n) => pct(detected(n) + n.Justified, valid(n) + n.Justified);

const header = ['file', 'killed', 'timeout', 'survived', 'no cov', 'equiv', 'all', 'score', 'killed|equiv'];
const table = [header, ...[...rows, ['all files', total]].map(([file, n]) => [file, n.Killed, n.Timeout, n.Survived, n.NoCoverage, n.Justified, valid(n) + n.Justified, pct(detected(n), valid(n)), justifiedScore(n)])];
const widths = header.map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
console.log('');
for (const r of table) console.log(r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  '));
console.log(`report: ${root}reports/mutation/index.html`);
if (total.Errors > 0) console.log(`(${total.Errors} mutant(s) ended in an error or compile error; counted nowhere)`);
const overall = valid(total) + total.Justified === 0 ? 100 : (100 * (detected(total) + total.Justified)) / (valid(total) + total.Justified);
console.log(
  `mutation score ${pct(detected(total), valid(total))} (${detected(total)} of ${valid(total)} killed; ${total.Survived} survived, ${total.NoCoverage} no coverage); ` +
    `killed or justified-equivalent ${justifiedScore(total)} (${detected(total) + total.Justified} of ${valid(total) + total.Justified}; ${total.Justified} equivalent, disabled with a reason; ${total.Static} static not run)`,
);
if (breakAt !== undefined && overall < breakAt) {
  console.error(`mutate: killed or justified-equivalent ${overall.toFixed(2)}% is below the break threshold ${breakAt}%`);
  process.exit(1);
}
