#!/usr/bin/env node
// Builds the `flowlogs` command into dist/ (one esbuild bundle, split so that
// subcommands load lazily) and the GeoIP data into geo-data/.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  entryPoints: { cli: `${root}cli/main.ts` },
  outdir: `${root}dist`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // CJS dependencies (the OpenSearch client) call require(); give ESM one.
  banner: { js: "import { createRequire as __flowlogsCreateRequire } from 'node:module';\nconst require = __flowlogsCreateRequire(import.meta.url);" },
});
chmodSync(`${root}dist/cli.js`, 0o755);
const geo = spawnSync(process.execPath, [`${root}scripts/build-geo.mjs`, '--out', `${root}geo-data`], { stdio: 'inherit' });
if (geo.status !== 0) process.exit(geo.status ?? 1);
console.error('build: dist/cli.js and geo-data/ ready');
