import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/errors.js';
import { positiveWholeNumber, required, wholeNumberWithin } from '../../../../lambdas/shared/env.js';

describe('required', () => {
  it('gives the value, and names the variable and its use when unset or empty', () => {
    expect(required({ A: 'x' }, 'A', 'the a')).toBe('x');
    for (const env of [{}, { A: '' }]) expect(() => required(env, 'A', 'the a')).toThrow(new ConfigError('A is required (the a)'));
  });
});

describe('wholeNumberWithin', () => {
  const range = { min: 0, max: 366 };
  it('takes the fallback when unset or empty, and whole numbers at both ends of the range', () => {
    expect(wholeNumberWithin({}, 'D', 7, range)).toBe(7);
    expect(wholeNumberWithin({ D: '' }, 'D', 7, range)).toBe(7);
    expect(wholeNumberWithin({ D: '0' }, 'D', 7, range)).toBe(0);
    expect(wholeNumberWithin({ D: '366' }, 'D', 7, range)).toBe(366);
  });

  it('refuses anything else with the range in the message', () => {
    // Number() reads the last three as 16, 100 and 7.
    for (const raw of ['-1', '367', '1.5', 'seven', '0x10', '1e2', ' 7 ']) {
      expect(() => wholeNumberWithin({ D: raw }, 'D', 7, range, 'days')).toThrow(`D must be a whole number of days from 0 to 366, got "${raw}"`);
    }
    expect(() => wholeNumberWithin({ D: '400' }, 'D', 7, range)).toThrow('D must be a whole number from 0 to 366, got "400"');
  });
});

describe('positiveWholeNumber', () => {
  it('takes the fallback when unset or empty, and whole numbers above 0', () => {
    expect(positiveWholeNumber({}, 'B', 5)).toBe(5);
    expect(positiveWholeNumber({ B: '' }, 'B', 5)).toBe(5);
    expect(positiveWholeNumber({ B: '5242880' }, 'B', 5)).toBe(5242880);
  });

  it('refuses 0, negatives and what only Number() reads as a number', () => {
    for (const raw of ['0', '-1', '1.5', 'big', '0x10', '1e6', ' 7 ']) {
      expect(() => positiveWholeNumber({ B: raw }, 'B', 5)).toThrow(`B must be a positive integer, got "${raw}"`);
    }
  });
});
