import { describe, expect, it } from 'vitest';
import { rangeFrom } from '../../../cli/report-command.js';
import { runCli } from '../../helpers/run-cli.js';

describe('rangeFrom', () => {
  const now = new Date('2026-11-30T09:15:00Z');

  it('takes whole UTC days, --to included', () => {
    expect(rangeFrom('2026-11-23', '2026-11-29', now)).toEqual({ from: Date.parse('2026-11-23T00:00:00Z'), to: Date.parse('2026-11-30T00:00:00Z') });
  });

  it('takes ISO times, --to excluded', () => {
    expect(rangeFrom('2026-11-23T06:00:00Z', '2026-11-23T12:00:00Z', now)).toEqual({ from: Date.parse('2026-11-23T06:00:00Z'), to: Date.parse('2026-11-23T12:00:00Z') });
  });

  it('defaults to the 7 days that ended at 00:00 UTC today', () => {
    expect(rangeFrom(undefined, undefined, now)).toEqual({ from: Date.parse('2026-11-23T00:00:00Z'), to: Date.parse('2026-11-30T00:00:00Z') });
  });

  it('refuses a range that ends before it starts, and text that is not a time', () => {
    expect(() => rangeFrom('2026-11-29', '2026-11-23', now)).toThrow(/--to must be after --from/);
    expect(() => rangeFrom('last monday', undefined, now)).toThrow(/--from must be a day YYYY-MM-DD/);
  });
});

describe('flowlogs report', () => {
  it('needs an endpoint, and says so without a stack trace', () => {
    const run = runCli(['report', '--from', '2026-11-23']);

    expect(run.status).toBe(1);
    expect(run.stderr).toBe('flowlogs: report: missing --endpoint (or OPENSEARCH_ENDPOINT); see flowlogs report --help\n');
  });

  it('refuses an endpoint that is no URL', () => {
    const run = runCli(['report', '--from', '2026-11-23'], '', { OPENSEARCH_ENDPOINT: 'search-x.eu-west-1.es.amazonaws.com' });

    expect(run.status).toBe(1);
    expect(run.stderr).toBe('flowlogs: --endpoint must be an http:// or https:// URL, got "search-x.eu-west-1.es.amazonaws.com"\n');
  });
});
