import { describe, expect, it } from 'vitest';
import { DailyIndexNamer, indexPattern } from '../../../src/ingest/index-name.js';
import { documentId, streamKey } from '../../../src/ingest/doc-id.js';

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

describe('document ids', () => {
  it('are the same for the same stream and event, and differ across groups, streams and events', () => {
    const id = documentId(streamKey('/vpc/flow-logs', 'eni-1-all'), '3758');
    expect(documentId(streamKey('/vpc/flow-logs', 'eni-1-all'), '3758')).toBe(id);
    const others = [
      documentId(streamKey('/vpc/other', 'eni-1-all'), '3758'),
      documentId(streamKey('/vpc/flow-logs', 'eni-2-all'), '3758'),
      documentId(streamKey('/vpc/flow-logs', 'eni-1-all'), '3759'),
      // Group and stream names that run together alike.
      documentId(streamKey('/vpc/flow-logse', 'ni-1-all'), '3758'),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
  });

  it('are short and safe in a URL: a 12-character base64url stream key, then the event id', () => {
    const key = streamKey('/vpc/flow-logs', 'eni-1-all');
    expect(key).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(documentId(key, '37580000000000000001')).toBe(`${key}37580000000000000001`);
  });
});
