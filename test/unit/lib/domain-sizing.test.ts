import { describe, expect, it } from 'vitest';
import { sizeDomain } from '../../../lib/domain-sizing.js';

// Expected figures worked out by hand from AWS's rule (bp-storage.html):
// records x 151.8 bytes / 2^30 = GiB a day; x (days + 1); x (1 + replicas) x 1.45; x 1.2 headroom.
describe('sizeDomain', () => {
  it('sizes the defaults (10 million records a day, 30 days, 2 nodes) at 77 GiB per node', () => {
    const sizing = sizeDomain({ dailyRecords: 10_000_000, retentionDays: 30, instanceCount: 2 });

    expect(sizing.replicas).toBe(1);
    // 10,000,000 x 151.8 = 1,518,000,000 bytes / 1,073,741,824 = 1.41375 GiB a day; x 31 = 43.8262;
    // x 2 x 1.45 = 127.096; x 1.2 = 152.515; / 2 nodes = 76.26 -> 77 GiB.
    expect(sizing.indexGiBPerDay).toBeCloseTo(1.41375, 4);
    expect(sizing.sourceGiB).toBeCloseTo(43.8262, 3);
    expect(sizing.minimumGiB).toBeCloseTo(127.096, 2);
    expect(sizing.provisionedGiB).toBeCloseTo(152.515, 2);
    expect(sizing.volumeGiBPerNode).toBe(77);
  });

  it('counts no replica on a one-node domain', () => {
    // 1.41375 x 31 x 1 x 1.45 x 1.2 = 76.258 -> 77 GiB on the one node.
    expect(sizeDomain({ dailyRecords: 10_000_000, retentionDays: 30, instanceCount: 1 })).toMatchObject({ replicas: 0, volumeGiBPerNode: 77 });
  });

  it('never goes below the 10 GiB OpenSearch Service minimum', () => {
    expect(sizeDomain({ dailyRecords: 1000, retentionDays: 7, instanceCount: 2 }).volumeGiBPerNode).toBe(10);
  });
});
