/**
 * Document ids across the upgrade that shortened them: an event first
 * indexed by the previous release (in a daily index its template created) and
 * redelivered after the upgrade overwrites itself instead of being indexed a
 * second time; a daily index created after the upgrade gets the short ids,
 * and redeliveries into it do not duplicate either.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexLayout } from '../../src/ingest/index-template.js';
import { dataMessage, defaultRecord, subscriptionEvent } from '../helpers/events.js';
import { localIngestHandler, removeIngested } from '../helpers/local-ingest.js';
import { opensearchUrl } from '../helpers/opensearch-url.js';
import { runCli } from '../helpers/run-cli.js';

const PREFIX = 'it-doc-id';
const OLD_DAY = `${PREFIX}-2026.11.28`;
const NEW_DAY = `${PREFIX}-2026.11.29`;
const context = { getRemainingTimeInMillis: () => 60_000 };

// The previous release's ids: the first 12 base64url characters of
// sha256('/vpc/flow-logs\0eni-0a1b2c3d4e5f60718-all'), then the CloudWatch event id
// (as the golden body of `flowlogs transform` had it before the change).
const OLD_ID = '0JQ7k9r0JDLI375800000000';
// The new ids, computed with
//   printf '/vpc/flow-logs\0eni-0a1b2c3d4e5f60718-all\0%s' <event id> | sha256sum | cut -c1-24 | xxd -r -p | base64 | tr '+/' '-_'
const NEW_ID_OLD_EVENT = 'Q3PEg2a66pxFobNp'; // event 375800000000: what it would get in a new index
const NEW_ID = 'gIIM8QiWWsg83pNf'; // event 375900000000

// Event 375800000000 of 2026-11-28 (the default record), and event 375900000000 of 2026-11-29.
const oldDayEvent = subscriptionEvent(dataMessage([defaultRecord()]));
const newDayEvent = subscriptionEvent(dataMessage([defaultRecord({ start: 1795910400, end: 1795910460 })], { idBase: '3759' }));

let client: Client;
let tmp: string;

beforeAll(async () => {
  client = new Client({ node: opensearchUrl() });
  tmp = mkdtempSync(join(tmpdir(), 'doc-id-it-'));
  await removeIngested(client, PREFIX);
});
afterAll(async () => {
  await removeIngested(client, PREFIX);
  await client.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function idsIn(index: string): Promise<string[]> {
  await client.indices.refresh({ index });
  const res = await client.search({ index, body: { size: 100, _source: false } });
  return (res.body.hits.hits as { _id: string }[]).map((h) => h._id).sort();
}

async function metaOf(index: string): Promise<unknown> {
  const res = await client.indices.getMapping({ index });
  return (res.body as Record<string, { mappings: { _meta?: unknown } }>)[index]?.mappings._meta;
}

describe('document ids across the upgrade', () => {
  it('keeps the old id for an event of an index the previous release created, and gives new indices the short ids', async () => {
    // Arrange: the previous release's layout (the same mapping, without the id scheme in _meta),
    // and the event as it indexed it: auto-creating the day's index under the old id.
    const layout = indexLayout(PREFIX, 30);
    const component = structuredClone(layout.component) as { template: { mappings: Record<string, unknown> }; version: number };
    delete component.template.mappings._meta;
    component.version = 1;
    await client.transport.request({ method: 'PUT', path: `/_component_template/${layout.componentName}`, body: component });
    await client.transport.request({ method: 'PUT', path: `/_index_template/${layout.templateName}`, body: { ...layout.template, version: 1 } });
    const doc = { version: 2, account_id: '012345678901', interface_id: 'eni-0a1b2c3d4e5f60718', srcaddr: '198.18.0.10', dstaddr: '10.0.1.5', bytes: 8400, start: 1795824000, end: 1795824060, action: 'ACCEPT', log_status: 'OK', '@timestamp': '2026-11-28T00:00:00.000Z' };
    await client.index({ index: OLD_DAY, id: OLD_ID, body: doc, refresh: true });
    expect(await metaOf(OLD_DAY)).toBeUndefined();

    // Act: the new release starts (installs its template), then the event is redelivered,
    // then a record of the next day arrives, and each is delivered twice.
    const handler = localIngestHandler(PREFIX, join(tmp, 'dl'));
    for (let i = 0; i < 2; i++) {
      expect(await handler(oldDayEvent, context)).toMatchObject({ indexed: 1, deadLettered: 0 });
      expect(await handler(newDayEvent, context)).toMatchObject({ indexed: 1, deadLettered: 0 });
    }

    // Assert: one document each; the old day under its old id, the new day under the short id.
    expect(await idsIn(OLD_DAY)).toEqual([OLD_ID]);
    expect(await idsIn(NEW_DAY)).toEqual([NEW_ID]);
    expect(await metaOf(NEW_DAY)).toEqual({ doc_id_scheme: 2 });
    // The redelivery overwrote the old document with the new release's (it now has the derived fields).
    const res = await client.get({ index: OLD_DAY, id: OLD_ID });
    expect(res.body._source).toMatchObject({ protocol_name: 'tcp', src_addr_scope: 'benchmarking' });
  });

  it('keeps both days\' ids in a new instance, which learns them from the indices, not from memory', async () => {
    const fresh = localIngestHandler(PREFIX, join(tmp, 'dl2'));

    await fresh(oldDayEvent, context);
    await fresh(newDayEvent, context);

    expect(await idsIn(OLD_DAY)).toEqual([OLD_ID]);
    expect(await idsIn(NEW_DAY)).toEqual([NEW_ID]);
  });

  it('keeps the ids when `flowlogs replay` re-drives saved events and dead letters days later', async () => {
    const saved = join(tmp, 'saved.ndjson');
    writeFileSync(saved, JSON.stringify(oldDayEvent) + '\n' + JSON.stringify(newDayEvent) + '\n');
    // A dead letter the previous release wrote for the old day's record (stage index, say a 429 storm).
    const letter = join(tmp, 'letter.ndjson');
    const { logGroup, logStream, owner, logEvents } = dataMessage([defaultRecord()]);
    writeFileSync(letter, JSON.stringify({ stage: 'index', status: 429, reason: 'es_rejected_execution_exception', owner, logGroup, logStream, ...logEvents[0] }) + '\n');

    const r = runCli(['replay', '--endpoint', opensearchUrl(), '--auth', 'none', '--index-prefix', PREFIX, '--no-geoip', '--dead-letter-dir', join(tmp, 'dl3'), saved, letter]);

    expect(r.stdout).toMatch(/replayed: 3 indexed, 0 dead-lettered again/);
    expect(r.status).toBe(0);
    expect(await idsIn(OLD_DAY)).toEqual([OLD_ID]);
    expect(await idsIn(NEW_DAY)).toEqual([NEW_ID]);
  });

  it('leaves one document per event in each index after every redelivery', async () => {
    expect(await idsIn(OLD_DAY)).toEqual([OLD_ID]);
    expect(await idsIn(NEW_DAY)).toEqual([NEW_ID]);
    // What the old day's event would have got in a new index: nowhere to be found.
    const found = await client.search({ index: `${PREFIX}-*`, body: { query: { ids: { values: [NEW_ID_OLD_EVENT] } } } });
    expect((found.body.hits.total as { value: number }).value).toBe(0);
  });
});
