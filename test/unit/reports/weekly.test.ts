import { describe, expect, it } from 'vitest';
import {
  collectWeeklyReport,
  formatBytes,
  formatChange,
  ReportQueryError,
  SNS_MESSAGE_MAX_BYTES,
  SUMMARY_MAX_BYTES,
  summarySubject,
  summaryText,
  weekEndingOn,
  type WeeklyReportData,
} from '../../../src/reports/weekly.js';
import { HEADLINE_REPORTS, row, scriptedSource } from '../../helpers/weekly-fakes.js';

const MON = Date.parse('2026-11-23T00:00:00Z');
const NEXT_MON = Date.parse('2026-11-30T00:00:00Z');
const PREV_MON = Date.parse('2026-11-16T00:00:00Z');
const WEEK = { from: MON, to: NEXT_MON };

/** This week's and the week before's rows of the headline reports. */
function answers(id: string, range: { from: unknown }): ReturnType<typeof row>[] {
  const thisWeek = range.from === MON;
  switch (id) {
    case 'accept-reject-ratio':
      return thisWeek ? [row('ACCEPT', 900), row('REJECT', 300)] : [row('ACCEPT', 800), row('REJECT', 200)];
    case 'bytes-over-time':
      return thisWeek ? [row('2026-11-23T00:00:00.000Z', 5_000, 10), row('2026-11-23T03:00:00.000Z', 7_000, 12)] : [row('2026-11-16T00:00:00.000Z', 10_000, 20)];
    case 'packets-over-time':
      return thisWeek ? [row('2026-11-23T00:00:00.000Z', 40, 10), row('2026-11-23T03:00:00.000Z', 60, 12)] : [row('2026-11-16T00:00:00.000Z', 100, 20)];
    case 'top-rejected-sources':
      return thisWeek ? [row('198.51.100.7', 150), row('203.0.113.9', 100), row('2001:db8::5', 50)] : [row('203.0.113.9', 200)];
    default:
      return [];
  }
}

describe('weekEndingOn', () => {
  it('gives Monday to Sunday for a run on Monday 00:30 UTC, and the 7 days before', () => {
    const { week, previous } = weekEndingOn(new Date('2026-11-30T00:30:00Z'));

    expect(week).toEqual({ from: MON, to: NEXT_MON });
    expect(previous).toEqual({ from: PREV_MON, to: MON });
  });

  it('ends the week at the start of the run\'s day, whatever the hour', () => {
    expect(weekEndingOn(Date.parse('2026-11-30T23:59:59Z')).week.to).toBe(NEXT_MON);
  });
});

describe('collectWeeklyReport', () => {
  it('runs every report over the week and over the week before, in catalog order', async () => {
    const source = scriptedSource(answers);

    const data = await collectWeeklyReport(source, { week: WEEK, reports: HEADLINE_REPORTS });

    const runs = source.calls.filter((c) => c.kind === 'run');
    expect(runs.slice(0, 8).map((c) => [c.id, new Date(c.range.from).toISOString(), new Date(c.range.to).toISOString()])).toEqual([
      ['accept-reject-ratio', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
      ['accept-reject-ratio', '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
      ['top-rejected-sources', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
      ['top-rejected-sources', '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
      ['bytes-over-time', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
      ['bytes-over-time', '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
      ['packets-over-time', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
      ['packets-over-time', '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
    ]);
    expect(data.sections.map((s) => s.report.id)).toEqual(['accept-reject-ratio', 'top-rejected-sources', 'bytes-over-time', 'packets-over-time']);
    expect(data.previous).toEqual({ from: PREV_MON, to: MON });
  });

  it('takes the headline figures from the reports\' rows, for both weeks', async () => {
    const data = await collectWeeklyReport(scriptedSource(answers), { week: WEEK, reports: HEADLINE_REPORTS });

    expect(data.headline).toEqual({ records: 1200, bytes: 12_000, packets: 100, accepted: 900, rejected: 300 });
    expect(data.previousHeadline).toEqual({ records: 1000, bytes: 10_000, packets: 100, accepted: 800, rejected: 200 });
  });

  it('lists the week\'s REJECTed sources that the 28 days before did not see, busiest first', async () => {
    const source = scriptedSource(answers, (addresses) => addresses.filter((a) => a === '203.0.113.9'));

    const data = await collectWeeklyReport(source, { week: WEEK, reports: HEADLINE_REPORTS, firstSeenCandidates: 500 });

    expect(data.firstSeen).toEqual([
      { address: '198.51.100.7', records: 150 },
      { address: '2001:db8::5', records: 50 },
    ]);
    expect(data.firstSeenChecked).toBe(3);
    const check = source.calls.find((c) => c.kind === 'rejectedSourcesIn');
    expect(check?.range).toEqual({ from: Date.parse('2026-10-26T00:00:00Z'), to: MON });
    expect(check?.addresses).toEqual(['198.51.100.7', '203.0.113.9', '2001:db8::5']);
    // The candidates come from one more run of top-rejected-sources over the week, with the larger top.
    expect(source.calls.filter((c) => c.kind === 'run' && c.id === 'top-rejected-sources' && c.range.from === MON).map((c) => c.range.top)).toEqual([10, 500]);
  });

  it('reports the NODATA and SKIPDATA records the source left out of this week', async () => {
    const data = await collectWeeklyReport(scriptedSource(answers, () => [], { nodata: 12, skipdata: 3 }), { week: WEEK, reports: HEADLINE_REPORTS });

    expect(data.excluded).toEqual({ nodata: 12, skipdata: 3 });
  });

  it('fails with a ReportQueryError naming the report and the range when one query fails: never a quiet week', async () => {
    const engineDown = new Error('connect ECONNREFUSED 127.0.0.1:9200');
    const source = scriptedSource((id, range) => {
      if (id === 'bytes-over-time' && range.from === PREV_MON) throw engineDown;
      return answers(id, range);
    });

    const error = await collectWeeklyReport(source, { week: WEEK, reports: HEADLINE_REPORTS }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReportQueryError);
    expect((error as ReportQueryError).query).toBe('report bytes-over-time');
    expect((error as ReportQueryError).range).toEqual({ from: PREV_MON, to: MON });
    expect((error as ReportQueryError).cause).toBe(engineDown);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('fails when the look-back check of REJECTed sources fails', async () => {
    const source = scriptedSource(answers, () => {
      throw new Error('HTTP 503');
    });

    await expect(collectWeeklyReport(source, { week: WEEK, reports: HEADLINE_REPORTS })).rejects.toThrow(/REJECTed sources of the look-back .* failed: HTTP 503/);
  });

  it('refuses a week that ends before it starts, and a top of 0', async () => {
    await expect(collectWeeklyReport(scriptedSource(answers), { week: { from: MON, to: MON }, reports: HEADLINE_REPORTS })).rejects.toThrow(/must end after it starts/);
    await expect(collectWeeklyReport(scriptedSource(answers), { week: WEEK, reports: HEADLINE_REPORTS, top: 0 })).rejects.toThrow(/top must be a positive integer/);
  });
});

describe('figures as text', () => {
  it('formats week-over-week change', () => {
    expect(formatChange(1200, 1000)).toBe('+20.0%');
    expect(formatChange(750, 1000)).toBe('−25.0%');
    expect(formatChange(1000, 1000)).toBe('no change');
    expect(formatChange(5, 0)).toBe('new');
    expect(formatChange(0, 0)).toBe('no change');
  });

  it('formats bytes in SI units', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_234_567)).toBe('1.23 MB');
    expect(formatBytes(45_600_000_000)).toBe('45.6 GB');
  });
});

describe('summaryText', () => {
  const LINK = 'https://reports.s3.eu-west-1.amazonaws.com/weekly/2026-11-23_2026-11-29.html?X-Amz-Expires=604800';

  it('gives the headline with week-over-week change, the top REJECTed sources, first-seen sources, the left-out records and the link', async () => {
    const data = await collectWeeklyReport(scriptedSource(answers, () => [], { nodata: 12, skipdata: 3 }), { week: WEEK, reports: HEADLINE_REPORTS });

    const text = summaryText(data, LINK, 'NODATA means no traffic.');

    expect(text).toContain('2026-11-23 .. 2026-11-29 (UTC)');
    expect(text).toMatch(/Records \(log_status OK\): 1,200 \(\+20\.0% on the week before\)/);
    expect(text).toMatch(/REJECT: +300 records, 25\.0% \(\+50\.0%\)/);
    expect(text).toMatch(/198\.51\.100\.7 +150 records/);
    expect(text).toContain('Left out: 12 NODATA and 3 SKIPDATA records. NODATA means no traffic.');
    expect(text).toContain(`Full report (link valid 7 days): ${LINK}`);
    expect(summarySubject(data)).toBe('VPC flow logs: weekly report 2026-11-23 .. 2026-11-29 (UTC)');
  });

  it('stays far under SNS\'s 256 KB message limit with ten thousand first-seen sources, and keeps the link', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => row(`2001:db8:${i.toString(16)}::${i.toString(16)}`, 10_000 - i));
    const data = await collectWeeklyReport(
      scriptedSource((id, range) => (id === 'top-rejected-sources' ? many : answers(id, range))),
      { week: WEEK, reports: HEADLINE_REPORTS, firstSeenCandidates: 10_000 },
    );
    expect(data.firstSeen).toHaveLength(10_000);

    const text = summaryText(data, LINK, 'note');

    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(SUMMARY_MAX_BYTES).toBeLessThan(SNS_MESSAGE_MAX_BYTES);
    expect(SNS_MESSAGE_MAX_BYTES).toBe(256 * 1024);
    expect(text).toContain(LINK);
    // Five top REJECTed sources and ten first-seen ones, all from the same list.
    expect(text.split('\n').filter((l) => l.startsWith('  2001:db8:'))).toHaveLength(15);
  });

  it('cuts the lists, not the link, when the note is long', () => {
    const data: WeeklyReportData = {
      week: WEEK,
      previous: { from: PREV_MON, to: MON },
      lookbackFrom: MON - 28 * 86_400_000,
      headline: { records: 1, bytes: 1, packets: 1, accepted: 1, rejected: 0 },
      previousHeadline: { records: 1, bytes: 1, packets: 1, accepted: 1, rejected: 0 },
      sections: [],
      firstSeen: [{ address: '192.0.2.1', records: 1 }],
      firstSeenChecked: 1,
      excluded: { nodata: 0, skipdata: 0 },
    };

    const text = summaryText(data, LINK, 'x'.repeat(7_900));

    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(text).toContain(LINK);
    expect(text).not.toContain('192.0.2.1');
  });
});
