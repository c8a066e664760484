/**
 * What each entry point loads, read from esbuild's metafile of its bundle:
 * the CLI and the functions must never pull in the CDK app (aws-cdk-lib is
 * some 60 MB of JavaScript: `flowlogs transform` once loaded it through
 * cli/common.ts -> lib/config.ts, and peaked at 240 MiB instead of 140), and
 * the core (src/) imports no AWS SDK and reads no files.
 */
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ENTRIES = ['cli/main.ts', 'lambdas/ingest/handler.ts', 'lambdas/partitions/handler.ts', 'lambdas/reports/handler.ts', 'lambdas/dashboards/handler.ts', 'demo/main.ts'];

async function metafile(entry: string): Promise<Metafile> {
  // Splitting, as the CLI is built: lazily imported commands are inputs too.
  const result = await build({ entryPoints: [entry], bundle: true, splitting: true, format: 'esm', platform: 'node', outdir: '/nonexistent', write: false, metafile: true, logLevel: 'silent' });
  return result.metafile;
}

describe.each(ENTRIES)('%s', (entry) => {
  it('loads nothing of the CDK app: no aws-cdk-lib, no constructs, nothing under lib/ but the domain endpoint form', async () => {
    const inputs = Object.keys((await metafile(entry)).inputs);
    expect(inputs.length).toBeGreaterThan(10);
    expect(inputs.filter((p) => /node_modules\/(aws-cdk-lib|constructs|cdk-nag)\//.test(p))).toEqual([]);
    expect(inputs.filter((p) => p.startsWith('lib/') && p !== 'lib/domain-endpoint.ts')).toEqual([]);
  }, 30_000);
});

describe('the ingest function', () => {
  it('loads no OpenSearch client: its requests go over its own HTTP path (lambdas/shared/opensearch-http.ts)', async () => {
    const inputs = Object.keys((await metafile('lambdas/ingest/handler.ts')).inputs);
    expect(inputs).toContain('lambdas/shared/opensearch-http.ts');
    expect(inputs.filter((p) => p.includes('node_modules/@opensearch-project/'))).toEqual([]);
  }, 30_000);
});

describe('the core (src/)', () => {
  it('imports no AWS SDK, no OpenSearch client and no file system, in any entry point', async () => {
    const offending: string[] = [];
    for (const entry of ENTRIES) {
      const { inputs } = await metafile(entry);
      for (const [path, input] of Object.entries(inputs)) {
        if (!path.startsWith('src/')) continue;
        for (const i of input.imports) {
          if (/^(node:)?fs(\/|$)|@aws-sdk\/|@opensearch-project\//.test(i.original ?? i.path)) offending.push(`${path} -> ${i.original ?? i.path}`);
        }
      }
    }
    expect([...new Set(offending)]).toEqual([]);
  }, 60_000);
});
