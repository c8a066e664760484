/**
 * Daily index names from a record's own start time (UTC), so a record that
 * arrives late still lands in the day it belongs to.
 */

const DAY_SECONDS = 86_400;

/** Names `<prefix>-YYYY.MM.DD`, remembering the few days one batch spans. */
export class DailyIndexNamer {
  private readonly cache = new Map<number, string>();
  constructor(readonly prefix: string) {}

  /** The index for a record that started at `sec` (Unix seconds). */
  forSeconds(sec: number): string {
    const day = Math.floor(sec / DAY_SECONDS);
    let name = this.cache.get(day);
    // Stryker disable next-line ConditionalExpression: a cache; naming the day again gives the same name
    if (name === undefined) {
      name = this.prefix + '-' + new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 10).replaceAll('-', '.');
      // Stryker disable next-line ConditionalExpression,EqualityOperator: bounds the cache's memory only
      if (this.cache.size > 1000) this.cache.clear();
      this.cache.set(day, name);
    }
    return name;
  }
}

/** The index pattern that matches every daily index of a prefix. */
export const indexPattern = (prefix: string): string => `${prefix}-*`;
