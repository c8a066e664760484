/**
 * Address scope: what kind of address a flow-log `srcaddr`/`dstaddr` is,
 * after the IANA special-purpose address registries (RFC 6890 and its
 * successors):
 * https://www.iana.org/assignments/iana-ipv4-special-registry/
 * https://www.iana.org/assignments/iana-ipv6-special-registry/
 * and the IPv6 address space registry (only 2000::/3 is global unicast):
 * https://www.iana.org/assignments/ipv6-address-space/
 *
 * The rule for `public`: an address outside every special-purpose block, or
 * inside one the registry marks "Globally Reachable: True" (AS112, AMT, the
 * PCP/TURN anycast addresses). Only public addresses get a geo/AS lookup.
 *
 * Hot path: called twice per flow-log record, so the parsers walk char codes
 * and write into a caller's scratch array; a call allocates nothing.
 *
 * This module is pure: no I/O, no environment.
 */

/** Every scope {@link addressScope} can return, in no particular order. */
export const ADDRESS_SCOPES = [
  'public',
  'private',
  'shared',
  'loopback',
  'link-local',
  'multicast',
  'documentation',
  'benchmarking',
  'unspecified',
  'this-network',
  'broadcast',
  'reserved',
  'unique-local',
  'translation',
  'discard',
  'teredo',
  '6to4',
] as const;

/**
 * Kind of address:
 * - `public`: globally reachable unicast (the only scope that is looked up).
 * - `private`: 10/8, 172.16/12, 192.168/16 (RFC 1918).
 * - `shared`: 100.64/10, carrier-grade NAT (RFC 6598).
 * - `loopback`: 127/8, ::1.
 * - `link-local`: 169.254/16 (the VPC's instance metadata, DNS, NTP), fe80::/10.
 * - `multicast`: 224/4, ff00::/8.
 * - `documentation`: 192.0.2/24, 198.51.100/24, 203.0.113/24, 233.252.0/24,
 *   2001:db8::/32, 3fff::/20, ff0X::db8:0:0/96.
 * - `benchmarking`: 198.18/15, 2001:2::/48.
 * - `unspecified`: 0.0.0.0, ::.
 * - `this-network`: 0/8 other than 0.0.0.0.
 * - `broadcast`: 255.255.255.255.
 * - `reserved`: 240/4, the IETF protocol assignment blocks (192.0.0/24,
 *   2001::/23 outside its named parts), ORCHID, and IPv6 outside 2000::/3
 *   that has no other scope.
 * - `unique-local`: fc00::/7.
 * - `translation`: 64:ff9b:1::/48, local-use IPv4/IPv6 translation (RFC 8215).
 * - `discard`: 100::/64 (RFC 6666).
 * - `teredo`: 2001::/32.
 * - `6to4`: 2002::/16.
 *
 * IPv4-mapped (::ffff:a.b.c.d) and NAT64 well-known-prefix (64:ff9b::a.b.c.d,
 * what a VPC NAT gateway uses for DNS64) addresses take the scope of the
 * IPv4 address they carry.
 */
export type AddressScope = (typeof ADDRESS_SCOPES)[number];

/** IP version of a parsed address; 0 when the string is not an address. */
export type IpFamily = 0 | 4 | 6;

const C_0 = 48;
const C_9 = 57;
const C_DOT = 46;
const C_COLON = 58;
const C_PERCENT = 37;
const C_A = 97;
const C_F = 102;

/**
 * Parses dotted-quad IPv4 in `s[i, end)` by char codes, an octet at a time.
 * Returns the address as an unsigned 32-bit number, or -1. Leading zeros are
 * refused ("010" is octal to some parsers and decimal to others).
 */
function parseV4(s: string, i: number, end: number): number {
  let value = 0;
  for (let part = 0; ; part++) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: at i === end the character there (NaN past the string, or the zone's '%') is no digit: the octet or the part count refuses it below
    if (i >= end) return -1;
    let octet = s.charCodeAt(i) - C_0;
    if (octet < 0 || octet > 9) return -1;
    i++;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: at i === end the character there (NaN past the string, or the zone's '%') is no digit, so nothing more is read
    if (i < end) {
      let d = s.charCodeAt(i) - C_0;
      if (d >= 0 && d <= 9) {
        if (octet === 0) return -1;
        octet = octet * 10 + d;
        i++;
        // Stryker disable next-line ConditionalExpression,EqualityOperator: at i === end the character there (NaN past the string, or the zone's '%') is no digit, so nothing more is read
        if (i < end) {
          d = s.charCodeAt(i) - C_0;
          if (d >= 0 && d <= 9) {
            octet = octet * 10 + d;
            i++;
            if (octet > 255) return -1;
          }
        }
      }
    }
    value = value * 256 + octet;
    if (part === 3) return i === end ? value : -1;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: at i === end the character there (NaN past the string, or the zone's '%') is no dot: refused on the next line
    if (i >= end) return -1;
    if (s.charCodeAt(i) !== C_DOT) return -1;
    i++;
  }
}

// The eight 16-bit groups of the IPv6 address being parsed. Module scratch:
// parsing is synchronous, so one buffer serves every call.
const groups = new Uint16Array(8);

/**
 * Whether `s` from `from` on is a zone id as node:net takes one: one or more
 * of `0-9 A-Z a-z - . :` (so "fe80::1%eth0" is an address and "::%%" is not).
 */
function isZone(s: string, from: number): boolean {
  if (from >= s.length) return false;
  for (let k = from; k < s.length; k++) {
    const c = s.charCodeAt(k);
    const lower = c | 0x20;
    if (!((c >= C_0 && c <= C_9) || (lower >= 97 && lower <= 122) || c === 45 || c === C_DOT || c === C_COLON)) return false;
  }
  return true;
}

/**
 * Parses textual IPv6 (RFC 4291 section 2.2, with `::`, a dotted IPv4 tail
 * and an ignored `%zone`) into `out[0..3]`, most significant word first.
 */
function parseV6(s: string, out: Uint32Array): boolean {
  const len = s.length;
  let end = len;
  let n = 0; // groups written
  let gap = -1; // group index where "::" stands
  let i = 0;
  if (s.charCodeAt(0) === C_COLON) {
    if (s.charCodeAt(1) !== C_COLON) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    // "::" may end the address just before its zone ("fe80::%eth0").
    if (gap === n && s.charCodeAt(i) === C_PERCENT) {
      if (!isZone(s, i + 1)) return false;
      break;
    }
    const start = i;
    let value = 0;
    let c = 0;
    // Stryker disable next-line EqualityOperator: at i === end charCodeAt gives NaN, no hex digit, and the loop stops there all the same
    for (; i < end; i++) {
      c = s.charCodeAt(i);
      const lower = c | 0x20;
      if (c >= C_0 && c <= C_9) value = (value << 4) | (c - C_0);
      else if (lower >= C_A && lower <= C_F) value = (value << 4) | (lower - C_A + 10);
      else break;
    }
    // The loop above ran at least once: a dot it stopped at is before `end`.
    if (c === C_DOT) {
      // Dotted IPv4 tail: the last 32 bits.
      // Stryker disable next-line ConditionalExpression: more groups than fit are refused below all the same (n > 7, n !== 8); this only stops early
      if (n > 6) return false;
      const zone = s.indexOf('%', i);
      let v4end = len;
      if (zone !== -1) {
        if (!isZone(s, zone + 1)) return false;
        v4end = zone;
      }
      const v4 = parseV4(s, start, v4end);
      if (v4 < 0) return false;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      break;
    }
    const digits = i - start;
    if (digits === 0 || digits > 4) return false;
    // Stryker disable next-line ConditionalExpression: a ninth group is refused below all the same (n > 7, n !== 8); this only stops early
    if (n === 8) return false;
    groups[n++] = value;
    if (i === end) break;
    if (c === C_PERCENT) {
      if (!isZone(s, i + 1)) return false;
      end = i;
      break;
    }
    if (c !== C_COLON) return false;
    if (++i === end) return false; // trailing single colon
    if (s.charCodeAt(i) === C_COLON) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    }
  }
  if (gap >= 0) {
    if (n > 7) return false;
    const tail = n - gap;
    for (let k = 1; k <= tail; k++) groups[8 - k] = groups[n - k]!;
    for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  } else if (n !== 8) {
    return false;
  }
  out[0] = (groups[0]! << 16) | groups[1]!;
  out[1] = (groups[2]! << 16) | groups[3]!;
  out[2] = (groups[4]! << 16) | groups[5]!;
  out[3] = (groups[6]! << 16) | groups[7]!;
  return true;
}

/**
 * Parses an IPv4 or IPv6 address into `out` without allocating: for IPv4,
 * `out[0]` is the address; for IPv6, `out[0..3]` are its four 32-bit words,
 * most significant first.
 *
 * @param out at least 4 elements; overwritten.
 * @returns 4, 6, or 0 when `ip` is not an address.
 */
export function parseAddress(ip: string, out: Uint32Array): IpFamily {
  // Most flow-log addresses are IPv4: try that first. An IPv6 string that
  // starts with a digit fails it within five characters.
  const c0 = ip.charCodeAt(0);
  // Stryker disable next-line ConditionalExpression,LogicalOperator: parseV4 refuses a string whose first character is not a digit; the test only skips the call
  if (c0 >= C_0 && c0 <= C_9) {
    const v4 = parseV4(ip, 0, ip.length);
    if (v4 >= 0) {
      out[0] = v4;
      return 4;
    }
  }
  return parseV6(ip, out) ? 6 : 0;
}

/** Scope of an IPv4 address given as an unsigned 32-bit number. */
export function scopeOfV4(a: number): AddressScope {
  const o1 = a >>> 24;
  const o2 = (a >>> 16) & 0xff;
  switch (o1) {
    case 0:
      return a === 0 ? 'unspecified' : 'this-network';
    case 10:
      return 'private';
    case 100:
      return o2 >= 64 && o2 < 128 ? 'shared' : 'public';
    case 127:
      return 'loopback';
    case 169:
      return o2 === 254 ? 'link-local' : 'public';
    case 172:
      return o2 >= 16 && o2 < 32 ? 'private' : 'public';
    case 192: {
      if (o2 === 168) return 'private';
      const o3 = (a >>> 8) & 0xff;
      const o4 = a & 0xff;
      if (o2 === 0) {
        // 192.0.0.9 PCP anycast and .10 TURN anycast are globally reachable.
        if (o3 === 0) return o4 === 9 || o4 === 10 ? 'public' : 'reserved';
        if (o3 === 2) return 'documentation';
      } else if (o2 === 88 && o3 === 99) {
        // Deprecated 6to4 relay anycast (RFC 7526), but for 192.88.99.2, 6a44.
        return o4 === 2 ? 'public' : 'reserved';
      }
      return 'public';
    }
    case 198:
      if (o2 === 18 || o2 === 19) return 'benchmarking';
      return o2 === 51 && ((a >>> 8) & 0xff) === 100 ? 'documentation' : 'public';
    case 203:
      return o2 === 0 && ((a >>> 8) & 0xff) === 113 ? 'documentation' : 'public';
    case 233:
      // MCAST-TEST-NET (RFC 6676).
      return o2 === 252 && ((a >>> 8) & 0xff) === 0 ? 'documentation' : 'multicast';
    default:
      if (o1 < 224) return 'public';
      if (o1 < 240) return 'multicast';
      return a === 0xffffffff ? 'broadcast' : 'reserved';
  }
}

/**
 * The IPv4 address an IPv6 address carries and stands for: IPv4-mapped
 * (::ffff:0:0/96) or the NAT64 well-known prefix (64:ff9b::/96). -1 if none.
 */
export function embeddedV4(w: Uint32Array): number {
  const w0 = w[0]!;
  if (w[1] !== 0) return -1;
  if (w0 === 0 && w[2] === 0xffff) return w[3]!;
  if (w0 === 0x0064ff9b && w[2] === 0) return w[3]!;
  return -1;
}

/** 2001::/23, IETF protocol assignments: reserved but for the named blocks. */
function scopeOfIetfV6(second: number, w: Uint32Array): AddressScope {
  switch (second) {
    case 0:
      return 'teredo'; // 2001::/32
    case 1: {
      // 2001:1::1, ::2, ::3: PCP, TURN and DNS-SD SRP anycast, globally reachable.
      const w3 = w[3]!;
      return w[1] === 0 && w[2] === 0 && w3 >= 1 && w3 <= 3 ? 'public' : 'reserved';
    }
    case 2:
      return w[1]! >>> 16 === 0 ? 'benchmarking' : 'reserved'; // 2001:2::/48
    case 3:
      return 'public'; // 2001:3::/32, AMT
    case 4:
      return w[1]! >>> 16 === 0x0112 ? 'public' : 'reserved'; // 2001:4:112::/48, AS112-v6
    default:
      // ORCHID (2001:10::/28), ORCHIDv2 (2001:20::/28) and DETs (2001:30::/28)
      // are identifiers, not locators; the rest is unassigned.
      return 'reserved';
  }
}

/** Scope of an IPv6 address given as four 32-bit words, most significant first. */
export function scopeOfV6(w: Uint32Array): AddressScope {
  const w0 = w[0]!;
  const top = w0 >>> 16;
  if ((top & 0xe000) === 0x2000) {
    // 2000::/3, global unicast, apart from these blocks:
    if (top === 0x2001) {
      const second = w0 & 0xffff;
      if (second === 0x0db8) return 'documentation';
      if (second < 0x0200) return scopeOfIetfV6(second, w);
      return 'public';
    }
    if (top === 0x2002) return '6to4';
    if (top === 0x3fff && (w0 & 0xf000) === 0) return 'documentation';
    return 'public';
  }
  if (top === 0) {
    if (w0 === 0 && w[1] === 0) {
      const w2 = w[2]!;
      const w3 = w[3]!;
      if (w2 === 0xffff) return scopeOfV4(w3);
      if (w2 === 0) {
        if (w3 === 0) return 'unspecified';
        if (w3 === 1) return 'loopback';
      }
    }
    return 'reserved';
  }
  if (w0 === 0x0064ff9b) {
    if (w[1] === 0 && w[2] === 0) return scopeOfV4(w[3]!); // 64:ff9b::/96, NAT64
    return w[1]! >>> 16 === 1 ? 'translation' : 'reserved'; // 64:ff9b:1::/48
  }
  if (w0 === 0x01000000 && w[1] === 0) return 'discard'; // 100::/64
  if ((top & 0xfe00) === 0xfc00) return 'unique-local';
  if ((top & 0xffc0) === 0xfe80) return 'link-local';
  if ((top & 0xff00) === 0xff00) {
    // ff0X::db8:0:0/96, multicast for documentation (RFC 6676).
    if ((top & 0xfff0) === 0xff00 && (w0 & 0xffff) === 0 && w[1] === 0 && w[2] === 0x0db8) return 'documentation';
    return 'multicast';
  }
  return 'reserved';
}

// Scratch for addressScope; see the note on `groups`.
const scratch = new Uint32Array(4);

/**
 * Scope of an IPv4 or IPv6 address string, or undefined if `ip` is not an
 * address. Allocates nothing.
 *
 * @example addressScope('10.0.0.1') // 'private'
 * @example addressScope('::ffff:100.64.0.1') // 'shared'
 */
export function addressScope(ip: string): AddressScope | undefined {
  const family = parseAddress(ip, scratch);
  if (family === 4) return scopeOfV4(scratch[0]!);
  if (family === 6) return scopeOfV6(scratch);
  return undefined;
}

/**
 * Parses `ip` and, when it is a public address, leaves in `out` the address
 * to look it up by: an IPv4-mapped or NAT64 address becomes its IPv4 address.
 *
 * @returns 4 or 6 for a public address (then `out` is as {@link parseAddress}
 *   writes it), else 0.
 */
export function parsePublicAddress(ip: string, out: Uint32Array): IpFamily {
  const family = parseAddress(ip, out);
  if (family === 4) return scopeOfV4(out[0]!) === 'public' ? 4 : 0;
  if (family === 0) return 0;
  const v4 = embeddedV4(out);
  if (v4 !== -1) {
    out[0] = v4;
    return scopeOfV4(v4) === 'public' ? 4 : 0;
  }
  return scopeOfV6(out) === 'public' ? 6 : 0;
}
