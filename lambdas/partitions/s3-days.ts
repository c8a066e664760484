/**
 * Finds the days that have flow-log objects: one ListObjectsV2 per month of
 * the window, with `Delimiter: '/'`, so S3 answers with one common prefix per
 * day folder instead of every object. The SDK's paginator follows
 * continuation tokens; throttling (503 SlowDown) is retried by the client's
 * retry strategy ({@link createS3Client}).
 */
import { paginateListObjectsV2, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { dayFromPrefix, monthPrefixes, type Day, type FlowLogLocation } from '../../src/athena/partitions.js';
import { SDK_RETRY } from './retry.js';

/** An S3 client with the SDK's adaptive retry strategy. */
export function createS3Client(config: S3ClientConfig = {}): S3Client {
  return new S3Client({ ...SDK_RETRY, ...config });
}

/** The days of `window` whose folder holds at least one object, in order. */
export async function daysWithData(s3: S3Client, location: FlowLogLocation, window: readonly Day[], pageSize = 1000): Promise<Day[]> {
  const wanted = new Set(window);
  const found = new Set<Day>();
  for (const Prefix of monthPrefixes(location, window)) {
    for await (const page of paginateListObjectsV2({ client: s3, pageSize }, { Bucket: location.bucket, Prefix, Delimiter: '/' })) {
      for (const { Prefix: p } of page.CommonPrefixes ?? []) {
        const day = p === undefined ? undefined : dayFromPrefix(location, p);
        if (day !== undefined && wanted.has(day)) found.add(day);
      }
    }
  }
  return [...found].sort();
}
