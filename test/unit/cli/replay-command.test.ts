/**
 * `flowlogs replay`'s own parts that need no OpenSearch (the replay itself runs in
 * test/integration/replay.test.ts): each event's countdown.
 */
import { describe, expect, it } from 'vitest';
import { eventContext } from '../../../cli/replay-command.js';

describe('eventContext', () => {
  it('counts each event\'s time down from --timeout-seconds as the clock moves, as Lambda does an invocation\'s', () => {
    let t = 1_000_000;
    const context = eventContext(15, () => t);

    expect(context.getRemainingTimeInMillis()).toBe(15_000);
    t += 9_750;
    expect(context.getRemainingTimeInMillis()).toBe(5_250);
    t += 6_000;
    expect(context.getRemainingTimeInMillis()).toBe(-750);
  });

  it('gives every event a countdown of its own, from when it starts', () => {
    let t = 0;
    const first = eventContext(120, () => t);
    t += 100_000;
    const second = eventContext(120, () => t);

    expect(first.getRemainingTimeInMillis()).toBe(20_000);
    expect(second.getRemainingTimeInMillis()).toBe(120_000);
  });
});
