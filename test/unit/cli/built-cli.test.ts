/**
 * The `flowlogs` command as `npm run build` makes it (scripts/build.mjs: one esbuild bundle
 * split into lazily loaded chunks), not as the other tests run it (through tsx, from the
 * sources). The AWS SDK is imported lazily on these paths; the bundle once took the SDK's CJS
 * builds, whose lazily imported chunks export only `default`, and each path below failed with
 * "X is not a constructor" or "defaultProvider is not a function" though the sources worked.
 * Without credentials, each must end with the one line that says so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'flowlogs-built-'));
const built = join(scratch, 'dist');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--outdir', built], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}, 120_000);

/** The built command with no AWS credentials anywhere (no profile, no instance metadata). */
function flowlogs(args: readonly string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [join(built, 'cli.js'), ...args], {
    encoding: 'utf8',
    cwd: scratch,
    env: { PATH: process.env.PATH ?? '', HOME: scratch, AWS_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr };
}

const NO_CREDENTIALS = /^flowlogs: no AWS credentials: .*Could not load credentials from any providers.*\(configure them, .*\)\n$/;

describe('the built flowlogs command, without AWS credentials', () => {
  it('replay from the flow-log group (CloudWatch Logs client)', () => {
    const r = flowlogs(['replay', '--endpoint', 'http://127.0.0.1:9', '--auth', 'none', '--no-geoip', '--log-group', 'g', '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T01:00:00Z']);

    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(NO_CREDENTIALS);
  });

  it('--stack (CloudFormation and Lambda clients)', () => {
    const r = flowlogs(['partitions', '--stack', 'VpcFlowLogs', '--from', '2026-01-01', '--to', '2026-01-01', '--dry-run']);

    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(NO_CREDENTIALS);
  });

  it('replay from S3 (S3 client)', () => {
    const r = flowlogs(['replay', '--endpoint', 'http://127.0.0.1:9', '--auth', 'none', '--no-geoip', 's3://flow-log-dead-letters/dead-letters/2026/01/01/']);

    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(NO_CREDENTIALS);
  });

  it('replay to an Amazon OpenSearch Service domain (SigV4: the credential chain), stopping at once rather than at its deadline', () => {
    const file = join(scratch, 'event.json');
    writeFileSync(file, JSON.stringify({ awslogs: { data: 'H4sIAAAAAAAAA6tWSkksSVSyUlAqS8wpTVWqBQBIZ0YOEgAAAA==' } }));
    const started = Date.now();

    const r = flowlogs(['replay', '--endpoint', 'https://search-flowlogs-abc123.eu-west-1.es.amazonaws.com', '--no-geoip', file]);

    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(NO_CREDENTIALS);
    // The event's deadline is 120 s: missing credentials must not be retried until then.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('dashboards import into an Amazon OpenSearch Service domain (SigV4 through the OpenSearch client)', () => {
    const r = flowlogs(['dashboards', '--endpoint', 'https://search-flowlogs-abc123.eu-west-1.es.amazonaws.com']);

    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(NO_CREDENTIALS);
  });

  it('report from an Amazon OpenSearch Service domain (SigV4 through the OpenSearch client)', () => {
    const r = flowlogs(['report', '--endpoint', 'https://search-flowlogs-abc123.eu-west-1.es.amazonaws.com', '--out', join(scratch, 'r.html')]);

    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(NO_CREDENTIALS);
  });
});
