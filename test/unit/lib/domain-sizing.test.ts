import { describe, expect, it } from 'vitest';
import { sizeDomain } from '../../../lib/domain-sizing.js';

// Expected figures worked out by hand from AWS's rule (bp-storage.html):
// records x 185.5 bytes / 2^30 = GiB a day; x (days + 1); x (1 + replicas) x 1.45; x 1.2 headroom.
describe('sizeDomain', () => {
  it('sizes the defaults (10 million records a day, 30 days, 2 nodes) at 94 GiB per node', () => {
    const sizing = sizeDomain({ dailyRecords: 10_000_000, retentionDays: 30, instanceCount: 2 });

    expect(sizing.replicas).toBe(1);
    expect(sizing.indexGiBPerDay).toBeCloseTo(1.72760, 4);
    expect(sizing.sourceGiB).toBeCloseTo(53.5557, 3);
    expect(sizing.minimumGiB).toBeCloseTo(155.312, 2);
    expect(sizing.provisionedGiB).toBeCloseTo(186.374, 2);
    expect(sizing.volumeGiBPerNode).toBe(94);
  });

  it('counts no replica on a one-node domain', () => {
    // 1.72760 x 31 x 1 x 1.45 x 1.2 = 93.187 -> 94 GiB on the one node.
    expect(sizeDomain({ dailyRecords: 10_000_000, retentionDays: 30, instanceCount: 1 })).toMatchObject({ replicas: 0, volumeGiBPerNode: 94 });
  });

  it('never goes below the 10 GiB OpenSearch Service minimum', () => {
    expect(sizeDomain({ dailyRecords: 1000, retentionDays: 7, instanceCount: 2 }).volumeGiBPerNode).toBe(10);
  });
});
