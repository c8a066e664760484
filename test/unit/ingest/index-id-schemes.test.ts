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

describe('IndexIdSchemes, what the cluster and the logs see', () => {
  it('gives the lookup request all the time left as its timeout', async () => {
    const timeouts: number[] = [];
    const schemes = new IndexIdSchemes(
      {
        async indexMeta(_index, { timeoutMs }) {
          timeouts.push(timeoutMs);
          return { exists: false };
        },
      },
      FAST,
    );

    await schemes.learn(['p-2026.12.01'], () => 750);

    expect(timeouts).toEqual([750]);
  });

  it('names the index and the status in the error of a refused lookup (403)', async () => {
    const schemes = new IndexIdSchemes(memoryIndexMeta({ 'p-2026.12.01': httpError(403) }), FAST);

    await expect(schemes.learn(['p-2026.12.01'], () => 1000)).rejects.toThrow('could not read the id scheme of p-2026.12.01 (403): Error: HTTP 403');
  });

  it('names the index in the error when it cannot read it before the deadline (503 throughout)', async () => {
    const schemes = new IndexIdSchemes(memoryIndexMeta({ 'p-2026.12.01': httpError(503) }), { minDelayMs: 100, maxDelayMs: 100 });

    // 300 ms left: one attempt, then a pause of 50-100 ms would leave less than a request's 250 ms minimum.
    await expect(schemes.learn(['p-2026.12.01'], () => 300)).rejects.toThrow('could not read the id scheme of p-2026.12.01 after 1 attempt(s) before the deadline: Error: HTTP 503');
  });

  it('pauses as configured between attempts: three 503s then an answer, with 5 ms pauses and only 5 ms to spare', async () => {
    let calls = 0;
    const schemes = new IndexIdSchemes(
      {
        async indexMeta() {
          calls++;
          if (calls <= 3) throw httpError(503);
          return { exists: true, meta: { doc_id_scheme: 2 } };
        },
      },
      { minDelayMs: 5, maxDelayMs: 5 },
    );

    // 255 ms left each time: a pause up to 5 ms keeps a request's 250 ms minimum; the default
    // first pause (100-200 ms) or an uncapped second one (5-10 ms) would give up.
    await schemes.learn(['p-2026.12.01'], () => 255);

    expect([calls, schemes.schemeOf('p-2026.12.01')]).toEqual([4, 2]);
  });

  it('waits for a lookup another invocation started no longer than its own deadline, and says what it waited for', async () => {
    let answer!: (a: { exists: false }) => void;
    const schemes = new IndexIdSchemes(
      {
        indexMeta: () =>
          new Promise((resolve) => {
            answer = resolve;
          }),
      },
      FAST,
    );
    const first = schemes.learn(['p-2026.12.01'], () => 1000);

    await expect(schemes.learn(['p-2026.12.01'], () => 5)).rejects.toThrow('the index id-scheme lookup did not finish before the deadline');
    answer({ exists: false });
    await first;

    expect(schemes.schemeOf('p-2026.12.01')).toBe(2);
  });

  it('quotes the scheme a newer release declared, whatever its form', async () => {
    const schemes = new IndexIdSchemes(memoryIndexMeta({ 'p-2026.12.01': { doc_id_scheme: 'v3' } }), FAST);

    await expect(schemes.learn(['p-2026.12.01'], () => 1000)).rejects.toThrow('index p-2026.12.01 declares document id scheme "v3", which this release cannot write');
  });
});
