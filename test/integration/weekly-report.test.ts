/**
 * The weekly report end to end: three generated days (one in the week, one
 * in the week before, one earlier in the look-back) go through the real
 * ingest handler into the real OpenSearch; the report handler (real config,
 * OpenSearch source, catalog, Vega charts, page) renders the week; the page
 * is opened in headless Debian chromium. Its figures must equal figures
 * computed here, independently, from the generated lines (split on spaces;
 * neither the project's parser nor the catalog is used on this side).
 *
 * Writes test-output/weekly-report.html and test-output/weekly-report.png.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportConfig } from '../../lambdas/reports/config.js';
import { createReportHandler, type ReportSummary } from '../../lambdas/reports/handler.js';
import { REPORT_CATALOG } from '../../src/reports/catalog.js';
import type { ReportPublisher } from '../../src/reports/weekly-run.js';
import { generateDay, toSubscriptionEvents, type TrafficDay } from '../../testkit/traffic.js';
import { visitPage, type PageVisit } from '../helpers/browser.js';
import { localIngestHandler, removeIngested } from '../helpers/local-ingest.js';
import { opensearchUrl } from '../helpers/opensearch-url.js';
import { runCli } from '../helpers/run-cli.js';

const PREFIX = `it-weekly-${randomUUID().slice(0, 8)}`;
const GEO_DIR = resolve(import.meta.dirname, '../../geo-data');
const OUT_DIR = resolve(import.meta.dirname, '../../test-output');
const HTML_PATH = join(OUT_DIR, 'weekly-report.html');
const PNG_PATH = join(OUT_DIR, 'weekly-report.png');
/** The run: Monday 00:30 UTC, for Monday 2026-11-23 .. Sunday 2026-11-29. */
const RUN_AT = '2026-11-30T00:30:00.000Z';
const context = { getRemainingTimeInMillis: () => 120_000 };

// ---- the expected side: plain string handling of default-format lines --------

const COLUMNS = ['version', 'account_id', 'interface_id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log_status'] as const;
type Line = Record<(typeof COLUMNS)[number], string>;

const linesOf = (day: TrafficDay): Line[] =>
  day.streams.flatMap((s) =>
    s.messages.map((m) => {
      const tokens = m.message.split(' ');
      return Object.fromEntries(COLUMNS.map((c, i) => [c, tokens[i]!])) as Line;
    }),
  );

interface Figures {
  records: number;
  bytes: number;
  packets: number;
  accepted: number;
  rejected: number;
}

function figuresOf(lines: readonly Line[]): Figures {
  const ok = lines.filter((l) => l.log_status === 'OK');
  return {
    records: ok.length,
    bytes: ok.reduce((s, l) => s + Number(l.bytes), 0),
    packets: ok.reduce((s, l) => s + Number(l.packets), 0),
    accepted: ok.filter((l) => l.action === 'ACCEPT').length,
    rejected: ok.filter((l) => l.action === 'REJECT').length,
  };
}

const rejectedSources = (lines: readonly Line[]): Map<string, number> => {
  const out = new Map<string, number>();
  for (const l of lines) if (l.log_status === 'OK' && l.action === 'REJECT') out.set(l.srcaddr, (out.get(l.srcaddr) ?? 0) + 1);
  return out;
};

// ---- the run ------------------------------------------------------------------

const week = generateDay({ date: '2026-11-25', records: 10_000, seed: 7 });
const before = generateDay({ date: '2026-11-18', records: 8_000, seed: 8 });
const earlier = generateDay({ date: '2026-11-04', records: 4_000, seed: 9 });
const weekLines = linesOf(week);

let client: Client;
let deadLetterDir: string;
let html = '';
let stored: { key: string; html: string }[] = [];
let announced: { subject: string; text: string }[] = [];
let summary: ReportSummary;
let visit: PageVisit | undefined;

/** `data-value` of the element with `data-figure="<name>"`. */
function figure(name: string, page = html): number {
  const m = new RegExp(`data-figure="${name}"[^>]*data-value="([^"]+)"`).exec(page);
  if (!m) throw new Error(`no figure ${name} in the page`);
  return Number(m[1]);
}

function previousFigure(name: string): number {
  const m = new RegExp(`data-figure="${name}"[^>]*data-previous="([^"]+)"`).exec(html);
  if (!m) throw new Error(`no previous figure ${name} in the page`);
  return Number(m[1]);
}

/** `data-key` → `data-value` of the rows inside the section with `id`. */
function sectionRows(id: string): Map<string, number> {
  const start = html.indexOf(`data-report-id="${id}"`);
  const end = html.indexOf('</section>', start);
  const out = new Map<string, number>();
  for (const m of html.slice(start, end).matchAll(/<tr data-key="([^"]+)" data-value="([^"]+)">/g)) out.set(m[1]!, Number(m[2]));
  return out;
}

beforeAll(async () => {
  client = new Client({ node: opensearchUrl() });
  deadLetterDir = mkdtempSync(join(tmpdir(), 'weekly-it-'));
  const ingest = localIngestHandler(PREFIX, deadLetterDir, GEO_DIR);
  for (const day of [week, before, earlier]) {
    for (const event of toSubscriptionEvents(day.streams, { batchSize: 1000 })) {
      const s = await ingest(event, context);
      expect(s).toMatchObject({ deadLettered: 0, parseErrors: 0 });
    }
  }
  await client.indices.refresh({ index: `${PREFIX}-*` });

  // The report function's own handler and configuration; only S3/SNS are replaced by memory.
  const publisher: ReportPublisher = {
    store: (key, page) => {
      stored.push({ key, html: page });
      return Promise.resolve(`https://reports.example/${key}`);
    },
    announce: (subject, text) => {
      announced.push({ subject, text });
      return Promise.resolve();
    },
  };
  const config = loadReportConfig({
    OPENSEARCH_ENDPOINT: opensearchUrl(),
    OPENSEARCH_AUTH: 'none',
    INDEX_PREFIX: PREFIX,
    REPORT_BUCKET: 'reports',
    REPORT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:reports',
  });
  const handler = createReportHandler(config, { publisher, now: () => new Date(RUN_AT), quiet: true });
  summary = await handler({ time: RUN_AT });
  html = stored[0]?.html ?? '';
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(HTML_PATH, html);
  // Chromium is installed by scripts/test-setup.mjs: a missing one fails here rather than skipping.
  visit = await visitPage(HTML_PATH, PNG_PATH);
  console.log(`weekly report page: ${HTML_PATH}\nweekly report screenshot: ${PNG_PATH}`);
}, 300_000);

afterAll(async () => {
  if (!client) return;
  await removeIngested(client, PREFIX);
  await client.close();
  rmSync(deadLetterDir, { recursive: true, force: true });
  stored = [];
  announced = [];
});

describe('weekly report on three generated days', () => {
  it('stores one page for the week and announces it once', () => {
    expect(stored.map((s) => s.key)).toEqual(['weekly/2026-11-23_2026-11-29.html']);
    expect(announced).toHaveLength(1);
    expect(announced[0]?.text).toContain('https://reports.example/weekly/2026-11-23_2026-11-29.html');
    expect(summary).toMatchObject({ key: 'weekly/2026-11-23_2026-11-29.html', mailed: false });
  });

  it('shows headline figures equal to the week\'s records, and the week before\'s for the change', () => {
    const expected = figuresOf(weekLines);
    const previous = figuresOf(linesOf(before));

    expect({ records: figure('Records'), bytes: figure('Bytes'), packets: figure('Packets'), accepted: figure('ACCEPT'), rejected: figure('REJECT') }).toEqual(expected);
    expect({ records: previousFigure('Records'), bytes: previousFigure('Bytes'), packets: previousFigure('Packets'), accepted: previousFigure('ACCEPT'), rejected: previousFigure('REJECT') }).toEqual(previous);
    expect(summary.records).toBe(expected.records);
  });

  it('counts the NODATA and SKIPDATA records it left out', () => {
    expect(figure('NODATA')).toBe(weekLines.filter((l) => l.log_status === 'NODATA').length);
    expect(figure('SKIPDATA')).toBe(weekLines.filter((l) => l.log_status === 'SKIPDATA').length);
    expect(figure('NODATA')).toBeGreaterThan(0);
  });

  it('lists exactly the REJECTed sources of the week that the 28 days before never saw', () => {
    const weekSources = rejectedSources(weekLines);
    const seenBefore = rejectedSources([...linesOf(before), ...linesOf(earlier)]);
    // Every one of the week's sources is a candidate (the default checks the 1000 busiest).
    expect(weekSources.size).toBeLessThanOrEqual(1000);
    const expected = new Map([...weekSources].filter(([address]) => !seenBefore.has(address)));

    const shown = sectionRows('first-seen');
    expect(Number(/data-report-id="first-seen" data-count="(\d+)"/.exec(html)?.[1])).toBe(expected.size);
    // The page lists the busiest 50: each with its own count, and the top counts in order.
    expect(shown.size).toBe(Math.min(50, expected.size));
    for (const [address, records] of shown) expect(expected.get(address), address).toBe(records);
    expect([...shown.values()]).toEqual([...expected.values()].sort((a, b) => b - a).slice(0, 50));
    expect(expected.size).toBeGreaterThan(0);
    expect(expected.size).toBeLessThan(weekSources.size);
  });

  it('shows the week\'s top REJECTed sources with their REJECTed records', () => {
    const expected = [...rejectedSources(weekLines).values()].sort((a, b) => b - a).slice(0, 10);

    expect([...sectionRows('top-rejected-sources').values()]).toEqual(expected);
  });

  it('has a section for every catalog report, and no script or remote reference', () => {
    for (const r of REPORT_CATALOG) expect(html).toContain(`data-report-id="${r.id}"`);
    // url(#...) points inside the page (an SVG gradient); nothing else may be referenced.
    expect(html).not.toMatch(/<script|<link|@import|url\((?!#)|(src|href)="(https?:)?\/\//i);
  });

  it('opens in headless chromium: every chart has drawn marks, no console error, no request but the page', () => {
    const v = visit!;
    const withRows = REPORT_CATALOG.filter((r) => html.includes(`data-chart="${r.id}"`)).map((r) => r.id);

    expect(v.requests).toEqual([pathToFileURL(HTML_PATH).href]);
    expect(v.consoleErrors).toEqual([]);
    expect(v.pageErrors).toEqual([]);
    expect(v.charts.map((c) => c.id)).toEqual(withRows);
    expect(withRows.length).toBeGreaterThanOrEqual(8);
    for (const c of v.charts) {
      expect(c.marks, `marks of ${c.id}`).toBeGreaterThan(0);
      expect(c.width * c.height, `area of ${c.id}`).toBeGreaterThan(0);
    }
    expect(existsSync(PNG_PATH)).toBe(true);
    expect(readFileSync(PNG_PATH).subarray(1, 4).toString()).toBe('PNG');
  });

  it('flowlogs report renders the same figures from the same OpenSearch', () => {
    const out = join(deadLetterDir, 'cli-report.html');

    const run = runCli(['report', '--endpoint', opensearchUrl(), '--index-prefix', PREFIX, '--from', '2026-11-23', '--to', '2026-11-29', '--out', out]);

    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(out);
    const page = readFileSync(out, 'utf8');
    for (const name of ['Records', 'Bytes', 'Packets', 'ACCEPT', 'REJECT', 'NODATA', 'SKIPDATA']) expect(figure(name, page)).toBe(figure(name));
  });
});
