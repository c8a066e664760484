/**
 * The local demo: a realistic day of VPC Flow Logs through the real ingest
 * function into a real OpenSearch on 127.0.0.1, then the standard reports.
 * No AWS account, no network beyond 127.0.0.1.
 *
 *   npx tsx demo/main.ts [--records N] [--date YYYY-MM-DD] [--seed N] [--keep]
 *
 * Starts the embedded engine (scripts/opensearch.mjs), or uses OPENSEARCH_URL
 * when set; builds the GeoIP data when missing (scripts/build-geo.mjs);
 * generates the day (testkit/traffic.ts); wraps it as CloudWatch Logs
 * subscription events and drives them through createIngestHandler, a few at
 * a time like concurrent Lambda instances; prints the reports (src/reports/search-reports.ts)
 * and where to look at the data. Progress goes to stderr, reports to stdout.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@opensearch-project/opensearch';
import { loadIngestConfig } from '../lambdas/ingest/config.js';
import { createIngestHandler, invocationContext } from '../lambdas/ingest/handler.js';
import { buildGeo, DEFAULT_GEO_DIR } from '../scripts/build-geo.mjs';
import { OpenSearchHarnessError, startOpenSearch, type RunningOpenSearch } from '../scripts/opensearch.mjs';
import { openGeoLookup } from '../lambdas/shared/geo-files.js';
import type { GeoLookup } from '../src/enrich/geoip.js';
import { indexPattern } from '../src/ingest/index-name.js';
import { REPORT_CATALOG, reportTable, type ReportId, type ReportRow, type ReportTable } from '../src/reports/catalog.js';
import { renderWeeklyPage } from '../src/reports/html.js';
import { savedObjectsNdjson } from '../src/reports/dashboards.js';
import { collectWeeklyReport } from '../src/reports/weekly.js';
import { DEFAULTS } from '../src/settings.js';
import { openSearchSource } from '../lambdas/reports/opensearch-source.js';
import { generateDay, toSubscriptionEvents, type TrafficDay } from '../testkit/traffic.js';

const USAGE = `usage: npx tsx demo/main.ts [options]

  --records N       flow-log records to generate (default 50000)
  --date YYYY-MM-DD the UTC day to generate (default yesterday)
  --seed N          seed of the generator (default 1)
  --top N           rows of the top-N reports (default 10)
  --keep            keep OpenSearch running after the reports, until Ctrl-C
  -h, --help        this text

  OPENSEARCH_URL    use this OpenSearch instead of starting one (it is left running)
  OPENSEARCH_LOG=1  stream the engine's log to stderr`;

/** Events per subscription message; CloudWatch sends up to about 1 MB. */
const BATCH_SIZE = 1000;
/** Concurrent invocations, like Lambda instances; more keep the engine busier on 2 cores. */
const CONCURRENCY = 4;
const BAR_WIDTH = 28;

interface DemoOptions {
  readonly records: number;
  readonly date: string;
  readonly seed: number;
  readonly top: number;
  readonly keep: boolean;
}

const err = (line = ''): void => void process.stderr.write(line + '\n');
const out = (line = ''): void => void process.stdout.write(line + '\n');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const int = (n: number): string => Math.round(n).toLocaleString('en-US');

class UsageError extends Error {}

function positive(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

function parseOptions(argv: string[]): DemoOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string' },
      date: { type: 'string' },
      seed: { type: 'string' },
      top: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  return {
    records: positive(values.records, '--records', 50_000),
    date: values.date ?? yesterday,
    seed: positive(values.seed, '--seed', 1),
    top: positive(values.top, '--top', 10),
    keep: values.keep ?? false,
  };
}

// ---- engine and geo data ---------------------------------------------------------

interface Engine {
  readonly url: string;
  /** Ours to stop; undefined for an OPENSEARCH_URL engine. */
  readonly running?: RunningOpenSearch;
}

async function openEngine(): Promise<Engine> {
  const external = process.env.OPENSEARCH_URL;
  if (external) {
    err(`OpenSearch: using OPENSEARCH_URL ${external}`);
    return { url: external.replace(/\/+$/, '') };
  }
  err('OpenSearch: starting the embedded engine on 127.0.0.1 (the first run builds it with Maven, which takes a few minutes) ...');
  const t0 = performance.now();
  const verbose = Boolean(process.env.OPENSEARCH_LOG);
  const running = await startOpenSearch({ log: verbose ? (line) => err(`[opensearch] ${line}`) : undefined });
  err(`OpenSearch: ready at ${running.url} in ${seconds(performance.now() - t0)}`);
  return { url: running.url, running };
}

/** The GeoIP folder, built when missing or outdated; undefined (GeoIP off) when it cannot be built. */
function ensureGeo(): string | undefined {
  try {
    const t0 = performance.now();
    const summary = buildGeo({ out: DEFAULT_GEO_DIR });
    err(summary.upToDate ? `GeoIP: using ${summary.out}` : `GeoIP: built ${summary.out} in ${seconds(performance.now() - t0)}`);
    return summary.out;
  } catch (e) {
    err(`GeoIP: off, the data could not be built (${(e as Error).message}); try \`node scripts/build-geo.mjs --out geo-data\``);
    return undefined;
  }
}

// ---- ingest ------------------------------------------------------------------------

interface IngestTotals {
  indexed: number;
  deadLettered: number;
  retried: number;
  parseErrors: number;
  ms: number;
}

function progress(done: number, total: number, ms: number): void {
  if (!process.stderr.isTTY) return;
  const f = total === 0 ? 1 : done / total;
  const filled = Math.round(f * BAR_WIDTH);
  const rate = ms > 0 ? (done / ms) * 1000 : 0;
  process.stderr.write(`\r  ingest [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${(f * 100).toFixed(0).padStart(3)}%  ${int(done).padStart(int(total).length)}/${int(total)} records  ${int(rate).padStart(7)} records/s`);
}

async function ingest(day: TrafficDay, url: string, deadLetterDir: string, geoDir: string | undefined): Promise<IngestTotals> {
  const handler = createIngestHandler(
    loadIngestConfig({
      OPENSEARCH_ENDPOINT: url,
      OPENSEARCH_AUTH: 'none',
      INDEX_PREFIX: DEFAULTS.indexPrefix,
      DEAD_LETTER_DIR: deadLetterDir,
      ...(geoDir ? { GEOIP_DIR: geoDir } : { GEOIP_ENABLED: 'false' }),
    }),
    { quiet: true },
  );
  const events = toSubscriptionEvents(day.streams, { batchSize: BATCH_SIZE });
  const totals: IngestTotals = { indexed: 0, deadLettered: 0, retried: 0, parseErrors: 0, ms: 0 };
  let done = 0;
  let next = 0;
  const t0 = performance.now();
  progress(0, day.records, 0);
  const worker = async (): Promise<void> => {
    while (next < events.length) {
      // Five minutes an event, counted down: a demo whose OpenSearch stopped ends with the handler's error.
      const s = await handler(events[next++]!, invocationContext(300));
      totals.indexed += s.indexed;
      totals.deadLettered += s.deadLettered;
      totals.retried += s.retried;
      totals.parseErrors += s.parseErrors;
      done += s.recordsIn;
      progress(done, day.records, performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  totals.ms = performance.now() - t0;
  if (process.stderr.isTTY) process.stderr.write('\n');
  return totals;
}

// ---- reports -------------------------------------------------------------------------

const SERVICES: Readonly<Record<string, string>> = {
  '22': 'ssh', '23': 'telnet', '25': 'smtp', '53': 'dns', '80': 'http', '123': 'ntp', '161': 'snmp', '443': 'https', '445': 'smb',
  '1433': 'mssql', '1900': 'ssdp', '2375': 'docker', '3306': 'mysql', '3389': 'rdp', '5060': 'sip', '5432': 'postgres',
  '5900': 'vnc', '6379': 'redis', '8080': 'http-alt',
};

function humanBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

function bar(value: number, max: number, width = 24): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + (['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths % 8] ?? '');
}

/** Prints a report as an aligned table: key, figure, share, a note per row when there are notes, and a bar. */
function printTable(t: ReportTable, note: (row: ReportRow) => string | undefined, dayLabel: string): void {
  const series = t.id.endsWith('-over-time');
  const figure = (n: number): string => (t.unit === 'bytes' ? humanBytes(n) : int(n));
  const cells = t.rows.map((r) => [series ? r.key.slice(11, 16) : r.key, figure(r.value), `${(r.share * 100).toFixed(1)}%`, note(r) ?? '']);
  const head = [series ? 'hour' : t.keyLabel, t.unit, 'share', ''];
  // Drop the note column when no row has a note.
  const columns = cells.some((c) => c[3] !== '') ? 4 : 3;
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const align = (row: readonly string[]): string =>
    row
      .slice(0, columns)
      .map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ');
  const max = Math.max(0, ...t.rows.map((r) => r.value));

  out();
  out(`${t.title}  (${dayLabel}; ${figure(t.total)}${t.unit === 'bytes' ? '' : ' ' + t.unit} in all${t.rows.length === 0 ? ', no rows' : ''})`);
  out(`  ${align(head)}`.trimEnd());
  t.rows.forEach((r, k) => out(`  ${align(cells[k]!)}  ${bar(r.value, max)}`.trimEnd()));
}

/** The catalog's reports, less the GeoIP ones when there is no GeoIP data. */
function reportsShown(geo: boolean) {
  return REPORT_CATALOG.filter((r) => geo || !r.geoip);
}

async function printReports(client: Client, day: TrafficDay, geo: GeoLookup | undefined, top: number): Promise<void> {
  const index = indexPattern(DEFAULTS.indexPrefix);
  const roles = new Map(day.streams.map((s) => [s.interface.id, `${s.interface.role} ${s.interface.azId}`]));
  const where = (ip: string): string | undefined => {
    const g = geo?.lookup(ip);
    return g ? [g.country, g.asn !== undefined ? `AS${g.asn}` : undefined, g.asOrg].filter(Boolean).join(' ') : undefined;
  };
  const notes: Partial<Record<ReportId, (r: ReportRow) => string | undefined>> = {
    'top-rejected-sources': (r) => where(r.key),
    'rejected-by-port': (r) => SERVICES[r.key],
    'bytes-per-interface': (r) => roles.get(r.key),
    'packets-per-interface': (r) => roles.get(r.key),
  };
  let first: ReportTable | undefined;
  for (const report of reportsShown(geo !== undefined)) {
    const id = report.id;
    const res = await client.transport.request({
      method: 'POST',
      path: `/${index}/_search`,
      body: report.search({ from: day.startSec * 1000, to: day.endSec * 1000, top }),
    });
    const t = reportTable(id, res.body);
    first ??= t;
    printTable(t, notes[id] ?? (() => undefined), `${day.date} UTC`);
  }
  if (first && (first.noData > 0 || first.skipData > 0)) {
    out();
    out(`Left out of every figure: ${int(first.noData)} NODATA and ${int(first.skipData)} SKIPDATA records (only log_status OK records count).`);
    if (first.skipData > 0) out('SKIPDATA means AWS skipped records in those windows, so the sums are a lower bound.');
  }
}

/**
 * The weekly report page (src/reports/html.ts) for the demo's day, compared
 * with the day before, written next to the dead letters: the same code path
 * as the report function and `flowlogs report`.
 */
async function writeWeeklyReport(client: Client, url: string, day: TrafficDay, dir: string): Promise<string> {
  const source = openSearchSource(client, DEFAULTS.indexPrefix, `OpenSearch ${url} (demo)`);
  const data = await collectWeeklyReport(source, { week: { from: day.startSec * 1000, to: day.endSec * 1000 }, reports: REPORT_CATALOG, interval: '1h' });
  const page = await renderWeeklyPage(data, { generatedAt: new Date(), source: source.name });
  const path = join(dir, 'weekly-report.html');
  writeFileSync(path, page.html);
  return path;
}

function printWhereToLook(url: string, deadLetterDir: string, keep: boolean, external: boolean, reportPath?: string, dashboardsPath?: string): void {
  const index = indexPattern(DEFAULTS.indexPrefix);
  const letters = readdirSync(deadLetterDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ndjson'));
  out();
  out('Where to look');
  out(`  OpenSearch     ${url}   (daily indices ${index}, e.g. fields srcaddr, dstport, action, src_country)`);
  out(`  dead letters   ${deadLetterDir}   (${letters.length === 0 ? 'empty: every record was indexed' : `${letters.length} file(s)`})`);
  if (reportPath) out(`  weekly report  ${reportPath}   (one self-contained HTML page: open it in a browser)`);
  if (dashboardsPath) out(`  dashboards     ${dashboardsPath}   (saved objects: Dashboards Management > Saved objects > Import, or flowlogs dashboards --endpoint)`);
  if (keep || external) {
    out('  try');
    out(`    curl '${url}/${index}/_search?q=action:REJECT&size=3&pretty'`);
    out(`    curl '${url}/${index}/_count?q=src_country:CN&pretty'`);
    out(`    curl '${url}/_cat/indices/${index}?v'`);
    out(`    curl -s '${url}/${index}/_search?pretty' -H 'content-type: application/json' \\`);
    out(`      -d '{"size":0,"aggs":{"ports":{"terms":{"field":"destination.port","size":5}}}}'`);
  } else {
    out(`  run with --keep to keep OpenSearch running and query it, e.g.`);
    out(`    curl '${url}/${index}/_search?q=action:REJECT&size=3&pretty'`);
  }
}

// ---- main ------------------------------------------------------------------------------

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (!options) {
    out(USAGE);
    return;
  }
  const started = performance.now();
  const geoDir = ensureGeo();
  const engine = await openEngine();
  const stopEngine = async (): Promise<void> => {
    if (engine.running) {
      err('OpenSearch: stopping');
      await engine.running.stop();
    }
  };
  process.once('SIGINT', () => void stopEngine().finally(() => process.exit(130)));

  try {
    let t0 = performance.now();
    const day = generateDay({ date: options.date, records: options.records, seed: options.seed });
    err(`Traffic: ${int(day.records)} records for ${day.date} on ${day.streams.length} interfaces (seed ${options.seed}) in ${seconds(performance.now() - t0)}`);

    const deadLetterDir = join(mkdtempSync(join(tmpdir(), 'flowlogs-demo-')), 'dead-letters');
    mkdirSync(deadLetterDir);
    const totals = await ingest(day, engine.url, deadLetterDir, geoDir);
    err(
      `Ingest: ${int(totals.indexed)} records indexed in ${seconds(totals.ms)} (${int((totals.indexed / totals.ms) * 1000)} records/s through the ingest handler)` +
        `; ${int(totals.deadLettered)} dead-lettered, ${int(totals.retried)} retried`,
    );

    const client = new Client({ node: engine.url });
    let reportPath: string | undefined;
    try {
      await client.indices.refresh({ index: indexPattern(DEFAULTS.indexPrefix) });
      const { body } = await client.count({ index: indexPattern(DEFAULTS.indexPrefix), body: { query: { range: { '@timestamp': { gte: day.startSec * 1000, lt: day.endSec * 1000 } } } } });
      if (body.count !== day.records) {
        err(`Note: ${day.date} holds ${int(body.count)} records, not ${int(day.records)}: earlier runs left records in this OpenSearch, and the reports include them.`);
      }
      t0 = performance.now();
      await printReports(client, day, geoDir ? openGeoLookup({ dir: geoDir }) : undefined, options.top);
      err(`Reports: ${reportsShown(geoDir !== undefined).length} in ${seconds(performance.now() - t0)}; demo took ${seconds(performance.now() - started)} in all`);
      t0 = performance.now();
      reportPath = await writeWeeklyReport(client, engine.url, day, dirname(deadLetterDir));
      err(`Weekly report: ${reportPath} in ${seconds(performance.now() - t0)}`);
    } finally {
      await client.close();
    }
    // The saved objects the stack imports into Dashboards, for a Dashboards of your own.
    const dashboardsPath = join(dirname(deadLetterDir), 'dashboards.ndjson');
    writeFileSync(dashboardsPath, savedObjectsNdjson({ indexPrefix: DEFAULTS.indexPrefix }));
    printWhereToLook(engine.url, deadLetterDir, options.keep, !engine.running, reportPath, dashboardsPath);

    if (options.keep && engine.running) {
      out();
      out(`OpenSearch keeps running at ${engine.url}; press Ctrl-C to stop it.`);
      // The engine's pipes are unref'd: hold the process open until the SIGINT handler stops it.
      setInterval(() => undefined, 1 << 30);
      return;
    }
  } catch (e) {
    await stopEngine();
    throw e;
  }
  if (engine.running) {
    out();
    out('OpenSearch stopped (run with --keep to keep it running).');
  }
  await stopEngine();
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    err(`demo: ${(e as Error).message}`);
    err(USAGE);
    process.exitCode = 2;
    return;
  }
  if (e instanceof OpenSearchHarnessError) {
    err(`demo: ${e.message}`);
    if (e.output.length > 0) err(e.output.slice(-20).join('\n'));
  } else {
    err(`demo: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  process.exitCode = 1;
});
