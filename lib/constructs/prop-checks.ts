/**
 * Synth-time checks of construct props against the ranges each construct
 * exports beside its defaults. A bad value throws a {@link ConfigError} that
 * names the construct, the prop, what is allowed and the value given; a token
 * (a value known only at deploy time) is left to CloudFormation.
 */
import { Token } from 'aws-cdk-lib';
import { ConfigError } from '../../src/errors.js';

/** An inclusive range of whole numbers. */
export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

/** `value` if it is a whole number within `range`; otherwise a ConfigError naming `owner` and `prop`, with `note` after the range. */
export function checkInteger(owner: string, prop: string, value: number, range: IntegerRange, note = ''): number {
  if (Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ConfigError(`${owner}: ${prop} must be a whole number from ${range.min} to ${range.max}${note}, got ${value}`);
  }
  return value;
}

/** `value` if it is one of `allowed`; otherwise a ConfigError naming `owner` and `prop`. */
export function checkOneOf<T extends string | number>(owner: string, prop: string, value: T, allowed: readonly T[]): T {
  if (Token.isUnresolved(value)) return value;
  if (!allowed.includes(value)) {
    throw new ConfigError(`${owner}: ${prop} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value;
}
