/**
 * Reading a function's settings from its environment, with one message form
 * for every function: a missing variable names what it is for, a number out
 * of range names its range (the one the construct and the context key use).
 */
import { ConfigError } from '../../src/errors.js';

/** A function's environment (process.env in Lambda). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variable's value; a {@link ConfigError} naming it (as `label`, when a caller names
 * its settings otherwise) and `what` it is for when unset or empty.
 */
export function required(env: Env, name: string, what: string, label: string = name): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`${label} is required (${what})`);
  return value;
}

/**
 * A whole number within `range`, or `fallback` when unset or empty.
 * @param unit - what the number counts, for the message (`days`)
 */
export function wholeNumberWithin(env: Env, name: string, fallback: number, range: { readonly min: number; readonly max: number }, unit?: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = wholeNumber(raw);
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    throw new ConfigError(`${name} must be a whole number${unit ? ` of ${unit}` : ''} from ${range.min} to ${range.max}, got "${raw}"`);
  }
  return n;
}

/** A whole number above 0 (a size, a count with no upper bound of its own), or `fallback` when unset or empty. */
export function positiveWholeNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = wholeNumber(raw);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** Decimal digits only, or NaN: Number() would also take "0x10", "1e2" and " 7 ". */
function wholeNumber(raw: string): number {
  return /^-?\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
}
