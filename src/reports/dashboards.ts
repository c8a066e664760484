/**
 * OpenSearch Dashboards content generated from the report catalog: saved
 * objects for `POST /_dashboards/api/saved_objects/_import?overwrite=true`
 * (one NDJSON line each). Stable ids derived from the index prefix, so a
 * second import overwrites the first instead of adding copies, and two stacks
 * with different prefixes do not collide.
 *
 * - an index pattern `<prefix>-*` on `@timestamp`, bytes shown as bytes and
 *   ports, protocols and AS numbers as plain numbers (no thousands separator);
 * - one Vega visualization per report: the catalog's `panel()` spec, whose
 *   inline OpenSearch request carries `%context%` and `%timefield%`, so the
 *   dashboard's time picker, query and filters apply to it and the request it
 *   sends is the one the tests run;
 * - a markdown note saying what the figures count (NODATA/SKIPDATA);
 * - a saved search "REJECTed flows";
 * - the dashboard "VPC Flow Logs" laying them all out.
 *
 * The shapes follow OpenSearch Dashboards' own source (paths below are in
 * opensearch-project/OpenSearch-Dashboards):
 * - saved-object types and their attributes: src/plugins/data/server/saved_objects/index_patterns.ts,
 *   src/plugins/visualizations/server/saved_objects/visualization.ts,
 *   src/plugins/discover/server/saved_objects/search.ts,
 *   src/plugins/dashboard/server/saved_objects/dashboard.ts;
 * - `migrationVersion` = the last migration key of each type (…/index_pattern_migrations.ts 7.6.0,
 *   …/visualization_migrations.ts 7.10.0, …/search_migrations.ts 7.9.3, …/dashboard_migrations.ts 7.9.3):
 *   the import runs every migration newer than it (src/core/server/saved_objects/import/collect_saved_objects.ts
 *   defaults a missing one to `{}`, i.e. all), and these objects already have the latest shape;
 * - references by name (`panel_<n>`, `kibanaSavedObjectMeta.searchSourceJSON.index`): dashboard_migrations.ts
 *   (migrations700) and search_migrations.ts (migrateIndexPattern);
 * - dashboard panels in the 7.3+ shape (version, gridData, panelIndex, embeddableConfig, panelRefName):
 *   src/plugins/dashboard/common/bwc/types.ts (RawSavedDashboardPanel730ToLatest), on a 48-column grid;
 * - a Vega visualization's `visState` ({title, type: 'vega', aggs: [], params: {spec}}) and a markdown one:
 *   src/plugins/home/server/services/sample_data/data_sets/logs/saved_objects.ts;
 * - field format ids `bytes` and `number`: src/plugins/data/common/field_formats/types.ts (FIELD_FORMAT_IDS).
 *
 * Pure: no I/O.
 */
import { ENRICHMENT_FIELDS } from '../format/document.js';
import { FLOW_LOG_FIELDS } from '../format/flow-log-schema.js';
import { ConfigError } from '../errors.js';
import { NODATA_NOTE, REPORT_CATALOG, type CatalogReport } from './catalog.js';

/** Options of {@link savedObjects}. */
export interface DashboardsOptions {
  /** Prefix of the daily indices (`<prefix>-YYYY.MM.DD`), as the ingest function writes them. */
  readonly indexPrefix: string;
}

/** A reference from one saved object to another, by name. */
export interface SavedObjectReference {
  readonly name: string;
  readonly type: string;
  readonly id: string;
}

/** One saved object as the import API reads it. */
export interface SavedObject {
  readonly id: string;
  readonly type: 'index-pattern' | 'visualization' | 'search' | 'dashboard';
  readonly attributes: Record<string, unknown>;
  readonly references: readonly SavedObjectReference[];
  readonly migrationVersion: Readonly<Record<string, string>>;
}

/** The dashboard's title. */
export const DASHBOARD_TITLE = 'VPC Flow Logs';
/** The saved search's title. */
export const REJECTED_SEARCH_TITLE = 'REJECTed flows';

/** Columns of the saved search: who was refused, where from, to what. */
export const REJECTED_SEARCH_COLUMNS = ['srcaddr', 'src_country', 'src_as_org', 'dstaddr', 'dstport', 'protocol_name', 'interface_id', 'packets', 'bytes'] as const;

const MIGRATION_VERSION = {
  'index-pattern': '7.6.0',
  visualization: '7.10.0',
  search: '7.9.3',
  dashboard: '7.9.3',
} as const;

// The Dashboards grid is 48 columns wide (DASHBOARD_GRID_COLUMN_COUNT).
const GRID_COLUMNS = 48;
const PANEL_HEIGHT = 15;
const MAP_HEIGHT = 22;
const SEARCH_HEIGHT = 20;
// Panel shape version written in panelsJSON: the 7.3+ shape (see header).
const PANEL_VERSION = '7.10.0';
const INDEX_REF = 'kibanaSavedObjectMeta.searchSourceJSON.index';
const EMPTY_SEARCH_SOURCE = JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] });

// Lower case, no characters an index name cannot have, not starting with -, _ or +.
const INDEX_PREFIX = /^[a-z0-9][a-z0-9._-]*$/;

/** Stable saved-object ids for a prefix. */
export function savedObjectIds(indexPrefix: string): {
  readonly indexPattern: string;
  readonly report: (id: CatalogReport['id']) => string;
  readonly note: string;
  readonly rejectedSearch: string;
  readonly dashboard: string;
} {
  return {
    indexPattern: `${indexPrefix}-index-pattern`,
    report: (id) => `${indexPrefix}-report-${id}`,
    note: `${indexPrefix}-figures-note`,
    rejectedSearch: `${indexPrefix}-rejected-flows`,
    dashboard: `${indexPrefix}-dashboard`,
  };
}

const keyOf = (f: { readonly key: string }) => f.key;
const ALL_KEYS = [...FLOW_LOG_FIELDS.map(keyOf), ...ENRICHMENT_FIELDS.map(keyOf)];

/**
 * Field formats of the index pattern: `bytes` as bytes (1.2MB); ports,
 * protocol numbers, AS numbers and TCP flags as plain numbers (443, 8080,
 * 13335: an identifier, not an amount, so no thousands separator).
 */
export function fieldFormatMap(): Record<string, { readonly id: string; readonly params?: Record<string, unknown> }> {
  const plain = ALL_KEYS.filter((k) => /port$/.test(k) || k === 'protocol' || /_asn$/.test(k) || k === 'tcp_flags');
  return {
    bytes: { id: 'bytes' },
    ...Object.fromEntries(plain.map((k) => [k, { id: 'number', params: { pattern: '0' } }])),
  };
}

function visualization(id: string, title: string, description: string, visState: Record<string, unknown>): SavedObject {
  return {
    id,
    type: 'visualization',
    attributes: {
      title,
      description,
      visState: JSON.stringify({ title, ...visState }),
      uiStateJSON: '{}',
      version: 1,
      kibanaSavedObjectMeta: { searchSourceJSON: EMPTY_SEARCH_SOURCE },
    },
    references: [],
    migrationVersion: { visualization: MIGRATION_VERSION.visualization },
  };
}

const TOPOLOGY_MARK = '"%topology%"';

/**
 * A spec as the Vega editor shows it: indented, but an inline TopoJSON (the
 * map's country shapes, ~100 kB of numbers) on one line rather than one
 * number a line.
 */
function specText(spec: Record<string, unknown>): string {
  let topology: unknown;
  const text = JSON.stringify(
    spec,
    (key, value: unknown) => {
      if (key === 'values' && typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Topology') {
        topology = value;
        return JSON.parse(TOPOLOGY_MARK) as string;
      }
      return value;
    },
    2,
  );
  return topology === undefined ? text : text.replace(TOPOLOGY_MARK, JSON.stringify(topology));
}

/** A panel's place: half width side by side, full width on its own row. */
interface Placed {
  readonly ref: SavedObjectReference;
  readonly wide: boolean;
  readonly height: number;
}

function layout(items: readonly Placed[]): { panels: Record<string, unknown>[]; references: SavedObjectReference[] } {
  const panels: Record<string, unknown>[] = [];
  const references: SavedObjectReference[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  items.forEach((item, i) => {
    const w = item.wide ? GRID_COLUMNS : GRID_COLUMNS / 2;
    if (x + w > GRID_COLUMNS) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    const name = `panel_${i}`;
    const panelIndex = String(i + 1);
    panels.push({ version: PANEL_VERSION, gridData: { x, y, w, h: item.height, i: panelIndex }, panelIndex, embeddableConfig: {}, panelRefName: name });
    references.push({ ...item.ref, name });
    x += w;
    rowHeight = Math.max(rowHeight, item.height);
  });
  return { panels, references };
}

/**
 * The saved objects, in import order (what is referenced comes first).
 *
 * @throws ConfigError for an index prefix that cannot name indices
 */
export function savedObjects(options: DashboardsOptions): SavedObject[] {
  const prefix = options.indexPrefix;
  if (!INDEX_PREFIX.test(prefix)) throw new ConfigError(`indexPrefix must be lower case letters, digits, ".", "_" or "-", not starting with a symbol; got "${prefix}"`);
  const ids = savedObjectIds(prefix);

  const indexPattern: SavedObject = {
    id: ids.indexPattern,
    type: 'index-pattern',
    attributes: {
      title: `${prefix}-*`,
      timeFieldName: '@timestamp',
      // No field list: Dashboards reads the fields from the indices when it first opens the pattern.
      fields: '[]',
      fieldFormatMap: JSON.stringify(fieldFormatMap()),
    },
    references: [],
    migrationVersion: { 'index-pattern': MIGRATION_VERSION['index-pattern'] },
  };

  const reports = REPORT_CATALOG.map((r) =>
    visualization(ids.report(r.id), r.title, r.counts, { type: 'vega', aggs: [], params: { spec: specText(r.panel(prefix)) } }),
  );

  const note = visualization(ids.note, 'About these figures', NODATA_NOTE, {
    type: 'markdown',
    aggs: [],
    params: { markdown: `**About these figures.** ${NODATA_NOTE}`, fontSize: 12, openLinksInNewTab: false },
  });

  const rejected: SavedObject = {
    id: ids.rejectedSearch,
    type: 'search',
    attributes: {
      title: REJECTED_SEARCH_TITLE,
      description: 'Flow records whose action is REJECT, newest first.',
      hits: 0,
      columns: [...REJECTED_SEARCH_COLUMNS],
      sort: [['@timestamp', 'desc']],
      version: 1,
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({
          query: { query: 'action:REJECT', language: 'kuery' },
          filter: [],
          highlightAll: true,
          version: true,
          indexRefName: INDEX_REF,
        }),
      },
    },
    references: [{ name: INDEX_REF, type: 'index-pattern', id: ids.indexPattern }],
    migrationVersion: { search: MIGRATION_VERSION.search },
  };

  const placed: Placed[] = [
    ...REPORT_CATALOG.map((r) => ({ ref: { name: '', type: 'visualization', id: ids.report(r.id) }, wide: r.chartKind === 'map', height: r.chartKind === 'map' ? MAP_HEIGHT : PANEL_HEIGHT })),
    // Half width: it pairs with the last half-width report.
    { ref: { name: '', type: 'visualization', id: ids.note }, wide: false, height: PANEL_HEIGHT },
    { ref: { name: '', type: 'search', id: ids.rejectedSearch }, wide: true, height: SEARCH_HEIGHT },
  ];
  // Half-width panels pair up; a wide one (the map) goes after the pairs so no half row is left empty.
  const ordered = [...placed.filter((p) => !p.wide), ...placed.filter((p) => p.wide)];
  const { panels, references } = layout(ordered);

  const dashboard: SavedObject = {
    id: ids.dashboard,
    type: 'dashboard',
    attributes: {
      title: DASHBOARD_TITLE,
      description: 'VPC flow logs: accepted and rejected traffic, volumes, top talkers and where rejected traffic comes from.',
      hits: 0,
      panelsJSON: JSON.stringify(panels),
      optionsJSON: JSON.stringify({ hidePanelTitles: false, useMargins: true }),
      version: 1,
      timeRestore: true,
      timeFrom: 'now-7d',
      timeTo: 'now',
      refreshInterval: { pause: true, value: 0 },
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [] }) },
    },
    references,
    migrationVersion: { dashboard: MIGRATION_VERSION.dashboard },
  };

  return [indexPattern, ...reports, note, rejected, dashboard];
}

/** The saved objects as NDJSON: one object per line, a trailing newline. */
export function savedObjectsNdjson(options: DashboardsOptions): string {
  return savedObjects(options)
    .map((o) => JSON.stringify(o))
    .join('\n')
    .concat('\n');
}
