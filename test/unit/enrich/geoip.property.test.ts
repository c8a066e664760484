// The GeoIP lookup (src/enrich/geoip.ts) walks the mmdb search tree itself and binary-searches
// compiled AS range tables, for speed. Here it is checked against the libraries and data it
// replaces: `maxmind`'s Reader on the same DB-IP country database, and the AS ranges of
// @ip-location-db/asn's CSV files, on random public addresses drawn from announced ranges.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { Reader } from 'maxmind';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGeo, DEFAULT_GEO_DIR } from '../../../scripts/build-geo.mjs';
import { openGeoLookup } from '../../../lambdas/shared/geo-files.js';
import { addressScope } from '../../../src/enrich/ip-scope.js';
import type { GeoLookup } from '../../../src/enrich/geoip.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const RUNS = propertyRuns(10_000);
const require = createRequire(import.meta.url);

interface Range {
  readonly start: bigint;
  readonly end: bigint;
  readonly asn: number;
}

/** One of the CSV's `start,end,asn` lines by its index, parsed when asked for. */
interface Ranges {
  readonly count: number;
  at(i: number): Range;
}

/**
 * The CSV's lines, found but not parsed: its 500,000 lines made into BigInt ranges took 2 to 3 s,
 * paid again for every mutant the mutation run tests here; a draw and a search parse a few dozen.
 */
function readRanges(file: string): Ranges {
  const bytes = readFileSync(require.resolve(`@ip-location-db/asn/${file}`));
  const starts: number[] = [];
  for (let at = 0; at < bytes.length; ) {
    const nl = bytes.indexOf(0x0a, at);
    const end = nl < 0 ? bytes.length : nl;
    if (end > at) starts.push(at);
    at = end + 1;
  }
  // The first steps of every binary search visit the same lines.
  const parsed = new Map<number, Range>();
  return {
    count: starts.length,
    at(i) {
      let range = parsed.get(i);
      if (range === undefined) {
        const from = starts[i]!;
        const nl = bytes.indexOf(0x0a, from);
        const [start, end, asn] = bytes.toString('latin1', from, nl < 0 ? bytes.length : nl).split(',') as [string, string, string];
        range = { start: BigInt(start), end: BigInt(end), asn: Number(asn) };
        parsed.set(i, range);
      }
      return range;
    },
  };
}

/**
 * The ASes the CSV gives for `n`: the ranges starting at or before it (binary search on the
 * starts, which the CSV lists in order: see the test below) that reach it. Ranges may overlap
 * (build-geo resolves the few that do), so a few ranges before the last one that starts at or
 * before `n` are looked at too.
 */
function asnsAt(ranges: Ranges, n: bigint): number[] {
  let lo = 0;
  let hi = ranges.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges.at(mid).start <= n) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = Math.max(0, lo - 16); i < lo; i++) {
    const r = ranges.at(i);
    if (n <= r.end) out.push(r.asn);
  }
  return out;
}

function v4Text(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
}

function v6Text(n: bigint): string {
  return Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
}

let geo: GeoLookup;
let reader: Reader<Record<string, unknown>>;
let v4: Ranges;
let v6: Ranges;

beforeAll(() => {
  buildGeo({ out: DEFAULT_GEO_DIR });
  geo = openGeoLookup({ dir: DEFAULT_GEO_DIR, cacheSize: 0 });
  reader = new Reader<Record<string, unknown>>(readFileSync(`${DEFAULT_GEO_DIR}/dbip-country.mmdb`));
  v4 = readRanges('asn-ipv4-num.csv');
  v6 = readRanges('asn-ipv6-num.csv');
}, 120_000);

/** A random address inside a random announced range (so most lookups have an answer), or anywhere. */
function addressIn(ranges: () => Ranges, bits: number): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.tuple(fc.nat(), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })).map(([i, offset]) => {
      const list = ranges();
      const r = list.at(i % list.count);
      return r.start + (offset % (r.end - r.start + 1n));
    }),
    fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }),
  );
}

describe.each([
  { family: 'IPv4', ranges: () => v4, bits: 32, text: v4Text },
  { family: 'IPv6', ranges: () => v6, bits: 128, text: v6Text },
])('GeoLookup on $family against maxmind and the AS CSV', ({ ranges, bits, text }) => {
  it(`gives maxmind's country and the CSV's AS for ${RUNS} random public addresses`, () => {
    let answered = 0;
    fc.assert(
      fc.property(
        addressIn(ranges, bits).filter((n) => addressScope(text(n)) === 'public'),
        (n) => {
          const ip = text(n);
          const info = geo.lookup(ip);
          // An IPv4 address written inside IPv6 (mapped, NAT64) is looked up as IPv4 by both.
          const record = reader.get(ip);
          const country = record?.country_code;
          expect(info?.country).toBe(country);
          const expected = asnsAt(ranges(), n);
          if (expected.length === 0) expect(info?.asn).toBeUndefined();
          else expect(expected).toContain(info?.asn);
          if (info !== undefined) answered++;
        },
      ),
      { numRuns: RUNS },
    );
    // Most draws land in announced ranges: the comparison is not between two empty answers.
    expect(answered).toBeGreaterThan(RUNS / 3);
  });
});

// The search in asnsAt is right only on lines in order of their start. Not in beforeAll: this
// parses every line, and a test that looks nothing up is not run again for each mutant.
describe('the AS CSV files the tests above search', () => {
  it.each(['asn-ipv4-num.csv', 'asn-ipv6-num.csv'])('list %s in order of range start', (file) => {
    const ranges = readRanges(file);
    let last = -1n;
    let unordered = 0;
    for (let i = 0; i < ranges.count; i++) {
      const { start } = ranges.at(i);
      if (start < last) unordered++;
      last = start;
    }
    expect(ranges.count).toBeGreaterThan(100_000);
    expect(unordered).toBe(0);
  });
});
