import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { savedObjectsNdjson } from '../../../src/reports/dashboards.js';
import { recordedAnswer, startFakeDashboards, type FakeDashboards } from '../../helpers/recorded-dashboards.js';
import { runCli, runCliAsync } from '../../helpers/run-cli.js';

// No credentials anywhere: --out and imports with --auth none must not need them.
const NO_AWS = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'no-such-profile', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', OPENSEARCH_ENDPOINT: '' };
const NDJSON =
  '{"type":"index-pattern","id":"flowlogs-test-pattern","attributes":{"title":"vpcflowlogs-*"},"references":[]}\n' +
  '{"type":"dashboard","id":"flowlogs-test-dashboard","attributes":{"title":"VPC Flow Logs"},"references":[]}\n';

const dir = mkdtempSync(join(tmpdir(), 'dashboards-cli-'));
const file = join(dir, 'objects.ndjson');
writeFileSync(file, NDJSON);

let fake: FakeDashboards | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('flowlogs dashboards --endpoint', () => {
  it('imports into a self-managed Dashboards at its own URL and says how many objects', async () => {
    fake = await startFakeDashboards([recordedAnswer('success')]);

    const r = await runCliAsync(['dashboards', '--endpoint', fake.url, '--auth', 'none', '--dashboards-path', '/', '--file', file], NO_AWS);

    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`imported 2 saved objects into ${fake.url}\n`);
    expect(fake.requests.map((q) => `${q.method} ${q.url} ${String(q.headers['osd-xsrf'])}`)).toEqual(['POST /api/saved_objects/_import?overwrite=true true']);
    expect(fake.requests[0]?.body.toString()).toContain(NDJSON);
  });

  it('sends basic credentials when asked', async () => {
    fake = await startFakeDashboards([recordedAnswer('success')]);

    const r = await runCliAsync(['dashboards', '--endpoint', fake.url, '--auth', 'basic', '--username', 'admin', '--password', 's3cret!', '--file', file], NO_AWS);

    expect(r.status).toBe(0);
    expect(fake.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('admin:s3cret!').toString('base64')}`);
    expect(fake.requests[0]?.url).toBe('/_dashboards/api/saved_objects/_import?overwrite=true');
  });

  it('exits 2 with each object Dashboards refused on a 200 with partial errors', async () => {
    fake = await startFakeDashboards([recordedAnswer('partial-errors')]);

    const r = await runCliAsync(['dashboards', '--endpoint', fake.url, '--auth', 'none', '--file', file], NO_AWS);

    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'flowlogs: Dashboards imported 1 saved object(s) and refused 2:\n' +
        '  dashboard/flowlogs-test-dashboard "VPC Flow Logs": missing references visualization/flowlogs-missing-vis\n' +
        '  index-pattern/flowlogs-test-pattern "vpcflowlogs-*": no permissions for [indices:data/write/bulk[s]] and User [name=arn:aws:iam::123456789012:role/Dashboards, backend_roles=[], requestedTenant=null] (403)\n',
    );
  });

  it('exits 2 with Dashboards\' message on a 5xx', async () => {
    fake = await startFakeDashboards([recordedAnswer('server-error')]);

    const r = await runCliAsync(['dashboards', '--endpoint', fake.url, '--auth', 'none', '--file', file], NO_AWS);

    expect(r.status).toBe(2);
    expect(r.stderr).toBe('flowlogs: Dashboards refused the saved-objects import: HTTP 500: An internal server error occurred.\n');
  });

  it('exits 2 when Dashboards never answers within --timeout-seconds', async () => {
    fake = await startFakeDashboards(['silent']);

    const r = await runCliAsync(['dashboards', '--endpoint', fake.url, '--auth', 'none', '--file', file, '--timeout-seconds', '0.3'], NO_AWS);

    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`flowlogs: POST ${fake.url}/_dashboards/api/saved_objects/_import: no answer within 300 ms (timed out)\n`);
  });
});

describe('flowlogs dashboards usage', () => {
  it('wants exactly one of --out and --endpoint', () => {
    const { OPENSEARCH_ENDPOINT: _, ...noEndpoint } = NO_AWS;
    const neither = runCli(['dashboards'], '', noEndpoint);
    expect(neither.status).toBe(1);
    expect(neither.stderr).toBe('flowlogs: dashboards: missing --endpoint (or OPENSEARCH_ENDPOINT); or --out FILE to write the objects to a file; see flowlogs dashboards --help\n');
    const both = runCli(['dashboards', '--out', join(dir, 'x.ndjson'), '--endpoint', 'http://127.0.0.1:1'], '', NO_AWS);
    expect(both.status).toBe(1);
    expect(both.stderr).toBe('flowlogs: dashboards: --out and --endpoint exclude each other; see flowlogs dashboards --help\n');
  });

  it('refuses an unknown --auth', () => {
    const r = runCli(['dashboards', '--endpoint', 'http://127.0.0.1:1', '--auth', 'kerberos', '--file', file], '', NO_AWS);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('flowlogs: --auth must be aws-sigv4, basic or none, got "kerberos"\n');
  });
});

describe('flowlogs dashboards --out', () => {
  it('writes the saved objects generated for the index prefix, with no endpoint and no credentials', () => {
    const out = join(dir, 'flows.ndjson');

    const r = runCli(['dashboards', '--out', out, '--index-prefix', 'flows'], '', NO_AWS);

    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const written = readFileSync(out, 'utf8');
    expect(written).toBe(savedObjectsNdjson({ indexPrefix: 'flows' }));
    const objects = written.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; attributes: { title?: string } });
    expect(objects.find((o) => o.type === 'index-pattern')?.attributes.title).toBe('flows-*');
    expect(r.stdout).toBe(`wrote ${objects.length} saved objects for flows-* to ${out}\n`);
  });

  it('writes to stdout with --out -, for the default prefix', () => {
    const r = runCli(['dashboards', '--out', '-'], '', NO_AWS);

    expect(r.status).toBe(0);
    expect(r.stdout).toBe(savedObjectsNdjson({ indexPrefix: 'vpcflowlogs' }));
  });
});
