/**
 * Every Dashboards panel's request, taken out of the generated saved objects,
 * runs verbatim on the real OpenSearch, and the figures the panel draws
 * equal figures computed here, independently, from the input lines.
 *
 * - The request: the panel's Vega spec is read from `visState` as Dashboards
 *   reads it (Hjson), and its url object goes through the port of Dashboards'
 *   own substitution (test/helpers/dashboards-request.ts: the time picker's
 *   range on %timefield%, the dashboard's filters from %context%, %timefilter%
 *   and %autointerval% in the aggregations). That body is sent as it is.
 * - The figures: the response goes into the same spec, rendered by the real
 *   `vega` library, and the panel's `rows` data set is read back: what the
 *   chart draws, not what the catalog's TypeScript reads.
 * - The expected side splits the generated default-format lines on spaces and
 *   tallies them; GeoIP figures look addresses up with the `maxmind` reader on
 *   the DB-IP country database and in the AS CSVs of @ip-location-db/asn,
 *   not with the project's enrichment code.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isIPv4 } from 'node:net';
import { Client } from '@opensearch-project/opensearch';
import Hjson from 'hjson';
import maxmind, { type CountryResponse } from 'maxmind';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savedObjects, type SavedObject } from '../../src/reports/dashboards.js';
import { generateDay, toSubscriptionEvents } from '../../testkit/traffic.js';
import { dataUrls, NO_FILTERS, parseUrl, type DashboardContext, type TimeBounds } from '../helpers/dashboards-request.js';
import { localIngestHandler, removeIngested } from '../helpers/local-ingest.js';
import { opensearchUrl } from '../helpers/opensearch-url.js';
import { renderSpec, withResponse } from '../helpers/vega.js';

const RECORDS = 8_000;
const DATE = '2026-11-27';
const PREFIX = `it-dashboards-${randomUUID().slice(0, 8)}`;
const GEO_DIR = resolve(import.meta.dirname, '../../geo-data');
const context = { getRemainingTimeInMillis: () => 120_000 };
// Rows a top-N panel asks for: 10, and every country for the map (independent literals, not the catalog's).
const TOP = 10;
const MAP_TOP = 250;

// ---- the expected side ----------------------------------------------------------

const COLUMNS = ['version', 'account_id', 'interface_id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log_status'] as const;
type Line = Record<(typeof COLUMNS)[number], string>;
const PROTOCOL_NAMES: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'ipv6-icmp' };

const split = (line: string): Line => Object.fromEntries(line.split(' ').map((t, i) => [COLUMNS[i], t])) as Line;

function tally(lines: readonly Line[], key: (l: Line) => string | undefined, amount: (l: Line) => number = () => 1): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) {
    const k = key(l);
    if (k !== undefined) out[k] = (out[k] ?? 0) + amount(l);
  }
  return out;
}

/** Address -> [ASN, organisation] from @ip-location-db/asn's numeric CSVs (start,end,asn,"org"). */
function asnTable(ips: readonly string[]): Map<string, string> {
  const dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
  const toBig = (ip: string): bigint => {
    if (isIPv4(ip)) return ip.split('.').reduce((n, p) => (n << 8n) + BigInt(p), 0n);
    const [head = '', tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g, 16)), 0n);
  };
  const out = new Map<string, string>();
  for (const [file, family] of [['asn-ipv4-num.csv', true], ['asn-ipv6-num.csv', false]] as const) {
    // Both lists ascending: one merge pass over the ranges (start order) and the addresses.
    const wanted = ips.filter((ip) => isIPv4(ip) === family).map((ip) => [toBig(ip), ip] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let j = 0;
    for (const row of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (j >= wanted.length) break;
      const m = /^(\d+),(\d+),(\d+),(.*)$/.exec(row);
      if (!m) continue;
      const lo = BigInt(m[1]!);
      const hi = BigInt(m[2]!);
      while (j < wanted.length && wanted[j]![0] < lo) j++;
      const org = m[4]!.startsWith('"') ? m[4]!.slice(1, -1).replaceAll('""', '"') : m[4]!;
      while (j < wanted.length && wanted[j]![0] <= hi) out.set(wanted[j++]![1], `AS${m[3]}${org ? ' ' + org : ''}`);
    }
  }
  return out;
}

// ---- the run ----------------------------------------------------------------------

const day = generateDay({ date: DATE, records: RECORDS, seed: 77 });
const lines = day.streams.flatMap((s) => s.messages.map((m) => split(m.message)));
// The time picker: 06:00 to 17:59:59.999, both ends included as Dashboards' range filter has them.
const bounds: TimeBounds = { min: (day.startSec + 6 * 3600) * 1000, max: (day.startSec + 18 * 3600) * 1000 - 1 };
const inRange = lines.filter((l) => l.log_status === 'OK' && Number(l.start) * 1000 >= bounds.min && Number(l.start) * 1000 <= bounds.max);
// %autointerval% over 12 hours: 12 h / 50 = 14.4 min, which Dashboards rounds to 10m.
const BUCKET_MS = 10 * 60_000;

let client: Client;
let deadLetterDir: string;
let country: (ip: string) => string | undefined = () => undefined;
let network: Map<string, string> = new Map();

/** The figures a panel must show, from the lines alone: value per key, and how many rows it asks for. */
function expected(id: string, ok: readonly Line[]): { values: Record<string, number>; top: number; series?: boolean } {
  const rejected = ok.filter((l) => l.action === 'REJECT');
  const bytes = (l: Line) => Number(l.bytes);
  const packets = (l: Line) => Number(l.packets);
  switch (id) {
    case 'accept-reject-ratio':
      return { values: tally(ok, (l) => l.action), top: TOP };
    case 'reject-by-protocol':
      return { values: tally(rejected, (l) => PROTOCOL_NAMES[l.protocol] ?? l.protocol), top: TOP };
    case 'top-rejected-sources':
      return { values: tally(rejected, (l) => l.srcaddr), top: TOP };
    case 'rejected-by-port':
      return { values: tally(rejected.filter((l) => ['6', '17', '132'].includes(l.protocol)), (l) => l.dstport), top: TOP };
    case 'bytes-over-time':
    case 'packets-over-time': {
      const values: Record<string, number> = {};
      for (let t = Math.floor(bounds.min / BUCKET_MS) * BUCKET_MS; t <= bounds.max; t += BUCKET_MS) values[new Date(t).toISOString()] = 0;
      const sums = tally(ok, (l) => new Date(Math.floor((Number(l.start) * 1000) / BUCKET_MS) * BUCKET_MS).toISOString(), id === 'bytes-over-time' ? bytes : packets);
      return { values: { ...values, ...sums }, top: Object.keys(values).length, series: true };
    }
    case 'bytes-per-interface':
      return { values: tally(ok, (l) => l.interface_id, bytes), top: TOP };
    case 'packets-per-interface':
      return { values: tally(ok, (l) => l.interface_id, packets), top: TOP };
    case 'top-talkers':
      return { values: tally(ok, (l) => `${l.srcaddr} → ${l.dstaddr}`, bytes), top: TOP };
    case 'top-source-countries':
      return { values: tally(ok, (l) => country(l.srcaddr)), top: TOP };
    case 'top-source-networks':
      return { values: tally(ok, (l) => network.get(l.srcaddr)), top: TOP };
    case 'rejected-sources-by-country':
      return { values: tally(rejected, (l) => country(l.srcaddr)), top: MAP_TOP };
    default:
      throw new Error(`no expected figures for ${id}`);
  }
}

interface PanelRun {
  readonly id: string;
  readonly rows: { key: string; value: number; share: number }[];
  readonly warnings: readonly string[];
  readonly drawn: number;
  readonly body: Record<string, unknown>;
}

/** One panel as Dashboards runs it: its request substituted and sent, its spec rendered on the answer. */
async function runPanel(vis: SavedObject, filters: DashboardContext): Promise<PanelRun> {
  const visState = JSON.parse(String(vis.attributes.visState)) as { params: { spec: string } };
  const spec = Hjson.parse(visState.params.spec, { legacyRoot: false }) as Record<string, unknown>;
  const [url] = dataUrls(spec);
  const request = parseUrl(url!, bounds, filters);
  const res = await client.transport.request({ method: 'POST', path: `/${request.index}/_search`, body: request.body });
  const out = await renderSpec(withResponse(spec, res.body));
  const drawn = Object.entries(out.marks).reduce((s, [name, n]) => s + (name === 'root' ? 0 : n), 0);
  return { id: vis.id.replace(`${PREFIX}-report-`, ''), rows: out.data('rows') as PanelRun['rows'], warnings: out.warnings, drawn, body: request.body };
}

/** A panel's rows against the independent figures: the top N values, each key's value, shares of the whole. */
function check(run: PanelRun, want: ReturnType<typeof expected>): void {
  const all = Object.entries(want.values);
  const total = all.reduce((s, [, v]) => s + v, 0);
  const n = Math.min(want.top, all.length);
  expect(all.length, `${run.id}: nothing to compare`).toBeGreaterThan(0);
  expect(run.warnings, run.id).toEqual([]);
  expect(run.rows, run.id).toHaveLength(n);
  for (const r of run.rows) {
    expect(r.value, `${run.id} ${r.key}`).toBe(want.values[r.key]);
    if (!want.series) expect(r.share, `${run.id} ${r.key}`).toBeCloseTo(r.value / total, 12);
  }
  if (want.series) expect(run.rows.map((r) => r.key), run.id).toEqual(Object.keys(want.values).sort());
  // The N largest, largest first, whatever order OpenSearch breaks ties in.
  if (!want.series) expect(run.rows.map((r) => r.value), run.id).toEqual(all.map(([, v]) => v).sort((a, b) => b - a).slice(0, n));
}

const reportPanels = () => savedObjects({ indexPrefix: PREFIX }).filter((o) => o.id.startsWith(`${PREFIX}-report-`));

beforeAll(async () => {
  client = new Client({ node: opensearchUrl() });
  deadLetterDir = mkdtempSync(join(tmpdir(), 'dashboards-it-'));
  const handler = localIngestHandler(PREFIX, deadLetterDir, GEO_DIR);
  for (const event of toSubscriptionEvents(day.streams, { batchSize: 1000 })) {
    expect(await handler(event, context)).toMatchObject({ deadLettered: 0, parseErrors: 0 });
  }
  await client.indices.refresh({ index: `${PREFIX}-*` });
  // @ip-location-db's DB-IP build stores { country_code } rather than MaxMind's { country: { iso_code } }.
  const reader = await maxmind.open<CountryResponse>(join(GEO_DIR, 'dbip-country.mmdb'));
  country = (ip) => {
    const code = (reader.get(ip) as { country_code?: unknown } | null)?.country_code;
    return typeof code === 'string' ? code : undefined;
  };
  network = asnTable([...new Set(lines.map((l) => l.srcaddr))].filter((ip) => country(ip) !== undefined));
}, 180_000);

afterAll(async () => {
  if (!client) return;
  await removeIngested(client, PREFIX);
  await client.close();
  rmSync(deadLetterDir, { recursive: true, force: true });
});

describe('Dashboards panels on the real OpenSearch', () => {
  it('has a panel for every report, each sending a request bounded by the time picker', async () => {
    const panels = reportPanels();
    const run = await runPanel(panels[0]!, NO_FILTERS);

    expect(panels.length).toBe(12);
    expect(run.body.query).toEqual({
      bool: { must: [{ range: { '@timestamp': { gte: new Date(bounds.min).toISOString(), lte: new Date(bounds.max).toISOString(), format: 'strict_date_optional_time' } } }], filter: [], should: [], must_not: [] },
    });
  });

  it('shows, in every panel, the figures of the records in the time range', async () => {
    expect(inRange.length).toBeGreaterThan(1000);
    expect(inRange.length).toBeLessThan(lines.length);
    for (const vis of reportPanels()) {
      const run = await runPanel(vis, NO_FILTERS);

      check(run, expected(run.id, inRange));
      expect(run.drawn, run.id).toBeGreaterThan(0);
    }
  });

  it('applies a dashboard filter (one interface) to every panel', async () => {
    const eni = inRange.find((l) => l.action === 'REJECT')!.interface_id;
    const filters: DashboardContext = { bool: { must: [], filter: [{ match_phrase: { interface_id: eni } }], should: [], must_not: [] } };
    const only = inRange.filter((l) => l.interface_id === eni);

    for (const vis of reportPanels()) {
      const run = await runPanel(vis, filters);

      check(run, expected(run.id, only));
    }
  });
});
