/**
 * Where dead letters are kept: an S3 bucket in AWS (objects hold any number
 * of records, need no queue size limit, and are replayed with `flowlogs
 * replay`), or a local folder for local runs and tests.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DeadLetter } from '../../src/ingest/bulk.js';
import { serializeDeadLetters, type DeadLetterSink } from '../../src/ingest/dead-letters.js';

/** The S3 client of a function instance, with the SDK's defaults (region and credentials from the Lambda environment). */
const defaultS3Client = async (): Promise<S3Client> => new (await import('@aws-sdk/client-s3')).S3Client({});

/**
 * Dead letters as NDJSON objects in a bucket, encrypted by the bucket's default. The S3
 * client is made when the first letter is written, not when the instance starts: most
 * instances write none, and loading and making it is about 25 ms of a cold start on the
 * development machine (more on a Lambda's share of a CPU).
 */
export function s3DeadLetterSink(bucket: string, makeClient: () => Promise<S3Client> = defaultS3Client): DeadLetterSink {
  let client: Promise<S3Client> | undefined;
  return {
    async write(key, letters, options = {}): Promise<void> {
      const s3 = await (client ??= makeClient());
      const { PutObjectCommand } = await import('@aws-sdk/client-s3');
      const command = new PutObjectCommand({ Bucket: bucket, Key: key, Body: serializeDeadLetters(letters), ContentType: 'application/x-ndjson' });
      // Bounded by the invocation's deadline like every other request.
      await s3.send(command, options.timeoutMs !== undefined ? { abortSignal: AbortSignal.timeout(options.timeoutMs) } : {});
    },
  };
}

/** Dead letters as NDJSON files under a folder, keyed like the S3 objects. */
export function fileDeadLetterSink(dir: string): DeadLetterSink {
  return {
    async write(key: string, letters: readonly DeadLetter[]): Promise<void> {
      const path = join(dir, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, serializeDeadLetters(letters));
    },
  };
}
