import { beforeAll, describe, expect, it } from 'vitest';
import { buildGeo, DEFAULT_GEO_DIR } from '../../../scripts/build-geo.mjs';
import { ENRICHMENT_FIELDS } from '../../../src/format/document.js';
import { enrichAddresses, protocolName, tcpFlagNames, TCP_FLAGS } from '../../../src/enrich/enrich.js';
import { openGeoLookup, type GeoInfo, type GeoLookup } from '../../../src/enrich/geoip.js';

/** A GeoLookup that answers from a table and records what it was asked. */
function fakeGeo(answers: Record<string, GeoInfo>): GeoLookup & { readonly asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    lookup: (ip) => {
      asked.push(ip);
      return answers[ip];
    },
    metadata: { database: 'fake', databaseType: 'fake', buildEpoch: new Date(0), asnRanges: { v4: 0, v6: 0 }, loadMs: 0 },
  };
}

const GOOGLE: GeoInfo = { country: 'US', asn: 15169, asOrg: 'Google LLC' };
const LONDON: GeoInfo = { country: 'GB', city: 'London', location: { lat: 51.5, lon: -0.09 }, asn: 5089, asOrg: 'Virgin Media Limited' };

describe('protocolName', () => {
  it.each([
    [0, 'hopopt'], [1, 'icmp'], [2, 'igmp'], [4, 'ipv4'], [6, 'tcp'], [17, 'udp'], [41, 'ipv6'],
    [43, 'ipv6-route'], [44, 'ipv6-frag'], [47, 'gre'], [50, 'esp'], [51, 'ah'], [58, 'ipv6-icmp'],
    [59, 'ipv6-nonxt'], [60, 'ipv6-opts'], [88, 'eigrp'], [89, 'ospf'], [103, 'pim'], [112, 'vrrp'],
    [115, 'l2tp'], [132, 'sctp'], [136, 'udplite'], [137, 'mpls-in-ip'], [143, 'ethernet'], [145, 'nsh'],
  ])('names protocol %i %s', (n, name) => {
    expect(protocolName(n)).toBe(name);
  });

  it.each([61, 63, 68, 99, 114, 148, 200, 253, 254, 255, 256, -1, 6.5, Number.NaN])('has no name for %d', (n) => {
    expect(protocolName(n)).toBeUndefined();
  });

  it('names every number from 0 to 147 but the five "any ..." ones', () => {
    const unnamed = Array.from({ length: 148 }, (_, n) => n).filter((n) => protocolName(n) === undefined);

    expect(unnamed).toEqual([61, 63, 68, 99, 114]);
  });

  it('gives lower-case names without spaces', () => {
    for (let n = 0; n < 256; n++) expect(protocolName(n) ?? 'x').toMatch(/^[a-z0-9][a-z0-9.+/-]*$/);
  });
});

describe('tcpFlagNames', () => {
  it.each([
    [0, []],
    [1, ['FIN']],
    [2, ['SYN']],
    [3, ['FIN', 'SYN']],
    [4, ['RST']],
    [18, ['SYN', 'ACK']],
    [19, ['FIN', 'SYN', 'ACK']],
    [27, ['FIN', 'SYN', 'PSH', 'ACK']],
    [194, ['SYN', 'ECE', 'CWR']],
    [255, [...TCP_FLAGS]],
  ])('names the flags of %i', (bits, names) => {
    expect(tcpFlagNames(bits)).toEqual(names);
  });

  it('ignores bits above CWR', () => {
    expect(tcpFlagNames(256 + 18)).toEqual(['SYN', 'ACK']);
  });

  it.each([-1, 1.5, Number.NaN])('returns no names for %d', (bits) => {
    expect(tcpFlagNames(bits)).toEqual([]);
  });

  it('returns one shared, frozen array per value', () => {
    expect(tcpFlagNames(18)).toBe(tcpFlagNames(18));
    expect(Object.isFrozen(tcpFlagNames(18))).toBe(true);
  });
});

describe('enrichAddresses', () => {
  it('adds scope, country and AS for a public source and only scope for a private destination', () => {
    // Arrange
    const geo = fakeGeo({ '8.8.8.8': GOOGLE });

    // Act
    const doc = enrichAddresses('8.8.8.8', '10.0.1.5', geo);

    // Assert
    expect(doc).toStrictEqual({
      src_addr_scope: 'public',
      dst_addr_scope: 'private',
      src_country: 'US',
      src_asn: 15169,
      src_as_org: 'Google LLC',
    });
    expect(geo.asked).toEqual(['8.8.8.8']);
  });

  it('adds city and location when the lookup has them', () => {
    const geo = fakeGeo({ '81.2.69.142': LONDON });

    const doc = enrichAddresses('172.31.0.9', '81.2.69.142', geo);

    expect(doc).toStrictEqual({
      src_addr_scope: 'private',
      dst_addr_scope: 'public',
      dst_country: 'GB',
      dst_city: 'London',
      dst_location: { lat: 51.5, lon: -0.09 },
      dst_asn: 5089,
      dst_as_org: 'Virgin Media Limited',
    });
  });

  it('never looks up an address that is not public', () => {
    const geo = fakeGeo({});

    enrichAddresses('10.0.0.1', '100.64.0.1', geo);
    enrichAddresses('127.0.0.1', '169.254.169.254', geo);
    enrichAddresses('203.0.113.5', '198.51.100.5', geo);
    enrichAddresses('fd00::1', 'fe80::1', geo);
    enrichAddresses('2001:db8::1', '::ffff:192.168.0.1', geo);
    enrichAddresses('224.0.0.5', '255.255.255.255', geo);

    expect(geo.asked).toEqual([]);
  });

  it('adds nothing for null, "-" and malformed addresses', () => {
    const geo = fakeGeo({});

    expect(enrichAddresses(null, null, geo)).toStrictEqual({});
    expect(enrichAddresses('-', 'nonsense', geo)).toStrictEqual({});
    expect(geo.asked).toEqual([]);
  });

  it('adds only scopes without a geo lookup', () => {
    expect(enrichAddresses('8.8.8.8', '2600:1f18::1', undefined)).toStrictEqual({ src_addr_scope: 'public', dst_addr_scope: 'public' });
  });

  it('adds only the scope when nothing is known about a public address', () => {
    expect(enrichAddresses('8.8.8.8', null, fakeGeo({}))).toStrictEqual({ src_addr_scope: 'public' });
  });

  it('writes into the object it is given and returns it', () => {
    // Arrange
    const doc = { srcaddr: '8.8.8.8', dstaddr: '10.0.0.1' };

    // Act
    const out = enrichAddresses(doc.srcaddr, doc.dstaddr, fakeGeo({ '8.8.8.8': GOOGLE }), doc);

    // Assert
    expect(out).toBe(doc);
    expect(out).toStrictEqual({
      srcaddr: '8.8.8.8',
      dstaddr: '10.0.0.1',
      src_addr_scope: 'public',
      dst_addr_scope: 'private',
      src_country: 'US',
      src_asn: 15169,
      src_as_org: 'Google LLC',
    });
  });

  it('only sets keys that src/format/document.ts declares, in its order', () => {
    // Arrange
    const declared = ENRICHMENT_FIELDS.map((f) => f.key);
    const geo = fakeGeo({ '8.8.8.8': GOOGLE, '81.2.69.142': LONDON });

    // Act
    const keys = Object.keys(enrichAddresses('81.2.69.142', '8.8.8.8', geo));

    // Assert
    expect(keys.every((k) => declared.includes(k))).toBe(true);
    expect(keys).toEqual(declared.filter((k) => keys.includes(k)));
  });

  describe('with the bundled geo data', () => {
    let geo: GeoLookup;

    beforeAll(() => {
      buildGeo({ out: DEFAULT_GEO_DIR });
      geo = openGeoLookup({ dir: DEFAULT_GEO_DIR });
    }, 120_000);

    it('enriches a flow from a VPC address to Cloudflare over IPv6 and IPv4', () => {
      expect(enrichAddresses('10.0.0.5', '1.1.1.1', geo)).toMatchObject({ src_addr_scope: 'private', dst_addr_scope: 'public', dst_asn: 13335 });
      expect(enrichAddresses('2600:1f18:aaaa::1', '2606:4700:4700::1111', geo)).toMatchObject({ dst_asn: 13335, src_as_org: expect.stringMatching(/Amazon/) });
    });

    it('leaves out keys without a value', () => {
      const doc = enrichAddresses('8.8.8.8', '10.0.0.5', geo);

      expect(Object.values(doc)).not.toContain(undefined);
      expect(doc).not.toHaveProperty('src_city');
    });
  });
});
