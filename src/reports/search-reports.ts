/**
 * The standard reports (src/reports/reports.ts) as OpenSearch searches: the request
 * body for a time range, and the rows read back from the response. Pure: no
 * client, no I/O; the caller sends `POST /<prefix>-* /_search` itself.
 *
 * Honest figures: only records with `log_status: OK` count. NODATA (no
 * traffic in the window) and SKIPDATA (records skipped for capacity or an
 * internal error) records describe a window, not a flow: every flow field is
 * "-" (null in the document), so they would add records but no bytes, and
 * ratios and averages would drift. Each report therefore runs its
 * aggregations inside a `filter` aggregation on `log_status: OK`, while a
 * sibling `terms` on `log_status` counts what was left out, so a reader can
 * be told that SKIPDATA windows make the figures a lower bound.
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
 *
 * Terms buckets are ordered by their value, then by key, so equal values
 * always come out in the same order. With more than one shard per index a
 * top-N list is approximate (OpenSearch's usual `terms` caveat); the daily
 * indices have one shard, so within a day it is exact.
 */
import { FlowLogError } from '../errors.js';
import { STANDARD_REPORTS, type StandardReportId } from './reports.js';

/** Reports the GeoIP enrichment makes possible, beyond the standard eight. */
export const GEO_REPORTS = [
  { id: 'top-source-countries', title: 'Top source countries (public sources)' },
  { id: 'top-source-networks', title: 'Top source networks (AS)' },
] as const;

/** A report this module can build: a standard one or a GeoIP one. */
export type SearchReportId = StandardReportId | (typeof GEO_REPORTS)[number]['id'];

/** A time bound: a Date, epoch milliseconds, or an ISO 8601 string. */
export type TimeBound = Date | number | string;

/** Options of {@link searchReport}. */
export interface SearchReportOptions {
  /** Start of the range, inclusive. */
  readonly from: TimeBound;
  /** End of the range, exclusive. */
  readonly to: TimeBound;
  /**
   * Rows of a top-N report (ignored by the time series).
   * @default 10
   */
  readonly top?: number;
  /**
   * Bucket width of the time series, an OpenSearch `fixed_interval`.
   * @default '1h'
   */
  readonly interval?: string;
}

/** One row of a report. */
export interface ReportRow {
  /** What the row is about: an action, protocol, address, port, interface, or a bucket's ISO start time. */
  readonly key: string;
  /** The figure the report is about: records, bytes or packets. */
  readonly value: number;
  /** Records (log_status OK) behind the row. */
  readonly records: number;
  /** `value` as a share (0 to 1) of the report's total over the whole range, top-N cut or not. */
  readonly share: number;
  /** Bytes of those records, where the report asks for them. */
  readonly bytes?: number;
  /** Packets of those records, where the report asks for them. */
  readonly packets?: number;
}

/** What the figure of a report counts. */
export type ReportUnit = 'records' | 'bytes' | 'packets';

/** A report's rows with what is needed to print them. */
export interface ReportTable {
  readonly id: SearchReportId;
  readonly title: string;
  /** Heading of the key column. */
  readonly keyLabel: string;
  readonly unit: ReportUnit;
  readonly rows: readonly ReportRow[];
  /** The report's figure over the whole range (not only the rows shown). */
  readonly total: number;
  /** Records (log_status OK) the report looked at. */
  readonly records: number;
  /** NODATA records in the range: left out. */
  readonly noData: number;
  /** SKIPDATA records in the range: left out, and the figures are a lower bound. */
  readonly skipData: number;
}

/** A report id that does not exist, a bad option, or a response without the report's aggregations. */
export class ReportError extends FlowLogError {}

type Json = Record<string, unknown>;

const TIME_FORMAT = 'epoch_millis';
const DEFAULT_TOP = 10;
const DEFAULT_INTERVAL = '1h';
// Transport protocols whose records carry ports (ICMP's are 0).
const PORT_PROTOCOLS = [6, 17, 132];

const term = (field: string, value: string | number): Json => ({ term: { [field]: value } });
const sum = (field: string): Json => ({ sum: { field } });

/** How a report is built and read. */
interface Spec {
  readonly keyLabel: string;
  readonly unit: ReportUnit;
  /** Filters on top of `log_status: OK`. */
  readonly filters: readonly Json[];
  /** Sub-aggregations of each row bucket (and, for sums, `total` at the report level). */
  readonly rows: (o: ResolvedOptions) => Json;
  /** Whether the rows come from a date_histogram. */
  readonly series?: boolean;
  /** For a row keyed by number (protocol, ASN): a name sub-aggregation to display instead. */
  readonly nameAgg?: string;
  /** Turns a numeric key and its name into the displayed key. */
  readonly label?: (key: string, name: string | undefined) => string;
}

interface ResolvedOptions {
  readonly fromMs: number;
  readonly toMs: number;
  readonly top: number;
  readonly interval: string;
}

/** Terms on `field`, largest figure first, ties by key. */
function topTerms(field: string, unit: ReportUnit, top: number, extra: Json = {}): Json {
  const order = unit === 'records' ? [{ _count: 'desc' }, { _key: 'asc' }] : [{ [unit]: 'desc' }, { _key: 'asc' }];
  return {
    terms: { field, size: top, order },
    aggs: { bytes: sum('bytes'), packets: sum('packets'), ...extra },
  };
}

function series(o: ResolvedOptions): Json {
  return {
    date_histogram: {
      field: '@timestamp',
      fixed_interval: o.interval,
      min_doc_count: 0,
      // Every bucket of the range, traffic or not; `to` is exclusive.
      extended_bounds: { min: o.fromMs, max: o.toMs - 1 },
    },
    aggs: { bytes: sum('bytes'), packets: sum('packets') },
  };
}

const REJECT = term('action', 'REJECT');

const SPECS: Readonly<Record<SearchReportId, Spec>> = {
  'accept-reject-ratio': {
    keyLabel: 'action',
    unit: 'records',
    filters: [],
    rows: () => topTerms('action', 'records', DEFAULT_TOP),
  },
  'reject-by-protocol': {
    keyLabel: 'protocol',
    unit: 'records',
    filters: [REJECT],
    // By number, not by protocol_name: a number without an IANA keyword still counts.
    rows: (o) => topTerms('protocol', 'records', o.top, { name: { terms: { field: 'protocol_name', size: 1 } } }),
    nameAgg: 'name',
    label: (key, name) => name ?? key,
  },
  'top-rejected-sources': {
    keyLabel: 'source',
    unit: 'records',
    filters: [REJECT],
    rows: (o) => topTerms('srcaddr', 'records', o.top),
  },
  'rejected-by-port': {
    keyLabel: 'port',
    unit: 'records',
    filters: [REJECT, { terms: { protocol: PORT_PROTOCOLS } }],
    rows: (o) => topTerms('dstport', 'records', o.top),
  },
  'bytes-over-time': { keyLabel: 'time (UTC)', unit: 'bytes', filters: [], rows: series, series: true },
  'bytes-per-interface': { keyLabel: 'interface', unit: 'bytes', filters: [], rows: (o) => topTerms('interface_id', 'bytes', o.top) },
  'packets-over-time': { keyLabel: 'time (UTC)', unit: 'packets', filters: [], rows: series, series: true },
  'packets-per-interface': { keyLabel: 'interface', unit: 'packets', filters: [], rows: (o) => topTerms('interface_id', 'packets', o.top) },
  'top-source-countries': {
    keyLabel: 'country',
    unit: 'records',
    filters: [{ exists: { field: 'src_country' } }],
    rows: (o) => topTerms('src_country', 'records', o.top),
  },
  'top-source-networks': {
    keyLabel: 'AS',
    unit: 'records',
    filters: [{ exists: { field: 'src_asn' } }],
    rows: (o) => topTerms('src_asn', 'records', o.top, { name: { terms: { field: 'src_as_org', size: 1 } } }),
    nameAgg: 'name',
    label: (key, name) => `AS${key}${name ? ' ' + name : ''}`,
  },
};

const TITLES: ReadonlyMap<string, string> = new Map<string, string>([...STANDARD_REPORTS, ...GEO_REPORTS].map((r) => [r.id, r.title]));

/** True for an id {@link searchReport} knows. */
export function isSearchReportId(id: string): id is SearchReportId {
  return Object.hasOwn(SPECS, id);
}

function specOf(id: string): Spec {
  if (!isSearchReportId(id)) throw new ReportError(`unknown report "${id}" (known: ${Object.keys(SPECS).join(', ')})`);
  return SPECS[id];
}

function millis(bound: TimeBound, name: string): number {
  const ms = bound instanceof Date ? bound.getTime() : typeof bound === 'number' ? bound : Date.parse(bound);
  if (!Number.isFinite(ms)) throw new ReportError(`${name} is not a time: ${String(bound)}`);
  return ms;
}

function resolve(options: SearchReportOptions): ResolvedOptions {
  const fromMs = millis(options.from, 'from');
  const toMs = millis(options.to, 'to');
  if (toMs <= fromMs) throw new ReportError(`to (${new Date(toMs).toISOString()}) must be after from (${new Date(fromMs).toISOString()})`);
  const top = options.top ?? DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 1) throw new ReportError(`top must be a positive integer, got ${top}`);
  return { fromMs, toMs, top, interval: options.interval ?? DEFAULT_INTERVAL };
}

/**
 * The `_search` body of a report over `[from, to)`: no hits, only
 * aggregations. Send it to the index pattern of the daily indices
 * (`vpcflowlogs-*`).
 *
 * @throws ReportError for an unknown id, a bad range or a bad `top`.
 */
export function searchReport(id: SearchReportId, options: SearchReportOptions): Json {
  const spec = specOf(id);
  const o = resolve(options);
  const report: Json = {
    filter: { bool: { filter: [term('log_status', 'OK'), ...spec.filters] } },
    aggs: {
      rows: spec.rows(o),
      ...(spec.unit === 'records' ? {} : { total: sum(spec.unit) }),
    },
  };
  return {
    size: 0,
    track_total_hits: true,
    query: { bool: { filter: [{ range: { '@timestamp': { gte: o.fromMs, lt: o.toMs, format: TIME_FORMAT } } }] } },
    aggs: {
      // Every status in the range, so the left-out NODATA/SKIPDATA can be reported.
      log_status: { terms: { field: 'log_status', size: 10 } },
      report,
    },
  };
}

// ---- reading the response ------------------------------------------------------

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function child(v: unknown, key: string, path: string): Json {
  const c = isObject(v) ? v[key] : undefined;
  if (!isObject(c)) throw new ReportError(`search response lacks ${path}: was it made from searchReport()?`);
  return c;
}

function bucketsOf(agg: Json, path: string): Json[] {
  const b = agg.buckets;
  if (!Array.isArray(b)) throw new ReportError(`search response lacks ${path}.buckets`);
  return b.filter(isObject);
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function sumOf(bucket: Json, name: string): number {
  return isObject(bucket[name]) ? num(bucket[name].value) : 0;
}

function keyOf(bucket: Json, spec: Spec): string {
  if (spec.series) {
    if (typeof bucket.key === 'number') return new Date(bucket.key).toISOString();
    return typeof bucket.key_as_string === 'string' ? bucket.key_as_string : String(bucket.key);
  }
  const key = String(bucket.key);
  if (!spec.label) return key;
  const nameAgg = spec.nameAgg ? bucket[spec.nameAgg] : undefined;
  const names = isObject(nameAgg) ? nameAgg.buckets : undefined;
  const first: unknown = Array.isArray(names) && isObject(names[0]) ? names[0].key : undefined;
  return spec.label(key, typeof first === 'string' ? first : undefined);
}

/**
 * A report read from the `_search` response to {@link searchReport}'s body:
 * rows in the order OpenSearch returned them (largest first; time order for
 * the series), with the totals and the left-out NODATA/SKIPDATA counts.
 *
 * @param body the response body (`response.body` of the client).
 * @throws ReportError when the body lacks the report's aggregations.
 */
export function reportTable(id: SearchReportId, body: unknown): ReportTable {
  const spec = specOf(id);
  const aggs = child(body, 'aggregations', 'aggregations');
  const report = child(aggs, 'report', 'aggregations.report');
  const records = num(report.doc_count);
  const total = spec.unit === 'records' ? records : sumOf(report, 'total');
  const rows = bucketsOf(child(report, 'rows', 'aggregations.report.rows'), 'aggregations.report.rows').map((b): ReportRow => {
    const count = num(b.doc_count);
    const bytes = sumOf(b, 'bytes');
    const packets = sumOf(b, 'packets');
    const value = spec.unit === 'records' ? count : spec.unit === 'bytes' ? bytes : packets;
    return { key: keyOf(b, spec), value, records: count, share: total > 0 ? value / total : 0, bytes, packets };
  });
  let noData = 0;
  let skipData = 0;
  const status = isObject(aggs.log_status) ? aggs.log_status : {};
  for (const b of Array.isArray(status.buckets) ? status.buckets.filter(isObject) : []) {
    if (b.key === 'NODATA') noData = num(b.doc_count);
    if (b.key === 'SKIPDATA') skipData = num(b.doc_count);
  }
  return { id, title: TITLES.get(id) ?? id, keyLabel: spec.keyLabel, unit: spec.unit, rows, total, records, noData, skipData };
}

/** The rows of {@link reportTable}. */
export function reportRows(id: SearchReportId, body: unknown): ReportRow[] {
  return [...reportTable(id, body).rows];
}
