/**
 * The partition function's clients against an in-process HTTP handler, so
 * that the SDK's own retry strategy runs (aws-sdk-client-mock replaces
 * `send`, and with it the retry middleware).
 */
import { describe, expect, it } from 'vitest';
import { createAthenaClient, runStatement } from '../../../../lambdas/partitions/athena.js';
import { createS3Client, daysWithData } from '../../../../lambdas/partitions/s3-days.js';
import { dayFolder, fakeHttp, LOCATION, TEST_CREDENTIALS } from './fakes.js';

const SQL = "ALTER TABLE `db`.`t` ADD IF NOT EXISTS PARTITION (`day` = '2024/02/29') LOCATION 's3://b/p/'";
const THROTTLED = { statusCode: 400, headers: { 'x-amzn-errortype': 'TooManyRequestsException' }, body: JSON.stringify({ __type: 'TooManyRequestsException', Message: 'Rate exceeded' }) };

describe('createAthenaClient', () => {
  it('uses the adaptive retry strategy with 8 attempts, as docs/athena.md states', async () => {
    const athena = createAthenaClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS });

    expect(await athena.config.maxAttempts()).toBe(8);
    expect(((await athena.config.retryStrategy()) as { mode?: string }).mode).toBe('adaptive');
  });

  it('retries throttled calls, resending the same idempotency token, so one query starts', async () => {
    const http = fakeHttp((request, seen) => {
      const starts = seen.filter((r) => r.target.endsWith('StartQueryExecution')).length;
      if (request.target.endsWith('StartQueryExecution')) return starts === 1 ? THROTTLED : { statusCode: 200, body: JSON.stringify({ QueryExecutionId: 'q-9' }) };
      return { statusCode: 200, body: JSON.stringify({ QueryExecution: { QueryExecutionId: 'q-9', Status: { State: 'SUCCEEDED' } } }) };
    });
    const athena = createAthenaClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS, requestHandler: http.handler });

    const result = await runStatement(athena, { sql: SQL, workgroup: 'wg', remainingMs: () => 60_000 });

    expect(result.queryExecutionId).toBe('q-9');
    const starts = http.seen.filter((r) => r.target.endsWith('StartQueryExecution'));
    expect(starts).toHaveLength(2);
    expect(new Set(starts.map((s) => s.body.ClientRequestToken)).size).toBe(1);
  });

  it('surfaces the throttling error once the attempts are spent', async () => {
    const http = fakeHttp(() => THROTTLED);
    const athena = createAthenaClient({ region: 'eu-west-1', credentials: TEST_CREDENTIALS, requestHandler: http.handler, maxAttempts: 2 });

    const error = await runStatement(athena, { sql: SQL, workgroup: 'wg', remainingMs: () => 60_000 }).catch((e: unknown) => e);

    expect((error as Error).name).toBe('TooManyRequestsException');
    expect(http.seen).toHaveLength(2);
  });
});

describe('createS3Client', () => {
  it('retries S3\'s 503 SlowDown while listing day folders', async () => {
    const http = fakeHttp((_request, seen) =>
      seen.length === 1
        ? { statusCode: 503, headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>' }
        : {
            statusCode: 200,
            headers: { 'content-type': 'application/xml' },
            body: `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${LOCATION.bucket}</Name><IsTruncated>false</IsTruncated><CommonPrefixes><Prefix>${dayFolder('2024-02-28')}</Prefix></CommonPrefixes></ListBucketResult>`,
          },
    );
    const s3 = createS3Client({ region: 'eu-west-1', credentials: TEST_CREDENTIALS, requestHandler: http.handler });

    const days = await daysWithData(s3, LOCATION, ['2024-02-27', '2024-02-28']);

    expect(days).toEqual(['2024-02-28']);
    expect(http.seen).toHaveLength(2);
    expect(http.seen[1]!.query).toMatchObject({ 'list-type': '2', delimiter: '/', prefix: 'vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/02/' });
  });
});
