/**
 * `flowlogs report --endpoint URL --from D --to D [--out report.html]`: the
 * weekly report page from any OpenSearch, written to a file. The same code
 * path as the report function (collect, render) without S3, SNS or SES.
 */
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../src/errors.js';
import { REPORT_CATALOG } from '../src/reports/catalog.js';
import { renderWeeklyPage } from '../src/reports/html.js';
import { collectWeeklyReport, DEFAULT_LOOKBACK_DAYS, weekEndingOn, type WeekRange } from '../src/reports/weekly.js';
import { REPORT_ENV } from '../src/settings.js';
import { openSearchSource } from '../lambdas/reports/opensearch-source.js';
import { createOpenSearchClient } from '../lambdas/shared/opensearch.js';
import { CONNECTION_OPTIONS, INDEX_PREFIX_OPTION, connectionFrom, indexPrefixFrom } from './common.js';
import { HELP_OPTION, STACK_OPTION, optionHelp, parseOptionsWithStack, requireOptions, type OptionTable } from './options.js';
import type { StackClients } from './stack.js';

/** Where the page is written when --out is not given. */
export const DEFAULT_REPORT_FILE = 'weekly-report.html';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...INDEX_PREFIX_OPTION,
  from: { type: 'string', arg: 'D', help: 'first day YYYY-MM-DD (or ISO 8601 time) of the range; default: 7 days before --to' },
  to: { type: 'string', arg: 'D', help: 'last day YYYY-MM-DD (included; an ISO 8601 time is excluded); default: the 7 days that ended at 00:00 UTC today' },
  out: { type: 'string', arg: 'FILE', help: `the page (default ${DEFAULT_REPORT_FILE})` },
  'lookback-days': { type: 'string', arg: 'N', env: [REPORT_ENV.lookbackDays], help: `days before --from in which a REJECTed source counts as seen (default ${DEFAULT_LOOKBACK_DAYS})` },
  top: { type: 'string', arg: 'N', help: 'rows of each top-N table (default 10)' },
  ...STACK_OPTION,
  ...HELP_OPTION,
} as const satisfies OptionTable;

const HELP = `usage: flowlogs report [options]

Renders the weekly report page (one self-contained HTML file) from the daily
indices <prefix>-* of an OpenSearch, and prints its path and a summary. The week
before the range, of the same length, is the comparison.

${optionHelp(OPTIONS)}`;

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

export async function runReportCommand(argv: readonly string[], stackClients?: StackClients): Promise<number> {
  const { values, positionals } = await parseOptionsWithStack(OPTIONS, argv, stackClients);
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  requireOptions('report', OPTIONS, values, ['endpoint'], positionals.length > 0 ? [`unexpected argument "${positionals[0]}"`] : []);
  const connection = connectionFrom(values);
  const endpoint = connection.endpoint;
  const indexPrefix = indexPrefixFrom(values);
  const now = new Date();
  const week = rangeFrom(values.from, values.to, now);
  const out = values.out ?? DEFAULT_REPORT_FILE;
  const lookbackDays = positive(values['lookback-days'], '--lookback-days');
  const top = positive(values.top, '--top');

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
