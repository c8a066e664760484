import { describe, expect, it } from 'vitest';
import { ADDRESS_SCOPES, addressScope, parseAddress, parsePublicAddress, type AddressScope } from '../../../src/enrich/ip-scope.js';

// [address, scope]: the first and last address of each block where it matters,
// after the IANA IPv4 and IPv6 special-purpose address registries.
const V4_CASES: readonly (readonly [string, AddressScope])[] = [
  ['0.0.0.0', 'unspecified'],
  ['0.0.0.1', 'this-network'],
  ['0.255.255.255', 'this-network'],
  ['1.1.1.1', 'public'],
  ['9.255.255.255', 'public'],
  ['10.0.0.0', 'private'],
  ['10.255.255.255', 'private'],
  ['11.0.0.0', 'public'],
  ['100.63.255.255', 'public'],
  ['100.64.0.0', 'shared'],
  ['100.127.255.255', 'shared'],
  ['100.128.0.0', 'public'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.255', 'loopback'],
  ['169.254.169.254', 'link-local'],
  ['169.253.0.1', 'public'],
  ['172.15.255.255', 'public'],
  ['172.16.0.0', 'private'],
  ['172.31.255.255', 'private'],
  ['172.32.0.0', 'public'],
  ['192.0.0.1', 'reserved'],
  ['192.0.0.9', 'public'],
  ['192.0.0.10', 'public'],
  ['192.0.0.170', 'reserved'],
  ['192.0.1.1', 'public'],
  ['192.0.2.1', 'documentation'],
  ['192.31.196.1', 'public'],
  ['192.52.193.1', 'public'],
  ['192.88.99.1', 'reserved'],
  ['192.88.99.2', 'public'],
  ['192.88.98.1', 'public'],
  ['192.89.99.1', 'public'],
  ['192.167.255.255', 'public'],
  ['192.168.0.0', 'private'],
  ['192.168.255.255', 'private'],
  ['192.169.0.0', 'public'],
  ['192.175.48.1', 'public'],
  ['198.17.255.255', 'public'],
  ['198.18.0.0', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['198.20.0.0', 'public'],
  ['198.51.100.7', 'documentation'],
  ['198.51.101.7', 'public'],
  ['198.52.100.7', 'public'],
  ['203.1.113.1', 'public'],
  ['233.253.0.1', 'multicast'],
  ['233.252.1.0', 'multicast'],
  ['203.0.113.255', 'documentation'],
  ['203.0.114.1', 'public'],
  ['223.255.255.255', 'public'],
  ['224.0.0.1', 'multicast'],
  ['233.252.0.1', 'documentation'],
  ['233.252.1.1', 'multicast'],
  ['239.255.255.255', 'multicast'],
  ['240.0.0.0', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
];

const V6_CASES: readonly (readonly [string, AddressScope])[] = [
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['::2', 'reserved'],
  ['::1.2.3.4', 'reserved'],
  ['::ffff:8.8.8.8', 'public'],
  ['::ffff:10.1.2.3', 'private'],
  ['::ffff:100.64.0.1', 'shared'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:0a01:0203', 'private'],
  ['0:0:0:0:0:ffff:c000:0201', 'documentation'],
  ['64:ff9b::8.8.8.8', 'public'],
  ['64:ff9b::a00:1', 'private'],
  ['64:ff9b:1::1', 'translation'],
  ['64:ff9b:2::1', 'reserved'],
  ['64:ff9b:0:1::808:808', 'reserved'],
  ['::ffff:0.0.0.0', 'unspecified'],
  // A zone id after a dotted IPv4 tail is ignored too (node:net takes it).
  ['::ffff:10.1.2.3%eth0', 'private'],
  ['64:ff9b::8.8.8.8%eth0', 'public'],
  // Loopback is ::1 exactly and IPv4-mapped is ::ffff:0:0/96 exactly (RFC 4291 2.5.3, 2.5.5.2): the rest of ::/8 is reserved.
  ['0:1::1', 'reserved'],
  ['::2:0:0:1', 'reserved'],
  ['0:1::ffff:a00:1', 'reserved'],
  ['::%eth0', 'unspecified'],
  ['100::1', 'discard'],
  ['100:0:0:1::1', 'reserved'],
  ['2000::', 'public'],
  ['2001::1', 'teredo'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
  ['2001:1::1', 'public'],
  ['2001:1::2', 'public'],
  ['2001:1::3', 'public'],
  ['2001:1::4', 'reserved'],
  ['2001:1::', 'reserved'],
  ['2001:1:0:1::1', 'reserved'],
  ['2001:1::1:0:0:1', 'reserved'],
  ['2001:2::1', 'benchmarking'],
  ['2001:2:1::1', 'reserved'],
  ['2001:3::1', 'public'],
  ['2001:4:112::1', 'public'],
  ['2001:4:113::1', 'reserved'],
  ['2001:10::1', 'reserved'],
  ['2001:20::1', 'reserved'],
  ['2001:1ff::1', 'reserved'],
  ['2001:200::1', 'public'],
  ['2001:4860:4860::8888', 'public'],
  ['2001:db8::1', 'documentation'],
  ['2001:0DB8:ffff::1', 'documentation'],
  ['2002:c000:0204::1', '6to4'],
  ['2600:1f18:1234:5678:9abc:def0:1234:5678', 'public'],
  ['2620:4f:8000::1', 'public'],
  ['3fff::1', 'documentation'],
  ['3fff:fff::1', 'documentation'],
  ['3fff:1000::1', 'public'],
  ['3ffe::1', 'public'],
  ['4000::1', 'reserved'],
  ['5f00::1', 'reserved'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456:789a::1', 'unique-local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['fe80::1%x.y:z-1', 'link-local'],
  // Zone ids at the ends of the ranges node:net takes: 9, a, A.
  ['fe80::1%eth9', 'link-local'],
  ['fe80::1%wlan0', 'link-local'],
  ['fe80::1%A', 'link-local'],
  ['febf::1', 'link-local'],
  ['fec0::1', 'reserved'],
  ['ff02::1', 'multicast'],
  ['ff0e::db8:0:1', 'documentation'],
  ['ff02::db8:1:1', 'documentation'],
  ['ff02::1:db8:0:1', 'multicast'],
  ['FF05::1:3', 'multicast'],
  ['ff12::db8:0:1', 'multicast'],
  ['ff02:1::db8:0:1', 'multicast'],
  ['ff02:0:0:1:0:db8:0:1', 'multicast'],
];

const NOT_ADDRESSES = [
  '', '-', 'x', 'localhost', '1', '1.2.3', '1.2.3.4.5', '1.2.3.', '.1.2.3', '1..2.3', '256.1.1.1', '1.2.3.256',
  '01.2.3.4', '1.2.3.04', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4a', '1.2.3.4%eth0',
  ':', ':::', '1:2', ':1::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8::', '12345::',
  'g::1', '1:', '::1%', '::%', '1:2:3:4:5:6:7/8', '1.2.3./', '1.2.3.:', '/.2.3.4', '::ffff:1.2.3.4%', '::ffff:1.2.3', '::ffff:1.2.3.4.5', '1:2:3:4:5:6:7:1.2.3.4', 'fe80::1%',
  // A zone id is one or more of 0-9 A-Z a-z - . : (as node:net takes it); the fuzzer found "::%%" taken.
  '::%%', 'fe80::1%eth0%', '::ffff:1.2.3.4%%', '1::%x_y', '1:2:3:4:5:6:7:8%a b',
  // A colon left before the zone, three colons, a second "::" after a leading one, a hex octet (all refused by node:net).
  'fe80::1:%eth0', '1:::2', '::1::2', '10a.0.0.1',
];

describe('addressScope', () => {
  it.each(V4_CASES)('scopes IPv4 %s as %s', (ip, scope) => {
    expect(addressScope(ip)).toBe(scope);
  });

  it.each(V6_CASES)('scopes IPv6 %s as %s', (ip, scope) => {
    expect(addressScope(ip)).toBe(scope);
  });

  it.each(NOT_ADDRESSES)('returns undefined for %j', (text) => {
    expect(addressScope(text)).toBeUndefined();
  });

  it('only returns scopes that ADDRESS_SCOPES lists, and uses them all', () => {
    // Arrange
    const seen = new Set([...V4_CASES, ...V6_CASES].map(([ip]) => addressScope(ip)));

    // Assert
    expect([...seen].sort()).toEqual([...ADDRESS_SCOPES].sort());
  });

  it('scopes the addresses the flow-log generator calls public', () => {
    expect(['203.0.113.7', '198.51.100.200', '2001:db8:abcd::1234'].map(addressScope)).toEqual(['documentation', 'documentation', 'documentation']);
    expect(['52.94.1.2', '3.208.0.1', '11.0.0.1', '99.255.255.254'].map(addressScope)).toEqual(['public', 'public', 'public', 'public']);
  });
});

describe('parseAddress', () => {
  it('writes an IPv4 address as one unsigned word', () => {
    // Arrange
    const out = new Uint32Array(4);

    // Act
    const family = parseAddress('255.1.2.3', out);

    // Assert
    expect(family).toBe(4);
    expect(out[0]).toBe(0xff010203);
  });

  it('writes an IPv6 address as four words, most significant first', () => {
    const out = new Uint32Array(4);

    expect(parseAddress('2001:db8::ffff:1.2.3.4', out)).toBe(6);
    expect([...out]).toEqual([0x20010db8, 0, 0xffff, 0x01020304]);
  });

  it('expands "::" in every position', () => {
    const out = new Uint32Array(4);
    const cases: [string, number[]][] = [
      ['::', [0, 0, 0, 0]],
      ['1::', [0x00010000, 0, 0, 0]],
      ['::8', [0, 0, 0, 8]],
      ['1:2:3:4:5:6:7::', [0x00010002, 0x00030004, 0x00050006, 0x00070000]],
      ['1::8', [0x00010000, 0, 0, 8]],
      ['1:2::7:8', [0x00010002, 0, 0, 0x00070008]],
      ['a:B:c:D:e:F:a0:FFFF', [0x000a000b, 0x000c000d, 0x000e000f, 0x00a0ffff]],
    ];
    for (const [ip, words] of cases) {
      expect(parseAddress(ip, out), ip).toBe(6);
      expect([...out], ip).toEqual(words);
    }
  });

  it('returns 0 for a string that is not an address', () => {
    expect(parseAddress('1.2.3.4.5', new Uint32Array(4))).toBe(0);
  });
});

describe('parsePublicAddress', () => {
  it('turns an IPv4-mapped address into its IPv4 address', () => {
    const out = new Uint32Array(4);

    expect(parsePublicAddress('::ffff:8.8.4.4', out)).toBe(4);
    expect(out[0]).toBe(0x08080404);
  });

  it('turns a NAT64 address into its IPv4 address', () => {
    const out = new Uint32Array(4);

    expect(parsePublicAddress('64:ff9b::1.1.1.1', out)).toBe(4);
    expect(out[0]).toBe(0x01010101);
  });

  it('returns 0 for addresses that are not public', () => {
    const out = new Uint32Array(4);

    for (const ip of ['10.0.0.1', '::ffff:192.168.1.1', '100.64.0.1', 'fd00::1', '2001:db8::1', '198.51.100.1', 'nope']) {
      expect(parsePublicAddress(ip, out), ip).toBe(0);
    }
  });

  it('looks up an IPv4 address only from ::ffff:0:0/96 and 64:ff9b::/96', () => {
    const out = new Uint32Array(4);

    for (const ip of ['0:0:1::ffff:808:808', '1::ffff:808:808', '::808:808', '64:ff9b::1:808:808']) expect(parsePublicAddress(ip, out), ip).toBe(0);
  });

  it('returns 6 for a public IPv6 address', () => {
    expect(parsePublicAddress('2a00:1450:4001::200e', new Uint32Array(4))).toBe(6);
  });
});
