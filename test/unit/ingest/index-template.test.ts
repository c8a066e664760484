import { describe, expect, it } from 'vitest';
import { indexLayout } from '../../../src/ingest/index-template.js';

describe('indexLayout', () => {
  const layout = indexLayout('vpcflowlogs', 30);

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
});
