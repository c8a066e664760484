#!/usr/bin/env node
// Builds the `flowlogs` command into dist/ (one esbuild bundle, split so that
// subcommands load lazily) and the GeoIP data into geo-data/.
//
//   node scripts/build.mjs [--outdir DIR]   (DIR instead of dist/: the tests build their own copy)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = values.outdir ? resolve(values.outdir) : `${root}dist`;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: `${root}cli/main.ts` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The ESM builds of the AWS SDK, as the functions are bundled (LAMBDA_BUNDLING): a lazily
  // imported CJS package becomes a chunk whose only export is `default`, so
  // `const { S3Client } = await import('@aws-sdk/client-s3')` read undefined and every SDK
  // path of the built command (S3 and log-group replay, SigV4) failed with a TypeError.
  mainFields: ['module', 'main'],
  sourcemap: 'linked',
  logLevel: 'warning',
  // CJS dependencies (the OpenSearch client) call require(); give ESM one.
  banner: { js: "import { createRequire as __flowlogsCreateRequire } from 'node:module';\nconst require = __flowlogsCreateRequire(import.meta.url);" },
});
chmodSync(`${outdir}/cli.js`, 0o755);
const geo = spawnSync(process.execPath, [`${root}scripts/build-geo.mjs`, '--out', `${root}geo-data`], { stdio: 'inherit' });
if (geo.status !== 0) process.exit(geo.status ?? 1);
console.error(`build: ${outdir}/cli.js and geo-data/ ready`);
