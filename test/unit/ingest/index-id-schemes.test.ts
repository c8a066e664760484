import { describe, expect, it } from 'vitest';
import { IndexIdSchemes } from '../../../src/ingest/index-id-schemes.js';
import { DeliveryError } from '../../../src/errors.js';
import { memoryIndexMeta } from '../../helpers/fakes.js';

const httpError = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { meta: { statusCode } });
const FAST = { minDelayMs: 1, maxDelayMs: 2 };

describe('IndexIdSchemes', () => {
  it('learns each index\'s scheme: declared, none declared (legacy), or not created yet (current)', async () => {
    // Arrange
    const source = memoryIndexMeta({ 'p-2026.12.03': { doc_id_scheme: 2 }, 'p-2026.12.01': undefined, 'p-2026.12.02': { managed_by: 'x' } });
    const schemes = new IndexIdSchemes(source, FAST);

    // Act
    await schemes.learn(['p-2026.12.01', 'p-2026.12.02', 'p-2026.12.03', 'p-2026.12.04'], () => 1000);

    // Assert
    expect(['p-2026.12.01', 'p-2026.12.02', 'p-2026.12.03', 'p-2026.12.04'].map((i) => schemes.schemeOf(i))).toEqual([1, 1, 2, 2]);
  });

  it('knows nothing of an index before it learns it', () => {
    expect(new IndexIdSchemes(memoryIndexMeta(), FAST).schemeOf('p-2026.12.01')).toBeUndefined();
  });

  it('looks each index up once, however many invocations ask at once or later', async () => {
    const source = memoryIndexMeta({ 'p-2026.12.01': undefined });
    const schemes = new IndexIdSchemes(source, FAST);

    await Promise.all([schemes.learn(['p-2026.12.01', 'p-2026.12.01'], () => 1000), schemes.learn(['p-2026.12.01'], () => 1000)]);
    await schemes.learn(['p-2026.12.01'], () => 1000);

    expect(source.asked).toEqual(['p-2026.12.01']);
  });

  it('retries a lookup that failed for a while (503), then remembers the answer', async () => {
    let calls = 0;
    const schemes = new IndexIdSchemes(
      {
        async indexMeta() {
          calls++;
          if (calls < 3) throw httpError(503);
          return { exists: true };
        },
      },
      FAST,
    );

    await schemes.learn(['p-2026.12.01'], () => 1000);

    expect([calls, schemes.schemeOf('p-2026.12.01')]).toEqual([3, 1]);
  });

  it('fails with DeliveryError on a refused lookup (403), and asks again next time', async () => {
    let answer: Error | undefined = httpError(403);
    const schemes = new IndexIdSchemes(
      {
        async indexMeta() {
          if (answer) throw answer;
          return { exists: false };
        },
      },
      FAST,
    );

    await expect(schemes.learn(['p-2026.12.01'], () => 1000)).rejects.toThrow(DeliveryError);
    answer = undefined;
    await schemes.learn(['p-2026.12.01'], () => 1000);

    expect(schemes.schemeOf('p-2026.12.01')).toBe(2);
  });

  it('fails with DeliveryError, keeping the event for a replay, on an index a newer release made with a scheme it cannot write', async () => {
    const schemes = new IndexIdSchemes(memoryIndexMeta({ 'p-2026.12.01': { doc_id_scheme: 3 } }), FAST);

    await expect(schemes.learn(['p-2026.12.01'], () => 1000)).rejects.toThrow(/p-2026\.12\.01 declares document id scheme 3/);
    expect(schemes.schemeOf('p-2026.12.01')).toBeUndefined();
  });

  it('fails with DeliveryError when no time is left to look up', async () => {
    const schemes = new IndexIdSchemes(memoryIndexMeta(), FAST);

    await expect(schemes.learn(['p-2026.12.01'], () => 10)).rejects.toThrow(DeliveryError);
  });

  it('forgets the oldest index beyond its bound', async () => {
    const source = memoryIndexMeta();
    const schemes = new IndexIdSchemes(source, { ...FAST, maxIndices: 2 });

    await schemes.learn(['a', 'b', 'c'], () => 1000);

    expect(['a', 'b', 'c'].map((i) => schemes.schemeOf(i))).toEqual([undefined, 2, 2]);
  });
});
