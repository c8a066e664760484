/**
 * Where the ingest function keeps dead letters (lambdas/shared/dead-letter-sinks.ts): S3
 * through aws-sdk-client-mock, the local folder on disk.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fileDeadLetterSink, s3DeadLetterSink } from '../../../../lambdas/shared/dead-letter-sinks.js';
import type { DeadLetter } from '../../../../src/ingest/bulk.js';

const s3Mock = mockClient(S3Client);
afterEach(() => s3Mock.reset());
const scratch = mkdtempSync(join(tmpdir(), 'flowlogs-sinks-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const LETTER: DeadLetter = { stage: 'index', status: 400, reason: 'mapper_parsing_exception: x', logGroup: 'g', logStream: 's', id: '37', timestamp: 1_700_000_000_000, message: '2 1 eni-1 x' };
// The NDJSON line of LETTER, written by hand: keys in the letter's order, one newline-ended line.
const LETTER_LINE = '{"stage":"index","status":400,"reason":"mapper_parsing_exception: x","logGroup":"g","logStream":"s","id":"37","timestamp":1700000000000,"message":"2 1 eni-1 x"}\n';

describe('s3DeadLetterSink', () => {
  it('makes no S3 client until the first letter, then one for all the letters after it', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    let made = 0;
    const sink = s3DeadLetterSink('dlq-bucket', async () => {
      made++;
      return new S3Client({ region: 'eu-west-1' });
    });
    expect(made).toBe(0);

    await sink.write('dead-letters/2023/11/14/a.ndjson', [LETTER]);
    await sink.write('dead-letters/2023/11/14/b.ndjson', [LETTER]);

    expect(made).toBe(1);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it('puts each batch as one NDJSON object under its key, in the bucket, bounded by the time given', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    const sink = s3DeadLetterSink('dlq-bucket', async () => new S3Client({ region: 'eu-west-1' }));

    await sink.write('dead-letters/2023/11/14/a.ndjson', [LETTER, LETTER], { timeoutMs: 1234 });

    const [call] = s3Mock.commandCalls(PutObjectCommand);
    expect(call!.args[0].input).toEqual({ Bucket: 'dlq-bucket', Key: 'dead-letters/2023/11/14/a.ndjson', Body: LETTER_LINE + LETTER_LINE, ContentType: 'application/x-ndjson' });
    // send(command, options): the options carry the deadline as an abort signal.
    const options = (call!.args as unknown as [unknown, { abortSignal?: AbortSignal } | undefined])[1];
    expect(options?.abortSignal).toBeInstanceOf(AbortSignal);
  });

  it('passes S3\'s failure on, for the handler to turn into a DeliveryError', async () => {
    s3Mock.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const sink = s3DeadLetterSink('dlq-bucket', async () => new S3Client({ region: 'eu-west-1' }));

    await expect(sink.write('k', [LETTER])).rejects.toThrow('Access Denied');
  });
});

describe('fileDeadLetterSink', () => {
  it('writes each batch as an NDJSON file under its key, making the folders', async () => {
    const sink = fileDeadLetterSink(scratch);

    await sink.write('dead-letters/2023/11/14/a.ndjson', [LETTER]);

    expect(readFileSync(join(scratch, 'dead-letters/2023/11/14/a.ndjson'), 'utf8')).toBe(LETTER_LINE);
  });
});
