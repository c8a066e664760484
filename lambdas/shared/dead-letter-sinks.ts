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

/** Dead letters as NDJSON objects in a bucket, encrypted by the bucket's default. */
export function s3DeadLetterSink(s3: S3Client, bucket: string): DeadLetterSink {
  return {
    async write(key, letters, options = {}): Promise<void> {
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
