import { describe, expect, it } from 'vitest';
import { ReportQueryError } from '../../../src/reports/weekly.js';
import { reportKey, runWeeklyReport, type ReportPublisher } from '../../../src/reports/weekly-run.js';
import { HEADLINE_REPORTS, row, scriptedSource } from '../../helpers/weekly-fakes.js';

const MON = Date.parse('2026-11-23T00:00:00Z');
const WEEK = { from: MON, to: MON + 7 * 86_400_000 };

function recordingPublisher(withMail = true): ReportPublisher & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    store: (key) => {
      log.push(`store ${key}`);
      return Promise.resolve(`https://example.com/${key}`);
    },
    announce: (subject) => {
      log.push(`announce ${subject}`);
      return Promise.resolve();
    },
    ...(withMail
      ? {
          mail: (subject: string) => {
            log.push(`mail ${subject}`);
            return Promise.resolve();
          },
        }
      : {}),
  };
}

const answers = (id: string): ReturnType<typeof row>[] => (id === 'accept-reject-ratio' ? [row('ACCEPT', 3), row('REJECT', 1)] : id === 'top-rejected-sources' ? [row('192.0.2.1', 1)] : []);

describe('runWeeklyReport', () => {
  it('stores the page, then announces it, then mails it', async () => {
    const publisher = recordingPublisher();

    const result = await runWeeklyReport({ source: scriptedSource(answers), publisher, reports: HEADLINE_REPORTS, week: WEEK, now: new Date('2026-11-30T00:30:00Z') });

    expect(publisher.log).toEqual([
      'store weekly/2026-11-23_2026-11-29.html',
      'announce VPC flow logs: weekly report 2026-11-23 .. 2026-11-29 (UTC)',
      'mail VPC flow logs: weekly report 2026-11-23 .. 2026-11-29 (UTC)',
    ]);
    expect(result).toMatchObject({ key: 'weekly/2026-11-23_2026-11-29.html', link: 'https://example.com/weekly/2026-11-23_2026-11-29.html', mailed: true });
  });

  it('stores, announces and mails nothing when a query fails: no "all is well" for a week it could not read', async () => {
    const publisher = recordingPublisher();
    const source = scriptedSource((id) => {
      if (id === 'packets-over-time') throw new Error('OpenSearch 503');
      return answers(id);
    });

    await expect(runWeeklyReport({ source, publisher, reports: HEADLINE_REPORTS, week: WEEK, now: new Date() })).rejects.toBeInstanceOf(ReportQueryError);
    expect(publisher.log).toEqual([]);
  });

  it('announces nothing when the page cannot be stored', async () => {
    const publisher = { ...recordingPublisher(), store: () => Promise.reject(new Error('AccessDenied')) };

    await expect(runWeeklyReport({ source: scriptedSource(answers), publisher, reports: HEADLINE_REPORTS, week: WEEK, now: new Date() })).rejects.toThrow('AccessDenied');
    expect(publisher.log).toEqual([]);
  });

  it('names the page by its first and last day, under the prefix', () => {
    expect(reportKey(WEEK)).toBe('weekly/2026-11-23_2026-11-29.html');
    expect(reportKey(WEEK, 'reports/')).toBe('reports/2026-11-23_2026-11-29.html');
  });
});
