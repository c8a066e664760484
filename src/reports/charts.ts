/**
 * The report charts as plain Vega (v5 grammar, which Vega 6 also runs) specs.
 * One builder per kind of chart; the data entries are passed in, so the same
 * marks draw rows given inline (the weekly report, rendered to SVG by the
 * `vega` library in Node) and rows read by Dashboards from an inline
 * OpenSearch request (a Vega panel). Either way the marks read one data set
 * named `rows` whose tuples carry `key`, `value`, `records` and `share`.
 *
 * Not Vega-Lite: OpenSearch Dashboards compiles Vega-Lite with its own bundled
 * version, while a Vega spec is run as written.
 * https://vega.github.io/vega/docs/specification/
 *
 * Pure: no I/O. The world map's country shapes come from the `world-atlas`
 * package (Natural Earth 1:110m, TopoJSON), inlined in the spec, so a map needs
 * neither a tile service nor a network connection.
 */
import WORLD_110M from 'world-atlas/countries-110m.json' with { type: 'json' };
import ISO_CODES from 'i18n-iso-countries/codes.json' with { type: 'json' };

type Json = Record<string, unknown>;

/** What a chart draws. */
export type ChartKind = 'bars' | 'time' | 'map';

/** The figure a chart's values are. */
export type ChartUnit = 'records' | 'bytes' | 'packets';

/** Options of {@link chartSpec}. */
export interface ChartOptions {
  readonly kind: ChartKind;
  readonly unit: ChartUnit;
  /** Axis title of the keys. */
  readonly keyLabel: string;
  /** One line saying what the chart shows (the spec's `description`). */
  readonly description: string;
  /**
   * Size of the plot in pixels (axes and legends come on top). Without it the
   * spec has none: Dashboards sizes a panel to its container and warns about a
   * width or height in the spec.
   * @default - no width or height
   */
  readonly size?: { readonly width: number; readonly height: number };
}

/** Schema of every spec: Vega 5, the major version OpenSearch Dashboards bundles (a newer one makes it warn). */
export const VEGA_SCHEMA = 'https://vega.github.io/schema/vega/v5.json';

/** Name of the data set the marks read. */
export const ROWS = 'rows';

const BAR_COLOR = '#54B399';
const MAP_SCHEME = 'reds';
const NO_DATA_FILL = '#e6e6e6';

// Records are counted, so whole numbers; bytes and packets get SI prefixes (1.2M).
const numberFormat = (unit: ChartUnit): string => (unit === 'records' ? ',d' : '~s');

function tooltip(unit: ChartUnit, keyExpr: string): Json {
  return { signal: `{title: ${keyExpr}, '${unit}': format(datum.value, ','), 'share': format(datum.share, '.1%')}` };
}

function bars(o: ChartOptions): Pick<Json, 'scales' | 'axes' | 'marks'> {
  return {
    scales: [
      // Rows come largest first; the band keeps that order, top to bottom.
      { name: 'y', type: 'band', domain: { data: ROWS, field: 'key' }, range: 'height', padding: 0.15 },
      { name: 'x', type: 'linear', domain: { data: ROWS, field: 'value' }, range: 'width', nice: true, zero: true },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: o.unit, format: numberFormat(o.unit), grid: true, tickCount: 5 },
      { orient: 'left', scale: 'y', title: o.keyLabel, labelLimit: 220 },
    ],
    marks: [
      {
        type: 'rect',
        name: 'bars',
        from: { data: ROWS },
        encode: {
          enter: { fill: { value: BAR_COLOR } },
          update: {
            y: { scale: 'y', field: 'key' },
            height: { scale: 'y', band: 1 },
            x: { scale: 'x', value: 0 },
            x2: { scale: 'x', field: 'value' },
            tooltip: tooltip(o.unit, 'datum.key'),
          },
        },
      },
    ],
  };
}

function time(o: ChartOptions): Pick<Json, 'scales' | 'axes' | 'marks'> {
  return {
    scales: [
      { name: 'x', type: 'utc', domain: { data: ROWS, field: 'time' }, range: 'width' },
      { name: 'y', type: 'linear', domain: { data: ROWS, field: 'value' }, range: 'height', nice: true, zero: true },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: o.keyLabel, tickCount: 8 },
      { orient: 'left', scale: 'y', title: o.unit, format: numberFormat(o.unit), grid: true, tickCount: 5 },
    ],
    marks: [
      {
        type: 'area',
        name: 'area',
        from: { data: ROWS },
        encode: {
          enter: { fill: { value: BAR_COLOR }, fillOpacity: { value: 0.35 }, stroke: { value: BAR_COLOR }, strokeWidth: { value: 1.5 } },
          update: { x: { scale: 'x', field: 'time' }, y: { scale: 'y', field: 'value' }, y2: { scale: 'y', value: 0 } },
        },
      },
      {
        type: 'symbol',
        name: 'points',
        from: { data: ROWS },
        encode: {
          enter: { fill: { value: BAR_COLOR }, size: { value: 12 } },
          update: { x: { scale: 'x', field: 'time' }, y: { scale: 'y', field: 'value' }, tooltip: tooltip(o.unit, "utcFormat(datum.time, '%Y-%m-%d %H:%M UTC')") },
        },
      },
    ],
  };
}

/**
 * Natural Earth's countries with each shape's id turned from the ISO 3166-1
 * numeric code world-atlas uses into the alpha-2 code the GeoIP enrichment
 * writes (`src_country`), so rows join shapes on their key. Shapes with no
 * ISO code (Kosovo, northern Cyprus, ...) keep none and stay grey.
 */
export const WORLD_COUNTRIES: Json = (() => {
  const alpha2 = new Map<string, string>(ISO_CODES.map((c) => [c[2]!, c[0]!]));
  const countries = WORLD_110M.objects.countries;
  return {
    type: 'Topology',
    transform: WORLD_110M.transform,
    arcs: WORLD_110M.arcs,
    objects: {
      countries: {
        ...countries,
        geometries: countries.geometries.map((g: Json) => {
          const { id, ...rest } = g;
          const code = typeof id === 'string' ? alpha2.get(id) : undefined;
          return code ? { ...rest, id: code } : rest;
        }),
      },
    },
  };
})();

function map(o: ChartOptions): Pick<Json, 'data' | 'projections' | 'scales' | 'legends' | 'marks'> {
  return {
    data: [
      {
        name: 'countries',
        values: WORLD_COUNTRIES,
        format: { type: 'topojson', feature: 'countries' },
        transform: [{ type: 'lookup', from: ROWS, key: 'key', fields: ['id'], values: ['value', 'share'], as: ['value', 'share'], default: 0 }],
      },
    ],
    projections: [{ name: 'projection', type: 'equalEarth', size: { signal: '[width, height]' }, fit: { signal: "data('countries')" } }],
    scales: [{ name: 'color', type: 'sqrt', domain: { data: ROWS, field: 'value' }, zero: true, range: { scheme: MAP_SCHEME } }],
    legends: [{ fill: 'color', title: o.unit, format: numberFormat(o.unit), orient: 'bottom-left', gradientLength: 160 }],
    marks: [
      {
        type: 'shape',
        name: 'shapes',
        from: { data: 'countries' },
        encode: {
          enter: { stroke: { value: '#ffffff' }, strokeWidth: { value: 0.5 } },
          update: {
            fill: { signal: `datum.value > 0 ? scale('color', datum.value) : '${NO_DATA_FILL}'` },
            tooltip: tooltip(o.unit, "datum.properties.name + (datum.id ? ' (' + datum.id + ')' : '')"),
          },
        },
        transform: [{ type: 'geoshape', projection: 'projection' }],
      },
    ],
  };
}

/**
 * A Vega spec drawing the `rows` data set made by `data` (which must define
 * it: inline values or a transform of a request) as a chart of `kind`.
 *
 * For `time`, each row's `key` is its bucket's start (an ISO string or epoch
 * milliseconds); the spec adds a `time` field from it.
 */
export function chartSpec(data: readonly Json[], o: ChartOptions): Json {
  const parts = o.kind === 'bars' ? bars(o) : o.kind === 'time' ? time(o) : map(o);
  const { data: extra, ...rest } = parts as Json;
  const withTime = o.kind === 'time' ? data.map((d) => (d.name === ROWS ? { ...d, transform: [...((d.transform as Json[] | undefined) ?? []), { type: 'formula', as: 'time', expr: 'toDate(datum.key)' }] } : d)) : data;
  return {
    $schema: VEGA_SCHEMA,
    description: o.description,
    ...(o.size ? { width: o.size.width, height: o.size.height } : {}),
    // Given a size, it is the plot's and the axes grow the view (long labels stay readable); in Dashboards the panel fits its container.
    autosize: o.size ? { type: 'pad', contains: 'padding' } : { type: 'fit', contains: 'padding' },
    padding: 5,
    data: [...withTime, ...((extra as Json[] | undefined) ?? [])],
    ...rest,
  };
}
