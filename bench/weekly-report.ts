/**
 * Time and memory of the weekly report for data already in an OpenSearch
 * (e.g. `npm run demo -- --keep`): the queries (collect) once, then the page
 * (Vega charts + HTML) several times; the median of each, the process's peak
 * RSS, and the page's size.
 *
 *   npx tsx bench/weekly-report.ts --endpoint http://127.0.0.1:9200 --from 2026-11-25 --to 2026-11-25 [--runs 5]
 */
import { parseArgs } from 'node:util';
import { Client } from '@opensearch-project/opensearch';
import { rangeFrom } from '../cli/report-command.js';
import { openSearchSource } from '../lambdas/reports/opensearch-source.js';
import { NODATA_NOTE, REPORT_CATALOG } from '../src/reports/catalog.js';
import { renderWeeklyPage } from '../src/reports/html.js';
import { collectWeeklyReport, summaryText } from '../src/reports/weekly.js';
import { DEFAULTS } from '../src/settings.js';

const { values } = parseArgs({
  options: { endpoint: { type: 'string', default: 'http://127.0.0.1:9200' }, from: { type: 'string' }, to: { type: 'string' }, runs: { type: 'string', default: '5' }, 'index-prefix': { type: 'string' } },
});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const client = new Client({ node: values.endpoint });
try {
  const source = openSearchSource(client, values['index-prefix'] ?? DEFAULTS.indexPrefix);
  const week = rangeFrom(values.from, values.to, new Date());
  const collectMs: number[] = [];
  let data = await collectWeeklyReport(source, { week, reports: REPORT_CATALOG });
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    data = await collectWeeklyReport(source, { week, reports: REPORT_CATALOG });
    collectMs.push(performance.now() - t0);
  }
  const renderMs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < Number(values.runs); i++) {
    const t0 = performance.now();
    const page = await renderWeeklyPage(data, { generatedAt: new Date(), source: source.name });
    renderMs.push(performance.now() - t0);
    bytes = Buffer.byteLength(page.html);
  }
  console.log(
    JSON.stringify({
      records: data.headline.records,
      collectMsMedian: Math.round(median(collectMs)),
      renderMsFirst: Math.round(renderMs[0] ?? 0),
      renderMsMedian: Math.round(median(renderMs)),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      htmlBytes: bytes,
      summaryBytes: Buffer.byteLength(summaryText(data, 'https://example-bucket.s3.eu-west-1.amazonaws.com/weekly/page.html?X-Amz-Signature=' + '0'.repeat(1200), NODATA_NOTE)),
    }),
  );
} finally {
  await client.close();
}
