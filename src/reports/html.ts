/**
 * The weekly report as ONE self-contained HTML page: inline CSS with the
 * system font stack, charts as inline SVG (rendered by Vega in Node, see
 * chart-svg.ts), tables, no script, no external font, style or image. A
 * Content-Security-Policy of `default-src 'none'` makes the browser refuse
 * any request the page might still try, so it displays the same offline and
 * in a mail client that blocks remote content.
 *
 * Tables rather than flex or grid layout: mail clients (Outlook above all)
 * lay out tables and ignore much of modern CSS.
 */
import { NODATA_NOTE, type CatalogReport } from './catalog.js';
import { renderChartSvg } from './chart-svg.js';
import { formatBytes, formatChange, formatCount, formatFigure, formatShare, formatWeek, type Headline, type WeeklyReportData, type WeeklyRow, type WeeklySection } from './weekly.js';

/** What the page says about itself besides the figures. */
export interface PageMeta {
  /** When the page was made (the caller's clock). */
  readonly generatedAt: Date;
  /** Where the figures come from, e.g. `OpenSearch https://...`. */
  readonly source: string;
  /**
   * Title of the page.
   * @default 'VPC flow logs: weekly report'
   */
  readonly title?: string;
}

/** A rendered page and what Vega warned about while drawing its charts. */
export interface RenderedPage {
  readonly html: string;
  readonly warnings: readonly string[];
}

const DEFAULT_TITLE = 'VPC flow logs: weekly report';
/** First-seen sources listed on the page, busiest first (a botnet week can bring thousands). */
export const FIRST_SEEN_SHOWN = 50;

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root { color-scheme: light; }
body { margin: 0; padding: 24px; background: #f5f6f8; color: #1d2330;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
main { max-width: 960px; margin: 0 auto; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 2px; }
p.sub, p.counts { color: #5a6275; margin: 0 0 12px; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 16px 20px; margin: 16px 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eceff3; vertical-align: top; }
th { color: #5a6275; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.headline td { border: none; padding: 8px 12px 8px 0; width: 20%; }
.figure { font-size: 22px; font-weight: 600; }
.label { color: #5a6275; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.up { color: #a4262c; } .down { color: #107c41; } .flat { color: #5a6275; }
figure.chart { margin: 8px 0 12px; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; }
.note { background: #fff8e6; border-color: #f0d89a; }
.empty { color: #5a6275; font-style: italic; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
footer { color: #5a6275; font-size: 12px; margin-top: 24px; }
`;

// More REJECTs is bad news; for traffic volume a rise is just a rise.
function changeCell(now: number, before: number, badWhenUp = false): string {
  const text = formatChange(now, before);
  const cls = !badWhenUp || text === 'no change' ? 'flat' : now > before ? 'up' : 'down';
  return `<span class="${cls}">${escapeHtml(text)}</span>`;
}

function headlineTable(h: Headline, p: Headline): string {
  const share = (part: number, whole: number): string => (whole > 0 ? formatShare(part / whole) : 'n/a');
  // data-value and data-previous carry the exact figures, for scripts and tests reading the page.
  const cell = (label: string, value: number, previous: number, figure: string, detail: string): string =>
    `<td><div class="label">${escapeHtml(label)}</div><div class="figure" data-figure="${escapeHtml(label)}" data-value="${value}" data-previous="${previous}">${escapeHtml(figure)}</div><div>${detail}</div></td>`;
  return [
    '<table class="headline" role="presentation"><tr>',
    cell('Records', h.records, p.records, formatCount(h.records), `${changeCell(h.records, p.records)} vs ${escapeHtml(formatCount(p.records))}`),
    cell('Bytes', h.bytes, p.bytes, formatBytes(h.bytes), `${changeCell(h.bytes, p.bytes)} vs ${escapeHtml(formatBytes(p.bytes))}`),
    cell('Packets', h.packets, p.packets, formatCount(h.packets), `${changeCell(h.packets, p.packets)} vs ${escapeHtml(formatCount(p.packets))}`),
    cell('ACCEPT', h.accepted, p.accepted, share(h.accepted, h.records), `${escapeHtml(formatCount(h.accepted))} records`),
    cell('REJECT', h.rejected, p.rejected, share(h.rejected, h.records), `${escapeHtml(formatCount(h.rejected))} records, ${changeCell(h.rejected, p.rejected, true)}`),
    '</tr></table>',
  ].join('');
}

const isSeries = (report: CatalogReport): boolean => report.id.endsWith('-over-time');

function rowsTable(section: WeeklySection): string {
  const { report, rows, previousRows } = section;
  const before = new Map(previousRows.map((r) => [r.key, r.value]));
  const head = `<tr><th>${escapeHtml(report.keyLabel)}</th><th class="n">${escapeHtml(report.unit)}</th><th class="n">share</th><th class="n">week before</th><th class="n">change</th></tr>`;
  const body = rows
    .map((r: WeeklyRow) => {
      const prev = before.get(r.key);
      return (
        `<tr data-key="${escapeHtml(r.key)}" data-value="${r.value}"><td><code>${escapeHtml(r.key)}</code></td><td class="n">${escapeHtml(formatFigure(report.unit, r.value))}</td><td class="n">${escapeHtml(formatShare(r.share))}</td>` +
        `<td class="n">${prev === undefined ? '–' : escapeHtml(formatFigure(report.unit, prev))}</td><td class="n">${prev === undefined ? 'not in its top rows' : changeCell(r.value, prev, report.id.includes('reject'))}</td></tr>`
      );
    })
    .join('');
  return `<table class="rows">${head}${body}</table>`;
}

function sectionHtml(section: WeeklySection, svg: string | undefined): string {
  const { report, rows, previousRows } = section;
  const total = rows.reduce((s, r) => s + r.value, 0);
  const totalBefore = previousRows.reduce((s, r) => s + r.value, 0);
  const summary = isSeries(report)
    ? `<p class="counts">${escapeHtml(formatFigure(report.unit, total))}${report.unit === 'bytes' ? '' : ' ' + escapeHtml(report.unit)} in the week, ${changeCell(total, totalBefore)} on the week before.</p>`
    : '';
  const chart = rows.length === 0 || svg === undefined ? '<p class="empty">No data in this week.</p>' : `<figure class="chart" data-chart="${escapeHtml(report.id)}">${svg}</figure>`;
  return [
    `<section class="report" id="${escapeHtml(report.id)}" data-report-id="${escapeHtml(report.id)}">`,
    `<h2>${escapeHtml(report.title)}</h2>`,
    `<p class="sub">${escapeHtml(report.counts)}</p>`,
    summary,
    chart,
    rows.length > 0 && !isSeries(report) ? rowsTable(section) : '',
    '</section>',
  ].join('');
}

function firstSeenHtml(data: WeeklyReportData): string {
  const days = Math.round((data.week.from - data.lookbackFrom) / 86_400_000);
  const intro =
    `<p class="sub">REJECTed sources of this week (log_status OK) that were not a REJECTed source in the ${days} days before it. ` +
    `${escapeHtml(formatCount(data.firstSeen.length))} of the week's ${escapeHtml(formatCount(data.firstSeenChecked))} busiest REJECTed sources.</p>`;
  const shown = data.firstSeen.slice(0, FIRST_SEEN_SHOWN);
  const more = data.firstSeen.length - shown.length;
  const body =
    data.firstSeen.length === 0
      ? '<p class="empty">None.</p>'
      : `<table class="rows"><tr><th>source</th><th class="n">REJECTed records</th></tr>${shown
          .map((s) => `<tr data-key="${escapeHtml(s.address)}" data-value="${s.records}"><td><code>${escapeHtml(s.address)}</code></td><td class="n">${escapeHtml(formatCount(s.records))}</td></tr>`)
          .join('')}</table>${more > 0 ? `<p class="sub">… and ${escapeHtml(formatCount(more))} more with fewer records.</p>` : ''}`;
  return `<section id="first-seen" data-report-id="first-seen" data-count="${data.firstSeen.length}"><h2>REJECTed sources seen for the first time</h2>${intro}${body}</section>`;
}

/**
 * The page, from the collected data and each report's chart as SVG (by
 * report id; a report without one, or without rows, says "No data").
 */
export function weeklyHtml(data: WeeklyReportData, charts: ReadonlyMap<string, string>, meta: PageMeta): string {
  const title = meta.title ?? DEFAULT_TITLE;
  const week = formatWeek(data.week);
  const excluded = data.excluded;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may load: no script, no remote style, font or image. Inline styles only.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${title}, ${week}`)}</title>`,
    `<style>${STYLE}</style></head><body><main>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="sub">${escapeHtml(week)}, compared with ${escapeHtml(formatWeek(data.previous))}</p>`,
    `<section id="headline" data-report-id="headline">${headlineTable(data.headline, data.previousHeadline)}</section>`,
    `<section class="note" id="excluded"><p><strong>Left out of every figure:</strong> <span data-figure="NODATA" data-value="${excluded.nodata}">${escapeHtml(formatCount(excluded.nodata))}</span> NODATA and ` +
      `<span data-figure="SKIPDATA" data-value="${excluded.skipdata}">${escapeHtml(formatCount(excluded.skipdata))}</span> SKIPDATA records this week. ${escapeHtml(NODATA_NOTE)}</p></section>`,
    firstSeenHtml(data),
    ...data.sections.map((s) => sectionHtml(s, charts.get(s.report.id))),
    `<footer>Made ${escapeHtml(meta.generatedAt.toISOString())} from ${escapeHtml(meta.source)}. Figures count only records with log_status OK.</footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}

/**
 * Renders each report's chart (the catalog's `chart(rows)`, by Vega) and the page.
 * @throws ChartRenderError when a chart cannot be rendered
 */
export async function renderWeeklyPage(data: WeeklyReportData, meta: PageMeta): Promise<RenderedPage> {
  const charts = new Map<string, string>();
  const warnings: string[] = [];
  for (const s of data.sections) {
    if (s.rows.length === 0) continue;
    const chart = await renderChartSvg(s.report.chart(s.rows));
    charts.set(s.report.id, chart.svg);
    warnings.push(...chart.warnings.map((w) => `${s.report.id}: ${w}`));
  }
  return { html: weeklyHtml(data, charts, meta), warnings };
}
