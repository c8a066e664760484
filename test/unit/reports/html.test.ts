import { describe, expect, it } from 'vitest';
import { NODATA_NOTE } from '../../../src/reports/catalog.js';
import { ChartRenderError, renderChartSvg } from '../../../src/reports/chart-svg.js';
import { escapeHtml, renderWeeklyPage, weeklyHtml } from '../../../src/reports/html.js';
import type { WeeklyReportData } from '../../../src/reports/weekly.js';
import { fakeReport, row } from '../../helpers/weekly-fakes.js';

const MON = Date.parse('2026-11-23T00:00:00Z');
const DAY = 86_400_000;
const META = { generatedAt: new Date('2026-11-30T00:30:00Z'), source: 'OpenSearch http://127.0.0.1:9200 (vpcflowlogs-*)' };

function data(overrides: Partial<WeeklyReportData> = {}): WeeklyReportData {
  return {
    week: { from: MON, to: MON + 7 * DAY },
    previous: { from: MON - 7 * DAY, to: MON },
    lookbackFrom: MON - 28 * DAY,
    headline: { records: 1200, bytes: 12_000_000, packets: 9000, accepted: 900, rejected: 300 },
    previousHeadline: { records: 1000, bytes: 10_000_000, packets: 9000, accepted: 800, rejected: 200 },
    sections: [
      { report: fakeReport('accept-reject-ratio'), rows: [row('ACCEPT', 900, 900, 0.75), row('REJECT', 300, 300, 0.25)], previousRows: [row('ACCEPT', 800), row('REJECT', 200)] },
      { report: fakeReport('top-rejected-sources'), rows: [row('198.51.100.7', 150, 150, 0.5), row('<img src=x>', 1)], previousRows: [row('198.51.100.7', 100)] },
      { report: fakeReport('top-source-networks'), rows: [], previousRows: [] },
    ],
    firstSeen: [{ address: '203.0.113.50', records: 42 }],
    firstSeenChecked: 2,
    excluded: { nodata: 17, skipdata: 2 },
    ...overrides,
  };
}

describe('weeklyHtml', () => {
  const charts = new Map([
    ['accept-reject-ratio', '<svg class="marks"><g class="mark-rect role-mark"><path d="M0,0h1v1h-1Z"></path></g></svg>'],
    ['top-rejected-sources', '<svg class="marks"></svg>'],
  ]);
  const html = weeklyHtml(data(), charts, META);

  it('is one document that loads nothing: CSP default-src none, inline style, no script, link or remote URL', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|(src|href)="/i);
  });

  it('shows the week, the headline figures with their exact values and the week before', () => {
    expect(html).toContain('2026-11-23 .. 2026-11-29 (UTC), compared with 2026-11-16 .. 2026-11-22 (UTC)');
    expect(html).toContain('data-figure="Records" data-value="1200" data-previous="1000">1,200<');
    expect(html).toContain('data-figure="Bytes" data-value="12000000" data-previous="10000000">12.0 MB<');
    expect(html).toContain('data-figure="REJECT" data-value="300" data-previous="200">25.0%<');
    expect(html).toMatch(/<span class="flat">\+20\.0%<\/span> vs 1,000/);
    // More REJECTs is the bad direction.
    expect(html).toMatch(/300 records, <span class="up">\+50\.0%<\/span>/);
  });

  it('has one section per report, in order, with its chart, or "No data" when it has no rows', () => {
    const ids = [...html.matchAll(/data-report-id="([^"]+)"/g)].map((m) => m[1]);

    expect(ids).toEqual(['headline', 'first-seen', 'accept-reject-ratio', 'top-rejected-sources', 'top-source-networks']);
    expect(html).toContain('<figure class="chart" data-chart="accept-reject-ratio"><svg class="marks"><g class="mark-rect role-mark">');
    const empty = html.slice(html.indexOf('data-report-id="top-source-networks"'));
    expect(empty).toContain('No data in this week.');
    expect(empty).not.toContain('<figure');
  });

  it('gives each row the week before and the change, or says it was not in the top rows', () => {
    expect(html).toContain('<tr data-key="198.51.100.7" data-value="150"><td><code>198.51.100.7</code></td><td class="n">150</td><td class="n">50.0%</td><td class="n">100</td><td class="n"><span class="up">+50.0%</span></td></tr>');
    expect(html).toContain('<td class="n">–</td><td class="n">not in its top rows</td>');
  });

  it('escapes keys from the data', () => {
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain('<code>&#60;img src=x&#62;</code>');
    expect(escapeHtml(`"a" & 'b'`)).toBe('&#34;a&#34; &#38; &#39;b&#39;');
  });

  it('lists the first-seen sources and the left-out NODATA and SKIPDATA records with the catalog\'s note', () => {
    expect(html).toContain('<tr data-key="203.0.113.50" data-value="42"><td><code>203.0.113.50</code></td><td class="n">42</td></tr>');
    expect(html).toContain('not a REJECTed source in the 28 days before it');
    expect(html).toContain('<span data-figure="NODATA" data-value="17">17</span> NODATA');
    expect(html).toContain('<span data-figure="SKIPDATA" data-value="2">2</span> SKIPDATA');
    expect(html).toContain(escapeHtml(NODATA_NOTE));
  });
});

describe('renderWeeklyPage', () => {
  it('draws each report with rows through Vega as inline SVG with marks, without warnings', async () => {
    const page = await renderWeeklyPage(data(), META);

    const figures = [...page.html.matchAll(/<figure class="chart" data-chart="([^"]+)">(<svg[\s\S]*?<\/svg>)<\/figure>/g)];
    expect(figures.map((f) => f[1])).toEqual(['accept-reject-ratio', 'top-rejected-sources']);
    for (const f of figures) expect(f[2]).toMatch(/<g class="mark-rect role-mark[^"]*"[^>]*><path /);
    expect(page.warnings).toEqual([]);
  });

  it('fails with a ChartRenderError for a chart that wants remote data', async () => {
    await expect(renderChartSvg({ data: [{ name: 'rows', url: 'https://example.com/data.json' }] })).rejects.toThrow(ChartRenderError);
  });
});

describe('first-seen sources on the page', () => {
  it('lists the busiest 50 and says how many more there are', () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ address: `192.0.2.${i}`, records: 200 - i }));

    const html = weeklyHtml(data({ firstSeen: many, firstSeenChecked: 500 }), new Map(), META);

    const section = html.slice(html.indexOf('data-report-id="first-seen"'), html.indexOf('</section>', html.indexOf('data-report-id="first-seen"')));
    expect(section).toContain('data-count="120"');
    expect(section.match(/<tr data-key=/g)).toHaveLength(50);
    expect(section).toContain('<tr data-key="192.0.2.49" data-value="151">');
    expect(section).not.toContain('192.0.2.50"');
    expect(section).toContain('… and 70 more with fewer records.');
  });
});
