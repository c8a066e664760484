#!/usr/bin/env node
// `npm run mutate`: Stryker over the pure core (stryker.config.json) with the
// unit tests, then the overall score as the last line. Extra arguments go to
// `stryker run`, e.g. `npm run mutate -- --mutate src/ingest/deliver.ts`.
// Incremental: results whose code and covering tests did not change are
// reused from stryker-incremental.json, so only what changed is run again.
//
//   npm run mutate [-- --mutate FILE... | --force]
//   npm run mutate:changed [-- BASE]   only the core files changed since BASE (default origin/main or main)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const REPORT = 'reports/mutation/mutation.json';
// The globs of stryker.config.json's `mutate`, as path prefixes.
const CORE = ['src/ingest/', 'src/format/', 'src/enrich/', 'src/reports/'];

const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });

/** Core files changed since `base` (committed or not), for `--changed`. */
function changedCoreFiles(base) {
  const ref = base ?? (git('rev-parse', '--verify', '-q', 'origin/main').status === 0 ? 'origin/main' : 'main');
  const mergeBase = git('merge-base', ref, 'HEAD').stdout.trim() || ref;
  const out = git('diff', '--name-only', mergeBase, '--', ...CORE);
  if (out.status !== 0) throw new Error(`git diff against ${ref} failed: ${out.stderr.trim()}`);
  return out.stdout
    .split('\n')
    .filter((f) => f.endsWith('.ts') && existsSync(`${root}${f}`));
}

let args = process.argv.slice(2);
if (args[0] === '--changed') {
  const files = changedCoreFiles(args[1]);
  if (files.length === 0) {
    console.log('mutate: no core file changed; nothing to mutate');
    process.exit(0);
  }
  console.log(`mutate: ${files.length} changed core file(s): ${files.join(' ')}`);
  args = ['--mutate', files.join(',')];
}

const run = spawnSync(process.execPath, [`${root}node_modules/@stryker-mutator/core/bin/stryker.js`, 'run', ...args], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

// The score, counted the way Stryker counts it: killed and timed-out mutants
// over every mutant that ran or could have run. "Justified" adds the mutants
// disabled in the code with a reason (equivalent ones); static mutants left
// out by ignoreStatic count nowhere.
const report = JSON.parse(readFileSync(`${root}${REPORT}`, 'utf8'));
const n = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Justified: 0, Static: 0, Errors: 0 };
for (const file of Object.values(report.files)) {
  for (const m of file.mutants) {
    if (m.status === 'Ignored') n[/ignoreStatic/.test(m.statusReason ?? '') ? 'Static' : 'Justified']++;
    else if (m.status in n) n[m.status]++;
    else n.Errors++;
  }
}
const detected = n.Killed + n.Timeout;
const valid = detected + n.Survived + n.NoCoverage;
const pct = (a, b) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(2)}%`);
console.log(`report: ${root}reports/mutation/index.html`);
console.log(
  `mutation score ${pct(detected, valid)} (${detected} of ${valid} killed; ${n.Survived} survived, ${n.NoCoverage} no coverage); ` +
    `killed or justified ${pct(detected + n.Justified, valid + n.Justified)} (${n.Justified} equivalent, disabled with a reason; ${n.Static} static not run)`,
);
