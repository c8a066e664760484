/**
 * `--stack NAME` on every command: settings taken from a deployed stack (mocked with
 * aws-sdk-client-mock: CloudFormation outputs, Lambda environment), a flag overriding the
 * stack, and every missing option named at once. Commands run in this process, their output
 * captured; the OpenSearch and Dashboards they talk to are local stand-ins.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDashboardsCommand } from '../../../cli/dashboards-command.js';
import { runParseCommand } from '../../../cli/parse-command.js';
import { runPartitionsCommand } from '../../../cli/partitions.js';
import { runReplayCommand } from '../../../cli/replay-command.js';
import { runReportCommand } from '../../../cli/report-command.js';
import { runTransformCommand } from '../../../cli/transform-command.js';
import { dataMessage, subscriptionEvent } from '../../helpers/events.js';
import { recordedAnswer, startFakeDashboards, type FakeDashboards } from '../../helpers/recorded-dashboards.js';
import { mockStack, type MockedStack } from '../../helpers/stack-mock.js';

const STACK = 'VpcFlowLogs';
const INGEST_FUNCTION = 'VpcFlowLogs-IngestFunction1A2B3C-x1y2z3';
const PARTITION_FUNCTION = 'VpcFlowLogs-PartitionFunction4D5E6F-a1b2c3';
const FORMAT = '${srcaddr} ${dstaddr} ${bytes} ${action}';
const RECORDS = ['198.18.0.10 10.0.1.5 8400 ACCEPT', '10.0.1.5 198.18.0.10 0 REJECT'];

/** The ingest function's environment as the stack sets it, pointed at `endpoint`. */
function ingestEnvironment(endpoint: string): Record<string, string> {
  return {
    OPENSEARCH_ENDPOINT: endpoint,
    OPENSEARCH_AUTH: 'none',
    INDEX_PREFIX: 'flows',
    INDEX_RETENTION_DAYS: '30',
    FLOW_LOG_FORMAT: FORMAT,
    DEAD_LETTER_BUCKET: 'vpcflowlogs-deadletterbucket-1abc',
    DEAD_LETTER_PREFIX: 'dead-letters/',
    GEOIP_ENABLED: 'false',
    // The function's bundle: never a folder of this machine.
    GEOIP_DIR: '/var/task/geo',
    BULK_MAX_BYTES: '5242880',
  };
}

/**
 * Checked by hand: 1795824061000 ms is 2026-11-28T00:01:01Z; 198.18.0.10 is in 198.18.0.0/15
 * (benchmarking, RFC 2544), 10.0.1.5 in 10.0.0.0/8 (private); the _id (scheme 2: a new index) is
 *   printf '/vpc/flow-logs\0eni-0a1b2c3d4e5f60718-all\0%s' <event id> | sha256sum | cut -c1-24 | xxd -r -p | base64 | tr '+/' '-_'
 */
function goldenBody(prefix: string): string {
  return [
    `{"index":{"_index":"${prefix}-2026.11.28","_id":"Q3PEg2a66pxFobNp"}}`,
    '{"srcaddr":"198.18.0.10","dstaddr":"10.0.1.5","bytes":8400,"action":"ACCEPT","@timestamp":"2026-11-28T00:01:01.000Z","src_addr_scope":"benchmarking","dst_addr_scope":"private"}',
    `{"index":{"_index":"${prefix}-2026.11.28","_id":"igQ3GmVVoyElnvPw"}}`,
    '{"srcaddr":"10.0.1.5","dstaddr":"198.18.0.10","bytes":0,"action":"REJECT","@timestamp":"2026-11-28T00:01:01.000Z","src_addr_scope":"private","dst_addr_scope":"benchmarking"}',
    '',
  ].join('\n');
}

/** A stand-in OpenSearch that records each request and accepts every `_bulk` item (or answers `status` to everything). */
async function startOpenSearch(status?: number): Promise<{ url: string; requests: { method: string; url: string; body: string }[]; close(): Promise<void> }> {
  const requests: { method: string; url: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.setHeader('content-type', 'application/json');
      if (status !== undefined) res.writeHead(status).end('{"error":"unavailable"}');
      else if (req.url?.includes('_bulk')) res.end(JSON.stringify({ errors: false, items: body.trim().split('\n').filter((_, i) => i % 2 === 0).map(() => ({ index: { status: 201 } })) }));
      else if (req.method === 'GET') res.writeHead(404).end('{"status":404}');
      else res.end('{"acknowledged":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const scratch = mkdtempSync(join(tmpdir(), 'flowlogs-stack-'));
const eventFile = join(scratch, 'event.json');
writeFileSync(eventFile, JSON.stringify(subscriptionEvent(dataMessage(RECORDS))));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What `run` writes to the file descriptor it is given (parse and transform write with writeSync, not process.stdout). */
async function written(run: (fd: number) => Promise<number>): Promise<{ code: number; out: string }> {
  const file = join(scratch, `out-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(file, 'w');
  try {
    const code = await run(fd);
    return { code, out: readFileSync(file, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

let stdout: string[];
let stderr: string[];
let stack: MockedStack | undefined;
const savedEnv = { ...process.env };

beforeEach(() => {
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  // Only what the stack and the flags give: nothing from the shell running the tests.
  process.env = { PATH: savedEnv.PATH ?? '', HOME: savedEnv.HOME ?? '', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };
});
afterEach(() => {
  vi.restoreAllMocks();
  stack?.restore();
  stack = undefined;
  process.env = { ...savedEnv };
});

describe('flowlogs parse --stack', () => {
  it("parses with the stack's format and GeoIP setting", async () => {
    stack = mockStack(STACK, { functions: { [INGEST_FUNCTION]: ingestEnvironment('https://search-flows-abc.eu-west-1.es.amazonaws.com') } });

    const { code, out } = await written((outFd) => runParseCommand(['--stack', STACK], stack!.clients, { input: () => `${RECORDS[0]}\n`, outFd }));

    expect(code).toBe(0);
    expect(out).toBe('{"srcaddr":"198.18.0.10","dstaddr":"10.0.1.5","bytes":8400,"action":"ACCEPT","src_addr_scope":"benchmarking","dst_addr_scope":"private"}\n');
  });

  it('takes --format over the stack', async () => {
    stack = mockStack(STACK, { functions: { [INGEST_FUNCTION]: ingestEnvironment('https://search-flows-abc.eu-west-1.es.amazonaws.com') } });

    const { code, out } = await written((outFd) => runParseCommand(['--stack', STACK, '--format', '${srcaddr} ${dstaddr} ${packets} ${action}'], stack!.clients, { input: () => `${RECORDS[0]}\n`, outFd }));

    expect(code).toBe(0);
    expect(out).toBe('{"srcaddr":"198.18.0.10","dstaddr":"10.0.1.5","packets":8400,"action":"ACCEPT","src_addr_scope":"benchmarking","dst_addr_scope":"private"}\n');
  });

  it('names a stack that does not exist in one line', async () => {
    stack = mockStack(STACK, {});

    await expect(runParseCommand(['--stack', 'NoSuchStack'], stack.clients, { input: () => '' })).rejects.toThrow(
      'stack NoSuchStack not found in this account and region (Stack with id NoSuchStack does not exist)',
    );
  });
});

describe('flowlogs transform --stack', () => {
  it("writes the body with the stack's format, index prefix and GeoIP setting", async () => {
    stack = mockStack(STACK, { functions: { [INGEST_FUNCTION]: ingestEnvironment('https://search-flows-abc.eu-west-1.es.amazonaws.com') } });

    const { code, out } = await written((fd) => runTransformCommand(['--stack', STACK, eventFile], stack!.clients, fd));

    expect(stderr.join('')).toBe('');
    expect(code).toBe(0);
    expect(out).toBe(goldenBody('flows'));
  });

  it('takes --index-prefix over the stack', async () => {
    stack = mockStack(STACK, { functions: { [INGEST_FUNCTION]: ingestEnvironment('https://search-flows-abc.eu-west-1.es.amazonaws.com') } });

    const { out } = await written((fd) => runTransformCommand(['--stack', STACK, '--index-prefix', 'other', eventFile], stack!.clients, fd));

    expect(out).toBe(goldenBody('other'));
  });

  it('names a missing FILE', async () => {
    await expect(runTransformCommand([])).rejects.toThrow('transform: no FILE given; see flowlogs transform --help');
  });
});

describe('flowlogs replay --stack', () => {
  let os: Awaited<ReturnType<typeof startOpenSearch>> | undefined;
  afterEach(async () => {
    await os?.close();
    os = undefined;
  });

  it("indexes into the stack's endpoint with its format and prefix", async () => {
    os = await startOpenSearch();
    stack = mockStack(STACK, { functions: { [INGEST_FUNCTION]: ingestEnvironment(os.url) } });

    const code = await runReplayCommand(['--stack', STACK, '--dead-letter-dir', join(scratch, 'dl'), eventFile], stack.clients);

    expect(stderr.join('')).toBe('');
    expect(code).toBe(0);
    expect(stdout.join('')).toBe('replayed: 2 indexed, 0 dead-lettered again, 0 undecodable skipped\n');
    expect(os.requests.filter((r) => r.url.includes('_bulk')).map((r) => r.body)).toEqual([goldenBody('flows')]);
  });

  it("writes what still fails under --dead-letter-dir, never into the stack's dead-letter bucket", async () => {
    os = await startOpenSearch();
    stack = mockStack(STACK, { functions: { [INGEST_FUNCTION]: ingestEnvironment(os.url) } });
    const mixed = join(scratch, 'mixed.json');
    writeFileSync(mixed, JSON.stringify(subscriptionEvent(dataMessage([RECORDS[0]!, 'not a flow log']))));
    const dir = join(scratch, 'dl-mixed');

    const code = await runReplayCommand(['--stack', STACK, '--dead-letter-dir', dir, mixed], stack.clients);

    expect(code).toBe(2);
    expect(stdout.join('')).toBe('replayed: 1 indexed, 1 dead-lettered again, 0 undecodable skipped\n');
    const [line] = stderr.join('').split('\n');
    expect(line!.startsWith(`${mixed}: 1 record(s) still not indexable, see ${dir}/dead-letters/2026/11/28/`)).toBe(true);
    const key = line!.slice(line!.indexOf(`${dir}/`));
    expect(JSON.parse(readFileSync(key, 'utf8').trim())).toMatchObject({ stage: 'parse', id: '375800000001', message: 'not a flow log' });
  });

  it('takes --index-prefix and --endpoint over the stack', async () => {
    os = await startOpenSearch();
    stack = mockStack(STACK, { functions: { [INGEST_FUNCTION]: ingestEnvironment('http://127.0.0.1:9') } });

    const code = await runReplayCommand(['--stack', STACK, '--endpoint', os.url, '--index-prefix', 'other', '--dead-letter-dir', join(scratch, 'dl'), eventFile], stack.clients);

    expect(code).toBe(0);
    expect(os.requests.filter((r) => r.url.includes('_bulk')).map((r) => r.body)).toEqual([goldenBody('other')]);
  });

  it("reads the stack's flow-log group back with --from and --to", async () => {
    os = await startOpenSearch();
    stack = mockStack(STACK, { outputs: { FlowLogGroupName: '/vpc-flow-logs/VpcFlowLogs' }, functions: { [INGEST_FUNCTION]: ingestEnvironment(os.url) } });
    const cwl = mockClient(CloudWatchLogsClient);
    const asked: unknown[] = [];
    cwl.on(FilterLogEventsCommand).callsFake((input: object) => {
      asked.push({ ...input });
      return { events: RECORDS.map((message, i) => ({ logStreamName: 'eni-0a1b2c3d4e5f60718-all', eventId: `3758${String(i).padStart(8, '0')}`, timestamp: 1795824061000, message })) };
    });

    try {
      const code = await runReplayCommand(['--stack', STACK, '--from', '2026-11-28T00:00:00Z', '--to', '2026-11-28T01:00:00Z', '--dead-letter-dir', join(scratch, 'dl')], stack.clients);

      expect(code).toBe(0);
      // 1795824000000 is 2026-11-28T00:00:00Z; FilterLogEvents' endTime is inclusive, --to is not.
      expect(asked).toEqual([{ logGroupName: '/vpc-flow-logs/VpcFlowLogs', startTime: 1795824000000, endTime: 1795827599999 }]);
      expect(stdout.join('')).toBe('replayed: 2 indexed, 0 dead-lettered again, 0 undecodable skipped\n');
      const bulks = os.requests.filter((r) => r.url.includes('_bulk'));
      expect(bulks).toHaveLength(1);
      expect(bulks[0]!.body.match(/"_index":"flows-2026\.11\.28"/g)).toHaveLength(2);
    } finally {
      cwl.restore();
    }
  });

  it('names every missing option at once', async () => {
    await expect(runReplayCommand([])).rejects.toThrow(
      'replay: missing --endpoint (or OPENSEARCH_ENDPOINT); nothing to replay: give FILE|s3://BUCKET/PREFIX ..., or --from TIME --to TIME to read the log group back; see flowlogs replay --help',
    );
    await expect(runReplayCommand(['--from', '2026-11-28'])).rejects.toThrow('replay: missing --endpoint (or OPENSEARCH_ENDPOINT), --log-group, --to; see flowlogs replay --help');
  });
});

describe('flowlogs report --stack', () => {
  it("queries the stack's domain endpoint output for the stack's index prefix", async () => {
    const os = await startOpenSearch(503);
    // A report function reading Athena has no endpoint: the stack's output gives it.
    stack = mockStack(STACK, {
      outputs: { DomainEndpoint: os.url },
      functions: { [INGEST_FUNCTION]: { ...ingestEnvironment('unused'), OPENSEARCH_ENDPOINT: 'https://search-a-1.eu-west-1.es.amazonaws.com' }, 'VpcFlowLogs-ReportFunction': { OPENSEARCH_ENDPOINT: 'https://search-b-2.eu-west-1.es.amazonaws.com', INDEX_PREFIX: 'flows' } },
    });

    try {
      // Two functions disagree on the endpoint: neither is taken, the output is.
      await expect(runReportCommand(['--stack', STACK, '--auth', 'none', '--from', '2026-11-23', '--to', '2026-11-29', '--out', join(scratch, 'r.html')], stack.clients)).rejects.toThrow();
      expect(os.requests.length).toBeGreaterThan(0);
      expect(new Set(os.requests.map((r) => `${r.method} ${r.url}`))).toEqual(new Set(['POST /flows-*/_search']));
    } finally {
      await os.close();
    }
  });

  it('names the missing endpoint', async () => {
    await expect(runReportCommand([])).rejects.toThrow('report: missing --endpoint (or OPENSEARCH_ENDPOINT); see flowlogs report --help');
  });
});

describe('flowlogs dashboards --stack', () => {
  let fake: FakeDashboards | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it("imports into the stack's domain", async () => {
    fake = await startFakeDashboards([recordedAnswer('success')]);
    stack = mockStack(STACK, { outputs: { DomainEndpoint: fake.url }, functions: { [INGEST_FUNCTION]: { ...ingestEnvironment(fake.url) } } });
    const objects = join(scratch, 'objects.ndjson');
    // The two objects of the recorded answer.
    writeFileSync(
      objects,
      '{"type":"index-pattern","id":"flowlogs-test-pattern","attributes":{"title":"vpcflowlogs-*"},"references":[]}\n' +
        '{"type":"dashboard","id":"flowlogs-test-dashboard","attributes":{"title":"VPC Flow Logs"},"references":[]}\n',
    );

    const code = await runDashboardsCommand(['--stack', STACK, '--file', objects], stack.clients);

    expect(stderr.join('')).not.toContain('flowlogs:');
    expect(code).toBe(0);
    expect(fake.requests.map((q) => `${q.method} ${q.url}`)).toEqual(['POST /_dashboards/api/saved_objects/_import?overwrite=true']);
    expect(stdout.join('')).toBe(`imported 2 saved objects into ${fake.url}/_dashboards\n`);
  });

  it("writes the objects for the stack's index prefix with --out, --index-prefix over it", async () => {
    stack = mockStack(STACK, { functions: { [INGEST_FUNCTION]: ingestEnvironment('https://search-flows-abc.eu-west-1.es.amazonaws.com') } });
    const title = (file: string): unknown => readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; attributes: { title?: string } }).find((o) => o.type === 'index-pattern')?.attributes.title;

    await runDashboardsCommand(['--stack', STACK, '--out', join(scratch, 'a.ndjson')], stack.clients);
    await runDashboardsCommand(['--stack', STACK, '--index-prefix', 'other', '--out', join(scratch, 'b.ndjson')], stack.clients);

    expect(title(join(scratch, 'a.ndjson'))).toBe('flows-*');
    expect(title(join(scratch, 'b.ndjson'))).toBe('other-*');
  });

  it('names the missing endpoint', async () => {
    await expect(runDashboardsCommand([])).rejects.toThrow('dashboards: missing --endpoint (or OPENSEARCH_ENDPOINT); or --out FILE to write the objects to a file; see flowlogs dashboards --help');
  });
});

describe('flowlogs partitions --stack', () => {
  const partitionEnvironment = {
    GLUE_DATABASE: 'vpcflowlogs',
    GLUE_TABLE: 'flow_logs',
    FLOW_LOG_BUCKET: 'vpcflowlogs-flowlogbucket-1xyz',
    FLOW_LOG_PREFIX: 'vpc-flow-logs/',
    ATHENA_WORKGROUP: 'VpcFlowLogs-flow-logs',
    PARTITION_LOOKBACK_DAYS: '7',
    FLOW_LOG_ACCOUNT_ID: '123456789012',
    FLOW_LOG_REGION: 'eu-west-1',
  };

  it('prints the statement from the stack\'s partition function settings', async () => {
    stack = mockStack(STACK, { functions: { [PARTITION_FUNCTION]: partitionEnvironment } });

    const code = await runPartitionsCommand(['--stack', STACK, '--from', '2024-02-29', '--to', '2024-02-29', '--dry-run'], stack.clients);

    expect(code).toBe(0);
    expect(stdout.join('')).toBe(
      "ALTER TABLE `vpcflowlogs`.`flow_logs` ADD IF NOT EXISTS\n  PARTITION (`aws_account_id` = '123456789012', `aws_region` = 'eu-west-1', `day` = '2024/02/29') LOCATION 's3://vpcflowlogs-flowlogbucket-1xyz/vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/02/29/';\n",
    );
  });

  it('takes --bucket and --prefix over the stack', async () => {
    stack = mockStack(STACK, { functions: { [PARTITION_FUNCTION]: partitionEnvironment } });

    await runPartitionsCommand(['--stack', STACK, '--bucket', 'other-bucket', '--prefix', '', '--from', '2024-02-29', '--to', '2024-02-29', '--dry-run'], stack.clients);

    expect(stdout.join('')).toBe(
      "ALTER TABLE `vpcflowlogs`.`flow_logs` ADD IF NOT EXISTS\n  PARTITION (`aws_account_id` = '123456789012', `aws_region` = 'eu-west-1', `day` = '2024/02/29') LOCATION 's3://other-bucket/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/02/29/';\n",
    );
  });

  it('names every setting the stack lacks at once', async () => {
    stack = mockStack(STACK, { functions: { [INGEST_FUNCTION]: ingestEnvironment('https://search-flows-abc.eu-west-1.es.amazonaws.com') } });
    delete process.env.AWS_REGION;

    await expect(runPartitionsCommand(['--stack', STACK, '--to', '2024-02-29'], stack.clients)).rejects.toThrow(
      'partitions: missing --from, --database (or GLUE_DATABASE), --table (or GLUE_TABLE), --bucket (or FLOW_LOG_BUCKET), --prefix (or FLOW_LOG_PREFIX), ' +
        '--account-id (or FLOW_LOG_ACCOUNT_ID), --region (or FLOW_LOG_REGION / AWS_REGION), --workgroup (or ATHENA_WORKGROUP); see flowlogs partitions --help',
    );
  });
});
