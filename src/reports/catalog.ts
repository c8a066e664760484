/**
 * The ONE report catalog. Each report is one entry: its id and title, what it
 * counts, its OpenSearch request for a time range and how its rows are read
 * back, its Athena (Trino) query, its CloudWatch Logs Insights query and its
 * chart, both as a Vega spec over given rows and as a Dashboards Vega panel
 * that sends the same request. Every engine, the CDK named queries and query
 * definitions, the Dashboards saved objects, the demo and the weekly report
 * read this list; a new report is a new entry in {@link DEFINITIONS}.
 *
 * Honest figures: only records with `log_status = OK` count. NODATA (no
 * traffic in the window) and SKIPDATA (records skipped for capacity or an
 * internal error) records describe a window, not a flow: every flow field is
 * "-", so they would add records but no bytes, and ratios would drift. The
 * OpenSearch requests run their aggregations inside a `filter` on
 * `log_status: OK` and count what was left out in a sibling `terms`; the
 * Athena and Logs Insights queries filter on it.
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
 *
 * Terms buckets are ordered by their value, then by key, so equal values
 * always come out in the same order. With more than one shard per index a
 * top-N list is approximate (OpenSearch's usual `terms` caveat); the daily
 * indices have one shard, so within a day it is exact.
 *
 * Pure: no client, no I/O, no clock.
 */
import { queryTable, dayFilter } from '../athena/athena-sql.js';
import type { TableRef } from '../athena/partitions.js';
import { protocolName } from '../enrich/enrich.js';
import { ConfigError, FlowLogError } from '../errors.js';
import type { FlowLogFormat } from '../format/flow-log-schema.js';
import { chartSpec, ROWS, type ChartKind } from './charts.js';
import { insightsFieldNames, parseCommand } from './logs-insights.js';

// ---- public types -----------------------------------------------------------------

/** Every report's id: file names, named-query names, saved-object ids, test names. */
export type ReportId =
  | 'accept-reject-ratio'
  | 'reject-by-protocol'
  | 'top-rejected-sources'
  | 'rejected-by-port'
  | 'bytes-over-time'
  | 'bytes-per-interface'
  | 'packets-over-time'
  | 'packets-per-interface'
  | 'top-talkers'
  | 'top-source-countries'
  | 'top-source-networks'
  | 'rejected-sources-by-country';

/** A time bound: a Date, epoch milliseconds, or an ISO 8601 string. */
export type TimeBound = Date | number | string;

/** The window of an OpenSearch request. */
export interface ReportRange {
  /** Start of the range, inclusive. */
  readonly from: TimeBound;
  /** End of the range, exclusive. */
  readonly to: TimeBound;
  /**
   * Rows of a top-N report (ignored by the time series).
   * @default - the report's own: 10, or every country for the map
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
  /** What the row is about: an action, protocol, address, port, interface, country, AS, or a bucket's ISO start time. */
  readonly key: string;
  /** The figure the report is about: records, bytes or packets. */
  readonly value: number;
  /** Records (log_status OK) behind the row. */
  readonly records: number;
  /** `value` as a share (0 to 1) of the report's total over the whole range, top-N cut or not. */
  readonly share: number;
  /** Bytes of those records, where the request asks for them. */
  readonly bytes?: number;
  /** Packets of those records, where the request asks for them. */
  readonly packets?: number;
}

/** What the figure of a report counts. */
export type ReportUnit = 'records' | 'bytes' | 'packets';

/** What an Athena query builder is given. */
export interface AthenaQueryContext {
  /** `"db"."table"`. */
  readonly from: string;
  /** `WHERE` conditions every report starts with: the partition filter and the honest-figures filter. */
  readonly where: readonly string[];
  readonly top: number;
  /** Whether the table (the flow-log format) has a field, by key. */
  readonly has: (key: string) => boolean;
}

/** A report as an Athena (Trino) query over the flow-log table. */
export interface AthenaQuery {
  /** Field keys the query cannot do without. */
  readonly needs: readonly string[];
  readonly sql: (c: AthenaQueryContext) => string;
}

/** What a Logs Insights query builder is given. */
export interface InsightsQueryContext {
  /** Field key -> its name in the query (discovered camelCase or the parsed key). */
  readonly n: (key: string) => string;
  readonly has: (key: string) => boolean;
  readonly top: number;
  /** A `bin()` period. */
  readonly interval: string;
}

/** A report as a Logs Insights query over the flow log's log group. */
export interface InsightsQuery {
  readonly needs: readonly string[];
  /** The commands after the parse and the flow filter. */
  readonly commands: (c: InsightsQueryContext) => string[];
}

/** One report of the catalog. */
export interface CatalogReport {
  readonly id: ReportId;
  readonly title: string;
  /** What it counts, one sentence (only log_status = OK; the NODATA/SKIPDATA note is {@link NODATA_NOTE}). */
  readonly counts: string;
  /** Heading of the key column. */
  readonly keyLabel: string;
  readonly unit: ReportUnit;
  /** How it is drawn. */
  readonly chartKind: ChartKind;
  /** Rows of a top-N list when the range does not say. */
  readonly defaultTop: number;
  /** Whether it reads the GeoIP enrichment's fields (`src_country`, `src_asn`): empty where GeoIP is off. */
  readonly geoip: boolean;
  /** OpenSearch `_search` body for `<indexPrefix>-*` over `[from, to)`: no hits, only aggregations. */
  search(range: ReportRange): Record<string, unknown>;
  /** The report's rows from that search's response body (the `body` of the client's response). */
  rows(response: unknown): ReportRow[];
  /** Vega spec drawing the given rows as inline data, at a fixed size (about 640 px wide with its axes). */
  chart(rows: readonly ReportRow[]): Record<string, unknown>;
  /** Vega spec of the Dashboards panel: the same marks, data from the inline OpenSearch request with `%context%`/`%timefield%`. */
  panel(indexPrefix: string): Record<string, unknown>;
  /** Its Athena query, absent where the table lacks what it needs (GeoIP fields live only in OpenSearch). */
  readonly athena?: AthenaQuery;
  /** Its Logs Insights query, absent likewise. */
  readonly insights?: InsightsQuery;
}

/** A report id that does not exist, a bad range, or a response without the report's aggregations. */
export class ReportError extends FlowLogError {}

/** The note shown under figures. */
export const NODATA_NOTE =
  'Figures count flow records with log status OK only. NODATA records (no traffic on the interface during the capture window) and ' +
  'SKIPDATA records (records skipped during the window for capacity or an internal error) are left out; where there are SKIPDATA ' +
  'records the figures are a lower bound.';

// ---- OpenSearch helpers ----------------------------------------------------------------

type Json = Record<string, unknown>;

const TIME_FIELD = '@timestamp';
const TIME_FORMAT = 'epoch_millis';
const DEFAULT_TOP = 10;
const DEFAULT_INTERVAL = '1h';
// ISO 3166-1 has 249 codes: a map asks for all of them.
const ALL_COUNTRIES = 250;
// Transport protocols whose records carry ports (ICMP's are 0).
const PORT_PROTOCOLS = [6, 17, 132];
// Protocols worth a name in an Athena report: IANA keywords from the shared table.
const NAMED_PROTOCOLS = [1, 6, 17, 47, 50, 51, 58, 132];

const term = (field: string, value: string | number): Json => ({ term: { [field]: value } });
const sum = (field: string): Json => ({ sum: { field } });
const REJECT = term('action', 'REJECT');

/**
 * The time-dependent parts of a request. A search for a range has them as
 * values; a Dashboards panel has the placeholders Dashboards replaces from the
 * time picker (src/plugins/vis_type_vega/public/data_model/opensearch_query_parser.ts
 * in OpenSearch Dashboards: `%timefilter%` min/max, `%autointerval%` on a key
 * named `interval`).
 */
interface Window {
  readonly top: number;
  /** The date_histogram's interval key and value. */
  readonly interval: Json;
  /** The date_histogram's `extended_bounds`. */
  readonly bounds: Json;
}

/** Terms on `field`, largest figure first, ties by key. */
function topTerms(field: string, unit: ReportUnit, top: number, extra: Json = {}): Json {
  const order = unit === 'records' ? [{ _count: 'desc' }, { _key: 'asc' }] : [{ [unit]: 'desc' }, { _key: 'asc' }];
  return { terms: { field, size: top, order }, aggs: { bytes: sum('bytes'), packets: sum('packets'), ...extra } };
}

function series(w: Window): Json {
  return {
    // Every bucket of the range, traffic or not.
    date_histogram: { field: TIME_FIELD, ...w.interval, min_doc_count: 0, extended_bounds: w.bounds },
    aggs: { bytes: sum('bytes'), packets: sum('packets') },
  };
}

/** How a bucket's key is shown, in TypeScript (for `rows`) and as a Vega expression over `datum.b` (for the panel). */
interface Label {
  readonly read: (bucket: Json) => string;
  readonly vega: string;
}

const firstName = (bucket: Json): string | undefined => {
  const agg = bucket.name;
  const names = isObject(agg) ? agg.buckets : undefined;
  const first: unknown = Array.isArray(names) && isObject(names[0]) ? names[0].key : undefined;
  return typeof first === 'string' ? first : undefined;
};

const PLAIN: Label = { read: (b) => String(b.key), vega: "'' + datum.b.key" };
const BUCKET_START: Label = {
  read: (b) => (typeof b.key === 'number' ? new Date(b.key).toISOString() : String(b.key_as_string ?? b.key)),
  vega: "utcFormat(datum.b.key, '%Y-%m-%dT%H:%M:%S.%LZ')",
};
const NAMED_OR_NUMBER: Label = {
  read: (b) => firstName(b) ?? String(b.key),
  vega: "length(datum.b.name.buckets) > 0 ? datum.b.name.buckets[0].key : '' + datum.b.key",
};
const AS_NAME: Label = {
  read: (b) => {
    const name = firstName(b);
    return `AS${String(b.key)}${name ? ' ' + name : ''}`;
  },
  vega: "'AS' + datum.b.key + (length(datum.b.name.buckets) > 0 ? ' ' + datum.b.name.buckets[0].key : '')",
};
const PAIR: Label = {
  read: (b) => (Array.isArray(b.key) ? b.key.map(String).join(' → ') : String(b.key)),
  vega: "datum.b.key[0] + ' → ' + datum.b.key[1]",
};

// ---- Athena helpers --------------------------------------------------------------------

function protocolLabel(): string {
  const whens = NAMED_PROTOCOLS.map((n) => `WHEN ${n} THEN '${protocolName(n) ?? String(n)}'`).join(' ');
  return `CASE protocol ${whens} ELSE CAST(protocol AS varchar) END`;
}

const share = (figure: string) => `round(100.0 * ${figure} / sum(${figure}) OVER (), 2) AS percent`;

function select(c: AthenaQueryContext, lines: { select: string[]; where?: string[]; groupBy: string; orderBy: string; limit?: boolean }): string {
  return [
    'SELECT',
    lines.select.map((s) => `  ${s}`).join(',\n'),
    `FROM ${c.from}`,
    'WHERE ' + [...c.where, ...(lines.where ?? [])].join('\n  AND '),
    `GROUP BY ${lines.groupBy}`,
    `ORDER BY ${lines.orderBy}`,
    ...(lines.limit ? [`LIMIT ${c.top}`] : []),
  ].join('\n');
}

/** Sums of bytes and packets where the format has them. */
function volumes(c: AthenaQueryContext): string[] {
  return [...(c.has('bytes') ? ['sum(bytes) AS bytes'] : []), ...(c.has('packets') ? ['sum(packets) AS packets'] : [])];
}

const athenaOverTime = (figure: 'bytes' | 'packets'): AthenaQuery => ({
  needs: [figure, 'start'],
  sql: (c) =>
    select(c, {
      select: [`date_trunc('hour', from_unixtime(start)) AS hour`, `sum(${figure}) AS ${figure}`, 'count(*) AS records'],
      groupBy: `date_trunc('hour', from_unixtime(start))`,
      orderBy: 'hour',
    }),
});

const athenaPerInterface = (figure: 'bytes' | 'packets'): AthenaQuery => ({
  needs: [figure, 'interface_id'],
  sql: (c) =>
    select(c, {
      select: ['interface_id', `sum(${figure}) AS ${figure}`, 'count(*) AS records', share(`sum(${figure})`)],
      groupBy: 'interface_id',
      orderBy: `${figure} DESC, interface_id`,
      limit: true,
    }),
});

const athenaRejectedBy = (column: string): AthenaQuery => ({
  needs: ['action', column],
  sql: (c) =>
    select(c, {
      select: [column, 'count(*) AS records', ...volumes(c), share('count(*)')],
      where: ["action = 'REJECT'"],
      groupBy: column,
      orderBy: `records DESC, ${column}`,
      limit: true,
    }),
});

// ---- Logs Insights helpers ---------------------------------------------------------------

function insightsVolumes(c: InsightsQueryContext): string[] {
  return [...(c.has('bytes') ? [`sum(${c.n('bytes')}) as bytes`] : []), ...(c.has('packets') ? [`sum(${c.n('packets')}) as packets`] : [])];
}

const insightsRejected = (c: InsightsQueryContext) => `filter ${c.n('action')} = "REJECT"`;

const insightsRejectedBy = (key: string): InsightsQuery => ({
  needs: ['action', key],
  commands: (c) => [insightsRejected(c), ['stats count(*) as records', ...insightsVolumes(c)].join(', ') + ` by ${c.n(key)}`, 'sort records desc', `limit ${c.top}`],
});

const insightsOverTime = (figure: 'bytes' | 'packets'): InsightsQuery => ({
  needs: [figure],
  commands: (c) => [`stats sum(${c.n(figure)}) as ${figure}, count(*) as records by bin(${c.interval})`],
});

const insightsPerInterface = (figure: 'bytes' | 'packets'): InsightsQuery => ({
  needs: [figure, 'interface_id'],
  commands: (c) => [`stats sum(${c.n(figure)}) as ${figure}, count(*) as records by ${c.n('interface_id')}`, `sort ${figure} desc`, `limit ${c.top}`],
});

// ---- the catalog ---------------------------------------------------------------------------

/** One report as data: everything {@link CatalogReport} is built from. */
interface Definition {
  readonly id: ReportId;
  readonly title: string;
  readonly counts: string;
  readonly keyLabel: string;
  readonly unit: ReportUnit;
  readonly chart: ChartKind;
  /** @default 10 */
  readonly top?: number;
  /** @default false */
  readonly geoip?: boolean;
  /** Filters on top of `log_status: OK`. */
  readonly filters: readonly Json[];
  /** The rows aggregation (its buckets become rows; a `total` sum is added for bytes and packets). */
  readonly rows: (w: Window) => Json;
  /** @default PLAIN - the bucket key as a string */
  readonly label?: Label;
  readonly athena?: AthenaQuery;
  readonly insights?: InsightsQuery;
}

const overTime = (figure: 'bytes' | 'packets', title: string): Definition => ({
  id: `${figure}-over-time`,
  title,
  counts: `${figure === 'bytes' ? 'Bytes' : 'Packets'} of all flows per time bucket (hourly unless asked otherwise), every bucket of the range included.`,
  keyLabel: 'time (UTC)',
  unit: figure,
  chart: 'time',
  filters: [],
  rows: series,
  label: BUCKET_START,
  athena: athenaOverTime(figure),
  insights: insightsOverTime(figure),
});

const perInterface = (figure: 'bytes' | 'packets', title: string): Definition => ({
  id: `${figure}-per-interface`,
  title,
  counts: `${figure === 'bytes' ? 'Bytes' : 'Packets'} of all flows per network interface, largest first.`,
  keyLabel: 'interface',
  unit: figure,
  chart: 'bars',
  filters: [],
  rows: (w) => topTerms('interface_id', figure, w.top),
  athena: athenaPerInterface(figure),
  insights: insightsPerInterface(figure),
});

/** The reports, in print order: the eight standard ones, then top talkers and the GeoIP ones. */
const DEFINITIONS: readonly Definition[] = [
  {
    id: 'accept-reject-ratio',
    title: 'ACCEPT/REJECT ratio',
    counts: 'Flow records per action (ACCEPT or REJECT), with their share of all flow records.',
    keyLabel: 'action',
    unit: 'records',
    chart: 'bars',
    filters: [],
    // Both actions whatever `top` says: a ratio of one would not be one.
    rows: () => topTerms('action', 'records', DEFAULT_TOP),
    athena: {
      needs: ['action'],
      sql: (c) =>
        select(c, {
          select: ['action', 'count(*) AS records', ...volumes(c), share('count(*)')],
          where: ["action IN ('ACCEPT', 'REJECT')"],
          groupBy: 'action',
          orderBy: 'records DESC, action',
        }),
    },
    insights: {
      needs: ['action'],
      commands: (c) => [`filter ${c.n('action')} in ["ACCEPT", "REJECT"]`, ['stats count(*) as records', ...insightsVolumes(c)].join(', ') + ` by ${c.n('action')}`, 'sort records desc'],
    },
  },
  {
    id: 'reject-by-protocol',
    title: 'REJECTed records by protocol',
    counts: 'REJECTed flow records per IP protocol, named by its IANA keyword where it has one.',
    keyLabel: 'protocol',
    unit: 'records',
    chart: 'bars',
    filters: [REJECT],
    // By number, not by protocol_name: a number without an IANA keyword still counts.
    rows: (w) => topTerms('protocol', 'records', w.top, { name: { terms: { field: 'protocol_name', size: 1 } } }),
    label: NAMED_OR_NUMBER,
    athena: {
      needs: ['action', 'protocol'],
      sql: (c) =>
        select(c, {
          select: ['protocol', `${protocolLabel()} AS protocol_name`, 'count(*) AS records', ...volumes(c), share('count(*)')],
          where: ["action = 'REJECT'"],
          groupBy: 'protocol',
          orderBy: 'records DESC, protocol',
          limit: true,
        }),
    },
    insights: insightsRejectedBy('protocol'),
  },
  {
    id: 'top-rejected-sources',
    title: 'Top REJECTed source IPs',
    counts: 'REJECTed flow records per source address, most first.',
    keyLabel: 'source',
    unit: 'records',
    chart: 'bars',
    filters: [REJECT],
    rows: (w) => topTerms('srcaddr', 'records', w.top),
    athena: athenaRejectedBy('srcaddr'),
    insights: insightsRejectedBy('srcaddr'),
  },
  {
    id: 'rejected-by-port',
    title: 'REJECTed traffic by destination port',
    counts: 'REJECTed TCP, UDP and SCTP flow records per destination port, most first.',
    keyLabel: 'port',
    unit: 'records',
    chart: 'bars',
    filters: [REJECT, { terms: { protocol: PORT_PROTOCOLS } }],
    rows: (w) => topTerms('dstport', 'records', w.top),
    athena: {
      needs: ['action', 'dstport'],
      sql: (c) =>
        select(c, {
          select: ['dstport', 'count(*) AS records', ...volumes(c), share('count(*)')],
          where: ["action = 'REJECT'", ...(c.has('protocol') ? [`protocol IN (${PORT_PROTOCOLS.join(', ')})`] : [])],
          groupBy: 'dstport',
          orderBy: 'records DESC, dstport',
          limit: true,
        }),
    },
    insights: {
      needs: ['action', 'dstport'],
      commands: (c) => [
        insightsRejected(c),
        ...(c.has('protocol') ? [`filter ${c.n('protocol')} in [${PORT_PROTOCOLS.join(', ')}]`] : []),
        ['stats count(*) as records', ...insightsVolumes(c)].join(', ') + ` by ${c.n('dstport')}`,
        'sort records desc',
        `limit ${c.top}`,
      ],
    },
  },
  overTime('bytes', 'Bytes over time'),
  perInterface('bytes', 'Bytes per interface'),
  overTime('packets', 'Packets over time'),
  perInterface('packets', 'Packets per interface'),
  {
    id: 'top-talkers',
    title: 'Top talkers (bytes by source and destination)',
    counts: 'Bytes of all flows per source and destination address pair, largest first.',
    keyLabel: 'source → destination',
    unit: 'bytes',
    chart: 'bars',
    filters: [],
    rows: (w) => ({
      multi_terms: { terms: [{ field: 'srcaddr' }, { field: 'dstaddr' }], size: w.top, order: [{ bytes: 'desc' }, { _key: 'asc' }] },
      aggs: { bytes: sum('bytes'), packets: sum('packets') },
    }),
    label: PAIR,
    athena: {
      needs: ['srcaddr', 'dstaddr', 'bytes'],
      sql: (c) =>
        select(c, {
          select: ['srcaddr', 'dstaddr', 'sum(bytes) AS bytes', ...(c.has('packets') ? ['sum(packets) AS packets'] : []), 'count(*) AS records', share('sum(bytes)')],
          groupBy: 'srcaddr, dstaddr',
          orderBy: 'bytes DESC, srcaddr, dstaddr',
          limit: true,
        }),
    },
    insights: {
      needs: ['srcaddr', 'dstaddr', 'bytes'],
      commands: (c) => [`stats sum(${c.n('bytes')}) as bytes, count(*) as records by ${c.n('srcaddr')}, ${c.n('dstaddr')}`, 'sort bytes desc', `limit ${c.top}`],
    },
  },
  {
    id: 'top-source-countries',
    title: 'Top source countries (public sources)',
    counts: 'Flow records from public source addresses per GeoIP country (ISO 3166-1 alpha-2), most first.',
    keyLabel: 'country',
    unit: 'records',
    chart: 'bars',
    geoip: true,
    filters: [{ exists: { field: 'src_country' } }],
    rows: (w) => topTerms('src_country', 'records', w.top),
  },
  {
    id: 'top-source-networks',
    title: 'Top source networks (AS)',
    counts: 'Flow records from public source addresses per autonomous system (GeoIP ASN and organisation), most first.',
    keyLabel: 'AS',
    unit: 'records',
    chart: 'bars',
    geoip: true,
    filters: [{ exists: { field: 'src_asn' } }],
    rows: (w) => topTerms('src_asn', 'records', w.top, { name: { terms: { field: 'src_as_org', size: 1 } } }),
    label: AS_NAME,
  },
  {
    id: 'rejected-sources-by-country',
    title: 'REJECTed sources by country',
    counts: 'REJECTed flow records from public source addresses per GeoIP country, on a world map.',
    keyLabel: 'country',
    unit: 'records',
    chart: 'map',
    top: ALL_COUNTRIES,
    geoip: true,
    filters: [REJECT, { exists: { field: 'src_country' } }],
    rows: (w) => topTerms('src_country', 'records', w.top),
  },
];

// ---- building a report from its definition ------------------------------------------------------

function millis(bound: TimeBound, name: string): number {
  const ms = bound instanceof Date ? bound.getTime() : typeof bound === 'number' ? bound : Date.parse(bound);
  if (!Number.isFinite(ms)) throw new ReportError(`${name} is not a time: ${String(bound)}`);
  return ms;
}

/** The `_search` body: the left-out statuses beside the report's aggregations, inside a flow filter. */
function searchBody(d: Definition, w: Window, query: Json | undefined): Json {
  const report: Json = {
    filter: { bool: { filter: [term('log_status', 'OK'), ...d.filters] } },
    aggs: { rows: d.rows(w), ...(d.unit === 'records' ? {} : { total: sum(d.unit) }) },
  };
  return {
    size: 0,
    track_total_hits: true,
    ...(query ? { query } : {}),
    aggs: {
      // Every status in the range, so the left-out NODATA/SKIPDATA can be reported.
      log_status: { terms: { field: 'log_status', size: 10 } },
      report,
    },
  };
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function child(v: unknown, key: string, path: string): Json {
  const c = isObject(v) ? v[key] : undefined;
  if (!isObject(c)) throw new ReportError(`search response lacks ${path}: was it made from the catalog's search()?`);
  return c;
}

function num(v: unknown): number {
  // Number.isFinite is false for anything but a finite number (it does not convert).
  return Number.isFinite(v) ? (v as number) : 0;
}

function sumOf(bucket: Json, name: string): number {
  return isObject(bucket[name]) ? num(bucket[name].value) : 0;
}

/** The report's own aggregation and its total. */
function reportPart(d: Definition, response: unknown): { readonly report: Json; readonly records: number; readonly total: number } {
  const aggs = child(response, 'aggregations', 'aggregations');
  const report = child(aggs, 'report', 'aggregations.report');
  const records = num(report.doc_count);
  return { report, records, total: d.unit === 'records' ? records : sumOf(report, 'total') };
}

function readRows(d: Definition, response: unknown): ReportRow[] {
  const { report, total } = reportPart(d, response);
  const buckets = child(report, 'rows', 'aggregations.report.rows').buckets;
  if (!Array.isArray(buckets)) throw new ReportError('search response lacks aggregations.report.rows.buckets');
  const label = d.label ?? PLAIN;
  return buckets.filter(isObject).map((b): ReportRow => {
    const count = num(b.doc_count);
    const bytes = sumOf(b, 'bytes');
    const packets = sumOf(b, 'packets');
    const value = d.unit === 'records' ? count : d.unit === 'bytes' ? bytes : packets;
    return { key: label.read(b), value, records: count, share: total > 0 ? value / total : 0, bytes, packets };
  });
}

/** Chart size of the weekly report: bars grow with the rows. */
function chartSize(kind: ChartKind, rows: number): { width: number; height: number } {
  if (kind === 'bars') return { width: 420, height: Math.max(44, rows * 22) };
  if (kind === 'map') return { width: 640, height: 330 };
  return { width: 560, height: 200 };
}

/** Where the panel reads the request's answer: the Vega data set and its transforms into rows. */
function panelData(d: Definition, indexPrefix: string): Json[] {
  const window: Window = {
    top: d.top ?? DEFAULT_TOP,
    interval: { interval: { '%autointerval%': true } },
    bounds: { min: { '%timefilter%': 'min' }, max: { '%timefilter%': 'max' } },
  };
  const value = d.unit === 'records' ? 'datum.b.doc_count' : `datum.b.${d.unit}.value`;
  const total = d.unit === 'records' ? 'datum.report.doc_count' : 'datum.report.total.value';
  return [
    {
      name: 'response',
      // Dashboards sends this as a search of `index` and puts the dashboard's
      // query, filters and time range (as a range on %timefield%) in body.query.
      url: { '%context%': true, '%timefield%': TIME_FIELD, index: `${indexPrefix}-*`, body: searchBody(d, window, undefined) },
      format: { property: 'aggregations' },
    },
    {
      name: ROWS,
      source: 'response',
      transform: [
        { type: 'flatten', fields: ['report.rows.buckets'], as: ['b'] },
        { type: 'formula', as: 'key', expr: (d.label ?? PLAIN).vega },
        { type: 'formula', as: 'value', expr: value },
        { type: 'formula', as: 'records', expr: 'datum.b.doc_count' },
        { type: 'formula', as: 'share', expr: `${total} > 0 ? datum.value / ${total} : 0` },
        { type: 'project', fields: ['key', 'value', 'records', 'share'] },
      ],
    },
  ];
}

function define(d: Definition): CatalogReport {
  const chartOptions = { kind: d.chart, unit: d.unit, keyLabel: d.keyLabel, description: `${d.title}: ${d.counts}` };
  const defaultTop = d.top ?? DEFAULT_TOP;
  return {
    id: d.id,
    title: d.title,
    counts: d.counts,
    keyLabel: d.keyLabel,
    unit: d.unit,
    chartKind: d.chart,
    defaultTop,
    geoip: d.geoip ?? false,
    ...(d.athena ? { athena: d.athena } : {}),
    ...(d.insights ? { insights: d.insights } : {}),
    search(range) {
      const fromMs = millis(range.from, 'from');
      const toMs = millis(range.to, 'to');
      if (toMs <= fromMs) throw new ReportError(`to (${new Date(toMs).toISOString()}) must be after from (${new Date(fromMs).toISOString()})`);
      const top = range.top ?? defaultTop;
      if (!Number.isInteger(top) || top < 1) throw new ReportError(`top must be a positive integer, got ${top}`);
      // `to` is exclusive: the last bucket starts before it.
      const window: Window = { top, interval: { fixed_interval: range.interval ?? DEFAULT_INTERVAL }, bounds: { min: fromMs, max: toMs - 1 } };
      return searchBody(d, window, { bool: { filter: [{ range: { [TIME_FIELD]: { gte: fromMs, lt: toMs, format: TIME_FORMAT } } }] } });
    },
    rows: (response) => readRows(d, response),
    chart(rows) {
      const values = rows.map((r) => ({ key: r.key, value: r.value, records: r.records, share: r.share }));
      return chartSpec([{ name: ROWS, values }], { ...chartOptions, size: chartSize(d.chart, rows.length) });
    },
    panel: (indexPrefix) => chartSpec(panelData(d, indexPrefix), chartOptions),
  };
}

/** Every report, in print order. */
export const REPORT_CATALOG: readonly CatalogReport[] = Object.freeze(DEFINITIONS.map(define));

const BY_ID: ReadonlyMap<string, CatalogReport> = new Map(REPORT_CATALOG.map((r) => [r.id, r]));

/** True for an id of the catalog. */
export function isReportId(id: string): id is ReportId {
  return BY_ID.has(id);
}

/**
 * The report of an id.
 * @throws ReportError for an unknown id
 */
export function catalogReport(id: ReportId): CatalogReport {
  const r = BY_ID.get(id);
  if (!r) throw new ReportError(`unknown report "${String(id)}" (known: ${[...BY_ID.keys()].join(', ')})`);
  return r;
}

/** The eight standard reports, in print order. */
export const STANDARD_REPORTS: readonly CatalogReport[] = REPORT_CATALOG.slice(0, 8);

/** Records left out of a report's figures, read from the same response: NODATA and SKIPDATA. */
export function excludedRecords(response: unknown): { readonly nodata: number; readonly skipdata: number } {
  const aggs = isObject(response) && isObject(response.aggregations) ? response.aggregations : {};
  const status = isObject(aggs.log_status) ? aggs.log_status : {};
  let nodata = 0;
  let skipdata = 0;
  // Stryker disable next-line ArrayDeclaration: a non-array's stand-in holds no bucket objects, so whatever it holds counts nothing
  for (const b of Array.isArray(status.buckets) ? status.buckets.filter(isObject) : []) {
    if (b.key === 'NODATA') nodata = num(b.doc_count);
    if (b.key === 'SKIPDATA') skipdata = num(b.doc_count);
  }
  return { nodata, skipdata };
}

/** A report's rows with what is needed to print them. */
export interface ReportTable {
  readonly id: ReportId;
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

/**
 * A report read from the response to its `search()` body: rows in the order
 * OpenSearch returned them (largest first; time order for the series), with
 * the totals and the left-out NODATA/SKIPDATA counts.
 *
 * @throws ReportError when the body lacks the report's aggregations.
 */
export function reportTable(id: ReportId, response: unknown): ReportTable {
  const r = catalogReport(id);
  const d = DEFINITIONS.find((x) => x.id === id)!;
  const { records, total } = reportPart(d, response);
  const { nodata, skipdata } = excludedRecords(response);
  return { id, title: r.title, keyLabel: r.keyLabel, unit: r.unit, rows: r.rows(response), total, records, noData: nodata, skipData: skipdata };
}

// ---- Athena ------------------------------------------------------------------------------------

/** Ids of the reports with an Athena query. */
export type AthenaReportId = ReportId;

/** A report as an Athena query. */
export interface AthenaReport {
  readonly id: ReportId;
  readonly title: string;
  /** The query, Trino SQL as Athena engine version 3 runs it. */
  readonly sql: string;
}

/** A report the format cannot serve: the fields it needs and lacks. */
export interface SkippedReport {
  readonly id: ReportId;
  readonly missing: readonly string[];
}

/** Options of {@link athenaReports} and {@link athenaReport}. */
export interface ReportQueryOptions {
  /**
   * Days the query covers, today (UTC) included: its partition filter is
   * `day >= <today - (days - 1)>`.
   * @default 7
   */
  readonly days?: number;
  /** Rows of a top-N report. @default 10 */
  readonly top?: number;
}

/** The reports with an Athena query, in print order: the standard eight, then top talkers. */
export const ATHENA_REPORTS: readonly CatalogReport[] = REPORT_CATALOG.filter((r) => r.athena);

function athenaOf(id: ReportId): AthenaQuery {
  const q = BY_ID.get(id)?.athena;
  if (!q) throw new ConfigError(`no Athena query for report "${id}" (there are: ${ATHENA_REPORTS.map((r) => r.id).join(', ')})`);
  return q;
}

/** The field keys a report's Athena query needs. */
export function reportNeeds(id: ReportId): readonly string[] {
  return athenaOf(id).needs;
}

/**
 * Records that describe a flow: NODATA and SKIPDATA records carry `-` in
 * every flow field. Without `log-status` in the format, `action` tells the same.
 */
function athenaFlowFilter(has: (key: string) => boolean): string[] {
  if (has('log_status')) return ["log_status = 'OK'"];
  if (has('action')) return ["action IN ('ACCEPT', 'REJECT')"];
  return [];
}

/**
 * One report as an Athena query over the table, or a {@link SkippedReport}
 * when the format lacks a field it needs. Every query filters on the `day`
 * partition column, so it reads only the folders of its window.
 *
 * @throws ConfigError for a report without an Athena query or a bad option
 */
export function athenaReport(id: ReportId, table: TableRef, format: FlowLogFormat, options: ReportQueryOptions = {}): AthenaReport | SkippedReport {
  const query = athenaOf(id);
  const keys = new Set(format.fields.map((f) => f.key));
  const has = (key: string) => keys.has(key);
  const missing = query.needs.filter((k) => !has(k));
  if (missing.length > 0) return { id, missing };
  const top = options.top ?? DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 1) throw new ConfigError(`top must be a positive whole number, got ${top}`);
  const context: AthenaQueryContext = { from: queryTable(table), where: [dayFilter(options.days ?? 7), ...athenaFlowFilter(has)], top, has };
  return { id, title: catalogReport(id).title, sql: query.sql(context) };
}

/** Every report the format can serve as an Athena query, in print order, and the ones it cannot. */
export function athenaReports(table: TableRef, format: FlowLogFormat, options: ReportQueryOptions = {}): { readonly reports: AthenaReport[]; readonly skipped: SkippedReport[] } {
  const reports: AthenaReport[] = [];
  const skipped: SkippedReport[] = [];
  for (const { id } of ATHENA_REPORTS) {
    const r = athenaReport(id, table, format, options);
    if ('sql' in r) reports.push(r);
    else skipped.push(r);
  }
  return { reports, skipped };
}

// ---- Logs Insights -----------------------------------------------------------------------------

/** A report as a Logs Insights query. */
export interface InsightsReport {
  readonly id: ReportId;
  readonly title: string;
  readonly query: string;
}

/** A report the format cannot serve: the field keys it needs and lacks. */
export interface SkippedInsightsReport {
  readonly id: ReportId;
  readonly missing: readonly string[];
}

/** Options of {@link insightsReports}. */
export interface InsightsReportOptions {
  /** Rows of a top-N report. @default 10 */
  readonly top?: number;
  /** Bucket width of the time series, a Logs Insights `bin()` period. @default '1h' */
  readonly interval?: string;
}

/** The reports with a Logs Insights query, in print order. */
export const INSIGHTS_REPORTS: readonly CatalogReport[] = REPORT_CATALOG.filter((r) => r.insights);

/**
 * One report as a Logs Insights query, or what the format lacks for it. The
 * time range is chosen where the query runs (console or StartQuery), so the
 * query carries none.
 *
 * @throws ConfigError for a report without a Logs Insights query or a bad option
 */
export function insightsReport(id: ReportId, format: FlowLogFormat, options: InsightsReportOptions = {}): InsightsReport | SkippedInsightsReport {
  const spec = BY_ID.get(id)?.insights;
  if (!spec) throw new ConfigError(`no Logs Insights query for report "${id}" (there are: ${INSIGHTS_REPORTS.map((r) => r.id).join(', ')})`);
  const names = insightsFieldNames(format);
  const has = (key: string) => Object.hasOwn(names, key);
  const missing = spec.needs.filter((k) => !has(k));
  if (missing.length > 0) return { id, missing };
  const top = options.top ?? DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 1 || top > 10_000) throw new ConfigError(`top must be a whole number from 1 to 10000, got ${top}`);
  const interval = options.interval ?? DEFAULT_INTERVAL;
  if (!/^\d+(ms|s|m|h|d|w|mo|q|y)$/.test(interval)) throw new ConfigError(`interval must be a bin() period such as 5m or 1h, got "${interval}"`);
  const context: InsightsQueryContext = { n: (key) => names[key] ?? key, has, top, interval };
  const parse = parseCommand(format);
  // Only records that describe a flow (log status OK), as in the Athena and OpenSearch reports.
  const flow = has('log_status') ? [`filter ${context.n('log_status')} = "OK"`] : [];
  const commands = [...(parse ? [parse] : []), ...flow, ...spec.commands(context)];
  return { id, title: catalogReport(id).title, query: commands.join('\n| ') };
}

/** Every report the format can serve as a Logs Insights query, in print order, and the ones it cannot. */
export function insightsReports(format: FlowLogFormat, options: InsightsReportOptions = {}): { readonly reports: InsightsReport[]; readonly skipped: SkippedInsightsReport[] } {
  const reports: InsightsReport[] = [];
  const skipped: SkippedInsightsReport[] = [];
  for (const { id } of INSIGHTS_REPORTS) {
    const r = insightsReport(id, format, options);
    if ('query' in r) reports.push(r);
    else skipped.push(r);
  }
  return { reports, skipped };
}
