/**
 * The saved objects against OpenSearch Dashboards' own format. Every literal
 * below is taken from OpenSearch Dashboards' source
 * (opensearch-project/OpenSearch-Dashboards), file named beside it, not from
 * src/reports/dashboards.ts.
 */
import Hjson from 'hjson';
import { parseExpression } from 'vega';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { REPORT_CATALOG } from '../../../src/reports/catalog.js';
import { savedObjects, savedObjectsNdjson, type SavedObject } from '../../../src/reports/dashboards.js';
import { dataUrls } from '../../helpers/dashboards-request.js';

const PREFIX = 'vpcflowlogs';
const objects = savedObjects({ indexPrefix: PREFIX });
const byType = (type: string) => objects.filter((o) => o.type === type);
const parse = (text: unknown): Record<string, unknown> => JSON.parse(String(text)) as Record<string, unknown>;

// Attribute names each type's mappings declare:
// src/plugins/visualizations/server/saved_objects/visualization.ts, src/plugins/dashboard/server/saved_objects/dashboard.ts,
// src/plugins/discover/server/saved_objects/search.ts. index-pattern's mapping is `dynamic: false` (title, type indexed);
// its other attributes are the ones the sample data's index pattern carries
// (src/plugins/home/server/services/sample_data/data_sets/logs/saved_objects.ts).
const ATTRIBUTES: Record<string, readonly string[]> = {
  visualization: ['description', 'kibanaSavedObjectMeta', 'savedSearchRefName', 'title', 'uiStateJSON', 'version', 'visState'],
  dashboard: ['description', 'hits', 'kibanaSavedObjectMeta', 'optionsJSON', 'panelsJSON', 'refreshInterval', 'timeFrom', 'timeRestore', 'timeTo', 'title', 'version'],
  search: ['columns', 'description', 'hits', 'kibanaSavedObjectMeta', 'sort', 'columnWidths', 'title', 'version'],
  'index-pattern': ['title', 'timeFieldName', 'fields', 'fieldFormatMap'],
};

// The last key of each type's migrations: index_pattern_migrations.ts, visualization_migrations.ts,
// search_migrations.ts, dashboard_migrations.ts.
const LATEST_MIGRATION: Record<string, string> = { 'index-pattern': '7.6.0', visualization: '7.10.0', search: '7.9.3', dashboard: '7.9.3' };

/** A vega visualization's spec as Dashboards reads it: hjson.parse(spec, { legacyRoot: false }) (vega_parser.ts). */
function specOf(o: SavedObject): Record<string, unknown> {
  const visState = parse(o.attributes.visState) as { params: { spec: string } };
  return Hjson.parse(visState.params.spec, { legacyRoot: false }) as Record<string, unknown>;
}

describe('savedObjects', () => {
  it('makes one index pattern, one visualization per report plus a note, one saved search and one dashboard', () => {
    expect(byType('index-pattern')).toHaveLength(1);
    expect(byType('visualization')).toHaveLength(REPORT_CATALOG.length + 1);
    expect(byType('search')).toHaveLength(1);
    expect(byType('dashboard')).toHaveLength(1);
    expect(objects).toHaveLength(REPORT_CATALOG.length + 4);
  });

  it('gives stable, unique ids derived from the index prefix', () => {
    const again = savedObjects({ indexPrefix: PREFIX }).map((o) => o.id);
    const other = savedObjects({ indexPrefix: 'other' }).map((o) => o.id);

    expect(again).toEqual(objects.map((o) => o.id));
    expect(new Set(again).size).toBe(again.length);
    expect(objects.map((o) => o.id)).toContain('vpcflowlogs-report-top-talkers');
    expect(other.filter((id) => again.includes(id))).toEqual([]);
  });

  it('uses only attributes the saved-object types map, and each type\'s latest migration version', () => {
    for (const o of objects) {
      for (const k of Object.keys(o.attributes)) expect(ATTRIBUTES[o.type], `${o.id}: ${k}`).toContain(k);
      expect(o.migrationVersion).toEqual({ [o.type]: LATEST_MIGRATION[o.type] });
      expect(Array.isArray(o.references)).toBe(true);
    }
  });

  it('makes the index pattern <prefix>-* on @timestamp, bytes as bytes, ports and protocols as plain numbers', () => {
    const [pattern] = byType('index-pattern');
    const formats = parse(pattern!.attributes.fieldFormatMap);

    expect(pattern!.attributes).toMatchObject({ title: 'vpcflowlogs-*', timeFieldName: '@timestamp' });
    // FIELD_FORMAT_IDS (src/plugins/data/common/field_formats/types.ts): 'bytes', 'number'; numeral pattern '0' has no separator.
    expect(formats.bytes).toEqual({ id: 'bytes' });
    for (const f of ['srcport', 'dstport', 'protocol', 'src_asn', 'dst_asn']) expect(formats[f], f).toEqual({ id: 'number', params: { pattern: '0' } });
    expect(formats.packets).toBeUndefined();
  });

  it('makes each report a Vega visualization whose spec Dashboards can read', () => {
    for (const r of REPORT_CATALOG) {
      const vis = objects.find((o) => o.id === `vpcflowlogs-report-${r.id}`)!;
      const visState = parse(vis.attributes.visState);
      const spec = specOf(vis);

      // visState of a vega visualization: sample data's "[Logs] Visitors Map".
      expect(visState, r.id).toMatchObject({ title: r.title, type: 'vega', aggs: [] });
      expect(vis.attributes.title).toBe(r.title);
      expect(parse(vis.attributes.kibanaSavedObjectMeta && (vis.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON)).toEqual({ query: { query: '', language: 'kuery' }, filter: [] });
      // vega_parser.ts: a $schema is required; Vega (not Vega-Lite) v5 is what Dashboards bundles.
      expect(spec.$schema).toBe('https://vega.github.io/schema/vega/v5.json');
      // vega_parser.ts _compileWithAutosize: a width or height with autosize on only earns a warning.
      expect(spec).not.toHaveProperty('width');
      expect(spec).not.toHaveProperty('height');
      expect(spec).toEqual(r.panel(PREFIX));
    }
  });

  it('uses no expression Dashboards\' Vega validation blocks', () => {
    // src/plugins/vis_type_vega/public/data_model/vega_validation.ts: the expression fields it parses and what it refuses.
    const FIELDS = ['expr', 'update', 'test', 'calculate', 'filter', 'signal'];
    const BLOCKED = ['ownerDocument', 'defaultView', 'contentDocument', 'contentWindow', 'view', 'innerHTML', 'outerHTML', 'insertAdjacentHTML', 'createElement',
      'createElementNS', 'getElementById', 'getElementsByClassName', 'getElementsByTagName', 'querySelector', 'querySelectorAll', '__proto__', 'prototype',
      'constructor', 'window', 'document', 'global', 'globalThis', 'top', 'parent', 'frames', 'self', 'eval', 'Function', 'setTimeout', 'setInterval',
      'setImmediate', 'execScript', 'atob', 'btoa'];
    const expressions: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (FIELDS.includes(k) && typeof v === 'string') expressions.push(v);
          walk(v);
        }
      }
    };
    const names = (ast: unknown, out: string[] = []): string[] => {
      if (Array.isArray(ast)) for (const a of ast) names(a, out);
      else if (ast && typeof ast === 'object') {
        const n = ast as { type?: string; name?: unknown; value?: unknown; computed?: boolean; property?: { type?: string } };
        if (n.type === 'Identifier' && typeof n.name === 'string') out.push(n.name);
        if (n.type === 'Literal' && typeof n.value === 'string') out.push(n.value);
        // A computed member access by anything but a literal or a name is refused too.
        if (n.type === 'MemberExpression' && n.computed) expect(['Literal', 'Identifier']).toContain(n.property?.type);
        for (const v of Object.values(n)) names(v, out);
      }
      return out;
    };
    for (const vis of byType('visualization').filter((o) => parse(o.attributes.visState).type === 'vega')) walk(specOf(vis));

    expect(expressions.length).toBeGreaterThan(REPORT_CATALOG.length);
    for (const e of expressions) expect(names(parseExpression(e)).filter((n) => BLOCKED.includes(n)), e).toEqual([]);
  });

  it('sends each panel\'s request to the index pattern with the dashboard context and the time field', () => {
    for (const vis of byType('visualization').filter((o) => parse(o.attributes.visState).type === 'vega')) {
      const urls = dataUrls(specOf(vis));

      expect(urls, vis.id).toHaveLength(1);
      const url = urls[0]!;
      expect(url).toMatchObject({ '%context%': true, '%timefield%': '@timestamp', index: 'vpcflowlogs-*' });
      // opensearch_query_parser.ts parseUrl: body.query together with %context%/%timefield% is an error.
      expect(url.body).not.toHaveProperty('query');
      expect(url).not.toHaveProperty('%type%');
    }
  });

  it('makes the saved search "REJECTed flows" on the index pattern, by reference', () => {
    const [search] = byType('search');
    const source = parse((search!.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON);

    expect(search!.attributes).toMatchObject({ title: 'REJECTed flows', sort: [['@timestamp', 'desc']] });
    expect(search!.attributes.columns).toEqual(expect.arrayContaining(['srcaddr', 'dstaddr', 'dstport', 'protocol_name', 'interface_id']));
    // search_migrations.ts migrateIndexPattern: the index moves to a reference named kibanaSavedObjectMeta.searchSourceJSON.index.
    expect(source).toMatchObject({ query: { query: 'action:REJECT', language: 'kuery' }, indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index' });
    expect(source).not.toHaveProperty('index');
    expect(search!.references).toEqual([{ name: 'kibanaSavedObjectMeta.searchSourceJSON.index', type: 'index-pattern', id: 'vpcflowlogs-index-pattern' }]);
  });

  it('lays every visualization and the search out on the dashboard "VPC Flow Logs", panels by reference, no overlaps', () => {
    const [dashboard] = byType('dashboard');
    const panels = parse(`{"p":${String(dashboard!.attributes.panelsJSON)}}`).p as { gridData: { x: number; y: number; w: number; h: number; i: string }; panelIndex: string; panelRefName: string; version: string }[];
    const refs = new Map(dashboard!.references.map((r) => [r.name, r]));

    expect(dashboard!.attributes).toMatchObject({ title: 'VPC Flow Logs', timeRestore: true });
    // dashboard_migrations.ts migrations700: panel i refers through references[name = panel_i].
    expect(panels.map((p) => p.panelRefName)).toEqual(dashboard!.references.map((r) => r.name));
    expect(panels.map((p) => p.panelRefName)).toEqual(panels.map((_, i) => `panel_${i}`));
    const targets = panels.map((p) => refs.get(p.panelRefName)!);
    expect(targets.map((t) => `${t.type}:${t.id}`).sort()).toEqual(objects.filter((o) => o.type === 'visualization' || o.type === 'search').map((o) => `${o.type}:${o.id}`).sort());

    const cells = new Set<string>();
    for (const p of panels) {
      // RawSavedDashboardPanel730ToLatest (src/plugins/dashboard/common/bwc/types.ts): panelIndex a string, gridData.i the same.
      expect(p.gridData.i).toBe(p.panelIndex);
      expect(p.gridData.x + p.gridData.w).toBeLessThanOrEqual(48);
      for (let x = p.gridData.x; x < p.gridData.x + p.gridData.w; x++) {
        for (let y = p.gridData.y; y < p.gridData.y + p.gridData.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.panelRefName} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('refuses an index prefix that cannot name an index', () => {
    expect(() => savedObjects({ indexPrefix: 'Flow Logs' })).toThrow(ConfigError);
    expect(() => savedObjects({ indexPrefix: '-x' })).toThrow(ConfigError);
    expect(() => savedObjects({ indexPrefix: '' })).toThrow(ConfigError);
  });
});

describe('savedObjectsNdjson', () => {
  it('writes one object a line with a trailing newline, the same objects', () => {
    const text = savedObjectsNdjson({ indexPrefix: PREFIX });

    expect(text.endsWith('}\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(objects.length);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(JSON.parse(JSON.stringify(objects)));
  });
});
