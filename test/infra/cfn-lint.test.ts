/**
 * cfn-lint (PyPI) over the synthesized template of every configuration, and
 * one synth with real bundling that proves the ingest bundle builds, carries
 * the GeoIP data, and loads (the createRequire banner covers the CommonJS
 * dependencies).
 *
 * Fails when cfn-lint is missing, unless SKIP_CFN_LINT=1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIGS, synthesize } from '../helpers/flow-logs-stack.js';

const SKIP = process.env.SKIP_CFN_LINT === '1';
const tempDirs: string[] = [];

interface LintMatch {
  readonly Rule: { readonly Id: string };
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Message: string;
  readonly Location: { readonly Path: readonly (string | number)[] };
}

/**
 * Warnings that are CDK's doing, not ours: W3005 on a Lambda function, whose
 * L2 adds a DependsOn on its role next to the GetAtt.
 */
function tolerated(m: LintMatch): boolean {
  return m.Rule.Id === 'W3005' && m.Message.includes('/Properties/Role');
}

function cfnLint(templatePath: string): LintMatch[] {
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', templatePath], { encoding: 'utf8' });
  if (run.error) throw new Error(`cfn-lint could not run (${run.error.message}): install it with "pip install cfn-lint", or set SKIP_CFN_LINT=1`);
  // Exit code bits: 2 errors, 4 warnings, 8 informational; anything else is a crash.
  if ((run.status ?? 1) & ~(2 | 4 | 8)) throw new Error(`cfn-lint failed with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout || '[]') as LintMatch[];
}

function synthToDir(props: Parameters<typeof synthesize>[0], bundling = false): string {
  const outdir = mkdtempSync(join(tmpdir(), 'flowlogs-cdk-'));
  tempDirs.push(outdir);
  const { app } = synthesize(props, { outdir, bundling });
  app.synth();
  return outdir;
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(SKIP)('cfn-lint', () => {
  it.each(Object.entries(CONFIGS))('reports no error and no warning of ours on the %s template', (_name, props) => {
    const outdir = synthToDir(props);

    const findings = cfnLint(join(outdir, 'FlowLogs.template.json')).filter((m) => !tolerated(m));
    expect(findings.map((m) => `${m.Level} ${m.Rule.Id} ${m.Message} at ${m.Location.Path.join('/')}`)).toEqual([]);
  });
});

describe('ingest bundle', () => {
  // Builds the real asset once: esbuild, then scripts/build-geo.mjs in afterBundling.
  it('builds with esbuild, carries the GeoIP data, and runs its handler', { timeout: 180_000 }, () => {
    const outdir = synthToDir(CONFIGS.both, true);

    // The ingest function's asset is the one with geo/ (AthenaAnalytics bundles a function too).
    const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.') && statSync(join(outdir, d)).isDirectory());
    const withGeo = assets.filter((d) => existsSync(join(outdir, d, 'geo')));
    expect(withGeo).toHaveLength(1);
    const asset = join(outdir, withGeo[0]!);
    expect(existsSync(join(asset, 'index.mjs'))).toBe(true);
    expect(readdirSync(join(asset, 'geo')).length).toBeGreaterThan(0);

    // One invocation against a closed local port: the handler parses the
    // event, builds the OpenSearch client (CommonJS, through the createRequire
    // banner) and fails to install the index template with a named DeliveryError.
    const deadLetterDir = mkdtempSync(join(tmpdir(), 'flowlogs-dl-'));
    tempDirs.push(deadLetterDir);
    const script = `
      import { gzipSync } from 'node:zlib';
      const { handler } = await import(${JSON.stringify(join(asset, 'index.mjs'))});
      const payload = { messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: 'g', logStream: 's', subscriptionFilters: ['f'],
        logEvents: [{ id: '1', timestamp: 1700000000000, message: '2 123456789012 eni-1 10.0.0.1 8.8.8.8 443 50000 6 10 840 1700000000 1700000060 ACCEPT OK' }] };
      try {
        await handler({ awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } }, { getRemainingTimeInMillis: () => 6000 });
        console.log('RESULT ok');
      } catch (error) {
        console.log('RESULT ' + error.name);
      }`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, OPENSEARCH_ENDPOINT: 'http://127.0.0.1:1', OPENSEARCH_AUTH: 'none', DEAD_LETTER_DIR: deadLetterDir, GEOIP_DIR: join(asset, 'geo') },
    });
    expect(run.stderr).not.toMatch(/Dynamic require|require is not defined|Cannot find (module|package)/);
    expect(run.stdout).toContain('RESULT DeliveryError');

    // The report function's bundle (Vega, the inlined world map): one run against the same closed
    // port fails with the named ReportQueryError, and nothing is announced.
    // Only our functions' bundles are index.mjs (CDK's Trigger provider ships its own index.js).
    const reportAssets = assets.filter((d) => existsSync(join(outdir, d, 'index.mjs')) && readFileSync(join(outdir, d, 'index.mjs'), 'utf8').includes('REPORT_TOPIC_ARN'));
    expect(reportAssets).toHaveLength(1);
    const reportScript = `
      const { handler } = await import(${JSON.stringify(join(outdir, reportAssets[0]!, 'index.mjs'))});
      try {
        await handler({ time: '2026-11-30T00:30:00Z' });
        console.log('RESULT ok');
      } catch (error) {
        console.log('RESULT ' + error.name);
      }`;
    const report = spawnSync(process.execPath, ['--input-type=module', '-e', reportScript], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, OPENSEARCH_ENDPOINT: 'http://127.0.0.1:1', OPENSEARCH_AUTH: 'none', REPORT_BUCKET: 'b', REPORT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:t', AWS_REGION: 'eu-west-1' },
    });
    expect(report.stderr).not.toMatch(/Dynamic require|require is not defined|Cannot find (module|package)/);
    expect(report.stdout).toContain('RESULT ReportQueryError');
    // The Dashboards setup function's bundle: it loads the catalog, the saved-objects generator and the
    // signed OpenSearch client, answers FAILED for a resource type it does not know, and says so.
    const setupAsset = assets.map((d) => join(outdir, d, 'index.mjs')).find((f) => existsSync(f) && readFileSync(f, 'utf8').includes('Custom::OpenSearchRoleMappings'));
    expect(setupAsset).toBeDefined();
    const setupScript = `
      const { handler } = await import(${JSON.stringify(setupAsset)});
      const event = { RequestType: 'Create', ResourceType: 'Custom::Unknown', ResponseURL: 'http://127.0.0.1:1/r', StackId: 's', RequestId: 'r', LogicalResourceId: 'l',
        ResourceProperties: { Endpoint: 'https://127.0.0.1:1', IndexPrefix: 'vpcflowlogs', Region: 'eu-west-1' } };
      try { await handler(event, { logStreamName: 'ls' }); } catch (error) { console.log('RESPOND ' + error.message); }`;
    const setupRun = spawnSync(process.execPath, ['--input-type=module', '-e', setupScript], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' },
    });
    expect(setupRun.stderr).toContain('unknown resource type Custom::Unknown');
    expect(setupRun.stdout).toMatch(/^RESPOND fetch failed/m);

    if (!SKIP) {
      const findings = cfnLint(join(outdir, 'FlowLogs.template.json')).filter((m) => !tolerated(m));
      expect(findings).toEqual([]);
    }
  });
});
