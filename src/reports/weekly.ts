/**
 * The weekly report as data: every catalog report over the past 7 days and
 * over the 7 days before (week-over-week change), the headline figures, the
 * REJECTed sources seen for the first time this week, and the records left
 * out (NODATA/SKIPDATA). Pure: the queries go through a {@link ReportSource}
 * the caller passes (OpenSearch or Athena, lambdas/reports/), so this module
 * has no client, no clock and no environment.
 *
 * Missing data is never a quiet week: a source that fails, for any report or
 * either week, fails the whole collection with a {@link ReportQueryError};
 * nothing is left out silently.
 */
import { FlowLogError } from '../errors.js';
import type { CatalogReport, ReportId, ReportRange } from './catalog.js';

/** One row of a report, as the catalog reads it. */
export type WeeklyRow = ReturnType<CatalogReport['rows']>[number];

/** Records a report's figures leave out, read from the same response. */
export interface ExcludedRecords {
  readonly nodata: number;
  readonly skipdata: number;
}

/** What a source answers for one report over one range. */
export interface ReportRun {
  readonly rows: readonly WeeklyRow[];
  readonly excluded: ExcludedRecords;
}

/** A time range, half-open: `[from, to)`, epoch milliseconds. */
export interface WeekRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Where the figures come from: OpenSearch (`POST <prefix>-* /_search` with
 * the catalog's request) or Athena (the catalog's SQL). Each method throws
 * when the engine fails; it never answers "no rows" for a failure.
 */
export interface ReportSource {
  /** Human name for messages: `OpenSearch https://...`, `Athena workgroup x`. */
  readonly name: string;
  /** One catalog report over a range. */
  run(report: CatalogReport, range: ReportRange): Promise<ReportRun>;
  /**
   * Which of `addresses` were a REJECTed source (log_status OK) in `range`.
   * An empty list needs no query.
   */
  rejectedSourcesIn(addresses: readonly string[], range: WeekRange): Promise<ReadonlySet<string>>;
}

/** A query of the weekly report failed: which one, over which range, and the engine's error as `cause`. */
export class ReportQueryError extends FlowLogError {
  constructor(
    readonly source: string,
    readonly query: string,
    readonly range: WeekRange,
    options?: ErrorOptions,
  ) {
    const why = options?.cause instanceof Error ? options.cause.message : String(options?.cause ?? 'unknown error');
    super(`${source}: ${query} over ${iso(range.from)} .. ${iso(range.to)} failed: ${why}`, options);
  }
}

const DAY_MS = 86_400_000;
/** Seven days, the report's window. */
export const WEEK_MS = 7 * DAY_MS;
/** Rows of each top-N table and chart. */
export const DEFAULT_TABLE_ROWS = 10;
/** Days before the week in which a REJECTed source counts as already seen. */
export const DEFAULT_LOOKBACK_DAYS = 28;
/** The week's REJECTed sources (busiest first) checked against the look-back. */
export const DEFAULT_FIRST_SEEN_CANDIDATES = 1000;
/** Bucket width of the time series over a week: 56 points. */
export const DEFAULT_WEEKLY_INTERVAL = '3h';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The week that ends at the start (00:00 UTC) of `now`'s day: run on Monday
 * 00:30 UTC, it is Monday to Sunday. The previous week is the 7 days before.
 */
export function weekEndingOn(now: Date | number): { readonly week: WeekRange; readonly previous: WeekRange } {
  const ms = typeof now === 'number' ? now : now.getTime();
  if (!Number.isFinite(ms)) throw new ReportOptionsError(`not a time: ${String(now)}`);
  const to = Math.floor(ms / DAY_MS) * DAY_MS;
  return { week: { from: to - WEEK_MS, to }, previous: { from: to - 2 * WEEK_MS, to: to - WEEK_MS } };
}

/** A bad option of the weekly report (range, counts). */
export class ReportOptionsError extends FlowLogError {}

/** Options of {@link collectWeeklyReport}. */
export interface CollectOptions {
  /** The week. The previous one is the same length just before it. */
  readonly week: WeekRange;
  /** Reports to run, in page order (the catalog's `REPORT_CATALOG`). */
  readonly reports: readonly CatalogReport[];
  /** @default {@link DEFAULT_TABLE_ROWS} */
  readonly top?: number;
  /** @default {@link DEFAULT_LOOKBACK_DAYS} */
  readonly lookbackDays?: number;
  /** @default {@link DEFAULT_FIRST_SEEN_CANDIDATES} */
  readonly firstSeenCandidates?: number;
  /** @default {@link DEFAULT_WEEKLY_INTERVAL} */
  readonly interval?: string;
}

/** One report of the page: this week's rows and the previous week's. */
export interface WeeklySection {
  readonly report: CatalogReport;
  readonly rows: readonly WeeklyRow[];
  readonly previousRows: readonly WeeklyRow[];
}

/** The figures at the top of the page, for one week. */
export interface Headline {
  /** Records with log_status OK. */
  readonly records: number;
  readonly bytes: number;
  readonly packets: number;
  readonly accepted: number;
  readonly rejected: number;
}

/** A REJECTed source of this week absent from the look-back before it. */
export interface FirstSeenSource {
  readonly address: string;
  /** REJECTed records from it this week. */
  readonly records: number;
}

/** Everything the page and the summary show. */
export interface WeeklyReportData {
  readonly week: WeekRange;
  readonly previous: WeekRange;
  /** Start of the look-back in which a source counts as already seen (it ends at the week's start). */
  readonly lookbackFrom: number;
  readonly headline: Headline;
  readonly previousHeadline: Headline;
  readonly sections: readonly WeeklySection[];
  /** Busiest first. */
  readonly firstSeen: readonly FirstSeenSource[];
  /** How many of the week's REJECTed sources were checked (the busiest ones). */
  readonly firstSeenChecked: number;
  /** Left out of this week's figures. */
  readonly excluded: ExcludedRecords;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new ReportOptionsError(`${name} must be a positive integer, got ${value}`);
  return value;
}

const sumOf = (rows: readonly WeeklyRow[], pick: (r: WeeklyRow) => number | undefined): number => rows.reduce((s, r) => s + (pick(r) ?? 0), 0);

/**
 * The headline figures from the reports' own rows, so they can never
 * disagree with the charts: records and the ACCEPT/REJECT split from
 * `accept-reject-ratio`, bytes from `bytes-over-time` and packets from
 * `packets-over-time` (a time series has a bucket for every interval of the
 * range, so its rows sum to the whole range).
 */
export function headlineOf(sections: readonly Pick<WeeklySection, 'report' | 'rows'>[], which: 'rows' | 'previousRows' = 'rows'): Headline {
  const rowsOf = (id: ReportId): readonly WeeklyRow[] => {
    const s = sections.find((x) => x.report.id === id) as Partial<WeeklySection> | undefined;
    return (which === 'rows' ? s?.rows : s?.previousRows) ?? [];
  };
  const actions = rowsOf('accept-reject-ratio');
  return {
    records: sumOf(actions, (r) => r.records),
    bytes: sumOf(rowsOf('bytes-over-time'), (r) => r.value),
    packets: sumOf(rowsOf('packets-over-time'), (r) => r.value),
    accepted: actions.find((r) => r.key === 'ACCEPT')?.records ?? 0,
    rejected: actions.find((r) => r.key === 'REJECT')?.records ?? 0,
  };
}

/**
 * Runs every report over the week and the week before, then checks the
 * week's busiest REJECTed sources against the look-back.
 *
 * @throws ReportQueryError when any query fails (nothing is reported then)
 * @throws ReportOptionsError for a bad range or count
 */
export async function collectWeeklyReport(source: ReportSource, options: CollectOptions): Promise<WeeklyReportData> {
  const { week } = options;
  if (!Number.isFinite(week.from) || !Number.isFinite(week.to) || week.to <= week.from) {
    throw new ReportOptionsError(`the week must end after it starts: ${String(week.from)} .. ${String(week.to)}`);
  }
  const top = positiveInteger('top', options.top ?? DEFAULT_TABLE_ROWS);
  const lookbackDays = positiveInteger('lookbackDays', options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS);
  const candidates = positiveInteger('firstSeenCandidates', options.firstSeenCandidates ?? DEFAULT_FIRST_SEEN_CANDIDATES);
  const interval = options.interval ?? DEFAULT_WEEKLY_INTERVAL;
  const length = week.to - week.from;
  const previous = { from: week.from - length, to: week.from };
  const lookback = { from: week.from - lookbackDays * DAY_MS, to: week.from };

  const run = async (report: CatalogReport, range: WeekRange, rows = top): Promise<ReportRun> => {
    try {
      return await source.run(report, { from: range.from, to: range.to, top: rows, interval });
    } catch (cause) {
      throw new ReportQueryError(source.name, `report ${report.id}`, range, { cause });
    }
  };

  const sections: WeeklySection[] = [];
  let excluded: ExcludedRecords | undefined;
  // One report at a time: the cluster serves dashboards and ingestion too.
  for (const report of options.reports) {
    const current = await run(report, week);
    const before = await run(report, previous);
    // Every OpenSearch response carries the count; the headline report's is the one an Athena source fills.
    if (excluded === undefined || report.id === 'accept-reject-ratio') excluded = current.excluded;
    sections.push({ report, rows: current.rows, previousRows: before.rows });
  }

  const rejectedSources = options.reports.find((r) => r.id === 'top-rejected-sources');
  let firstSeen: FirstSeenSource[] = [];
  let checked = 0;
  if (rejectedSources) {
    const weekSources = (await run(rejectedSources, week, candidates)).rows;
    checked = weekSources.length;
    let seen: ReadonlySet<string>;
    try {
      seen = await source.rejectedSourcesIn(
        weekSources.map((r) => r.key),
        lookback,
      );
    } catch (cause) {
      throw new ReportQueryError(source.name, 'REJECTed sources of the look-back', lookback, { cause });
    }
    firstSeen = weekSources.filter((r) => !seen.has(r.key)).map((r) => ({ address: r.key, records: r.records }));
  }

  return {
    week,
    previous,
    lookbackFrom: lookback.from,
    headline: headlineOf(sections, 'rows'),
    previousHeadline: headlineOf(sections, 'previousRows'),
    sections,
    firstSeen,
    firstSeenChecked: checked,
    excluded: excluded ?? { nodata: 0, skipdata: 0 },
  };
}

// ---- figures as text ----------------------------------------------------------------

/** 1234567 → `1,234,567`. */
export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Bytes in SI units: `1.23 GB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${Math.round(v)} B` : `${v.toFixed(Math.abs(v) < 10 ? 2 : 1)} ${units[u]}`;
}

/** A share 0..1 as `12.3%`. */
export const formatShare = (share: number): string => `${(share * 100).toFixed(1)}%`;

/**
 * Change from `before` to `now` as text: `+12.5%`, `-3.0%`, `no change`, or
 * `new` when there was nothing before.
 */
export function formatChange(now: number, before: number): string {
  if (before === 0) return now === 0 ? 'no change' : 'new';
  const change = (now - before) / before;
  if (Math.abs(change) < 0.0005) return 'no change';
  return `${change > 0 ? '+' : '−'}${Math.abs(change * 100).toFixed(1)}%`;
}

/** A figure of a report in its unit. */
export const formatFigure = (unit: CatalogReport['unit'], n: number): string => (unit === 'bytes' ? formatBytes(n) : formatCount(n));

/** `2026-11-23 .. 2026-11-29` (inclusive days) for a range that ends at midnight. */
export function formatWeek(range: WeekRange): string {
  const day = (ms: number): string => iso(ms).slice(0, 10);
  const lastMs = range.to - 1;
  return `${day(range.from)} .. ${day(lastMs)} (UTC)`;
}

// ---- plain-text summary ------------------------------------------------------------------

/** SNS's limit on one message: 256 KB. https://docs.aws.amazon.com/sns/latest/api/API_Publish.html */
export const SNS_MESSAGE_MAX_BYTES = 262_144;
/** The summary stays far below it: an e-mail people read, not a dump. */
export const SUMMARY_MAX_BYTES = 8_192;
/** SNS e-mail subjects: at most 100 characters. */
export const SUBJECT_MAX_CHARS = 100;

/** The subject of the announcement. */
export function summarySubject(data: WeeklyReportData, title = 'VPC flow logs'): string {
  return `${title}: weekly report ${formatWeek(data.week)}`.slice(0, SUBJECT_MAX_CHARS);
}

/**
 * The plain-text announcement: headline figures with week-over-week change,
 * the top REJECTed sources, the first-seen sources, the left-out records and
 * the link to the page. Never more than {@link SUMMARY_MAX_BYTES} (UTF-8);
 * lists are cut first, the link always stays.
 */
export function summaryText(data: WeeklyReportData, link: string, note: string): string {
  const h = data.headline;
  const p = data.previousHeadline;
  const share = (part: number, whole: number): string => (whole > 0 ? formatShare(part / whole) : 'n/a');
  const head = [
    `Weekly VPC flow log report, ${formatWeek(data.week)}`,
    '',
    `Records (log_status OK): ${formatCount(h.records)} (${formatChange(h.records, p.records)} on the week before)`,
    `Bytes:                   ${formatBytes(h.bytes)} (${formatChange(h.bytes, p.bytes)})`,
    `Packets:                 ${formatCount(h.packets)} (${formatChange(h.packets, p.packets)})`,
    `ACCEPT:                  ${formatCount(h.accepted)} records, ${share(h.accepted, h.records)}`,
    `REJECT:                  ${formatCount(h.rejected)} records, ${share(h.rejected, h.records)} (${formatChange(h.rejected, p.rejected)})`,
  ];
  const top = data.sections.find((s) => s.report.id === 'top-rejected-sources')?.rows ?? [];
  const lists: string[] = [];
  if (top.length > 0) {
    lists.push('', 'Top REJECTed sources:');
    for (const r of top.slice(0, 5)) lists.push(`  ${r.key.padEnd(40)} ${formatCount(r.records)} records`);
  }
  lists.push('', `REJECTed sources seen for the first time this week (not in the ${Math.round((data.week.from - data.lookbackFrom) / DAY_MS)} days before): ${formatCount(data.firstSeen.length)} of the ${formatCount(data.firstSeenChecked)} busiest checked`);
  for (const s of data.firstSeen.slice(0, 10)) lists.push(`  ${s.address.padEnd(40)} ${formatCount(s.records)} records`);
  const tail = ['', `Left out: ${formatCount(data.excluded.nodata)} NODATA and ${formatCount(data.excluded.skipdata)} SKIPDATA records. ${note}`, '', `Full report (link valid 7 days): ${link}`, ''];

  const text = (middle: readonly string[]): string => [...head, ...middle, ...tail].join('\n');
  let middle = lists;
  while (Buffer.byteLength(text(middle), 'utf8') > SUMMARY_MAX_BYTES && middle.length > 0) middle = middle.slice(0, -1);
  let out = text(middle);
  // A link or note so long that even the bare summary is too big: keep the start and the link.
  if (Buffer.byteLength(out, 'utf8') > SUMMARY_MAX_BYTES) out = `${head[0]}\n\nFull report: ${link}`.slice(0, SUMMARY_MAX_BYTES / 4);
  return out;
}
