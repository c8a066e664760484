import { beforeEach, describe, expect, it } from 'vitest';
import { indexLayout } from '../../../src/ingest/index-template.js';

describe('indexLayout', () => {
  // Built in each test, not once here: a value made while tests are collected is credited to no test.
  let layout: ReturnType<typeof indexLayout>;
  beforeEach(() => {
    layout = indexLayout('vpcflowlogs', 30);
  });

  it('composes a template for the daily indices of the prefix from the mapping component', () => {
    expect(layout.template).toMatchObject({ index_patterns: ['vpcflowlogs-*'], composed_of: ['vpcflowlogs-mappings'], version: layout.version });
    expect(layout.component).toMatchObject({ template: { mappings: { dynamic: 'strict' } }, version: layout.version });
  });

  it('declares document id scheme 2 in the mapping of every index it creates', () => {
    expect((layout.component as { template: { mappings: { _meta: unknown } } }).template.mappings._meta).toEqual({ doc_id_scheme: 2 });
  });

  it('deletes indices after the retention with an ISM policy that attaches itself to new indices', () => {
    const policy = layout.policy as { policy: { states: { name: string; transitions: { conditions?: { min_index_age: string } }[] }[]; ism_template: { index_patterns: string[] }[] } };
    expect(policy.policy.states[0]!.transitions[0]!.conditions).toEqual({ min_index_age: '30d' });
    expect(policy.policy.states[1]).toMatchObject({ name: 'delete', actions: [{ delete: {} }] });
    expect(policy.policy.ism_template[0]!.index_patterns).toEqual(['vpcflowlogs-*']);
  });

  it('changes its version when the retention changes, and only then', () => {
    expect(indexLayout('vpcflowlogs', 30).version).toBe(layout.version);
    expect(indexLayout('vpcflowlogs', 7).version).not.toBe(layout.version);
  });

  it('names the component, template and policy after the prefix, and marks the template as ours', () => {
    const { componentName, templateName, policyName, template, component, version } = indexLayout('flows', 7);

    expect([componentName, templateName, policyName]).toEqual(['flows-mappings', 'flows', 'flows-retention']);
    expect(template).toEqual({
      index_patterns: ['flows-*'],
      composed_of: ['flows-mappings'],
      priority: 200,
      version,
      _meta: { description: 'VPC Flow Logs daily indices', managed_by: 'vpc-flow-logs-analytics' },
    });
    expect(component).toMatchObject({ version, template: { settings: { 'index.number_of_shards': 1, 'index.refresh_interval': '10s', 'index.codec': 'best_compression' } } });
  });

  it('writes the ISM policy OpenSearch documents: hot, then delete after the retention, for new daily indices', () => {
    // https://docs.opensearch.org/latest/im-plugin/ism/policies/
    expect(indexLayout('flows', 7).policy).toEqual({
      policy: {
        description: 'Delete flows indices 7 days after creation',
        default_state: 'hot',
        states: [
          { name: 'hot', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: '7d' } }] },
          { name: 'delete', actions: [{ delete: {} }], transitions: [] },
        ],
        ism_template: [{ index_patterns: ['flows-*'], priority: 100 }],
      },
    });
  });

  it('maps each field by its type, the times as dates OpenSearch reads in either form, and ECS names as aliases nested by dot', () => {
    // ECS field names: https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html
    const props = indexLayout('flows', 7).component as { template: { mappings: { properties: Record<string, unknown> } } };
    const m = props.template.mappings.properties;

    expect(m).toMatchObject({
      srcaddr: { type: 'ip' },
      dstport: { type: 'integer' },
      bytes: { type: 'long' },
      action: { type: 'keyword' },
      '@timestamp': { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
      end_time: { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
      source: { properties: { ip: { type: 'alias', path: 'srcaddr' }, port: { type: 'alias', path: 'srcport' }, geo: { properties: { country_iso_code: { type: 'alias', path: 'src_country' } } } } },
      destination: { properties: { ip: { type: 'alias', path: 'dstaddr' } } },
      cloud: { properties: { account: { properties: { id: { type: 'alias', path: 'account_id' } } }, region: { type: 'alias', path: 'region' } } },
      network: { properties: { iana_number: { type: 'alias', path: 'protocol' } } },
      event: { properties: { start: { type: 'alias', path: '@timestamp' }, end: { type: 'alias', path: 'end_time' } } },
    });
    expect(m['@timestamp']).toEqual({ type: 'date', format: 'strict_date_optional_time||epoch_millis' });
    expect(m.srcaddr).toEqual({ type: 'ip' });
    expect(m.duration).toEqual({ type: 'long' });
  });

  it('points every alias at a field the mapping has (OpenSearch refuses an alias to a missing path)', () => {
    const props = indexLayout('flows', 7).component as { template: { mappings: { properties: Record<string, Record<string, unknown>> } } };
    const m = props.template.mappings.properties;
    const aliases: string[] = [];
    const walk = (node: Record<string, Record<string, unknown>>): void => {
      for (const v of Object.values(node)) {
        if (v.type === 'alias') aliases.push(v.path as string);
        else if (v.properties) walk(v.properties as Record<string, Record<string, unknown>>);
      }
    };
    walk(m);

    expect(aliases.length).toBeGreaterThan(20);
    for (const target of aliases) expect(m[target], target).toHaveProperty('type');
    expect(aliases.every((t) => m[t]?.type !== 'alias')).toBe(true);
  });

  it('gives a version that fits an OpenSearch template version (a positive 32-bit integer)', () => {
    const { version } = indexLayout('flows', 7);
    expect(Number.isInteger(version)).toBe(true);
    expect(version).toBeGreaterThanOrEqual(0);
    expect(version).toBeLessThan(2 ** 31);
  });

  it('gives each retention its own version, so a changed retention is installed again', () => {
    const versions = Array.from({ length: 60 }, (_, i) => indexLayout('vpcflowlogs', i + 1).version);

    expect(versions.filter((v) => !Number.isInteger(v) || v < 0 || v >= 2 ** 31)).toEqual([]);
    expect(new Set(versions).size).toBe(60);
  });
});
