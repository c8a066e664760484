/**
 * The context replay and the demo hand the ingest handler outside Lambda
 * (lambdas/ingest/handler.ts `invocationContext`): a countdown, as Lambda's.
 */
import { describe, expect, it } from 'vitest';
import { invocationContext } from '../../../../lambdas/ingest/handler.js';

describe('invocationContext', () => {
  it('counts an invocation\'s time down from its timeout as the clock moves, as Lambda does', () => {
    let t = 1_000_000;
    const context = invocationContext(15, () => t);

    expect(context.getRemainingTimeInMillis()).toBe(15_000);
    t += 9_750;
    expect(context.getRemainingTimeInMillis()).toBe(5_250);
    t += 6_000;
    expect(context.getRemainingTimeInMillis()).toBe(-750);
  });

  it('gives every invocation a countdown of its own, from when it starts', () => {
    let t = 0;
    const first = invocationContext(120, () => t);
    t += 100_000;
    const second = invocationContext(120, () => t);

    expect(first.getRemainingTimeInMillis()).toBe(20_000);
    expect(second.getRemainingTimeInMillis()).toBe(120_000);
  });

  it('counts with the real clock by default', async () => {
    const context = invocationContext(60);
    const before = context.getRemainingTimeInMillis();
    await new Promise((resolve) => setTimeout(resolve, 30));

    expect(before).toBeLessThanOrEqual(60_000);
    expect(context.getRemainingTimeInMillis()).toBeLessThan(before);
  });
});
