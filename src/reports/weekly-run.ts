/**
 * One run of the weekly report, start to end: collect the figures, render
 * the page, store it, and only then announce it. The order is the
 * guarantee: when a query or a chart fails, the run throws before anything
 * is stored or sent, so no "all is well" message ever goes out for a week
 * whose data could not be read. Pure: storage, topic and mail are the
 * {@link ReportPublisher} the caller passes (S3, SNS and SES in Lambda).
 */
import type { CatalogReport } from './catalog.js';
import { renderWeeklyPage } from './html.js';
import { collectWeeklyReport, summarySubject, summaryText, type CollectOptions, type ReportSource, type WeeklyReportData, type WeekRange } from './weekly.js';
import { NODATA_NOTE } from './catalog.js';

/** Where a finished report goes. */
export interface ReportPublisher {
  /** Stores the page under `key`; returns a link a reader can open (a presigned URL on S3). */
  store(key: string, html: string): Promise<string>;
  /** Sends the plain-text summary to the topic. */
  announce(subject: string, text: string): Promise<void>;
  /** Sends the page itself as an HTML e-mail, when mail is configured. */
  mail?(subject: string, html: string, text: string): Promise<void>;
}

/** Options of {@link runWeeklyReport}. */
export interface WeeklyRunOptions extends Omit<CollectOptions, 'reports'> {
  readonly reports: readonly CatalogReport[];
  readonly source: ReportSource;
  readonly publisher: ReportPublisher;
  /** The clock, for the page's "made at". */
  readonly now: Date;
  /**
   * Key prefix of stored pages.
   * @default 'weekly/'
   */
  readonly keyPrefix?: string;
}

/** What a run did. */
export interface WeeklyRunResult {
  readonly key: string;
  readonly link: string;
  readonly htmlBytes: number;
  readonly summaryBytes: number;
  readonly mailed: boolean;
  readonly warnings: readonly string[];
  readonly data: WeeklyReportData;
}

/** `weekly/2026-11-23_2026-11-29.html`: one object per week, so a rerun overwrites. */
export function reportKey(week: WeekRange, prefix = 'weekly/'): string {
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  return `${prefix}${day(week.from)}_${day(week.to - 1)}.html`;
}

/**
 * Collects, renders, stores and announces the weekly report.
 * @throws ReportQueryError (a query failed), ChartRenderError, or the publisher's own error; nothing is announced then
 */
export async function runWeeklyReport(options: WeeklyRunOptions): Promise<WeeklyRunResult> {
  const { source, publisher } = options;
  const data = await collectWeeklyReport(source, options);
  const page = await renderWeeklyPage(data, { generatedAt: options.now, source: source.name });
  const key = reportKey(data.week, options.keyPrefix);
  const link = await publisher.store(key, page.html);
  const subject = summarySubject(data);
  const text = summaryText(data, link, NODATA_NOTE);
  await publisher.announce(subject, text);
  let mailed = false;
  if (publisher.mail) {
    await publisher.mail(subject, page.html, text);
    mailed = true;
  }
  return {
    key,
    link,
    htmlBytes: Buffer.byteLength(page.html, 'utf8'),
    summaryBytes: Buffer.byteLength(text, 'utf8'),
    mailed,
    warnings: page.warnings,
    data,
  };
}
