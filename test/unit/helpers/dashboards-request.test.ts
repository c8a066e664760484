/**
 * The port of Dashboards' request substitution (test/helpers/dashboards-request.ts)
 * against the cases of OpenSearch Dashboards' own test,
 * src/plugins/vis_type_vega/public/data_model/opensearch_query_parser.test.js
 * (same inputs, same expected outputs).
 */
import { describe, expect, it } from 'vitest';
import { injectContextVars, parseUrl, roundInterval, type DashboardContext } from '../../helpers/dashboards-request.js';

const second = 1000;
const hour = 3600 * second;
const day = 24 * hour;
const rangeStart = 10 * day;
const rangeEnd = 12 * day;
const bounds = { min: rangeStart, max: rangeEnd };
const ctxArr = { bool: { must: [{ match_all: { c: 3 } }], must_not: [{ d: 4 }], filter: [{ f: 6 }], should: [] } } satisfies DashboardContext;
const iso = (ms: number) => new Date(ms).toISOString();
const range = { format: 'strict_date_optional_time', gte: iso(rangeStart), lte: iso(rangeEnd) };

describe('roundInterval', () => {
  it('rounds as Dashboards does', () => {
    expect(roundInterval(4 * second)).toBe('1s');
    expect(roundInterval(4 * hour)).toBe('3h');
  });
});

describe('injectContextVars', () => {
  const check = (obj: Record<string, unknown>) => {
    injectContextVars(obj, true, bounds, ctxArr);
    return obj;
  };

  it('replaces %autointerval%, %timefilter% min/max/true', () => {
    expect(check({ interval: { '%autointerval%': true } })).toEqual({ interval: '1h' });
    expect(check({ interval: { '%autointerval%': 10 } })).toEqual({ interval: '3h' });
    expect(check({ a: { '%timefilter%': 'min' } })).toEqual({ a: rangeStart });
    expect(check({ a: { '%timefilter%': 'max' } })).toEqual({ a: rangeEnd });
    expect(check({ a: { '%timefilter%': true } })).toEqual({ a: range });
  });

  it('splices the dashboard clauses into arrays', () => {
    expect(check({ arr: [1, '%dashboard_context-must_clause%', 2, '%dashboard_context-must_not_clause%', 3, '%dashboard_context-filter_clause%'] })).toEqual({
      arr: [1, ...ctxArr.bool.must, 2, ...ctxArr.bool.must_not, 3, ...ctxArr.bool.filter],
    });
  });
});

describe('parseUrl', () => {
  it('%context%=true, %timefield%: the dashboard context with the time range pushed into must', () => {
    expect(parseUrl({ index: '_all', '%context%': true, '%timefield%': 'abc' }, bounds, ctxArr)).toEqual({
      index: '_all',
      body: { query: { bool: { must: [{ match_all: { c: 3 } }, { range: { abc: range } }], must_not: [{ d: 4 }], filter: [{ f: 6 }], should: [] } } },
    });
  });

  it('%context%=true alone: the dashboard context', () => {
    expect(parseUrl({ index: '_all', '%context%': true }, bounds, ctxArr)).toEqual({ index: '_all', body: { query: ctxArr } });
  });

  it('%timefield% alone: the time range only', () => {
    expect(parseUrl({ index: '_all', '%timefield%': 'abc' }, bounds, ctxArr)).toEqual({ index: '_all', body: { query: { range: { abc: range } } } });
  });

  it('leaves a body with its own query alone, and refuses it with %context%', () => {
    expect(parseUrl({ index: '_all', body: { query: 2 } }, bounds, ctxArr)).toEqual({ index: '_all', body: { query: 2 } });
    expect(() => parseUrl({ index: '_all', '%context%': true, body: { query: 2 } }, bounds, ctxArr)).toThrow(/must not be used/);
  });
});
