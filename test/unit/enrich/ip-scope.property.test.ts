// The hand-written address parser (src/enrich/ip-scope.ts) exists for speed: it parses into
// words without allocating. Here it is checked against Node's own parser (node:net for which
// strings are addresses, WHATWG URL for the canonical form of an IPv6 address) on generated
// addresses and near-addresses.
import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../../src/enrich/ip-scope.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const RUNS = propertyRuns(20_000);

/** The four 32-bit words of an IPv6 address, from the canonical text URL gives (hex groups, one `::` at most). */
function referenceWords(ip: string): number[] {
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const n = groups.map((g) => parseInt(g, 16));
  return [0, 2, 4, 6].map((i) => (n[i]! * 0x10000 + n[i + 1]!) >>> 0);
}

function referenceV4(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0) >>> 0;
}

/** Strings near addresses: the characters addresses are made of, in any order. */
const nearAddress = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%'.split('')), maxLength: 45 });

const candidates = fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.ipV6(), nearAddress, fc.string({ maxLength: 20 }));

describe('parseAddress against node:net and URL', () => {
  it(`agrees on which strings are IPv4 and IPv6 addresses and on their value (${RUNS} cases)`, () => {
    const out = new Uint32Array(4);
    fc.assert(
      fc.property(candidates, (ip) => {
        const family = parseAddress(ip, out);
        const expected = isIPv4(ip) ? 4 : isIPv6(ip) ? 6 : 0;
        expect(family).toBe(expected);
        if (family === 4) expect(out[0]).toBe(referenceV4(ip));
        // A zone id (fe80::1%eth0) names a local interface, not part of the address: ignored.
        if (family === 6) expect(Array.from(out)).toEqual(referenceWords(ip.split('%')[0]!));
      }),
      { numRuns: RUNS },
    );
  });

  it('is exercised on both families by the generators', () => {
    // Guards the property above from passing vacuously on generators that only make non-addresses.
    const out = new Uint32Array(4);
    const seen = new Set<number>();
    fc.assert(fc.property(candidates, (ip) => void seen.add(parseAddress(ip, out))), { numRuns: propertyRuns(2_000) });
    expect([...seen].sort()).toEqual([0, 4, 6]);
  });
});
