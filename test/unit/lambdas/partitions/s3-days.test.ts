import { ListObjectsV2Command, S3Client, type ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { daysWithData } from '../../../../lambdas/partitions/s3-days.js';
import { dayRange } from '../../../../src/athena/partitions.js';
import { dayFolder, LOCATION } from './fakes.js';

const s3Mock = mockClient(S3Client);
afterEach(() => s3Mock.reset());

/** Answers ListObjectsV2 from day folders, `perPage` common prefixes a page, as S3 does with a delimiter. */
function bucketWithDays(days: readonly string[], perPage: number): ListObjectsV2CommandInput[] {
  // Copies: the paginator reuses one input object, setting each next ContinuationToken on it.
  const requests: ListObjectsV2CommandInput[] = [];
  s3Mock.on(ListObjectsV2Command).callsFake((input: ListObjectsV2CommandInput) => {
    requests.push({ ...input });
    const matching = days.map(dayFolder).filter((p) => p.startsWith(input.Prefix ?? ''));
    const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
    const page = matching.slice(start, start + perPage);
    const next = start + perPage < matching.length ? String(start + perPage) : undefined;
    return { CommonPrefixes: page.map((Prefix) => ({ Prefix })), KeyCount: page.length, IsTruncated: next !== undefined, ...(next ? { NextContinuationToken: next } : {}) };
  });
  return requests;
}

describe('daysWithData', () => {
  it('lists each month of the window once, by day folder, following continuation tokens', async () => {
    const requests = bucketWithDays(['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02', '2024-02-03'], 2);

    const days = await daysWithData(new S3Client({}), LOCATION, dayRange('2024-01-29', '2024-02-02'), 2);

    expect(days).toEqual(['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02']);
    const calls = requests;
    expect(calls.map((c) => [c.Prefix, c.ContinuationToken])).toEqual([
      ['vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/01/', undefined],
      ['vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/02/', undefined],
      ['vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/02/', '2'],
    ]);
    for (const c of calls) expect(c).toMatchObject({ Bucket: 'flow-log-bucket', Delimiter: '/', MaxKeys: 2 });
  });

  it('finds nothing in an empty look-back', async () => {
    bucketWithDays([], 1000);

    expect(await daysWithData(new S3Client({}), LOCATION, dayRange('2024-03-01', '2024-03-07'))).toEqual([]);
  });

  it('keeps only days of the window, across a year end', async () => {
    bucketWithDays(['2023-12-01', '2023-12-30', '2024-01-01', '2024-01-15'], 1000);

    expect(await daysWithData(new S3Client({}), LOCATION, dayRange('2023-12-29', '2024-01-02'))).toEqual(['2023-12-30', '2024-01-01']);
  });

  it('ignores common prefixes that are not day folders', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ CommonPrefixes: [{ Prefix: dayFolder('2024-02-29') }, { Prefix: 'vpc-flow-logs/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/02/tmp/' }, {}] });

    expect(await daysWithData(new S3Client({}), LOCATION, ['2024-02-28', '2024-02-29'])).toEqual(['2024-02-29']);
  });
});
