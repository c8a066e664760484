import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runPartitionsCommand } from '../../../cli/partitions.js';
import { PARTITION_ENV } from '../../../src/settings.js';
import { PARTITION_TEST_ENV } from '../../helpers/partition-fixtures.js';
import { runCli } from '../../helpers/run-cli.js';

const ENV = PARTITION_TEST_ENV;

/** The statement for the fixtures' table and location written out by hand (the form test/unit/athena/partitions.test.ts pins), for days as yyyy/mm/dd. */
const statementFor = (days: readonly string[]): string =>
  [
    'ALTER TABLE `vpcflowlogs`.`vpc_flow_logs` ADD IF NOT EXISTS',
    ...days.map((d) => `  PARTITION (\`aws_account_id\` = '123456789012', \`aws_region\` = 'eu-west-1', \`day\` = '${d}') LOCATION 's3://flow-log-bucket/vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/${d}/'`),
  ].join('\n');

/** Every day from `from` to `to` (UTC), stepped with Date, not with the code under test. */
function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10).replaceAll('-', '/'));
  return out;
}
// No credentials anywhere: a dry run must not need them.
const NO_AWS = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'no-such-profile', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };

describe('flowlogs partitions --dry-run', () => {
  it('prints the statement for every day of the range, across a year end and a leap day, and runs nothing', () => {
    const r = runCli(['partitions', '--from', '2023-12-31', '--to', '2024-03-01', '--dry-run'], '', { ...ENV, ...NO_AWS });

    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${statementFor(daysFrom('2023-12-31', '2024-03-01'))};\n`);
    expect(r.stdout).toContain("`day` = '2024/02/29'");
    expect(r.stdout.match(/PARTITION \(/g)).toHaveLength(62);
  });

  it('takes options over the environment', () => {
    const r = runCli(
      ['partitions', '--from', '2024-01-01', '--to', '2024-01-01', '--dry-run', '--database', 'other_db', '--table', 'flows', '--bucket', 'other-bucket', '--prefix', '', '--account-id', '210987654321', '--region', 'us-east-1'],
      '',
      { ...ENV, ...NO_AWS },
    );

    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      "ALTER TABLE `other_db`.`flows` ADD IF NOT EXISTS\n  PARTITION (`aws_account_id` = '210987654321', `aws_region` = 'us-east-1', `day` = '2024/01/01') LOCATION 's3://other-bucket/AWSLogs/210987654321/vpcflowlogs/us-east-1/2024/01/01/';\n",
    );
  });

  it('explains a missing range, a bad day, a reversed range and a missing setting, and exits 1', () => {
    const missing = runCli(['partitions', '--from', '2024-01-01', '--dry-run'], '', ENV);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('flowlogs: partitions: missing --to; see flowlogs partitions --help\n');

    const badDay = runCli(['partitions', '--from', '2023-02-29', '--to', '2023-03-01', '--dry-run'], '', ENV);
    expect(badDay.status).toBe(1);
    expect(badDay.stderr).toBe('flowlogs: "2023-02-29" is not a calendar day\n');

    const reversed = runCli(['partitions', '--from', '2024-03-01', '--to', '2024-02-01', '--dry-run'], '', ENV);
    expect(reversed.stderr).toBe('flowlogs: the range ends (2024-02-01) before it starts (2024-03-01)\n');

    const noBucket = runCli(['partitions', '--from', '2024-03-01', '--to', '2024-03-01', '--dry-run'], '', { ...ENV, [PARTITION_ENV.bucket]: '' });
    expect(noBucket.status).toBe(1);
    expect(noBucket.stderr).toBe(`flowlogs: --bucket (or ${PARTITION_ENV.bucket}) is required (the flow-log bucket)\n`);
  });

  it('names a bad value by its flag and the variable it falls back to, whichever it came from (it used to name the variables only)', () => {
    const dates = ['partitions', '--from', '2024-03-01', '--to', '2024-03-01', '--dry-run'];

    const badBucket = runCli([...dates, '--bucket', 'B'], '', ENV);
    expect(badBucket.status).toBe(1);
    expect(badBucket.stderr).toBe('flowlogs: --bucket (or FLOW_LOG_BUCKET): bucket must be an S3 bucket name, got "B"\n');

    const badAccount = runCli(dates, '', { ...ENV, [PARTITION_ENV.accountId]: '1234' });
    expect(badAccount.stderr).toBe('flowlogs: --account-id (or FLOW_LOG_ACCOUNT_ID): account id must be 12 digits, got "1234"\n');

    const badPrefix = runCli([...dates, '--prefix', 'logs'], '', ENV);
    expect(badPrefix.stderr).toBe('flowlogs: --prefix (or FLOW_LOG_PREFIX): prefix must be empty or end in "/", with letters, digits and !_.*()=+,:@- between slashes, got "logs"\n');

    const badDatabase = runCli([...dates, '--database', 'Flow-Logs'], '', ENV);
    expect(badDatabase.stderr).toBe('flowlogs: --database (or GLUE_DATABASE): database must be 1 to 255 lower-case letters, digits or _, got "Flow-Logs"\n');
  });

  // --stack: test/unit/cli/stack.test.ts
  it('names every missing option in one run, with the variable each falls back to', () => {
    const r = runCli(['partitions', '--from', '2024-01-01', '--to', '2024-01-02']);

    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'flowlogs: partitions: missing --database (or GLUE_DATABASE), --table (or GLUE_TABLE), --bucket (or FLOW_LOG_BUCKET), ' +
        '--prefix (or FLOW_LOG_PREFIX), --account-id (or FLOW_LOG_ACCOUNT_ID), --region (or FLOW_LOG_REGION / AWS_REGION), ' +
        '--workgroup (or ATHENA_WORKGROUP); see flowlogs partitions --help\n',
    );
  });

  it('prints its usage with --help', () => {
    const r = runCli(['partitions', '--help']);

    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: flowlogs partitions --from YYYY-MM-DD --to YYYY-MM-DD \[--dry-run\]/);
  });
});

describe('flowlogs partitions', () => {
  const athenaMock = mockClient(AthenaClient);
  let stdout: string[];
  const saved = { ...process.env };

  beforeEach(() => {
    stdout = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    Object.assign(process.env, ENV, { [PARTITION_ENV.workgroup]: 'VpcFlowLogs-flow-logs' });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    athenaMock.reset();
    process.env = { ...saved };
  });

  it('runs the statement in the workgroup, waits until it SUCCEEDED, and prints the query id', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-backfill' });
    athenaMock.on(GetQueryExecutionCommand).resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } }).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });

    const code = await runPartitionsCommand(['--from', '2024-02-28', '--to', '2024-03-01']);

    expect(code).toBe(0);
    expect(stdout.join('')).toBe('q-backfill SUCCEEDED\n');
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toMatchObject({
      QueryString: statementFor(['2024/02/28', '2024/02/29', '2024/03/01']),
      WorkGroup: 'VpcFlowLogs-flow-logs',
    });
  });

  it('fails with Athena\'s reason', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-bad' });
    athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'Table not found' } } });

    await expect(runPartitionsCommand(['--from', '2024-02-28', '--to', '2024-03-01'])).rejects.toThrow('Athena query q-bad FAILED: Table not found');
  });

  it('needs a workgroup to run', async () => {
    delete process.env[PARTITION_ENV.workgroup];

    await expect(runPartitionsCommand(['--from', '2024-02-28', '--to', '2024-03-01'])).rejects.toThrow(`missing --workgroup (or ${PARTITION_ENV.workgroup})`);
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });
});
