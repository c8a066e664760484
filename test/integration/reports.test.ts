/**
 * The standard reports, end to end: a generated day goes through the real
 * ingest handler into a real OpenSearch, and each report's figures must equal
 * the same figures computed here, independently, from the generated lines
 * (split on spaces; the project's parser is not used on this side).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogReport, reportTable, STANDARD_REPORTS, type ReportId, type ReportTable } from '../../src/reports/catalog.js';
import { generateDay, toSubscriptionEvents } from '../../testkit/traffic.js';
import { localIngestHandler, removeIngested } from '../helpers/local-ingest.js';
import { opensearchUrl } from '../helpers/opensearch-url.js';

const RECORDS = 20_000;
const DATE = '2026-11-28';
// Unique per file and run: an engine reused through OPENSEARCH_URL may hold other runs' indices.
const PREFIX = `it-reports-${randomUUID().slice(0, 8)}`;
const GEO_DIR = resolve(import.meta.dirname, '../../geo-data');
const context = { getRemainingTimeInMillis: () => 120_000 };

// ---- the expected side: plain string handling of default-format lines --------

// Default format, in order (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html).
const COLUMNS = ['version', 'account_id', 'interface_id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log_status'] as const;
type Line = Record<(typeof COLUMNS)[number], string>;
const PROTOCOL_NAMES: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'ipv6-icmp' };

function split(line: string): Line {
  const tokens = line.split(' ');
  expect(tokens).toHaveLength(COLUMNS.length);
  return Object.fromEntries(COLUMNS.map((c, i) => [c, tokens[i]!])) as Line;
}

function tally(lines: readonly Line[], key: (l: Line) => string, amount: (l: Line) => number = () => 1): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) out[key(l)] = (out[key(l)] ?? 0) + amount(l);
  return out;
}

const hourOf = (l: Line): string => new Date(Math.floor(Number(l.start) / 3600) * 3600 * 1000).toISOString();

// ---- the run ------------------------------------------------------------------

const day = generateDay({ date: DATE, records: RECORDS, seed: 2026 });
const lines = day.streams.flatMap((s) => s.messages.map((m) => split(m.message)));
const ok = lines.filter((l) => l.log_status === 'OK');
const rejected = ok.filter((l) => l.action === 'REJECT');

let client: Client;
let deadLetterDir: string;
const tables = new Map<ReportId, ReportTable>();

async function run(id: ReportId, top = 1000): Promise<ReportTable> {
  const res = await client.transport.request({
    method: 'POST',
    path: `/${PREFIX}-*/_search`,
    body: catalogReport(id).search({ from: day.startSec * 1000, to: day.endSec * 1000, top }),
  });
  return reportTable(id, res.body);
}

beforeAll(async () => {
  client = new Client({ node: opensearchUrl() });
  deadLetterDir = mkdtempSync(join(tmpdir(), 'reports-it-'));
  const handler = localIngestHandler(PREFIX, deadLetterDir, GEO_DIR);
  const events = toSubscriptionEvents(day.streams, { batchSize: 1000 });
  // Two at a time, as two concurrent Lambda instances would.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < events.length) {
      const summary = await handler(events[next++]!, context);
      expect(summary).toMatchObject({ messageType: 'DATA_MESSAGE', deadLettered: 0, parseErrors: 0 });
    }
  };
  await Promise.all([worker(), worker()]);
  await client.indices.refresh({ index: `${PREFIX}-*` });
  for (const r of STANDARD_REPORTS) tables.set(r.id, await run(r.id));
}, 180_000);

afterAll(async () => {
  if (!client) return;
  await removeIngested(client, PREFIX);
  await client.close();
  rmSync(deadLetterDir, { recursive: true, force: true });
});

const table = (id: ReportId): ReportTable => tables.get(id)!;
const values = (t: ReportTable): Record<string, number> => Object.fromEntries(t.rows.map((r) => [r.key, r.value]));
const records = (t: ReportTable): Record<string, number> => Object.fromEntries(t.rows.map((r) => [r.key, r.records]));

describe('standard reports on a generated day', () => {
  it('indexes every record once, into the day\'s index, with no dead letter', async () => {
    const { body } = await client.count({ index: `${PREFIX}-*` });
    const { body: indices } = await client.cat.indices({ index: `${PREFIX}-*`, format: 'json' });

    expect(body.count).toBe(RECORDS);
    expect((indices as { index: string }[]).map((i) => i.index)).toEqual([`${PREFIX}-2026.11.28`]);
    expect(readdirSync(deadLetterDir, { recursive: true })).toEqual([]);
  });

  it('leaves NODATA and SKIPDATA records out of every report, and counts them', () => {
    const status = tally(lines, (l) => l.log_status);

    for (const r of STANDARD_REPORTS) {
      expect(table(r.id)).toMatchObject({ noData: status.NODATA, skipData: status.SKIPDATA });
    }
    expect(table('accept-reject-ratio').records).toBe(ok.length);
    expect(table('bytes-over-time').records).toBe(ok.length);
  });

  it('accept-reject-ratio: records per action, with shares', () => {
    const t = table('accept-reject-ratio');
    const expected = tally(ok, (l) => l.action);

    expect(values(t)).toEqual(expected);
    expect(t.total).toBe(ok.length);
    expect(t.rows.map((r) => r.share)).toEqual(t.rows.map((r) => expected[r.key]! / ok.length));
  });

  it('reject-by-protocol: REJECTed records per protocol keyword', () => {
    expect(values(table('reject-by-protocol'))).toEqual(tally(rejected, (l) => PROTOCOL_NAMES[l.protocol] ?? l.protocol));
  });

  it('top-rejected-sources: REJECTed records per source address', () => {
    const t = table('top-rejected-sources');

    expect(values(t)).toEqual(tally(rejected, (l) => l.srcaddr));
    expect(t.total).toBe(rejected.length);
  });

  it('rejected-by-port: REJECTed TCP/UDP records per destination port', () => {
    const withPorts = rejected.filter((l) => l.protocol === '6' || l.protocol === '17' || l.protocol === '132');

    expect(values(table('rejected-by-port'))).toEqual(tally(withPorts, (l) => l.dstport));
  });

  it('bytes-over-time and packets-over-time: hourly sums over the 24 hours of the day', () => {
    const bytes = table('bytes-over-time');
    const packets = table('packets-over-time');

    expect(bytes.rows.map((r) => r.key)).toEqual(Array.from({ length: 24 }, (_, h) => new Date((day.startSec + h * 3600) * 1000).toISOString()));
    expect(values(bytes)).toEqual(tally(ok, hourOf, (l) => Number(l.bytes)));
    expect(values(packets)).toEqual(tally(ok, hourOf, (l) => Number(l.packets)));
    expect(records(bytes)).toEqual(tally(ok, hourOf));
    expect(bytes.total).toBe(ok.reduce((s, l) => s + Number(l.bytes), 0));
  });

  it('bytes-per-interface and packets-per-interface: sums per interface, largest first', () => {
    const bytes = table('bytes-per-interface');
    const packets = table('packets-per-interface');

    expect(values(bytes)).toEqual(tally(ok, (l) => l.interface_id, (l) => Number(l.bytes)));
    expect(values(packets)).toEqual(tally(ok, (l) => l.interface_id, (l) => Number(l.packets)));
    expect(records(packets)).toEqual(tally(ok, (l) => l.interface_id));
    for (const t of [bytes, packets]) {
      const v = t.rows.map((r) => r.value);
      expect(v).toEqual([...v].sort((a, b) => b - a));
    }
  });

  it('cuts a top-N report to N rows, largest first, led by the busiest scanner', async () => {
    const expected = Object.entries(tally(rejected, (l) => l.srcaddr)).sort((a, b) => b[1] - a[1]);

    const t = await run('top-rejected-sources', 3);

    expect(t.rows).toHaveLength(3);
    expect(t.rows[0]).toMatchObject({ key: expected[0]![0], value: expected[0]![1] });
    expect(expected[0]![1]).toBeGreaterThan(expected[1]![1]);
    expect(t.rows.map((r) => r.value)).toEqual(expected.slice(0, 3).map((e) => e[1]));
    expect(t.total).toBe(rejected.length);
  });

  it('top-talkers: bytes per source and destination pair, the largest pairs first', async () => {
    const expected = tally(ok, (l) => `${l.srcaddr} → ${l.dstaddr}`, (l) => Number(l.bytes));
    const largest = Object.values(expected).sort((a, b) => b - a);

    const t = await run('top-talkers', 25);

    expect(t.rows).toHaveLength(25);
    for (const r of t.rows) expect(r.value, r.key).toBe(expected[r.key]);
    expect(t.rows.map((r) => r.value)).toEqual(largest.slice(0, 25));
    expect(t.total).toBe(ok.reduce((s, l) => s + Number(l.bytes), 0));
  });

  it('rejected-sources-by-country: REJECTed records of public sources per country, every country', async () => {
    const all = await run('rejected-sources-by-country', 250);
    const countries = await run('top-source-countries', 250);

    expect(all.rows.length).toBeGreaterThan(0);
    expect(all.records).toBeLessThanOrEqual(rejected.length);
    for (const r of all.rows) expect(r.key).toMatch(/^[A-Z]{2}$/);
    // REJECTed records from a country are some of that country's records.
    const total = values(countries);
    for (const r of all.rows) expect(r.value).toBeLessThanOrEqual(total[r.key]!);
  });

  it('top-source-countries and top-source-networks: public sources by GeoIP country and AS', async () => {
    const countries = await run('top-source-countries', 50);
    const networks = await run('top-source-networks', 500);

    expect(countries.rows.map((r) => r.key)).toContain('US');
    for (const r of countries.rows) expect(r.key).toMatch(/^[A-Z]{2}$/);
    expect(networks.rows.map((r) => r.key)).toContain('AS4134 Chinanet');
    expect(countries.records).toBeLessThanOrEqual(ok.length);
  });
});
