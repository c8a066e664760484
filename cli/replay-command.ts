/**
 * `flowlogs replay`: re-drives what could not be indexed once its cause is
 * fixed. Takes dead letters (NDJSON, as the ingest function writes them),
 * saved subscription events, and on-failure destination records (the SQS
 * message bodies Lambda writes after its retries), from files or S3. Every
 * record goes through the same handler as in Lambda, so it gets the same
 * document id and a replay never duplicates.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { parseDeadLetters, payloadsFromDeadLetters } from '../src/ingest/dead-letters.js';
import type { DeadLetter } from '../src/ingest/bulk.js';
import type { DataMessage } from '../src/ingest/messages.js';
import { INGEST_ENV } from '../src/settings.js';
import { loadIngestConfig } from '../lambdas/ingest/config.js';
import { createIngestHandler } from '../lambdas/ingest/handler.js';
import { DEFAULT_GEO_DIR } from './common.js';
import { logGroupEvents, logGroupRange } from './replay-log-group.js';

const HELP = `usage: flowlogs replay [--endpoint URL] [--auth none|basic|aws-sigv4] [--format FMT] [--index-prefix P]
                       [--dead-letter-dir DIR] [--no-geoip] FILE|s3://BUCKET/PREFIX ...
       flowlogs replay [options] --log-group NAME --from TIME --to TIME   (read back from CloudWatch Logs)
Inputs: dead-letter NDJSON, subscription events {"awslogs":...}, or on-failure records {"requestPayload":{"awslogs":...}}.
Settings not given as options come from the ingest function's environment variables (${INGEST_ENV.endpoint}, ...).
Records that still cannot be indexed are written as new dead letters under --dead-letter-dir (default ./replay-dead-letters).`;

/** What one input held. */
interface Inputs {
  events: CloudWatchLogsEvent[];
  letters: DeadLetter[];
}

/** Sorts one input's text into events and dead letters. */
export function classifyInput(text: string, source: string): Inputs {
  const out: Inputs = { events: [], letters: [] };
  const take = (v: unknown): boolean => {
    const o = v as { awslogs?: unknown; requestPayload?: { awslogs?: unknown } };
    if (o?.awslogs) out.events.push(o as CloudWatchLogsEvent);
    else if (o?.requestPayload?.awslogs) out.events.push(o.requestPayload as CloudWatchLogsEvent);
    else return false;
    return true;
  };
  try {
    const whole: unknown = JSON.parse(text);
    if (Array.isArray(whole) ? whole.every(take) : take(whole)) return out;
  } catch {
    // not one JSON document: NDJSON below
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const letterLines: string[] = [];
  for (const line of lines) {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      letterLines.push(line); // parseDeadLetters reports it with its line number
      continue;
    }
    if (!take(v)) letterLines.push(line);
  }
  out.letters.push(...parseDeadLetters(letterLines.join('\n'), source));
  return out;
}

/** A DATA_MESSAGE as the Lambda event that would carry it. */
export const eventOf = (msg: DataMessage): CloudWatchLogsEvent => ({ awslogs: { data: gzipSync(JSON.stringify(msg)).toString('base64') } });

async function readInputs(sources: readonly string[]): Promise<{ source: string; text: string }[]> {
  const texts: { source: string; text: string }[] = [];
  for (const src of sources) {
    if (!src.startsWith('s3://')) {
      texts.push({ source: src, text: readFileSync(src, 'utf8') });
      continue;
    }
    const { S3Client, ListObjectsV2Command, GetObjectCommand } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({});
    const [bucket, ...rest] = src.slice(5).split('/');
    const prefix = rest.join('/');
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const obj of page.Contents ?? []) {
        const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: obj.Key }));
        texts.push({ source: `s3://${bucket}/${obj.Key}`, text: (await body.Body?.transformToString('utf8')) ?? '' });
      }
      token = page.NextContinuationToken;
    } while (token);
  }
  return texts;
}

export async function runReplayCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      endpoint: { type: 'string' },
      auth: { type: 'string' },
      format: { type: 'string' },
      'index-prefix': { type: 'string' },
      'dead-letter-dir': { type: 'string' },
      'geoip-dir': { type: 'string' },
      'geoip-database': { type: 'string' },
      'no-geoip': { type: 'boolean' },
      'log-group': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help || (positionals.length === 0 && values['log-group'] === undefined)) {
    (values.help ? process.stdout : process.stderr).write(HELP + '\n');
    return values.help ? 0 : 1;
  }
  const env: Record<string, string | undefined> = { ...process.env };
  const set = (name: string, v: string | undefined): void => {
    if (v !== undefined) env[name] = v;
  };
  set(INGEST_ENV.endpoint, values.endpoint);
  set(INGEST_ENV.auth, values.auth);
  set(INGEST_ENV.flowLogFormat, values.format);
  set(INGEST_ENV.indexPrefix, values['index-prefix']);
  set(INGEST_ENV.geoipDir, values['geoip-dir'] ?? env[INGEST_ENV.geoipDir] ?? DEFAULT_GEO_DIR);
  set(INGEST_ENV.geoipDatabase, values['geoip-database']);
  if (values['no-geoip']) env[INGEST_ENV.geoipEnabled] = 'false';
  // Replay never writes into the production dead-letter bucket: new failures stay local.
  delete env[INGEST_ENV.deadLetterBucket];
  env[INGEST_ENV.deadLetterDir] = values['dead-letter-dir'] ?? './replay-dead-letters';
  const handler = createIngestHandler(loadIngestConfig(env), { quiet: true });
  const context = { getRemainingTimeInMillis: () => 120_000 };

  let indexed = 0;
  let deadLettered = 0;
  let skipped = 0;
  if (values['log-group'] !== undefined) {
    const range = logGroupRange(values['log-group'], values.from, values.to);
    const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
    for await (const event of logGroupEvents(new CloudWatchLogsClient({}), range)) {
      const s = await handler(event, context);
      indexed += s.indexed;
      deadLettered += s.deadLettered;
      if (s.deadLetterKey) process.stderr.write(`${range.logGroup}: ${s.deadLettered} record(s) not indexable, see ${env[INGEST_ENV.deadLetterDir]}/${s.deadLetterKey}\n`);
    }
  }
  for (const { source, text } of await readInputs(positionals)) {
    const { events, letters } = classifyInput(text, source);
    const { payloads, undecodable } = payloadsFromDeadLetters(letters);
    for (const l of undecodable) {
      skipped++;
      process.stderr.write(`${source}: cannot replay a payload that never decoded (${l.reason}); its raw data is in the dead letter\n`);
    }
    for (const event of [...events, ...payloads.map(eventOf)]) {
      const s = await handler(event, context);
      indexed += s.indexed;
      deadLettered += s.deadLettered;
      if (s.deadLetterKey) process.stderr.write(`${source}: ${s.deadLettered} record(s) still not indexable, see ${env[INGEST_ENV.deadLetterDir]}/${s.deadLetterKey}\n`);
    }
  }
  process.stdout.write(`replayed: ${indexed} indexed, ${deadLettered} dead-lettered again, ${skipped} undecodable skipped\n`);
  return deadLettered > 0 || skipped > 0 ? 2 : 0;
}
