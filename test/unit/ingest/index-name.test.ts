import { describe, expect, it } from 'vitest';
import { DailyIndexNamer, indexPattern } from '../../../src/ingest/index-name.js';

describe('DailyIndexNamer', () => {
  it('names the UTC day of a start time, the last second of a day included', () => {
    const namer = new DailyIndexNamer('vpcflowlogs');
    // 2026-11-28T00:00:00Z, 23:59:59Z the same day, midnight after, and the epoch.
    expect([1795824000, 1795910399, 1795910400, 0, 59].map((s) => namer.forSeconds(s))).toEqual([
      'vpcflowlogs-2026.11.28',
      'vpcflowlogs-2026.11.28',
      'vpcflowlogs-2026.11.29',
      'vpcflowlogs-1970.01.01',
      'vpcflowlogs-1970.01.01',
    ]);
  });

  it('names every day right however many days one namer sees', () => {
    const namer = new DailyIndexNamer('f');
    const day0 = Date.UTC(2020, 0, 1) / 1000;
    // Over three years of days, each asked twice, out of order.
    const days = Array.from({ length: 1200 }, (_, i) => i);
    for (const d of [...days, ...days.reverse()]) {
      const date = new Date((day0 + d * 86_400) * 1000);
      const want = `f-${date.getUTCFullYear()}.${String(date.getUTCMonth() + 1).padStart(2, '0')}.${String(date.getUTCDate()).padStart(2, '0')}`;
      expect(namer.forSeconds(day0 + d * 86_400 + 3600)).toBe(want);
    }
  });

  it('matches every daily index of its prefix with the pattern, and nothing of another prefix', () => {
    expect(indexPattern('vpcflowlogs')).toBe('vpcflowlogs-*');
  });
});
