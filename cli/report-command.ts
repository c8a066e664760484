/**
 * `flowlogs report --endpoint URL --from D --to D [--out report.html]`: the
 * weekly report page from any OpenSearch, written to a file. The same code
 * path as the report function (collect, render) without S3, SNS or SES.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../src/errors.js';
import { REPORT_CATALOG } from '../src/reports/catalog.js';
import { renderWeeklyPage } from '../src/reports/html.js';
import { collectWeeklyReport, DEFAULT_LOOKBACK_DAYS, weekEndingOn, type WeekRange } from '../src/reports/weekly.js';
import { DEFAULTS, INGEST_ENV } from '../src/settings.js';
import { openSearchSource } from '../lambdas/reports/opensearch-source.js';
import { createOpenSearchClient, type OpenSearchConnection } from '../lambdas/shared/opensearch.js';

const HELP = `usage: flowlogs report [--endpoint URL] [--auth none|basic|aws-sigv4] [--index-prefix P]
                       [--from D] [--to D] [--out FILE] [--lookback-days N] [--top N]

Renders the weekly report page (one self-contained HTML file) from the daily
indices <prefix>-* of an OpenSearch, and prints its path and a summary.

  --from D, --to D   the range: YYYY-MM-DD days (both included) or ISO 8601 times
                     (--to excluded). Default: the 7 days that ended at 00:00 UTC today.
                     The week before, of the same length, is the comparison.
  --out FILE         default weekly-report.html
  --lookback-days N  days before --from in which a REJECTed source counts as seen (default ${DEFAULT_LOOKBACK_DAYS})
  --top N            rows of each top-N table (default 10)
  --endpoint, --auth, --index-prefix
                     as the ingest function: ${INGEST_ENV.endpoint}, ${INGEST_ENV.auth},
                     ${INGEST_ENV.indexPrefix} (default ${DEFAULTS.indexPrefix}); basic auth reads
                     ${INGEST_ENV.username} and ${INGEST_ENV.password}`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A range from the options: days are whole UTC days, `--to` day included. */
export function rangeFrom(from: string | undefined, to: string | undefined, now: Date): WeekRange {
  const bound = (text: string, name: string, endOfDay: boolean): number => {
    const ms = Date.parse(DAY.test(text) ? `${text}T00:00:00Z` : text);
    if (!Number.isFinite(ms)) throw new ConfigError(`${name} must be a day YYYY-MM-DD or an ISO 8601 time, got "${text}"`);
    return DAY.test(text) && endOfDay ? ms + 86_400_000 : ms;
  };
  const toMs = to === undefined ? weekEndingOn(now).week.to : bound(to, '--to', true);
  const fromMs = from === undefined ? toMs - 7 * 86_400_000 : bound(from, '--from', false);
  if (toMs <= fromMs) throw new ConfigError(`--to must be after --from`);
  return { from: fromMs, to: toMs };
}

function positive(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

export async function runReportCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      endpoint: { type: 'string' },
      auth: { type: 'string' },
      'index-prefix': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      'lookback-days': { type: 'string' },
      top: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const endpoint = (values.endpoint ?? process.env[INGEST_ENV.endpoint])?.replace(/\/+$/, '');
  if (!endpoint || !/^https?:\/\//.test(endpoint)) throw new ConfigError(`--endpoint (or ${INGEST_ENV.endpoint}) must be an http:// or https:// URL\n\n${HELP}`);
  const auth = values.auth ?? process.env[INGEST_ENV.auth] ?? (endpoint.startsWith('https://') ? 'aws-sigv4' : 'none');
  if (auth !== 'aws-sigv4' && auth !== 'basic' && auth !== 'none') throw new ConfigError(`--auth must be aws-sigv4, basic or none, got "${auth}"`);
  const indexPrefix = values['index-prefix'] ?? process.env[INGEST_ENV.indexPrefix] ?? DEFAULTS.indexPrefix;
  const now = new Date();
  const week = rangeFrom(values.from, values.to, now);
  const out = values.out ?? 'weekly-report.html';
  const lookbackDays = positive(values['lookback-days'], '--lookback-days');
  const top = positive(values.top, '--top');

  const connection: OpenSearchConnection = {
    endpoint,
    auth,
    ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
    ...(process.env[INGEST_ENV.username] ? { username: process.env[INGEST_ENV.username] } : {}),
    ...(process.env[INGEST_ENV.password] ? { password: process.env[INGEST_ENV.password] } : {}),
  };
  const client = await createOpenSearchClient(connection);
  try {
    const source = openSearchSource(client, indexPrefix, `OpenSearch ${endpoint} (${indexPrefix}-*)`);
    const data = await collectWeeklyReport(source, { week, reports: REPORT_CATALOG, ...(lookbackDays ? { lookbackDays } : {}), ...(top ? { top } : {}) });
    const page = await renderWeeklyPage(data, { generatedAt: now, source: source.name });
    writeFileSync(out, page.html);
    for (const w of page.warnings) process.stderr.write(`flowlogs report: chart warning: ${w}\n`);
    process.stdout.write(`${out}\n`);
    process.stderr.write(
      `weekly report: ${data.headline.records.toLocaleString('en-US')} records, ${data.sections.length} reports, ` +
        `${data.firstSeen.length} first-seen REJECTed sources, ${Buffer.byteLength(page.html).toLocaleString('en-US')} bytes of HTML\n`,
    );
    return 0;
  } finally {
    await client.close();
  }
}
