/**
 * One field list, several readers: the parser, the OpenSearch mapping and the
 * Glue table all come from FLOW_LOG_FIELDS. These tests fail if one drifts.
 */
import { describe, expect, it } from 'vitest';
import { tableColumns } from '../../../src/athena/athena-sql.js';
import { ENRICHMENT_FIELDS } from '../../../src/format/document.js';
import { FLOW_LOG_FIELDS, formatOf } from '../../../src/format/flow-log-schema.js';
import { mappingProperties } from '../../../src/ingest/index-template.js';
import { RecordParser } from '../../../src/format/parse.js';

const ALL = formatOf(FLOW_LOG_FIELDS.map((f) => f.name));

/** A record of the full format with a valid value for every field. */
const fullRecord = ALL.fields
  .map((f) => (f.search === 'ip' ? '52.95.110.1' : f.name === 'start' || f.name === 'end' ? '1795824000' : f.kind === 'integer' ? '6' : `v-${f.key}`))
  .join(' ');

function leaf(props: Record<string, unknown>, path: string): { type?: string; path?: string } | undefined {
  let node: unknown = { properties: props };
  for (const part of path.split('.')) node = (node as { properties?: Record<string, unknown> }).properties?.[part];
  return node as { type?: string; path?: string } | undefined;
}

describe('the field list and its readers', () => {
  const mapping = mappingProperties();

  it('maps every flow-log field with its search type', () => {
    for (const f of FLOW_LOG_FIELDS) expect(mapping[f.key], f.key).toEqual({ type: f.search });
  });

  it('maps every enrichment key, and every ECS name as an alias to an existing key', () => {
    for (const f of ENRICHMENT_FIELDS) expect(mapping[f.key]?.type, f.key).toBe(f.search);
    for (const f of [...FLOW_LOG_FIELDS, ...ENRICHMENT_FIELDS]) {
      if (!f.ecs) continue;
      expect(leaf(mapping, f.ecs), f.ecs).toEqual({ type: 'alias', path: f.key });
    }
  });

  it('gives the Glue table a column per field, with the Athena names and types', () => {
    expect(tableColumns(ALL).map((c) => [c.name, c.type])).toEqual(FLOW_LOG_FIELDS.map((f) => [f.key, f.glue]));
  });

  it('writes documents whose every key the strict mapping knows', () => {
    // One replaced character, so the marker key is written too.
    const r = new RecordParser(ALL).toJson(fullRecord, undefined, 1);
    expect(r.ok).toBe(true);
    const doc = r.ok ? (JSON.parse(r.value) as Record<string, unknown>) : {};
    expect(doc).toHaveProperty(['utf8_replacements'], 1);
    for (const f of FLOW_LOG_FIELDS) expect(doc, f.key).toHaveProperty([f.key]);
    for (const key of Object.keys(doc)) expect(mapping, key).toHaveProperty([key]);
  });
});
