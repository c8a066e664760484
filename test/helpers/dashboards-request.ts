/**
 * What OpenSearch Dashboards does to a Vega panel's inline OpenSearch request
 * before it sends it, reproduced so a test can send the very request a panel
 * sends. Ported from OpenSearch Dashboards' source
 * (opensearch-project/OpenSearch-Dashboards):
 * - src/plugins/vis_type_vega/public/data_model/opensearch_query_parser.ts:
 *   `parseUrl` (%context%, %timefield%), `_injectContextVars` (%timefilter%,
 *   %autointerval%, the %dashboard_context-*% clauses), `_createRangeFilter`,
 *   `_roundInterval`;
 * - src/plugins/vis_type_vega/public/data_model/vega_parser.ts
 *   `_findObjectDataUrls` (which `data` objects hold a request);
 * - src/plugins/data/common/opensearch_query/opensearch_query/build_opensearch_query.ts
 *   (the dashboard context: `{ bool: { must, filter, should, must_not } }`).
 * Time shifts (`shift`/`unit`) are left out: the catalog's panels use none.
 */

type Json = Record<string, unknown>;

/** The dashboard's time picker range, epoch milliseconds (both ends included, as Dashboards' range filter has them). */
export interface TimeBounds {
  readonly min: number;
  readonly max: number;
}

/** The dashboard's query and filters as build_opensearch_query.ts shapes them. */
export interface DashboardContext {
  readonly bool: { readonly must: unknown[]; readonly filter: unknown[]; readonly should: unknown[]; readonly must_not: unknown[] };
}

/** An empty query bar and no filters. */
export const NO_FILTERS: DashboardContext = { bool: { must: [], filter: [], should: [], must_not: [] } };

/** A request as the panel sends it: `POST /<index>/_search` with `body`. */
export interface PanelRequest {
  readonly index: string;
  readonly body: Json;
}

const TIMEFILTER = '%timefilter%';
const AUTOINTERVAL = '%autointerval%';
const CONTEXT = '%context%';
const TIMEFIELD = '%timefield%';
const CLAUSES: Record<string, keyof DashboardContext['bool']> = {
  '%dashboard_context-filter_clause%': 'filter',
  '%dashboard_context-must_clause%': 'must',
  '%dashboard_context-must_not_clause%': 'must_not',
};

const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** opensearch_query_parser.ts `_roundInterval`. */
export function roundInterval(interval: number): string {
  const steps: [number, string][] = [
    [500, '100ms'], [5000, '1s'], [7500, '5s'], [15000, '10s'], [45000, '30s'], [180000, '1m'], [450000, '5m'], [1200000, '10m'],
    [2700000, '30m'], [7200000, '1h'], [21600000, '3h'], [86400000, '12h'], [604800000, '24h'], [1814400000, '1w'],
  ];
  for (const [limit, name] of steps) if (interval <= limit) return name;
  return interval < 3628800000 ? '30d' : '1y';
}

function rangeFilter(obj: Json, bounds: TimeBounds): Json {
  obj.gte = new Date(bounds.min).toISOString();
  obj.lte = new Date(bounds.max).toISOString();
  obj.format = 'strict_date_optional_time';
  delete obj[TIMEFILTER];
  delete obj.shift;
  delete obj.unit;
  return obj;
}

/** opensearch_query_parser.ts `_injectContextVars`, in place. */
export function injectContextVars(obj: unknown, isQuery: boolean, bounds: TimeBounds, context: DashboardContext): void {
  if (Array.isArray(obj)) {
    for (let pos = 0; pos < obj.length; ) {
      const item: unknown = obj[pos];
      const tag = isQuery && typeof item === 'string' ? CLAUSES[item] : undefined;
      if (tag) {
        const clause = structuredClone(context.bool[tag]);
        obj.splice(pos, 1, ...clause);
        pos += clause.length;
      } else {
        injectContextVars(item, isQuery, bounds, context);
        pos++;
      }
    }
    return;
  }
  if (!isPlainObject(obj)) return;
  for (const prop of Object.keys(obj)) {
    const sub = obj[prop];
    if (!isPlainObject(sub)) {
      injectContextVars(sub, isQuery, bounds, context);
      continue;
    }
    if (prop === 'interval' && sub[AUTOINTERVAL]) {
      const size = sub[AUTOINTERVAL] === true ? 50 : sub[AUTOINTERVAL];
      if (typeof size !== 'number') throw new Error(`"${AUTOINTERVAL}" must be either true or a number`);
      obj.interval = roundInterval((bounds.max - bounds.min) / size);
      continue;
    }
    const mode = sub[TIMEFILTER];
    if (mode === 'min' || mode === 'max') obj[prop] = bounds[mode];
    else if (mode === true) rangeFilter(sub, bounds);
    else if (mode === undefined) injectContextVars(sub, isQuery, bounds, context);
    else throw new Error(`"${TIMEFILTER}" property must be set to true, "min", or "max"`);
  }
}

/** opensearch_query_parser.ts `parseUrl` for one url object: the request Dashboards sends. */
export function parseUrl(url: Json, bounds: TimeBounds, context: DashboardContext = NO_FILTERS): PanelRequest {
  const request = structuredClone(url);
  const ctx = request[CONTEXT];
  delete request[CONTEXT];
  const timefield = request[TIMEFIELD];
  delete request[TIMEFIELD];
  const usesContext = ctx !== undefined || timefield !== undefined;
  if (request.body === undefined) request.body = {};
  const body = request.body;
  if (!isPlainObject(body)) throw new Error('url.body must be an object');
  if (body.query !== undefined) {
    if (usesContext) throw new Error('url.%context% and url.%timefield% must not be used when url.body.query is set');
    injectContextVars(body.query, true, bounds, context);
  } else if (usesContext) {
    if (timefield) body.query = { range: { [String(timefield)]: rangeFilter({ [TIMEFILTER]: true }, bounds) } };
    if (ctx) {
      const query = structuredClone(context) as { bool: { must: unknown[] } };
      if (timefield) query.bool.must.push(body.query);
      body.query = query;
    }
  }
  injectContextVars(body.aggs, false, bounds, context);
  if (typeof request.index !== 'string') throw new Error('the request names no index');
  return { index: request.index, body };
}

/** The url objects of a spec's `data` entries, as vega_parser.ts `_findObjectDataUrls` finds them. */
export function dataUrls(node: unknown, key?: string, out: Json[] = []): Json[] {
  if (Array.isArray(node)) for (const n of node) dataUrls(n, key, out);
  else if (isPlainObject(node)) {
    if (key === 'data' && isPlainObject(node.url)) out.push(node.url);
    else for (const [k, v] of Object.entries(node)) dataUrls(v, k, out);
  }
  return out;
}
