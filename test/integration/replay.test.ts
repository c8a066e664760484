/**
 * `flowlogs replay` re-drives dead letters once their cause is fixed, and a
 * replayed record gets the document id it would have had, so nothing is
 * duplicated.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIngestConfig } from '../../lambdas/ingest/config.js';
import { createIngestHandler } from '../../lambdas/ingest/handler.js';
import { dataMessage, defaultRecord, subscriptionEvent } from '../helpers/events.js';
import { opensearchUrl } from '../helpers/opensearch-url.js';
import { runCli } from '../helpers/run-cli.js';

const PREFIX = 'it-replay';
const CUSTOM = '${version} ${srcaddr} ${dstaddr} ${bytes} ${start} ${end} ${action} ${log-status}';
const context = { getRemainingTimeInMillis: () => 60_000 };
let client: Client;
let tmp: string;

beforeAll(() => {
  client = new Client({ node: opensearchUrl() });
  tmp = mkdtempSync(join(tmpdir(), 'replay-it-'));
});
afterAll(async () => {
  await client.indices.delete({ index: `${PREFIX}*` } as never).catch(() => undefined);
  await client.close();
  rmSync(tmp, { recursive: true, force: true });
});

const ndjsonUnder = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ndjson')).map((f) => join(dir, f));

async function ids(index: string): Promise<string[]> {
  await client.indices.refresh({ index });
  const res = await client.search({ index, body: { size: 1000, _source: false } });
  return (res.body.hits.hits as { _id: string }[]).map((h) => h._id).sort();
}

describe('flowlogs replay', () => {
  it('indexes dead letters once the format is fixed, under the ids a correct ingest gives', async () => {
    const messages = Array.from({ length: 5 }, (_, i) => `5 10.0.0.${i + 1} 52.95.110.1 ${100 + i} 1795824000 1795824060 ACCEPT OK`);
    const event = subscriptionEvent(dataMessage(messages));
    // Misconfigured: the function expects the default format, the flow log writes CUSTOM.
    const deadLetterDir = join(tmp, 'dlq');
    const wrong = createIngestHandler(
      loadIngestConfig({ OPENSEARCH_ENDPOINT: opensearchUrl(), OPENSEARCH_AUTH: 'none', INDEX_PREFIX: `${PREFIX}-a`, DEAD_LETTER_DIR: deadLetterDir, GEOIP_ENABLED: 'false' }),
      { quiet: true },
    );
    expect(await wrong(event, context)).toMatchObject({ indexed: 0, parseErrors: 5 });
    // One dead letter per record: five files.
    const letters = ndjsonUnder(deadLetterDir);
    expect(letters).toHaveLength(5);

    const r = runCli(['replay', '--endpoint', opensearchUrl(), '--auth', 'none', '--format', CUSTOM, '--index-prefix', `${PREFIX}-a`, '--no-geoip', '--dead-letter-dir', join(tmp, 'again'), ...letters]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/replayed: 5 indexed, 0 dead-lettered again/);
    expect(r.status).toBe(0);

    // The same event ingested correctly elsewhere has the same ids: replaying twice would overwrite.
    const right = createIngestHandler(
      loadIngestConfig({ OPENSEARCH_ENDPOINT: opensearchUrl(), OPENSEARCH_AUTH: 'none', INDEX_PREFIX: `${PREFIX}-b`, DEAD_LETTER_DIR: join(tmp, 'b'), GEOIP_ENABLED: 'false', FLOW_LOG_FORMAT: CUSTOM }),
      { quiet: true },
    );
    await right(event, context);
    expect(await ids(`${PREFIX}-a-*`)).toEqual(await ids(`${PREFIX}-b-*`));
    expect(await ids(`${PREFIX}-a-*`)).toHaveLength(5);
  });

  it('re-drives saved subscription events and on-failure destination records', () => {
    const ev = subscriptionEvent(dataMessage([defaultRecord(), defaultRecord({ bytes: 1 })], { logStream: 'saved' }));
    const saved = join(tmp, 'saved.json');
    writeFileSync(saved, JSON.stringify(ev));
    const onFailure = join(tmp, 'on-failure.ndjson');
    writeFileSync(onFailure, JSON.stringify({ version: '1.0', requestContext: { condition: 'RetriesExhausted' }, requestPayload: subscriptionEvent(dataMessage([defaultRecord({ bytes: 9 })], { logStream: 'failed' })) }) + '\n');
    const r = runCli(['replay', '--endpoint', opensearchUrl(), '--auth', 'none', '--index-prefix', `${PREFIX}-c`, '--no-geoip', '--dead-letter-dir', join(tmp, 'c'), saved, onFailure]);
    expect(r.stdout).toMatch(/replayed: 3 indexed, 0 dead-lettered again/);
    expect(r.status).toBe(0);
  });
});
