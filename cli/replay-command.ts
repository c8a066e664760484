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
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { parseDeadLetters, payloadsFromDeadLetters } from '../src/ingest/dead-letters.js';
import type { DeadLetter } from '../src/ingest/bulk.js';
import type { DataMessage } from '../src/ingest/messages.js';
import { INGEST_ENV, STACK_OUTPUTS } from '../src/settings.js';
import { ConfigError } from '../src/errors.js';
import { loadIngestConfig } from '../lambdas/ingest/config.js';
import { createIngestHandler, invocationContext } from '../lambdas/ingest/handler.js';
import { CONNECTION_OPTIONS, DEFAULT_GEO_DIR, FORMAT_OPTION, GEO_OPTIONS, INDEX_PREFIX_OPTION, connectionFrom, formatFrom, indexPrefixFrom } from './common.js';
import { HELP_OPTION, STACK_OPTION, optionHelp, parseOptionsWithStack, requireOptions, type OptionTable } from './options.js';
import { logGroupEvents, logGroupRange } from './replay-log-group.js';
import type { StackClients } from './stack.js';

/** Where new failures of a replay go: never the production dead-letter bucket. */
export const DEFAULT_REPLAY_DEAD_LETTER_DIR = './replay-dead-letters';

/** Seconds one event may take, as the function's timeout bounds one invocation. */
export const DEFAULT_REPLAY_TIMEOUT_SECONDS = 120;

/** Fewest seconds: the handler keeps RESERVE_MS (5 s) of an event's time for its dead letters. */
export const MIN_REPLAY_TIMEOUT_SECONDS = 6;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...FORMAT_OPTION,
  ...INDEX_PREFIX_OPTION,
  'dead-letter-dir': { type: 'string', arg: 'DIR', help: `where records that still cannot be indexed are written (default ${DEFAULT_REPLAY_DEAD_LETTER_DIR})` },
  ...GEO_OPTIONS,
  'log-group': { type: 'string', arg: 'NAME', stack: [STACK_OUTPUTS.flowLogGroupName], help: 'with --from/--to: the log group to read back' },
  from: { type: 'string', arg: 'TIME', help: 'read the log group back from TIME (ISO 8601 or epoch milliseconds, included)' },
  to: { type: 'string', arg: 'TIME', help: 'to TIME (excluded)' },
  'timeout-seconds': {
    type: 'string',
    arg: 'N',
    help: `how long one event may take (OpenSearch unreachable or throttling) before the replay stops with an error (default ${DEFAULT_REPLAY_TIMEOUT_SECONDS}, at least ${MIN_REPLAY_TIMEOUT_SECONDS})`,
  },
  ...STACK_OPTION,
  ...HELP_OPTION,
} as const satisfies OptionTable;

const HELP = `usage: flowlogs replay [options] FILE|s3://BUCKET/PREFIX ...
       flowlogs replay [options] --from TIME --to TIME [--log-group NAME]   (read back from CloudWatch Logs)

Re-drives records into OpenSearch through the ingest handler, so each gets the _id it would
have had and a replay never duplicates. Inputs: dead-letter NDJSON, subscription events
{"awslogs":...}, or on-failure records {"requestPayload":{"awslogs":...}}, from files or S3.
With --from/--to it reads the log group back (the stack's flow-log group with --stack).
Records that still cannot be indexed are written as new dead letters under --dead-letter-dir.

${optionHelp(OPTIONS)}

Exit 0: all replayed; 2: some records were dead-lettered again or skipped; 1: bad usage.`;

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

export async function runReplayCommand(argv: readonly string[], stackClients?: StackClients): Promise<number> {
  const { values, positionals } = await parseOptionsWithStack(OPTIONS, argv, stackClients);
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const fromLogGroup = values.from !== undefined || values.to !== undefined;
  requireOptions('replay', OPTIONS, values, ['endpoint', ...(fromLogGroup ? (['log-group', 'from', 'to'] as const) : [])], fromLogGroup || positionals.length > 0 ? [] : ['nothing to replay: give FILE|s3://BUCKET/PREFIX ..., or --from TIME --to TIME to read the log group back']);
  const timeoutSeconds = values['timeout-seconds'] === undefined ? DEFAULT_REPLAY_TIMEOUT_SECONDS : Number(values['timeout-seconds']);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < MIN_REPLAY_TIMEOUT_SECONDS) {
    throw new ConfigError(`--timeout-seconds must be a whole number of at least ${MIN_REPLAY_TIMEOUT_SECONDS}, got "${values['timeout-seconds']}"`);
  }
  const connection = connectionFrom(values);
  // Checked here so that a bad value is named by its flag, not by the variable the handler reads it from.
  formatFrom(values);
  indexPrefixFrom(values);
  const deadLetterDir = values['dead-letter-dir'] ?? DEFAULT_REPLAY_DEAD_LETTER_DIR;
  // The ingest function's own configuration, from the options: what is not an option
  // (bulk size, retention, gzip) still comes from the environment.
  const env: Record<string, string | undefined> = {
    ...process.env,
    [INGEST_ENV.endpoint]: connection.endpoint,
    [INGEST_ENV.auth]: connection.auth,
    [INGEST_ENV.username]: connection.username,
    [INGEST_ENV.password]: connection.password,
    [INGEST_ENV.flowLogFormat]: values.format,
    [INGEST_ENV.indexPrefix]: values['index-prefix'],
    [INGEST_ENV.geoipDir]: values['geoip-dir'] ?? DEFAULT_GEO_DIR,
    [INGEST_ENV.geoipDatabase]: values['geoip-database'],
    [INGEST_ENV.geoipEnabled]: values['no-geoip'] ? 'false' : 'true',
    // Replay never writes into the production dead-letter bucket: new failures stay local.
    [INGEST_ENV.deadLetterBucket]: undefined,
    [INGEST_ENV.deadLetterDir]: deadLetterDir,
  };
  const config = loadIngestConfig(env);
  // The connection as the options resolved it (a --region wins over the endpoint's).
  const handler = createIngestHandler({ ...config, connection: { ...config.connection, ...connection } }, { quiet: true });

  let indexed = 0;
  let deadLettered = 0;
  let skipped = 0;
  if (fromLogGroup) {
    const range = logGroupRange(values['log-group']!, values.from, values.to);
    const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
    for await (const event of logGroupEvents(new CloudWatchLogsClient({}), range)) {
      const s = await handler(event, invocationContext(timeoutSeconds));
      indexed += s.indexed;
      deadLettered += s.deadLettered;
      if (s.deadLetterKey) process.stderr.write(`${range.logGroup}: ${s.deadLettered} record(s) not indexable, see ${deadLetterDir}/${s.deadLetterKey}\n`);
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
      const s = await handler(event, invocationContext(timeoutSeconds));
      indexed += s.indexed;
      deadLettered += s.deadLettered;
      if (s.deadLetterKey) process.stderr.write(`${source}: ${s.deadLettered} record(s) still not indexable, see ${deadLetterDir}/${s.deadLetterKey}\n`);
    }
  }
  process.stdout.write(`replayed: ${indexed} indexed, ${deadLettered} dead-lettered again, ${skipped} undecodable skipped\n`);
  return deadLettered > 0 || skipped > 0 ? 2 : 0;
}
